import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { GetBadgeController, GetBadgeHandler } from './get-badge/get-badge.js';
import { PrintBadgesController, PrintBadgesHandler } from './print-badges/print-badges.js';
import { RecordBadgePrintController, RecordBadgePrintHandler } from './record-badge-print/record-badge-print.js';
import { DoorPrinters, DoorPrintersController, SetDoorPrinterHandler } from './door-printers/door-printers.js';
import { CupsPrinter } from './cups-printer.js';

/** Name badges (issue 24): the PDFs, drawn from the registry; the print log as events on `badge-<rid>`. */
@Module({
  imports: [ConferencesModule, TicketsModule],
  controllers: [GetBadgeController, PrintBadgesController, RecordBadgePrintController, DoorPrintersController],
  providers: [
    GetBadgeHandler,
    PrintBadgesHandler,
    RecordBadgePrintHandler,
    SetDoorPrinterHandler,
    DoorPrinters,
    CupsPrinter,
  ],
})
export class BadgesModule {}
