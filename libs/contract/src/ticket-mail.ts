import { integer, listOf, nullableString, object, string, type Answer } from './schema.js';

/** Where one person's ticket e-mail stands (the latest message), as the registrations table shows it. */
export const TICKET_MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'dropped'] as const;

/** `POST /api/conferences/:cid/tickets/send`: how many messages were queued, and how many people were left out. */
export const TicketsQueuedSchema = object({
  queued: { ...integer, description: 'Messages queued now, one per person; sent in the background' },
  skipped: {
    ...integer,
    description:
      'People asked for (or, without a body, registered) that were not queued: already sent, already waiting',
  },
});
export type TicketsQueued = Answer<typeof TicketsQueuedSchema>;

export const TicketMailPersonSchema = object({
  registrationId: string,
  status: { type: 'string', enum: TICKET_MAIL_STATUSES },
  messageId: string,
  at: { type: 'string', description: 'ISO-8601 time of the latest change' },
  response: { ...nullableString, description: "The SMTP server's answer (a refusal's reason), when there was one" },
  reason: {
    ...nullableString,
    description: 'Why it failed or was dropped: refused, connection, outcome_unknown, erased, cancelled',
  },
});
export type TicketMailPerson = Answer<typeof TicketMailPersonSchema>;

/** `GET /api/conferences/:cid/ticket-mail`: progress of sending, and each person's latest message. */
export const TicketMailProgressSchema = object({
  configured: { type: 'boolean', description: 'Whether SMTP_URL is set: without it nothing can be sent' },
  queued: integer,
  sending: integer,
  sent: integer,
  failed: integer,
  dropped: integer,
  people: listOf(TicketMailPersonSchema),
});
export type TicketMailProgress = Answer<typeof TicketMailProgressSchema>;
