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
import { ScanTicketController, ScanTicketHandler } from '../arrivals/scan-ticket/scan-ticket.js';
import { TicketCache } from '../arrivals/ticket-cache.js';
import {
  UndoAdmissionController,
  UndoAdmissionHandler,
  UndoRegistrationAdmissionController,
  UndoRegistrationAdmissionHandler,
} from '../arrivals/undo-admission/undo-admission.js';
import {
  ReverseLunchPaymentController,
  ReverseLunchPaymentHandler,
} from '../arrivals/reverse-lunch-payment/reverse-lunch-payment.js';
import {
  RecordLunchPaymentController,
  RecordLunchPaymentHandler,
} from '../arrivals/record-lunch-payment/record-lunch-payment.js';
import { LookUpTicketController, LookUpTicketHandler } from '../arrivals/look-up-ticket/look-up-ticket.js';
import { DoorReadModel } from '../arrivals/door-read-model.js';
import { GetDoorDatasetController, GetDoorDatasetHandler } from '../arrivals/door-dataset/get-door-dataset.js';
import { MovementsRegistry } from '../spaces/movements-registry.js';
import {
  AcknowledgeConflictHandler,
  ConflictsController,
  ListConflictsHandler,
} from '../arrivals/conflicts/conflicts.js';

/** Conferences, registrations and arrivals: one module, since arrivals are decided on the registry's facts. */
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
    ScanTicketController,
    UndoAdmissionController,
    UndoRegistrationAdmissionController,
    RecordLunchPaymentController,
    ReverseLunchPaymentController,
    LookUpTicketController,
    GetDoorDatasetController,
    ConflictsController,
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
    ScanTicketHandler,
    TicketCache,
    UndoAdmissionHandler,
    UndoRegistrationAdmissionHandler,
    RecordLunchPaymentHandler,
    ReverseLunchPaymentHandler,
    LookUpTicketHandler,
    DoorReadModel,
    GetDoorDatasetHandler,
    // The conference's movements: the spaces use them, and so does the door's list (where each person is).
    MovementsRegistry,
    ListConflictsHandler,
    AcknowledgeConflictHandler,
  ],
  exports: [ConferenceRegistry, ArrivalsIndex, MovementsRegistry],
})
export class ConferencesModule {}
