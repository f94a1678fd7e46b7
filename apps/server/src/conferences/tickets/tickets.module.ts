import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences.module.js';
import { GetTicketController, GetTicketHandler } from './get-ticket/get-ticket.js';
import { DoorTicketBudget } from './door-ticket-budget.js';
import { PrintTicketsController, PrintTicketsHandler } from './print-tickets/print-tickets.js';

/** Tickets as pictures and printable PDFs, drawn from the registry's state; writes nothing. */
@Module({
  imports: [ConferencesModule],
  controllers: [GetTicketController, PrintTicketsController],
  providers: [GetTicketHandler, PrintTicketsHandler, DoorTicketBudget],
  // One budget per door for every file that carries a ticket's code: the badges take from it too.
  exports: [DoorTicketBudget],
})
export class TicketsModule {}
