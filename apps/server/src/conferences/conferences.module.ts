import { Module } from '@nestjs/common';
import { ConferenceRegistry } from './conference-registry.js';
import {
  ConferencesController,
  ReviseConferenceHandler,
  ScheduleConferenceHandler,
} from './schedule-conference/schedule-conference.js';
import { RegisterPersonController, RegisterPersonHandler } from './register-person/register-person.js';
import { SetWalkInPolicyController, SetWalkInPolicyHandler } from './set-walk-in-policy/set-walk-in-policy.js';
import {
  ImportRegistrationsController,
  ImportRegistrationsHandler,
} from './import-registrations/import-registrations.js';
import { CancelRegistrationController, CancelRegistrationHandler } from './cancel-registration/cancel-registration.js';
import {
  CorrectRegistrationController,
  CorrectRegistrationHandler,
} from './correct-registration/correct-registration.js';
import { ListRegistrationsHandler, SearchAttendeesController } from './search-attendees/search-attendees.js';
import { AttendeeDirectory } from './search-attendees/attendee-directory.js';
import {
  ExportRegistrationsController,
  ExportRegistrationsHandler,
} from './export-registrations/export-registrations.js';
import { ArrivalsIndex } from '../arrivals/arrivals-index.js';
import { MovementsRegistry } from '../spaces/movements-registry.js';

/**
 * Conferences and registrations. The arrivals index is provided here, not in
 * ArrivalsModule: the registrations' lists, tickets and badges show who has
 * arrived, and ArrivalsModule already imports this module (the registry's facts).
 */
@Module({
  controllers: [
    ImportRegistrationsController,
    ConferencesController,
    RegisterPersonController,
    SetWalkInPolicyController,
    CancelRegistrationController,
    CorrectRegistrationController,
    SearchAttendeesController,
    ExportRegistrationsController,
  ],
  providers: [
    ConferenceRegistry,
    ArrivalsIndex,
    ScheduleConferenceHandler,
    ReviseConferenceHandler,
    RegisterPersonHandler,
    SetWalkInPolicyHandler,
    ImportRegistrationsHandler,
    CancelRegistrationHandler,
    CorrectRegistrationHandler,
    ListRegistrationsHandler,
    AttendeeDirectory,
    ExportRegistrationsHandler,
    // The conference's movements: the spaces use them, and so does the door's list (where each person is).
    MovementsRegistry,
  ],
  exports: [ConferenceRegistry, ArrivalsIndex, MovementsRegistry],
})
export class ConferencesModule {}
