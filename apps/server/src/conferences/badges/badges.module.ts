import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { GetBadgeController, GetBadgeHandler } from './get-badge/get-badge.js';
import { PrintBadgesController, PrintBadgesHandler } from './print-badges/print-badges.js';

/** Name badges (issue 24): the PDFs, drawn from the registry; the print log as events on `badge-<rid>`. */
@Module({
  imports: [ConferencesModule, TicketsModule],
  controllers: [GetBadgeController, PrintBadgesController],
  providers: [GetBadgeHandler, PrintBadgesHandler],
})
export class BadgesModule {}
