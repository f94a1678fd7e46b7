import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  eventTypes,
  type EventStore,
  type Metadata,
  type RecordedEvent,
  type Subscription,
} from '@emargement/event-store';
import { CommandRefusedError } from '@emargement/decider';
import {
  evolveTicketMail,
  initialTicketMailState,
  isTicketMailEvent,
  mailStream,
  openMessage,
  registrationById,
  ticketMailDecider,
  TICKET_MAIL_EVENT_TYPES,
  type MailMessage,
  type TicketMailCommand,
  type TicketMailEvent,
  type TicketMailOutcome,
  type TicketMailState,
} from '@emargement/conference';
import { EVENT_STORE } from '../../../event-store/event-store.module.js';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig } from '../../../config/config.js';
import { ConferenceRegistry } from '../../conference-registry.js';
import { ArrivalsIndex } from '../../../arrivals/arrivals-index.js';
import { runDecider } from '../../../shared/decider-runner.js';
import { Clock } from '../../../shared/clock.js';
import { ticketSheet } from '../ticket-sheet.js';
import { Mailer } from './mailer.js';
import { ticketMessage } from './ticket-message.js';
import { ticketLinkUrl } from './ticket-link.js';

/** How many times the sender queues a message again by itself after the SMTP server said « later » or hung up. */
export const AUTOMATIC_RETRIES = 3;
/** After a broken connection or a 4xx, the sender waits this long before the next message. */
const BACKOFF_MS = 1_000;
/**
 * An attempt by another instance (or by this server before a restart) with no outcome after this long is in
 * doubt: nodemailer gives up on a connection well before (its socket and greeting timeouts are a minute at most),
 * so its sender is gone. Closed as `outcome_unknown`, never sent again by itself (ADR 021).
 */
export const IN_DOUBT_AFTER_MS = 5 * 60_000;

interface PersonMail {
  conferenceId: string;
  state: TicketMailState;
  /** The revision of `mail-<rid>` folded into `state`: an event is applied once, whichever way it arrives. */
  revision: bigint;
}

const sleep = (ms: number, wake: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void wake.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The background sender of tickets by e-mail (issue 25, ADR 021). It learns what is queued from the store's
 * subscription (so a message queued by any instance, or before a restart, is found), and for each message:
 * 1. drops it if the person was erased or cancelled meanwhile;
 * 2. claims it by appending `TicketSendAttempted` (its Message-ID) at the revision it read: of two instances,
 *    one wins, the other is refused `not_queued` and moves on; the claim is on record before anything leaves;
 * 3. sends it, with that Message-ID, at most `MAIL_PER_MINUTE` a minute;
 * 4. records `TicketSent` or `TicketSendFailed` with the server's answer.
 * Stopping (SIGTERM, a restart) lets the message in hand finish and its outcome be recorded, then stops: so a
 * restart in the middle of a batch sends every message exactly once. Only a crash between 3 and 4 leaves an
 * attempt in doubt, closed later as `outcome_unknown` (at most once).
 */
@Injectable()
export class TicketOutbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Mail');
  readonly instanceId = randomUUID();
  private readonly people = new Map<string, PersonMail>();
  private readonly byConference = new Map<string, Set<string>>();
  /** People with a queued message, oldest queueing first. */
  private readonly waiting = new Set<string>();
  private subscription: Subscription | undefined;
  private stopping = false;
  private stopped!: () => void;
  private readonly stop = new Promise<void>((resolve) => (this.stopped = resolve));
  private wake: (() => void) | undefined;
  /** Ends the pause between two messages at once (stopping). */
  private cancelPause: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private following: Promise<void> | undefined;
  private markReady!: () => void;
  /** Resolves once the subscription has delivered the history known at start. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));
  private nextSendAt = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.following = this.follow();
    if (this.config.mail !== undefined) this.loop = this.send();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.stopped();
    this.cancelPause?.();
    this.kick();
    await this.loop;
    await this.subscription?.unsubscribe();
    await this.following;
  }

  // ------------------------------------------------------------ the index

  private async follow(): Promise<void> {
    let from: bigint | 'start' = 'start';
    let backoff = 100;
    while (!this.stopping) {
      const subscription = this.store.subscribeToAll({
        fromPosition: from,
        // With the erasures and cancellations: a message still waiting for such a person is dropped at once.
        filter: eventTypes(...TICKET_MAIL_EVENT_TYPES, 'PersonalDataErased', 'RegistrationCancelled'),
      });
      this.subscription = subscription;
      try {
        for await (const message of subscription) {
          if (message.kind === 'caughtUp') {
            this.markReady();
            this.kick();
            continue;
          }
          from = message.event.position;
          backoff = 100;
          this.applyRecorded(message.event);
        }
        return; // unsubscribed
      } catch (error) {
        if (this.stopping) return;
        // The client never resubscribes by itself after a drop (FIELD-NOTES): from the last event seen.
        this.logger.warn(
          `Mail subscription dropped, resuming: ${error instanceof Error ? error.message : String(error)}`,
        );
        await sleep(backoff, this.stop);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private applyRecorded(event: RecordedEvent): void {
    if (event.type === 'PersonalDataErased' || event.type === 'RegistrationCancelled') {
      this.dropWaiting(event);
      return;
    }
    if (!isTicketMailEvent(event)) return;
    const data = event.data as { conferenceId: string; registrationId: string };
    this.apply(data.conferenceId, data.registrationId, [event], event.revision);
  }

  /** Folds events of `mail-<rid>` ending at `revision` (the subscription's, or this instance's own appends). */
  apply(conferenceId: string, registrationId: string, events: readonly TicketMailEvent[], revision: bigint): void {
    const person = this.people.get(registrationId) ?? {
      conferenceId,
      state: initialTicketMailState(),
      revision: -1n,
    };
    const first = revision - BigInt(events.length - 1);
    events.forEach((event, i) => {
      if (first + BigInt(i) <= person.revision) return;
      person.state = evolveTicketMail(person.state, event);
      person.revision = first + BigInt(i);
    });
    this.people.set(registrationId, person);
    const mine = this.byConference.get(conferenceId) ?? new Set<string>();
    mine.add(registrationId);
    this.byConference.set(conferenceId, mine);
    if (openMessage(person.state)?.status === 'queued') {
      if (!this.waiting.has(registrationId)) {
        this.waiting.add(registrationId);
        this.kick();
      }
    } else this.waiting.delete(registrationId);
  }

  /**
   * The person was erased or cancelled: their waiting message will never leave. Any instance may do it (the
   * decider answers a second drop with nothing); the sender checks again before each message anyway.
   */
  private dropWaiting(event: RecordedEvent): void {
    const { conferenceId, registrationId } = event.data as { conferenceId: string; registrationId: string };
    const message = openMessage(this.people.get(registrationId)?.state ?? initialTicketMailState());
    if (message?.status !== 'queued') return;
    const reason = event.type === 'PersonalDataErased' ? ('erased' as const) : ('cancelled' as const);
    void this.claimOrSkip(() =>
      this.execute(
        conferenceId,
        registrationId,
        {
          type: 'DropTicketSend',
          data: {
            conferenceId,
            registrationId,
            messageId: message.messageId,
            reason,
            droppedAt: this.clock.now().toISOString(),
          },
        },
        this.metadata(message.messageId),
      ),
    ).catch((error: unknown) => this.logger.error(`Dropping ${registrationId}: ${String(error)}`));
  }

  /** Each person of a conference that was ever queued, with their messages (oldest first). */
  messagesOf(conferenceId: string): { registrationId: string; messages: readonly MailMessage[] }[] {
    return [...(this.byConference.get(conferenceId) ?? [])].map((registrationId) => ({
      registrationId,
      messages: this.people.get(registrationId)!.state.messages,
    }));
  }

  // ------------------------------------------------------------- writing

  /** Runs a command on `mail-<rid>` and folds what it appended here at once (read-your-writes for the page). */
  async execute(
    conferenceId: string,
    registrationId: string,
    command: TicketMailCommand,
    metadata: Metadata,
  ): Promise<TicketMailOutcome> {
    const result = await runDecider(this.store, mailStream(registrationId), ticketMailDecider, command, metadata);
    if (result.appended) this.apply(conferenceId, registrationId, result.events, result.appended.to);
    return result.outcome;
  }

  private kick(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private metadata(messageId: string): Metadata {
    return {
      actor: { deviceId: 'mail-sender', role: null },
      deviceId: 'mail-sender',
      instanceId: this.instanceId,
      correlationId: messageId,
      causationId: messageId,
    };
  }

  // ------------------------------------------------------------- sending

  private async send(): Promise<void> {
    await Promise.race([this.ready, this.stop]);
    const perMinute = this.config.mail!.perMinute;
    const interval = 60_000 / perMinute;
    while (!this.stopping) {
      this.closeInDoubt();
      const [registrationId] = this.waiting;
      if (registrationId === undefined) {
        // Nothing to send: wait for a queueing (the subscription, or this instance's own), or a minute for in-doubt attempts.
        await sleep(60_000, new Promise<void>((resolve) => (this.wake = resolve)));
        continue;
      }
      const wait = this.nextSendAt - Date.now();
      if (wait > 0) {
        // Not `sleep(wait, this.stop)`: each call would leave a callback on the stop promise, one per message.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.cancelPause = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.cancelPause = undefined;
        if (this.stopping) break;
      }
      this.nextSendAt = Date.now() + interval;
      try {
        await this.sendOne(registrationId);
      } catch (error) {
        // The store or the registry failed: leave the message queued and try again a little later.
        this.logger.error(`Sending ${registrationId}: ${error instanceof Error ? error.message : String(error)}`);
        this.nextSendAt = Date.now() + BACKOFF_MS;
      }
    }
  }

  private async sendOne(registrationId: string): Promise<void> {
    const person = this.people.get(registrationId)!;
    const message = openMessage(person.state);
    if (message?.status !== 'queued') {
      this.waiting.delete(registrationId);
      return;
    }
    const { conferenceId } = person;
    const { messageId } = message;
    const meta = this.metadata(messageId);
    const now = () => this.clock.now().toISOString();
    const ids = { conferenceId, registrationId, messageId };
    const { state: conference } = await this.registry.current(conferenceId);
    const r = conference.status === 'scheduled' ? registrationById(conference, registrationId) : undefined;
    const dropReason =
      r === undefined || r.erasedAt !== undefined || r.person.erased === true
        ? ('erased' as const)
        : r.status === 'cancelled'
          ? ('cancelled' as const)
          : r.person.email === ''
            ? ('no_address' as const)
            : null;
    if (dropReason !== null || r === undefined || conference.status !== 'scheduled') {
      await this.claimOrSkip(() =>
        this.execute(
          conferenceId,
          registrationId,
          { type: 'DropTicketSend', data: { ...ids, reason: dropReason ?? 'erased', droppedAt: now() } },
          meta,
        ),
      );
      return;
    }
    // The claim, recorded before the message leaves: refused if someone else took it first.
    const claimed = await this.claimOrSkip(() =>
      this.execute(
        conferenceId,
        registrationId,
        { type: 'AttemptTicketSend', data: { ...ids, instanceId: this.instanceId, attemptedAt: now() } },
        meta,
      ),
    );
    if (!claimed) return;
    const recipient = { email: r.person.email };
    let result;
    try {
      const ticket = ticketSheet(conferenceId, conference.details, r, this.arrivals.summary(registrationId).lunchPaid);
      const built = await ticketMessage({
        ticket,
        programme: conference.details.programme ?? [],
        language: message.language,
        ticketUrl: ticketLinkUrl(this.config, conferenceId, registrationId, r.ticketCode),
      });
      result = await this.mailer.send(recipient.email, messageId, built);
    } catch (error) {
      result = {
        ok: false as const,
        reason: 'error' as const,
        response: error instanceof Error ? error.message : String(error),
        responseCode: null,
      };
    }
    if (result.ok) {
      await this.execute(
        conferenceId,
        registrationId,
        { type: 'RecordTicketSent', data: { ...ids, recipient, response: result.response, sentAt: now() } },
        meta,
      );
      return;
    }
    await this.execute(
      conferenceId,
      registrationId,
      {
        type: 'RecordTicketSendFailed',
        data: {
          ...ids,
          recipient,
          reason: result.reason,
          response: result.response,
          responseCode: result.responseCode,
          failedAt: now(),
        },
      },
      meta,
    );
    this.logger.warn(`Ticket ${registrationId} not sent (${result.reason}): ${result.response}`);
    if (result.reason === 'connection') {
      this.nextSendAt = Date.now() + BACKOFF_MS;
      // The server did not take it: queue it again, a few times, before leaving it to the organisers.
      const tail = person.state.messages.slice(-AUTOMATIC_RETRIES - 1);
      const recentConnectionFailures = tail.filter((m) => m.status === 'failed' && m.reason === 'connection').length;
      if (recentConnectionFailures <= AUTOMATIC_RETRIES) {
        await this.claimOrSkip(() =>
          this.execute(
            conferenceId,
            registrationId,
            {
              type: 'QueueTicketSend',
              data: {
                ...ids,
                messageId: randomUUID(),
                recipient,
                language: message.language,
                resend: false,
                queuedAt: now(),
              },
            },
            meta,
          ),
        );
      }
    }
  }

  /** Runs a step that another sender may have made pointless (refused by the decider): false when it was. */
  private async claimOrSkip(step: () => Promise<unknown>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (error) {
      if (!(error instanceof CommandRefusedError)) throw error;
      this.logger.debug(`Skipped: ${error.reason}`);
      return false;
    }
  }

  /** Attempts nobody will confirm any more (their sender stopped between sending and recording): failed, in doubt. */
  private closeInDoubt(): void {
    const limit = Date.now() - IN_DOUBT_AFTER_MS;
    for (const [registrationId, person] of this.people) {
      const m = openMessage(person.state);
      if (m?.status !== 'sending' || m.instanceId === this.instanceId) continue;
      if (m.attemptedAt === undefined || Date.parse(m.attemptedAt) > limit) continue;
      void this.claimOrSkip(() =>
        this.execute(
          person.conferenceId,
          registrationId,
          {
            type: 'RecordTicketSendFailed',
            data: {
              conferenceId: person.conferenceId,
              registrationId,
              messageId: m.messageId,
              recipient: { email: '' },
              reason: 'outcome_unknown',
              response:
                'The sender stopped before recording the SMTP server’s answer: it may or may not have been delivered',
              responseCode: null,
              failedAt: this.clock.now().toISOString(),
            },
          },
          this.metadata(m.messageId),
        ),
      ).catch((error: unknown) => this.logger.error(`In-doubt ${registrationId}: ${String(error)}`));
    }
  }
}
