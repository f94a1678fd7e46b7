import { accept, refuse, type Decider, type Decision, type DomainCommand, type DomainEvent } from '@emargement/decider';

/**
 * A person's ticket sent by e-mail (issue 25), on the person's own stream
 * `mail-<registrationId>`: one stream per person, so that sending 400 tickets
 * never contends on the conference's registry, and a claim on one message
 * (`TicketSendAttempted`, appended at the revision it was decided on) is won
 * by exactly one sender, whatever the number of server instances.
 *
 * A message goes through: queued → attempted (its Message-ID recorded BEFORE
 * it leaves) → sent | failed; or queued → dropped (the person was erased or
 * cancelled before it left). An attempt whose outcome was never recorded (the
 * process died between the SMTP server's answer and the append) is in doubt:
 * it is closed as failed `outcome_unknown`, never sent again by itself
 * (at most once, ADR 021); an organiser may resend it.
 *
 * The recipient's address is personal data: it travels in `recipient.email`,
 * which the store seals with the person's key (libs/privacy), so an erasure
 * leaves no address in these events.
 */

export { LANGUAGES as MAIL_LANGUAGES } from '../vocabulary.js';
import type { Language } from '../vocabulary.js';
export type MailLanguage = Language;

export interface Recipient {
  /** '' once the person is erased (sealed personal data). */
  email: string;
  erased?: true;
}

/** Why a message was not sent: an SMTP refusal, a broken connection, an unknown outcome, ... */
export const SEND_FAILURE_REASONS = ['refused', 'connection', 'outcome_unknown', 'error'] as const;
export type SendFailureReason = (typeof SEND_FAILURE_REASONS)[number];

export const DROP_REASONS = ['erased', 'cancelled', 'no_address'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

// ---------------------------------------------------------------- events

export type TicketSendQueued = DomainEvent<
  'TicketSendQueued',
  {
    conferenceId: string;
    registrationId: string;
    /** Chosen by the server when queueing; the message's `Message-ID` is `<messageId@sender's domain>`. */
    messageId: string;
    recipient: Recipient;
    language: MailLanguage;
    /** Queued although the ticket was already sent: an organiser's explicit resend. */
    resend: boolean;
    queuedAt: string;
  }
>;

/** Recorded BEFORE the message leaves: the claim of one sender (`instanceId`) on the message. */
export type TicketSendAttempted = DomainEvent<
  'TicketSendAttempted',
  { conferenceId: string; registrationId: string; messageId: string; instanceId: string; attemptedAt: string }
>;

export type TicketSent = DomainEvent<
  'TicketSent',
  {
    conferenceId: string;
    registrationId: string;
    messageId: string;
    recipient: Recipient;
    /** The SMTP server's last answer, e.g. `250 2.0.0 Ok: queued as 4BqX`. */
    response: string;
    sentAt: string;
  }
>;

export type TicketSendFailed = DomainEvent<
  'TicketSendFailed',
  {
    conferenceId: string;
    registrationId: string;
    messageId: string;
    recipient: Recipient;
    reason: SendFailureReason;
    /** The SMTP server's answer (`550 5.1.1 User unknown`), or what broke. */
    response: string;
    /** The SMTP reply code when there was one. */
    responseCode: number | null;
    failedAt: string;
  }
>;

/** A queued message that will never leave: the person was erased or cancelled meanwhile. */
export type TicketSendDropped = DomainEvent<
  'TicketSendDropped',
  { conferenceId: string; registrationId: string; messageId: string; reason: DropReason; droppedAt: string }
>;

export type TicketMailEvent =
  TicketSendQueued | TicketSendAttempted | TicketSent | TicketSendFailed | TicketSendDropped;

export const TICKET_MAIL_EVENT_TYPES = [
  'TicketSendQueued',
  'TicketSendAttempted',
  'TicketSent',
  'TicketSendFailed',
  'TicketSendDropped',
] as const satisfies readonly TicketMailEvent['type'][];

export const isTicketMailEvent = (event: { type: string }): event is TicketMailEvent =>
  (TICKET_MAIL_EVENT_TYPES as readonly string[]).includes(event.type);

// ----------------------------------------------------------------- state

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'dropped';

export interface MailMessage {
  messageId: string;
  status: MessageStatus;
  language: MailLanguage;
  queuedAt: string;
  attemptedAt?: string;
  instanceId?: string;
  /** When it was sent, failed or dropped. */
  closedAt?: string;
  response?: string;
  reason?: SendFailureReason | DropReason;
}

export interface TicketMailState {
  conferenceId: string | null;
  /** Oldest first. */
  messages: MailMessage[];
}

export const initialTicketMailState = (): TicketMailState => ({ conferenceId: null, messages: [] });

/** The one message not closed yet (queued or being sent), if any: at most one at a time. */
export const openMessage = (state: TicketMailState): MailMessage | undefined =>
  state.messages.find((m) => m.status === 'queued' || m.status === 'sending');

/** Whether a ticket was ever sent to this person (then a send without `resend` skips them). */
export const everSent = (state: TicketMailState): boolean => state.messages.some((m) => m.status === 'sent');

/** The latest message's status, or `null`: what the registrations table shows. */
export const lastStatus = (state: TicketMailState): MessageStatus | null =>
  state.messages.length === 0 ? null : state.messages[state.messages.length - 1]!.status;

const updated = (state: TicketMailState, messageId: string, change: Partial<MailMessage>): TicketMailState => ({
  ...state,
  messages: state.messages.map((m) => (m.messageId === messageId ? { ...m, ...change } : m)),
});

/** Never throws on stored history: an outcome for an unknown message changes nothing. */
export const evolveTicketMail = (state: TicketMailState, event: TicketMailEvent): TicketMailState => {
  switch (event.type) {
    case 'TicketSendQueued': {
      const d = event.data;
      if (state.messages.some((m) => m.messageId === d.messageId)) return state;
      return {
        conferenceId: d.conferenceId,
        messages: [
          ...state.messages,
          { messageId: d.messageId, status: 'queued', language: d.language, queuedAt: d.queuedAt },
        ],
      };
    }
    case 'TicketSendAttempted':
      return updated(state, event.data.messageId, {
        status: 'sending',
        attemptedAt: event.data.attemptedAt,
        instanceId: event.data.instanceId,
      });
    case 'TicketSent':
      return updated(state, event.data.messageId, {
        status: 'sent',
        closedAt: event.data.sentAt,
        response: event.data.response,
      });
    case 'TicketSendFailed':
      return updated(state, event.data.messageId, {
        status: 'failed',
        closedAt: event.data.failedAt,
        response: event.data.response,
        reason: event.data.reason,
      });
    case 'TicketSendDropped':
      return updated(state, event.data.messageId, {
        status: 'dropped',
        closedAt: event.data.droppedAt,
        reason: event.data.reason,
      });
    default: {
      const unknown: never = event;
      throw new Error(`Unknown ticket mail event ${JSON.stringify(unknown)}`);
    }
  }
};

export const foldTicketMail = (
  events: Iterable<TicketMailEvent>,
  from: TicketMailState = initialTicketMailState(),
): TicketMailState => {
  let state = from;
  for (const event of events) state = evolveTicketMail(state, event);
  return state;
};

// -------------------------------------------------------------- commands

export type QueueTicketSend = DomainCommand<'QueueTicketSend', TicketSendQueued['data']>;
export type AttemptTicketSend = DomainCommand<'AttemptTicketSend', TicketSendAttempted['data']>;
export type RecordTicketSent = DomainCommand<'RecordTicketSent', TicketSent['data']>;
export type RecordTicketSendFailed = DomainCommand<'RecordTicketSendFailed', TicketSendFailed['data']>;
export type DropTicketSend = DomainCommand<'DropTicketSend', TicketSendDropped['data']>;

export type TicketMailCommand =
  QueueTicketSend | AttemptTicketSend | RecordTicketSent | RecordTicketSendFailed | DropTicketSend;

export const TICKET_MAIL_REFUSAL_REASONS = [
  /** Sent before, and the send did not ask to send again. */
  'already_sent',
  /** A message for this person is already waiting or leaving. */
  'already_queued',
  /** The message is not waiting (another sender claimed it, or it was dropped). */
  'not_queued',
  /** No attempt of this message is open (its outcome is already recorded). */
  'not_sending',
  'unknown_message',
] as const;
export type TicketMailRefusalReason = (typeof TICKET_MAIL_REFUSAL_REASONS)[number];

export type TicketMailOutcome = MailMessage;

type MailDecision = Decision<TicketMailEvent, TicketMailOutcome, TicketMailRefusalReason>;

const find = (state: TicketMailState, messageId: string): MailMessage | undefined =>
  state.messages.find((m) => m.messageId === messageId);

const acceptOne = (state: TicketMailState, event: TicketMailEvent, messageId: string): MailDecision =>
  accept([event], find(evolveTicketMail(state, event), messageId)!);

export const decideTicketMail = (command: TicketMailCommand, state: TicketMailState): MailDecision => {
  switch (command.type) {
    case 'QueueTicketSend': {
      const d = command.data;
      const same = find(state, d.messageId);
      if (same) return accept([], same); // a retried queueing: already done
      if (openMessage(state)) return refuse('already_queued');
      if (everSent(state) && !d.resend) return refuse('already_sent');
      return acceptOne(state, { type: 'TicketSendQueued', data: d }, d.messageId);
    }
    case 'AttemptTicketSend': {
      const m = find(state, command.data.messageId);
      if (!m) return refuse('unknown_message');
      if (m.status !== 'queued') return refuse('not_queued', { status: m.status });
      return acceptOne(state, { type: 'TicketSendAttempted', data: command.data }, m.messageId);
    }
    case 'RecordTicketSent': {
      const m = find(state, command.data.messageId);
      if (!m) return refuse('unknown_message');
      // A late confirmation of an attempt already closed as `outcome_unknown` is still the truth: it was sent.
      const lateConfirmation = m.status === 'failed' && m.reason === 'outcome_unknown';
      if (m.status !== 'sending' && !lateConfirmation) return refuse('not_sending', { status: m.status });
      return acceptOne(state, { type: 'TicketSent', data: command.data }, m.messageId);
    }
    case 'RecordTicketSendFailed': {
      const m = find(state, command.data.messageId);
      if (!m) return refuse('unknown_message');
      if (m.status !== 'sending') return refuse('not_sending', { status: m.status });
      return acceptOne(state, { type: 'TicketSendFailed', data: command.data }, m.messageId);
    }
    case 'DropTicketSend': {
      const m = find(state, command.data.messageId);
      if (!m) return refuse('unknown_message');
      if (m.status === 'dropped') return accept([], m);
      if (m.status !== 'queued') return refuse('not_queued', { status: m.status });
      return acceptOne(state, { type: 'TicketSendDropped', data: command.data }, m.messageId);
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown ticket mail command ${JSON.stringify(unknown)}`);
    }
  }
};

export const ticketMailDecider: Decider<
  TicketMailCommand,
  TicketMailEvent,
  TicketMailState,
  TicketMailOutcome,
  TicketMailRefusalReason
> = {
  decide: decideTicketMail,
  evolve: evolveTicketMail,
  initialState: initialTicketMailState,
  fold: foldTicketMail,
};
