import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@emargement/event-store';
import { ticketSha256, type Category, type ConferenceEvent, type ArrivalEvent } from '@emargement/conference';
import { RowWriter } from '../../projections/row-writer.js';
import type { Projection } from '../../projections/projection-runner.js';
import type { ReadModels } from '../../projections/read-models.js';

/** Bump with any change to the fold or the rows below: the projection is then rebuilt from the start. */
// 2: an erased person's ticket stays, cancelled, so that the door refuses it offline as online (issue 21).
// 3: a corrected registration (`RegistrationCorrected`) is a changed row, its names joined afresh from the registry.
// 4: a movement (issue 23) is a changed row, the person's place joined afresh from the movements when served.
const VERSION = 'door-dataset-4';

const TYPES = [
  'PersonRegistered',
  'PersonWaitlisted',
  'WaitlistedPersonPromoted',
  'RegistrationCancelled',
  'PersonalDataErased',
  'RegistrationCorrected',
  'AttendeeAdmitted',
  'AdmissionUndone',
  'LunchPaid',
  'LunchPaymentReversed',
] as const;
/**
 * Movements change where a person is, which the list carries (`place`) for
 * the space's phone to decide offline: like a corrected name, the place is
 * joined when the list is served (from the conference's folded movements,
 * at least as fresh as this projection), and here a movement only moves the
 * row's position so that a delta brings it.
 */
const MOVEMENT_TYPES: ReadonlySet<string> = new Set([
  'PersonEnteredSpace',
  'PersonLeftSpace',
  'PersonLeftSite',
  'PersonReturnedToSite',
]);
type DatasetEventType = (typeof TYPES)[number];
type DatasetEvent = Extract<ConferenceEvent | ArrivalEvent, { type: DatasetEventType }>;
const TYPE_SET: ReadonlySet<string> = new Set(TYPES);

/**
 * What a door needs to decide about a ticket without the server, per
 * registration, as of a store position. No name is kept here: names are
 * sealed personal data (ADR 007), joined from the registry when the list is
 * served, so that an erasure leaves nothing of the person in this file; the
 * ticket code is kept only as its SHA-256, which is what the door compares.
 */
export interface DoorTicketRow {
  registrationId: string;
  conferenceId: string;
  ticketSha256: string;
  organisation: string | null;
  category: Category;
  status: 'registered' | 'waitlisted' | 'cancelled';
  lunch: boolean;
  lunchPaid: boolean;
  /** Standing admissions, earliest scan first (doors that worked offline may each have let the person in). */
  admissions: { scanId: string; at: string; door: string }[];
  /**
   * Erased under the right to be forgotten: the door keeps the ticket's hash
   * only, as cancelled, and nothing else of the person (no name, organisation
   * or admission), so that it refuses the ticket `cancelled` offline as the
   * server does online.
   */
  erased: boolean;
}

/**
 * The door's list, one row per registration with the `$all` position of the
 * last event that changed it, so that a door that has the list as of a cursor
 * gets only the rows changed after it (`position > cursor`).
 */
export class DoorDatasetProjection implements Projection {
  readonly name = 'door-dataset';
  readonly version = VERSION;
  readonly handles: readonly string[] = [...TYPES, ...MOVEMENT_TYPES];

  private rows = new Map<string, { row: DoorTicketRow; position: bigint }>();
  private readonly dirty = new Set<string>();
  private put: RowWriter<[string, string, bigint, string]> | undefined;
  private selectPage:
    | Database.Statement<[string, bigint, bigint, string, number], { id: string; position: bigint; row: string }>
    | undefined;

  constructor(private readonly readModels: ReadModels) {}

  private get db(): Database.Database {
    return this.readModels.db;
  }

  migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS door_tickets (
        registration_id TEXT PRIMARY KEY,
        conference_id   TEXT NOT NULL,
        position        INTEGER NOT NULL,
        row             TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS door_tickets_by_position ON door_tickets (conference_id, position)`);
    this.put = new RowWriter(
      this.db,
      'INSERT INTO door_tickets (registration_id, conference_id, position, row)',
      4,
      'ON CONFLICT (registration_id) DO UPDATE SET position = excluded.position, row = excluded.row',
    );
    this.selectPage = this.db.prepare(
      `SELECT registration_id AS id, position, row FROM door_tickets
       WHERE conference_id = ? AND (position > ? OR (position = ? AND registration_id > ?))
       ORDER BY position, registration_id LIMIT ?`,
    );
    // Positions as read: an EventStoreDB commit position may pass 2^53, where a number would round.
    this.selectPage.safeIntegers(true);
  }

  reset(): void {
    this.db.exec('DROP TABLE IF EXISTS door_tickets');
    this.migrate();
  }

  load(): void {
    this.rows = new Map();
    const select = this.db.prepare<[], { position: number; row: string }>('SELECT position, row FROM door_tickets');
    for (const r of select.iterate()) {
      const row = JSON.parse(r.row) as DoorTicketRow;
      this.rows.set(row.registrationId, { row, position: BigInt(r.position) });
    }
    this.dirty.clear();
  }

  apply(event: RecordedEvent): void {
    if (MOVEMENT_TYPES.has(event.type)) {
      const registrationId = (event.data as { registrationId?: unknown }).registrationId;
      const entry = typeof registrationId === 'string' ? this.rows.get(registrationId) : undefined;
      if (entry === undefined || entry.row.erased) return;
      entry.position = event.position;
      this.dirty.add(entry.row.registrationId);
      return;
    }
    if (!TYPE_SET.has(event.type)) return;
    const e = { type: event.type, data: event.data } as DatasetEvent;
    const changed = this.fold(e);
    if (changed === null) return;
    const entry = this.rows.get(changed);
    if (entry) entry.position = event.position;
    this.dirty.add(changed);
  }

  /** Folds one event; returns the registration it changed, if any. */
  private fold(e: DatasetEvent): string | null {
    const existing = this.rows.get(e.data.registrationId ?? '')?.row;
    switch (e.type) {
      case 'PersonRegistered':
      case 'PersonWaitlisted': {
        if (existing !== undefined) return null; // a registration is recorded once
        const d = e.data;
        const row: DoorTicketRow = {
          registrationId: d.registrationId,
          conferenceId: d.conferenceId,
          // Recorded with the event since the code is sealed (read back as '' once erased); older events: from the code.
          ticketSha256: d.ticketSha256 ?? ticketSha256(d.ticketCode),
          organisation: d.person.organisation?.trim() || null,
          category: d.category,
          status: e.type === 'PersonRegistered' ? 'registered' : 'waitlisted',
          lunch: d.lunch,
          lunchPaid: false,
          admissions: [],
          erased: false,
        };
        this.rows.set(d.registrationId, { row, position: 0n });
        return d.registrationId;
      }
      case 'WaitlistedPersonPromoted':
        if (existing === undefined) return null;
        existing.status = 'registered';
        return existing.registrationId;
      case 'RegistrationCancelled':
        if (existing === undefined) return null;
        existing.status = 'cancelled';
        return existing.registrationId;
      case 'RegistrationCorrected': {
        // The names are the registry's (joined when served): the row changes position so a door's delta brings them.
        if (existing === undefined || existing.erased) return null;
        const { organisation, category } = e.data.changes;
        if (organisation !== undefined) existing.organisation = organisation?.trim() || null;
        if (category !== undefined) existing.category = category;
        return existing.registrationId;
      }
      case 'PersonalDataErased':
        if (existing === undefined) return null;
        existing.erased = true;
        existing.status = 'cancelled';
        existing.organisation = null;
        existing.admissions = [];
        existing.lunchPaid = false;
        return existing.registrationId;
      case 'AttendeeAdmitted': {
        if (existing === undefined || existing.erased) return null;
        const { scanId, scannedAt: at, door } = e.data;
        const t = Date.parse(at);
        const index = existing.admissions.findIndex((a) => Date.parse(a.at) > t);
        if (index === -1) existing.admissions.push({ scanId, at, door });
        else existing.admissions.splice(index, 0, { scanId, at, door });
        return existing.registrationId;
      }
      case 'AdmissionUndone':
        if (existing === undefined || existing.erased) return null;
        existing.admissions = existing.admissions.filter((a) => a.scanId !== e.data.scanId);
        return existing.registrationId;
      case 'LunchPaid':
        if (existing === undefined || existing.erased) return null;
        existing.lunchPaid = true;
        return existing.registrationId;
      case 'LunchPaymentReversed':
        if (existing === undefined || existing.erased) return null;
        existing.lunchPaid = false;
        return existing.registrationId;
      default: {
        const unknown: never = e;
        void unknown; // every type of TYPES is handled above (the compiler checks); apply() lets no other in
        return null;
      }
    }
  }

  persist(): void {
    const put = this.put;
    if (put === undefined) throw new Error('door-dataset: migrate() first');
    const rows: [string, string, bigint, string][] = [];
    for (const id of this.dirty) {
      const entry = this.rows.get(id);
      if (entry) rows.push([id, entry.row.conferenceId, entry.position, JSON.stringify(entry.row)]);
    }
    put.write(rows);
    this.dirty.clear();
  }

  committed(): void {
    // Nothing to publish: readers read the committed rows from the file.
  }

  /**
   * The next `limit` committed rows of the conference after `after` (in
   * position, then registration order), for a list read in pages over
   * several turns of the event loop. A row that changes between two pages
   * moves past the reader's place and is read again, newer: never skipped.
   */
  page(
    conferenceId: string,
    after: { position: bigint; registrationId: string } | null,
    limit: number,
  ): { rows: { row: DoorTicketRow; position: bigint }[]; last: { position: bigint; registrationId: string } | null } {
    if (this.selectPage === undefined) throw new Error('door-dataset: migrate() first');
    const found = this.selectPage.all(
      conferenceId,
      after?.position ?? -1n,
      after?.position ?? -1n,
      after?.registrationId ?? '',
      limit,
    );
    const tail = found.at(-1);
    return {
      rows: found.map((r) => ({ row: JSON.parse(r.row) as DoorTicketRow, position: r.position })),
      last: tail === undefined ? null : { position: tail.position, registrationId: tail.id },
    };
  }
}
