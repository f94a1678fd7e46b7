import type Database from 'better-sqlite3';
import { eventTypes, type EventFilter, type RecordedEvent } from '@emargement/event-store';
import {
  ATTENDANCE_EVENT_TYPES,
  ATTENDANCE_FOLD_VERSION,
  evolve,
  initialState,
  isAttendanceEvent,
  snapshotOf,
  type AttendanceSnapshot,
  type AttendanceState,
  type ConferenceTally,
  type RegistrationTally,
} from '@emargement/attendance';
import type { Projection } from '../projections/projection-runner.js';
import type { ReadModels } from '../projections/read-models.js';

/** Bump with any change to the tables below; the fold's own version is `ATTENDANCE_FOLD_VERSION`. */
const ROWS_VERSION = 1;

export const ATTENDANCE_FILTER: EventFilter = eventTypes(...ATTENDANCE_EVENT_TYPES);

export type AttendanceListener = (conferenceIds: readonly string[]) => void;

/**
 * The attendance read model (`libs/attendance`'s fold) kept in memory and in
 * two tables of the read-models file: one row per conference (its figures)
 * and one per registration (what the figures are counted from), each a JSON
 * document written back only when an event touched it.
 *
 * Readers get `snapshot(cid)`, which is rebuilt from the figures only when a
 * commit included the conference: it never shows a figure that is not on
 * disk, and a reader never pays for building it.
 */
export class AttendanceProjection implements Projection {
  readonly name = 'attendance';
  readonly version = `fold-${ATTENDANCE_FOLD_VERSION}.rows-${ROWS_VERSION}`;
  readonly handles: readonly string[] = ATTENDANCE_EVENT_TYPES;

  private state: AttendanceState = initialState();
  private readonly dirtyConferences = new Set<string>();
  private readonly dirtyRegistrations = new Set<string>();
  private written: string[] = [];
  private readonly published = new Map<string, AttendanceSnapshot>();
  private readonly listeners = new Set<AttendanceListener>();
  private stmts:
    | {
        putConference: Database.Statement<[string, string]>;
        putRegistration: Database.Statement<[string, string, string]>;
      }
    | undefined;

  constructor(private readonly readModels: ReadModels) {}

  private get db(): Database.Database {
    return this.readModels.db;
  }

  migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS attendance_conferences (
        conference_id TEXT PRIMARY KEY,
        tally         TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS attendance_registrations (
        registration_id TEXT PRIMARY KEY,
        conference_id   TEXT NOT NULL,
        tally           TEXT NOT NULL
      )`);
    this.stmts = {
      putConference: this.db.prepare(
        `INSERT INTO attendance_conferences (conference_id, tally) VALUES (?, ?)
         ON CONFLICT (conference_id) DO UPDATE SET tally = excluded.tally`,
      ),
      putRegistration: this.db.prepare(
        `INSERT INTO attendance_registrations (registration_id, conference_id, tally) VALUES (?, ?, ?)
         ON CONFLICT (registration_id) DO UPDATE SET tally = excluded.tally`,
      ),
    };
  }

  /** Drops and recreates the tables: rows of another version may have had another shape. */
  reset(): void {
    this.db.exec('DROP TABLE IF EXISTS attendance_conferences; DROP TABLE IF EXISTS attendance_registrations;');
    this.migrate();
  }

  load(): void {
    const state = initialState();
    for (const row of this.db.prepare<[], { tally: string }>('SELECT tally FROM attendance_conferences').iterate()) {
      const t = JSON.parse(row.tally) as ConferenceTally;
      state.conferences.set(t.conferenceId, t);
    }
    for (const row of this.db.prepare<[], { tally: string }>('SELECT tally FROM attendance_registrations').iterate()) {
      const r = JSON.parse(row.tally) as RegistrationTally;
      state.registrations.set(r.registrationId, r);
    }
    this.state = state;
    this.dirtyConferences.clear();
    this.dirtyRegistrations.clear();
    this.written = [];
    this.published.clear();
    for (const t of state.conferences.values()) this.publish(t);
  }

  apply(event: RecordedEvent): void {
    if (!isAttendanceEvent(event)) return;
    const touched = evolve(this.state, event, event.position);
    this.dirtyConferences.add(touched.conferenceId);
    if (touched.registrationId !== null) this.dirtyRegistrations.add(touched.registrationId);
  }

  persist(): void {
    const stmts = this.stmts;
    if (stmts === undefined) throw new Error('attendance: migrate() first');
    for (const id of this.dirtyRegistrations) {
      const r = this.state.registrations.get(id);
      if (r) stmts.putRegistration.run(id, r.conferenceId, JSON.stringify(r));
    }
    for (const id of this.dirtyConferences) {
      const t = this.state.conferences.get(id);
      if (t) stmts.putConference.run(id, JSON.stringify(t));
    }
    this.written.push(...this.dirtyConferences);
    this.dirtyConferences.clear();
    this.dirtyRegistrations.clear();
  }

  committed(): void {
    const changed = [...new Set(this.written)];
    this.written = [];
    for (const id of changed) {
      const t = this.state.conferences.get(id);
      if (t) this.publish(t);
    }
    if (changed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changed);
      } catch {
        // A reader's failure is the reader's: the projection has committed and goes on.
      }
    }
  }

  private publish(t: ConferenceTally): void {
    // Events of a conference never scheduled (none, in practice) stay out of sight.
    if (t.details !== null) this.published.set(t.conferenceId, snapshotOf(t));
  }

  /** The last committed snapshot of a scheduled conference. */
  snapshot(conferenceId: string): AttendanceSnapshot | undefined {
    return this.published.get(conferenceId);
  }

  /** Called after each commit with the conferences it changed. */
  onChange(listener: AttendanceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
