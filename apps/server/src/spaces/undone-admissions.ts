import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { eventTypes, type EventStore, type RecordedEvent, type Subscription } from '@emargement/event-store';
import { arrivalDecider, ticketStream, type AdmissionUndone, type AttendeeAdmitted } from '@emargement/conference';
import { SITE, returnedByAdmission, type MovementConflicted } from '@emargement/spaces';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { loadStream } from '../shared/decider-runner.js';
import { MovementsRegistry } from './movements-registry.js';

const RESUME_MAX_MS = 5_000;

/**
 * An admission undone at the entrance checks the person out of the space they
 * are in (issue 23: « counting never doubles when a scan is undone », « checked
 * out by a recorded event, not silently »): a `PersonLeftSpace` with
 * `because: 'admission_undone'` on the movements stream, decided by the
 * movements decider (`CheckOutAdmissionUndone`).
 *
 * It follows `AdmissionUndone` on the store's subscription rather than
 * hooking the undo's handlers, so every way an admission is undone (by scan
 * id, by registration, from a door's outbox, by another instance) is seen, and
 * a check-out missed by a crash between the undo and this is written at the
 * next start. It keeps no checkpoint: it reads every undo from the start of
 * the log at each start (undos are few), and the decider makes that safe:
 * someone no longer inside, or admitted again since, gets nothing written.
 *
 * A space's phone that worked offline may send, after the undo, an entry it
 * let through before it knew of it: recorded as it happened, with a
 * `MovementConflicted` (`not_admitted`). That conflict is followed too, and
 * the person checked out by the same rule when their ticket is still not
 * admitted (a person who left the site is refused `not_admitted` as well, but
 * their ticket stands: they stay), so a late upload does not count them
 * inside again.
 *
 * Admissions are followed too, for the other half of the undo: someone who
 * left the site through a site door, whose admission was undone and who is
 * admitted again at the entrance, came back in (« a re-entry, not a
 * refusal »): a `PersonReturnedToSite` (`because: 'admitted'`), decided by
 * the movements decider (`ReturnAdmittedToSite`), so the spaces let them in
 * and the evacuation list has them. It is recorded rather than folded from
 * the ticket because the movements stream is what every reader of « left the
 * site » folds (the list's places, the phone, the on-site list, the history).
 * Only someone admitted can leave the site, so an admission of someone marked
 * as left follows an undo of theirs, earlier in the log: admissions of people
 * never undone (nearly all) are passed over without loading anything. Every
 * admission is read again at each start; the decider writes nothing for one
 * older than the person's last exit.
 */
@Injectable()
export class UndoneAdmissions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UndoneAdmissions');
  private subscription: Subscription | undefined;
  private following: Promise<void> | undefined;
  private stopping = false;
  private handled: bigint = -1n;
  private caughtUp = false;
  private waiters: { position: bigint | null; resolve: () => void }[] = [];
  /** Whose admission was undone, as read so far (undos are few): only their later admissions can be re-entries. */
  private readonly undone = new Set<string>();
  private wakeUp: (() => void) | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly movements: MovementsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.following = this.follow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.subscription?.unsubscribe();
    await this.following;
  }

  /** Resolves once the undos recorded before the subscription started are all handled. */
  untilCaughtUp(): Promise<void> {
    return this.until(null);
  }

  /** Resolves once every undo (and conflict) up to `position` in the log is handled (a test waits for its own so). */
  untilPosition(position: bigint): Promise<void> {
    return this.until(position);
  }

  private until(position: bigint | null): Promise<void> {
    if (this.reached(position)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private reached(position: bigint | null): boolean {
    return position === null ? this.caughtUp : this.handled >= position;
  }

  private settle(): void {
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (this.reached(waiter.position)) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  private async follow(): Promise<void> {
    let from: bigint | 'start' = 'start';
    let backoff = 100;
    while (!this.stopping) {
      const subscription = this.store.subscribeToAll({
        fromPosition: from,
        filter: eventTypes('AdmissionUndone', 'MovementConflicted', 'AttendeeAdmitted'),
      });
      this.subscription = subscription;
      try {
        for await (const message of subscription) {
          if (message.kind === 'caughtUp') {
            this.caughtUp = true;
            // Nothing matched up to there: every undo up to that position is handled.
            if (message.position !== null && message.position > this.handled) this.handled = message.position;
            this.settle();
            continue;
          }
          if (message.event.type === 'AttendeeAdmitted') await this.returnToSite(message.event);
          else await this.checkOut(message.event);
          if (message.event.type === 'AdmissionUndone') {
            this.undone.add((message.event as unknown as AdmissionUndone).data.registrationId);
          }
          from = message.event.position;
          this.handled = message.event.position;
          backoff = 100;
          this.settle();
        }
        return; // unsubscribed
      } catch (error) {
        if (this.stopping) return;
        // The client never resubscribes by itself after a drop (FIELD-NOTES): from the last undo handled.
        this.logger.warn(`Subscription dropped, resuming: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        backoff = Math.min(backoff * 2, RESUME_MAX_MS);
      }
    }
  }

  private async returnToSite(event: RecordedEvent): Promise<void> {
    const { conferenceId, registrationId, scanId, scannedAt, deviceId } = (event as unknown as AttendeeAdmitted).data;
    if (!this.undone.has(registrationId)) return;
    try {
      // Most admissions are of people who never left: no command to run (and no append to try) for them.
      const { state } = await this.movements.current(conferenceId);
      if (!returnedByAdmission(state, registrationId, scannedAt)) return;
      const { outcome } = await this.movements.run<{ returned: number }>(
        conferenceId,
        { type: 'ReturnAdmittedToSite', data: { conferenceId, registrationId, scanId, at: scannedAt, deviceId } },
        {
          actor: { deviceId: 'server', role: null },
          deviceId: 'server',
          reason: 'admitted_again',
          causationId: event.id,
        },
      );
      if (outcome.returned > 0) this.logger.log(`${registrationId} back on site (admitted again)`);
    } catch (error) {
      this.logger.error(
        `Return to site after the admission ${event.id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async checkOut(event: RecordedEvent): Promise<void> {
    let conferenceId: string;
    let registrationId: string;
    let at: string;
    let deviceId: string | null;
    if (event.type === 'MovementConflicted') {
      const d = (event as unknown as MovementConflicted).data;
      // Only an entry into a space let through offline that the server says came from someone not admitted.
      if (d.reason !== 'not_admitted' || d.direction !== 'in' || d.spaceId === SITE) return;
      ({ conferenceId, registrationId } = d);
      at = d.detectedAt;
      deviceId = null;
    } else {
      ({ conferenceId, registrationId, undoneAt: at, deviceId } = (event as unknown as AdmissionUndone).data);
    }
    try {
      // The ticket as it is now: admitted again since this undo, the person stays where they are.
      const { state: ticket } = await loadStream(this.store, ticketStream(registrationId), arrivalDecider);
      const { outcome } = await this.movements.run<{ checkedOut: number }>(
        conferenceId,
        {
          type: 'CheckOutAdmissionUndone',
          data: { conferenceId, registrationId, at, deviceId, admitted: ticket.status === 'admitted' },
        },
        {
          actor: { deviceId: 'server', role: null },
          deviceId: 'server',
          reason: 'admission_undone',
          causationId: event.id,
        },
      );
      if (outcome.checkedOut > 0) this.logger.log(`${registrationId} checked out (admission undone)`);
    } catch (error) {
      // One undo the server cannot act on (a conference erased meanwhile...) must not stop the others.
      this.logger.error(
        `Check-out after the undo ${event.id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
