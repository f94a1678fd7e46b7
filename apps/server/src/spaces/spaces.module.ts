import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { MovementsRegistry } from './movements-registry.js';
import { MovePersonHandler } from './move-person.js';
import { ClosingTime } from './closing-time.js';
import { DefineSpaceHandler, SpacesController } from './spaces.js';

/** The day's spaces, movements, who is on site and the evacuation roll call (issue 23). */
@Module({
  imports: [ConferencesModule],
  controllers: [SpacesController],
  providers: [MovementsRegistry, MovePersonHandler, DefineSpaceHandler, ClosingTime],
  exports: [MovementsRegistry],
})
export class SpacesModule {}
