import type Database from 'better-sqlite3';
import { eventTypes, type EventFilter, type RecordedEvent } from '@emargement/event-store';
import type { ArrivalEvent, BadgePrinted, EntryRefusalReason } from '@emargement/conference';
import { RowWriter } from '../projections/row-writer.js';
import type { Projection } from '../projections/projection-runner.js';
import type { ReadModels } from '../projections/read-models.js';

/** Bump with any change to the fold or the rows below: the projection is then rebuilt from the start. */
const VERSION = 'arrivals-3';

const TYPES = [
  'AttendeeAdmitted',
  'EntryRefused',
  'AdmissionUndone',
  'LunchPaid',
  'LunchPaymentReversed',
  'CharterSigned',
  'SignatureVoided',
  'BadgePrinted',
];
const TYPE_SET: ReadonlySet<string> = new Set(TYPES);
/** Whole names: a later type that starts like one of these (`AttendeeAdmittedElsewhere`) is not one (issue 20). */
export const ARRIVALS_FILTER: EventFilter = eventTypes(...TYPES);

export interface TicketSummary {
  admitted: { at: string; door: string; scanId: string } | null;
  /** The last refusal at a door (by scan time), whatever came after: the organisers' table shows it when no admission stands. */
  refused: { at: string; door: string; reason: EntryRefusalReason } | null;
  lunchPaid: boolean;
  /** Standing (not voided) charter signatures, by id. */
  signatures: ReadonlySet<string>;
  /** Badges printed (issue 24): how many copies, the last one when; `null`: none yet. */
  badge: { copies: number; lastPrintedAt: string } | null;
}

export interface ScanRow {
  conferenceId: string;
  registrationId: string | null;
}

/** The two charter events the projection keeps (whether a person has signed), not the charter's own fold. */
type SignatureEvent =
  | { type: 'CharterSigned'; data: { registrationId: string; signatureId: string } }
  | { type: 'SignatureVoided'; data: { registrationId: string; signatureId: string } };

interface StoredSummary {
  admitted: TicketSummary['admitted'];
  refused: TicketSummary['refused'];
  lunchPaid: boolean;
  signatures: string[];
  badge?: TicketSummary['badge'];
}

export const NOTHING: TicketSummary = Object.freeze({
  admitted: null,
  refused: null,
  lunchPaid: false,
  signatures: new Set<string>(),
  badge: null,
});

const toStored = (t: TicketSummary): StoredSummary => ({
  admitted: t.admitted,
  refused: t.refused,
  lunchPaid: t.lunchPaid,
  signatures: [...t.signatures],
  badge: t.badge,
});
const fromStored = (s: StoredSummary): TicketSummary => ({
  admitted: s.admitted,
  refused: s.refused,
  lunchPaid: s.lunchPaid,
  signatures: new Set(s.signatures),
  badge: s.badge ?? null,
});

/**
 * Arrivals per ticket, as the organisers' table, the export, the tickets and
 * the signatories' list need them (who is in, who was refused and why, who
 * has paid for lunch, who has signed a charter), and which scan belongs to
 * which ticket (for undo). A checkpointed projection (ADR 006): rows and
 * checkpoint in `read-models.sqlite`, committed together.
 *
 * No personal data: ids, doors, times, reason codes. Readers see only
 * committed state: `apply` writes to a pending layer that `committed` makes
 * visible, so a transaction that fails (and is folded again) never showed.
 * Summaries are values: a change replaces the ticket's object.
 */
export class ArrivalsProjection implements Projection {
  readonly name = 'arrivals';
  readonly version = VERSION;
  readonly handles: readonly string[] = TYPES;

  private tickets = new Map<string, TicketSummary>();
  private scans = new Map<string, ScanRow>();
  private readonly pendingTickets = new Map<string, TicketSummary>();
  private readonly pendingScans = new Map<string, ScanRow>();
  private putTicket: RowWriter<[string, string]> | undefined;
  private putScan: RowWriter<[string, string, string | null]> | undefined;

  constructor(private readonly readModels: ReadModels) {}

  private get db(): Database.Database {
    return this.readModels.db;
  }

  migrate(): void {
    // Keyed by their primary key alone (WITHOUT ROWID, since arrivals-3): a
    // scan's new row is written to one B-tree, where a rowid table with a
    // TEXT key writes two (the table's and its key's index): a page less in
    // the write-ahead log for every scan (test/scan-work.e2e.spec.ts). Rows
    // are small (ids and a short summary), as such tables want.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS arrival_tickets (
        registration_id TEXT PRIMARY KEY,
        summary         TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS arrival_scans (
        scan_id         TEXT PRIMARY KEY,
        conference_id   TEXT NOT NULL,
        registration_id TEXT
      ) WITHOUT ROWID`);
    this.putTicket = new RowWriter(
      this.db,
      'INSERT INTO arrival_tickets (registration_id, summary)',
      2,
      'ON CONFLICT (registration_id) DO UPDATE SET summary = excluded.summary',
    );
    this.putScan = new RowWriter(
      this.db,
      'INSERT INTO arrival_scans (scan_id, conference_id, registration_id)',
      3,
      'ON CONFLICT (scan_id) DO NOTHING',
    );
  }

  reset(): void {
    this.db.exec('DROP TABLE IF EXISTS arrival_tickets; DROP TABLE IF EXISTS arrival_scans');
    this.migrate();
  }

  load(): void {
    this.tickets = new Map();
    this.scans = new Map();
    this.pendingTickets.clear();
    this.pendingScans.clear();
    const tickets = this.db.prepare<[], { registration_id: string; summary: string }>(
      'SELECT registration_id, summary FROM arrival_tickets',
    );
    for (const r of tickets.iterate())
      this.tickets.set(r.registration_id, fromStored(JSON.parse(r.summary) as StoredSummary));
    const scans = this.db.prepare<[], { scan_id: string; conference_id: string; registration_id: string | null }>(
      'SELECT scan_id, conference_id, registration_id FROM arrival_scans',
    );
    for (const r of scans.iterate()) {
      this.scans.set(r.scan_id, { conferenceId: r.conference_id, registrationId: r.registration_id });
    }
  }

  apply(event: RecordedEvent): void {
    // A type it does not know is passed over (the runner counts it), never a stop: an older instance meets a newer one's events.
    if (!TYPE_SET.has(event.type)) return;
    const e = { type: event.type, data: event.data } as ArrivalEvent | SignatureEvent | BadgePrinted;
    switch (e.type) {
      case 'BadgePrinted': {
        const t = this.ticket(e.data.registrationId);
        if (t.badge === null || e.data.copy > t.badge.copies) {
          this.pendingTickets.set(e.data.registrationId, {
            ...t,
            badge: { copies: e.data.copy, lastPrintedAt: e.data.printedAt },
          });
        }
        return;
      }
      case 'CharterSigned':
      case 'SignatureVoided': {
        const t = this.ticket(e.data.registrationId);
        const signatures = new Set(t.signatures);
        if (e.type === 'CharterSigned') signatures.add(e.data.signatureId);
        else signatures.delete(e.data.signatureId);
        this.pendingTickets.set(e.data.registrationId, { ...t, signatures });
        return;
      }
      case 'AttendeeAdmitted': {
        const { scanId, conferenceId, registrationId, scannedAt: at, door } = e.data;
        this.rememberScan(scanId, { conferenceId, registrationId });
        const t = this.ticket(registrationId);
        // Doors that worked offline may each have let the person in: the earliest scan is the admission.
        if (t.admitted === null || Date.parse(at) < Date.parse(t.admitted.at)) {
          this.pendingTickets.set(registrationId, { ...t, admitted: { at, door, scanId } });
        }
        return;
      }
      case 'EntryRefused': {
        const { scanId, conferenceId, registrationId, scannedAt: at, door, reason } = e.data;
        this.rememberScan(scanId, { conferenceId, registrationId });
        if (registrationId === null) return;
        const t = this.ticket(registrationId);
        if (t.refused === null || Date.parse(at) >= Date.parse(t.refused.at)) {
          this.pendingTickets.set(registrationId, { ...t, refused: { at, door, reason } });
        }
        return;
      }
      case 'AdmissionUndone': {
        const t = this.ticket(e.data.registrationId);
        if (t.admitted?.scanId === e.data.scanId)
          this.pendingTickets.set(e.data.registrationId, { ...t, admitted: null });
        return;
      }
      case 'LunchPaid': {
        const t = this.ticket(e.data.registrationId);
        if (!t.lunchPaid) this.pendingTickets.set(e.data.registrationId, { ...t, lunchPaid: true });
        return;
      }
      case 'LunchPaymentReversed': {
        // The ticket holds one standing payment at most (the decider's rule): reversed, none is left.
        const t = this.ticket(e.data.registrationId);
        if (t.lunchPaid) this.pendingTickets.set(e.data.registrationId, { ...t, lunchPaid: false });
        return;
      }
      case 'ScanConflicted':
      case 'ConflictAcknowledged':
      case 'AdmissionUndoRefused':
        return; // not subscribed to (the filter): the conflicts have a read model of their own
      default: {
        const unknown: never = e;
        void unknown; // every type of TYPES is handled above (the compiler checks); anything else was left out
        return;
      }
    }
  }

  private ticket(registrationId: string): TicketSummary {
    return this.pendingTickets.get(registrationId) ?? this.tickets.get(registrationId) ?? NOTHING;
  }

  private rememberScan(scanId: string, row: ScanRow): void {
    // A scan id is recorded once; the first event that names it is the one that counts.
    if (!this.pendingScans.has(scanId) && !this.scans.has(scanId)) this.pendingScans.set(scanId, row);
  }

  persist(): void {
    const putTicket = this.putTicket;
    const putScan = this.putScan;
    if (putTicket === undefined || putScan === undefined) throw new Error('arrivals: migrate() first');
    putTicket.write([...this.pendingTickets].map(([id, t]): [string, string] => [id, JSON.stringify(toStored(t))]));
    putScan.write(
      [...this.pendingScans].map(([id, s]): [string, string, string | null] => [id, s.conferenceId, s.registrationId]),
    );
  }

  committed(): void {
    for (const [id, t] of this.pendingTickets) this.tickets.set(id, t);
    for (const [id, s] of this.pendingScans) this.scans.set(id, s);
    this.pendingTickets.clear();
    this.pendingScans.clear();
  }

  /** Committed state only. */
  summary(registrationId: string): TicketSummary {
    return this.tickets.get(registrationId) ?? NOTHING;
  }

  scan(scanId: string): ScanRow | undefined {
    return this.scans.get(scanId);
  }
}
