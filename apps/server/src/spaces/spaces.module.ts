import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { MovePersonHandler } from './move-person.js';
import { ClosingTime } from './closing-time.js';
import { UndoneAdmissions } from './undone-admissions.js';
import { SpaceCurves } from './space-curves.js';
import { DefineSpaceHandler, SpacesController } from './spaces.js';

/** The day's spaces, movements, who is on site and the evacuation roll call (issue 23). */
@Module({
  imports: [ConferencesModule],
  controllers: [SpacesController],
  // MovementsRegistry comes from ConferencesModule (one instance: the door's list reads it too).
  providers: [MovePersonHandler, DefineSpaceHandler, ClosingTime, UndoneAdmissions, SpaceCurves],
  exports: [ConferencesModule],
})
export class SpacesModule {}
