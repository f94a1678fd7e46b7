import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { CharterModule } from '../charters/charter.module.js';
import { ErasePersonController, ErasePersonHandler } from './erase-person.js';
import { ExportPersonController, ExportPersonHandler } from './export-person.js';
import { PersonKeys } from './person-data.js';

/** A person's rights over their data: access (export) and erasure. */
@Module({
  imports: [ConferencesModule, CharterModule],
  controllers: [ErasePersonController, ExportPersonController],
  providers: [PersonKeys, ErasePersonHandler, ExportPersonHandler],
})
export class PrivacyModule {}
