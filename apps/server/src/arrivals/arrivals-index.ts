import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventFilter, EventStore, Subscription } from '@emargement/event-store';
import type { ArrivalEvent, EntryRefusalReason } from '@emargement/conference';
import { EVENT_STORE } from '../event-store/event-store.module.js';

export interface TicketSummary {
  admitted: { at: string; door: string; scanId: string } | null;
  /** The last refusal at a door (by scan time), whatever came after: the organisers' table shows it when no admission stands. */
  refused: { at: string; door: string; reason: EntryRefusalReason } | null;
  lunchPaid: boolean;
  /** Standing (not voided) charter signatures, by id. */
  signatures: ReadonlySet<string>;
}

interface MutableSummary extends TicketSummary {
  signatures: Set<string>;
}

const FILTER: EventFilter = {
  filterOn: 'eventType',
  prefixes: ['AttendeeAdmitted', 'EntryRefused', 'AdmissionUndone', 'LunchPaid', 'CharterSigned', 'SignatureVoided'],
};

/** The two charter events the index keeps (whether a person has signed), not the charter's own fold. */
type SignatureEvent =
  | { type: 'CharterSigned'; data: { registrationId: string; signatureId: string } }
  | { type: 'SignatureVoided'; data: { registrationId: string; signatureId: string } };

const NOTHING: TicketSummary = { admitted: null, refused: null, lunchPaid: false, signatures: new Set() };

/**
 * A small read model of arrivals, fed only by the store's subscription (never
 * by the write side in-process), so that every server instance and every
 * restart sees the same: which scan belongs to which ticket (for undo), who
 * is in, who was refused and why, who has paid for lunch, who has signed a
 * charter (for the organisers' table, without reading every charter). Kept in memory and rebuilt from the store at
 * start; the checkpointed, persisted projections are the live-attendance work.
 */
@Injectable()
export class ArrivalsIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ArrivalsIndex');
  private readonly scans = new Map<string, { conferenceId: string; registrationId: string | null }>();
  private readonly tickets = new Map<string, MutableSummary>();
  private position = -1n;
  private subscription: Subscription | undefined;
  private waiters: { position: bigint; resolve: () => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationBootstrap(): void {
    this.subscription = this.store.subscribeToAll({ filter: FILTER });
    const sub = this.subscription;
    this.running = (async () => {
      try {
        for await (const m of sub) {
          if (m.kind !== 'event') continue;
          this.apply({ type: m.event.type, data: m.event.data } as ArrivalEvent | SignatureEvent);
          this.position = m.event.position;
          this.release();
        }
      } catch (error) {
        this.logger.error(`arrivals subscription ended: ${String(error)}`);
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.unsubscribe();
    await this.running;
    for (const w of this.waiters) w.resolve();
  }

  private apply(event: ArrivalEvent | SignatureEvent): void {
    switch (event.type) {
      case 'CharterSigned':
        this.ticket(event.data.registrationId).signatures.add(event.data.signatureId);
        return;
      case 'SignatureVoided':
        this.ticket(event.data.registrationId).signatures.delete(event.data.signatureId);
        return;
      case 'AttendeeAdmitted': {
        this.scans.set(event.data.scanId, event.data);
        const t = this.ticket(event.data.registrationId);
        // Doors that worked offline may each have let the person in: the earliest scan is the admission.
        if (t.admitted === null || Date.parse(event.data.scannedAt) < Date.parse(t.admitted.at)) {
          t.admitted = { at: event.data.scannedAt, door: event.data.door, scanId: event.data.scanId };
        }
        return;
      }
      case 'EntryRefused': {
        this.scans.set(event.data.scanId, event.data);
        if (event.data.registrationId === null) return;
        const t = this.ticket(event.data.registrationId);
        if (t.refused === null || Date.parse(event.data.scannedAt) >= Date.parse(t.refused.at)) {
          t.refused = { at: event.data.scannedAt, door: event.data.door, reason: event.data.reason };
        }
        return;
      }
      case 'AdmissionUndone': {
        const t = this.ticket(event.data.registrationId);
        if (t.admitted?.scanId === event.data.scanId) t.admitted = null;
        return;
      }
      case 'LunchPaid':
        this.ticket(event.data.registrationId).lunchPaid = true;
        return;
      case 'ScanConflicted':
      case 'ConflictAcknowledged':
        return; // not subscribed to (FILTER): the conflicts have a read model of their own
      default: {
        const unknown: never = event;
        throw new Error(`Unexpected event ${JSON.stringify(unknown)}`);
      }
    }
  }

  private ticket(registrationId: string): MutableSummary {
    let t = this.tickets.get(registrationId);
    if (!t) {
      t = { admitted: null, refused: null, lunchPaid: false, signatures: new Set() };
      this.tickets.set(registrationId, t);
    }
    return t;
  }

  private release(): void {
    const ready = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const w of ready) w.resolve();
  }

  /** Resolves once every arrival event stored so far has been applied (read-your-writes). */
  async caughtUp(): Promise<void> {
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1, filter: FILTER });
    if (!last || last.position <= this.position) return;
    await new Promise<void>((resolve) => this.waiters.push({ position: last.position, resolve }));
  }

  summary(registrationId: string): TicketSummary {
    return this.tickets.get(registrationId) ?? NOTHING;
  }

  async scan(scanId: string): Promise<{ conferenceId: string; registrationId: string | null } | undefined> {
    if (!this.scans.has(scanId)) await this.caughtUp();
    return this.scans.get(scanId);
  }
}
