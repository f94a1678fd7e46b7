import type Database from 'better-sqlite3';
import { eventTypes, type EventFilter, type RecordedEvent } from '@emargement/event-store';
import {
  ATTENDANCE_EVENT_TYPES,
  ATTENDANCE_FOLD_VERSION,
  emptyTally,
  evolve,
  initialState,
  isAttendanceEvent,
  snapshotOf,
  type AttendanceSnapshot,
  type AttendanceState,
  type ConferenceTally,
  type RegistrationTally,
} from '@emargement/attendance';
import { RowWriter } from '../projections/row-writer.js';
import type { Projection } from '../projections/projection-runner.js';
import type { ReadModels } from '../projections/read-models.js';

/**
 * Bump with any change to the tables below; the fold's own version is `ATTENDANCE_FOLD_VERSION`.
 * 2: a conference's figures as small rows (`attendance_parts`), not one JSON document (issue 27).
 */
const ROWS_VERSION = 2;

/** The tally's fields of bounded size: together one small row (`head`), whatever the size of the day. */
const BOUNDED = ['details', 'position', 'totals', 'undone', 'refused', 'byCategory', 'lunch'] as const;
const HEAD = 'head';
/** The tally's records that grow with the day: one row per key. */
const RECORDS = ['byOrganisation', 'byDoor', 'arrivals', 'charters', 'conflicts.open'] as const;
type RecordName = (typeof RECORDS)[number];
/** The key of a record's entry among a conference's parts (a tab never starts a record's name). */
const SEP = '\t';

const recordOf = (t: ConferenceTally, name: RecordName): Record<string, unknown> =>
  name === 'conflicts.open' ? t.conflicts.open : t[name];

/** The bounded fields, as stored (JSON). */
const headOf = (t: ConferenceTally): string =>
  JSON.stringify({
    ...Object.fromEntries(BOUNDED.map((field) => [field, t[field]])),
    conflictsTotal: t.conflicts.total,
  });

/** Every part of a tally, by its key, as stored (JSON). */
const partsOf = (t: ConferenceTally): Map<string, string> => {
  const parts = new Map<string, string>([[HEAD, headOf(t)]]);
  for (const name of RECORDS) {
    for (const [key, value] of Object.entries(recordOf(t, name)))
      parts.set(`${name}${SEP}${key}`, JSON.stringify(value));
  }
  return parts;
};

/** The tally back from its parts (what `partsOf` wrote). */
const tallyOf = (conferenceId: string, parts: Iterable<{ part: string; value: string }>): ConferenceTally => {
  const t = emptyTally(conferenceId);
  const fields = t as unknown as Record<string, unknown>;
  for (const { part, value } of parts) {
    const parsed: unknown = JSON.parse(value);
    const sep = part.indexOf(SEP);
    if (part === HEAD) {
      const { conflictsTotal, ...bounded } = parsed as Record<string, unknown>;
      Object.assign(fields, bounded);
      t.conflicts.total = conflictsTotal as number;
    } else if (sep !== -1) {
      recordOf(t, part.slice(0, sep) as RecordName)[part.slice(sep + 1)] = parsed;
    }
  }
  return t;
};

export const ATTENDANCE_FILTER: EventFilter = eventTypes(...ATTENDANCE_EVENT_TYPES);

export type AttendanceListener = (conferenceIds: readonly string[]) => void;

/**
 * The attendance read model (`libs/attendance`'s fold) kept in memory and in
 * two tables of the read-models file: a conference's figures as small rows
 * (`attendance_parts`: one `head` of the bounded fields, one per
 * organisation, door, five-minute slot, charter and open conflict) and one row per registration
 * (what the figures are counted from). A batch writes back only the parts an
 * event touched and whose value changed: an admission rewrites a handful of
 * small rows, whatever the size of the day (issue 27), never the whole tally.
 *
 * Which entries of a growing record an event touched is recorded by a proxy
 * on each record while `apply` runs (reading an entry counts: a fold reaches
 * a nested counter through it), so the fold in `libs/attendance` stays plain.
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
  /** Conferences touched since the last persist, with the record entries touched (`null`: every part). */
  private readonly dirtyConferences = new Map<string, Set<string> | null>();
  private readonly dirtyRegistrations = new Set<string>();
  /** What the rows hold, per conference and part: only a changed value is written. */
  private readonly stored = new Map<string, Map<string, string>>();
  /** Records wrapped by `track`, and the entries read or written through them while recording. */
  private readonly tracked = new WeakSet<object>();
  private touchedKeys: Set<string> | null = null;
  private written: string[] = [];
  private readonly published = new Map<string, AttendanceSnapshot>();
  private readonly listeners = new Set<AttendanceListener>();
  private stmts:
    | {
        putPart: RowWriter<[string, string, string]>;
        deletePart: Database.Statement<[string, string]>;
        putRegistration: RowWriter<[string, string, string]>;
      }
    | undefined;

  constructor(private readonly readModels: ReadModels) {}

  private get db(): Database.Database {
    return this.readModels.db;
  }

  migrate(): void {
    this.db.exec(`
      DROP TABLE IF EXISTS attendance_conferences;
      CREATE TABLE IF NOT EXISTS attendance_parts (
        conference_id TEXT NOT NULL,
        part          TEXT NOT NULL,
        value         TEXT NOT NULL,
        PRIMARY KEY (conference_id, part)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS attendance_registrations (
        registration_id TEXT PRIMARY KEY,
        conference_id   TEXT NOT NULL,
        tally           TEXT NOT NULL
      )`);
    this.stmts = {
      putPart: new RowWriter(
        this.db,
        'INSERT INTO attendance_parts (conference_id, part, value)',
        3,
        'ON CONFLICT (conference_id, part) DO UPDATE SET value = excluded.value',
      ),
      deletePart: this.db.prepare('DELETE FROM attendance_parts WHERE conference_id = ? AND part = ?'),
      putRegistration: new RowWriter(
        this.db,
        'INSERT INTO attendance_registrations (registration_id, conference_id, tally)',
        3,
        'ON CONFLICT (registration_id) DO UPDATE SET tally = excluded.tally',
      ),
    };
  }

  /** Drops and recreates the tables: rows of another version may have had another shape. */
  reset(): void {
    this.db.exec('DROP TABLE IF EXISTS attendance_parts; DROP TABLE IF EXISTS attendance_registrations;');
    this.migrate();
  }

  load(): void {
    const state = initialState();
    const byConference = new Map<string, { part: string; value: string }[]>();
    const parts = this.db.prepare<[], { conference_id: string; part: string; value: string }>(
      'SELECT conference_id, part, value FROM attendance_parts ORDER BY conference_id',
    );
    for (const row of parts.iterate()) {
      let list = byConference.get(row.conference_id);
      if (list === undefined) byConference.set(row.conference_id, (list = []));
      list.push(row);
    }
    this.stored.clear();
    for (const [conferenceId, list] of byConference) {
      const t = tallyOf(conferenceId, list);
      this.track(t);
      state.conferences.set(conferenceId, t);
      this.stored.set(conferenceId, new Map(list.map((r) => [r.part, r.value])));
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

  /** Stored history is being handed over: see `replaying`. */
  private replay = false;

  /**
   * While history is replayed (a start, a rebuild), batches are large and a
   * conference they touch is mostly touched all over: its parts are compared
   * whole at the commit, and the recording proxies, which cost on every read
   * of a record, are not put on new tallies (`track` puts them on at the
   * first live event, which then compares that conference whole once).
   */
  replaying(on: boolean): void {
    this.replay = on;
  }

  apply(event: RecordedEvent): void {
    if (!isAttendanceEvent(event)) return;
    if (this.replay) {
      const touched = evolve(this.state, event, event.position);
      this.dirtyConferences.set(touched.conferenceId, null);
      if (touched.registrationId !== null) this.dirtyRegistrations.add(touched.registrationId);
      return;
    }
    const touchedKeys = new Set<string>();
    this.touchedKeys = touchedKeys;
    let touched;
    try {
      touched = evolve(this.state, event, event.position);
    } finally {
      this.touchedKeys = null;
    }
    const { conferenceId } = touched;
    const t = this.state.conferences.get(conferenceId);
    // A tally the proxies do not cover yet (new, or a record replaced): every part is looked at once.
    const whole = t === undefined || !this.track(t);
    const dirty = this.dirtyConferences.get(conferenceId);
    if (whole || dirty === null) this.dirtyConferences.set(conferenceId, null);
    else if (dirty === undefined) this.dirtyConferences.set(conferenceId, touchedKeys);
    else for (const k of touchedKeys) dirty.add(k);
    if (touched.registrationId !== null) this.dirtyRegistrations.add(touched.registrationId);
  }

  /**
   * Puts a recording proxy on each growing record of `t` that has none.
   * Returns whether all of them had one already (what `apply` recorded is complete).
   */
  private track(t: ConferenceTally): boolean {
    let complete = true;
    for (const name of RECORDS) {
      const record = recordOf(t, name);
      if (this.tracked.has(record)) continue;
      complete = false;
      const note = (key: string | symbol): void => {
        if (typeof key === 'string') this.touchedKeys?.add(`${name}${SEP}${key}`);
      };
      const proxy = new Proxy(record, {
        get: (target, key, receiver) => {
          note(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
        set: (target, key, value, receiver) => {
          note(key);
          return Reflect.set(target, key, value, receiver);
        },
        deleteProperty: (target, key) => {
          note(key);
          return Reflect.deleteProperty(target, key);
        },
      });
      this.tracked.add(proxy);
      if (name === 'conflicts.open') t.conflicts.open = proxy as ConferenceTally['conflicts']['open'];
      else (t as unknown as Record<string, unknown>)[name] = proxy;
    }
    return complete;
  }

  persist(): void {
    const stmts = this.stmts;
    if (stmts === undefined) throw new Error('attendance: migrate() first');
    const registrations: [string, string, string][] = [];
    for (const id of this.dirtyRegistrations) {
      const r = this.state.registrations.get(id);
      if (r) registrations.push([id, r.conferenceId, JSON.stringify(r)]);
    }
    stmts.putRegistration.write(registrations);
    const parts: [string, string, string][] = [];
    for (const [id, keys] of this.dirtyConferences) {
      const t = this.state.conferences.get(id);
      if (!t) continue;
      let stored = this.stored.get(id);
      if (stored === undefined) this.stored.set(id, (stored = new Map<string, string>()));
      const now = keys === null ? partsOf(t) : this.partsAt(t, keys);
      for (const [part, value] of now) {
        if (stored.get(part) === value) continue;
        parts.push([id, part, value]);
        stored.set(part, value);
      }
      // Entries gone from a record (a slot back to nothing, a conflict acknowledged): their rows go too.
      const gone = keys === null ? [...stored.keys()].filter((k) => !now.has(k)) : [...keys].filter((k) => !now.has(k));
      for (const part of gone) {
        if (!stored.has(part)) continue;
        stmts.deletePart.run(id, part);
        stored.delete(part);
      }
    }
    stmts.putPart.write(parts);
    this.written.push(...this.dirtyConferences.keys());
    this.dirtyConferences.clear();
    this.dirtyRegistrations.clear();
  }

  /** The bounded parts and the given record entries (those that exist) of `t`. */
  private partsAt(t: ConferenceTally, keys: ReadonlySet<string>): Map<string, string> {
    const parts = new Map<string, string>([[HEAD, headOf(t)]]);
    for (const part of keys) {
      const sep = part.indexOf(SEP);
      const record = recordOf(t, part.slice(0, sep) as RecordName);
      const key = part.slice(sep + 1);
      if (Object.hasOwn(record, key)) parts.set(part, JSON.stringify(record[key]));
    }
    return parts;
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
