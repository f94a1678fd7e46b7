import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { CharterModule } from '../charters/charter.module.js';
import { SpacesModule } from '../spaces/spaces.module.js';
import { ErasePersonController, ErasePersonHandler } from './erase-person/erase-person.js';
import { ExportPersonController, ExportPersonHandler } from './export-person/export-person.js';
import { PersonKeys } from './person-data.js';
import { PersonHistoryController, PersonHistoryHandler } from './person-history/person-history.js';
import { ReplayErasures } from './replay-erasures.js';
import { PersonEvents } from './person-events.js';

/** A person's rights over their data: access (export), erasure, and their story told from the log (history). */
@Module({
  imports: [ConferencesModule, CharterModule, SpacesModule],
  controllers: [ErasePersonController, ExportPersonController, PersonHistoryController],
  providers: [PersonEvents, PersonKeys, ErasePersonHandler, ExportPersonHandler, PersonHistoryHandler, ReplayErasures],
})
export class PrivacyModule {}
