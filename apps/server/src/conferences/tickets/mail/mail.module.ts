import { Module } from '@nestjs/common';
import { ConferencesModule } from '../../conferences.module.js';
import { Mailer } from './mailer.js';
import { TicketOutbox } from './ticket-outbox.js';
import { TicketLinkController } from './ticket-link.js';
import { SendTicketsController, SendTicketsHandler, TicketMailProgressHandler } from './send-tickets/send-tickets.js';

/** Tickets by e-mail (issue 25): queueing, the background sender, progress, and the no-account link. */
@Module({
  imports: [ConferencesModule],
  controllers: [SendTicketsController, TicketLinkController],
  providers: [Mailer, TicketOutbox, SendTicketsHandler, TicketMailProgressHandler],
  exports: [TicketOutbox],
})
export class MailModule {}
