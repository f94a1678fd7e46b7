import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@emargement/event-store';
import type { MovementConflictAcknowledged, MovementConflicted } from '@emargement/spaces';
import type { Projection } from '../projections/projection-runner.js';
import type { ReadModels } from '../projections/read-models.js';
import { AttendanceProjection, type AttendanceListener } from './attendance.projection.js';

export const MOVEMENT_CONFLICT_TYPES = ['MovementConflicted', 'MovementConflictAcknowledged'] as const;

interface Held {
  detectedAt: string;
  acknowledgedAt: string | null;
}

interface ConferenceConflicts {
  conflicts: Map<string, Held>;
  /** `$all` position of the last of its events folded. */
  position: bigint;
}

export interface MovementConflictCounts {
  open: number;
  total: number;
  position: bigint;
}

/**
 * The dashboard's count of conflicts to look at includes the movements a
 * space's phone let through offline that the server would have refused
 * (issue 23), as it includes the entrance's. Counted here, beside the
 * attendance fold rather than inside it: the attendance projection's cost per
 * event stays what it is (its « 2,000 » case is timed), and these two rare
 * types touch one small table. The same runner commits both in one
 * transaction, so a snapshot that adds the two is of one moment.
 *
 * One row per conflict, with when it was detected and acknowledged, so the
 * figures « as of » a past moment come from the same rows.
 */
export class MovementConflictsProjection implements Projection {
  readonly name = 'movement-conflicts';
  readonly version = 'movement-conflicts-1';
  readonly handles: readonly string[] = MOVEMENT_CONFLICT_TYPES;

  private state = new Map<string, ConferenceConflicts>();
  /** What readers see: the state as of the last commit. */
  private published = new Map<string, MovementConflictCounts>();
  private readonly dirty = new Map<string, Set<string>>();
  private readonly listeners = new Set<AttendanceListener>();
  private put: Database.Statement<[string, string, string, string | null, string]> | undefined;

  constructor(private readonly readModels: ReadModels) {}

  private get db(): Database.Database {
    return this.readModels.db;
  }

  migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS movement_conflicts (
        conflict_id     TEXT PRIMARY KEY,
        conference_id   TEXT NOT NULL,
        detected_at     TEXT NOT NULL,
        acknowledged_at TEXT,
        position        TEXT NOT NULL
      )`);
    this.put = this.db.prepare(
      `INSERT INTO movement_conflicts (conflict_id, conference_id, detected_at, acknowledged_at, position)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conflict_id) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, position = excluded.position`,
    );
  }

  reset(): void {
    this.db.exec('DROP TABLE IF EXISTS movement_conflicts');
    this.migrate();
  }

  load(): void {
    this.state = new Map();
    const rows = this.db.prepare<
      [],
      {
        conflict_id: string;
        conference_id: string;
        detected_at: string;
        acknowledged_at: string | null;
        position: string;
      }
    >('SELECT conflict_id, conference_id, detected_at, acknowledged_at, position FROM movement_conflicts');
    for (const r of rows.iterate()) {
      const c = this.conference(r.conference_id);
      c.conflicts.set(r.conflict_id, { detectedAt: r.detected_at, acknowledgedAt: r.acknowledged_at });
      const position = BigInt(r.position);
      if (position > c.position) c.position = position;
    }
    this.dirty.clear();
    this.published = new Map([...this.state].map(([cid, c]) => [cid, countsOf(c)]));
  }

  private conference(conferenceId: string): ConferenceConflicts {
    let c = this.state.get(conferenceId);
    if (c === undefined) this.state.set(conferenceId, (c = { conflicts: new Map(), position: -1n }));
    return c;
  }

  apply(event: RecordedEvent): void {
    if (event.type === 'MovementConflicted') {
      const d = event.data as MovementConflicted['data'];
      const c = this.conference(d.conferenceId);
      if (c.conflicts.has(d.conflictId)) return;
      c.conflicts.set(d.conflictId, { detectedAt: d.detectedAt, acknowledgedAt: null });
      this.touch(d.conferenceId, d.conflictId, c, event.position);
    } else if (event.type === 'MovementConflictAcknowledged') {
      const d = event.data as MovementConflictAcknowledged['data'];
      const c = this.conference(d.conferenceId);
      const held = c.conflicts.get(d.conflictId);
      if (held === undefined || held.acknowledgedAt !== null) return;
      held.acknowledgedAt = d.acknowledgedAt;
      this.touch(d.conferenceId, d.conflictId, c, event.position);
    }
  }

  private touch(conferenceId: string, conflictId: string, c: ConferenceConflicts, position: bigint): void {
    if (position > c.position) c.position = position;
    let ids = this.dirty.get(conferenceId);
    if (ids === undefined) this.dirty.set(conferenceId, (ids = new Set()));
    ids.add(conflictId);
  }

  persist(): void {
    const put = this.put;
    if (put === undefined) throw new Error('movement-conflicts: migrate() first');
    for (const [conferenceId, ids] of this.dirty) {
      const c = this.state.get(conferenceId)!;
      for (const id of ids) {
        const held = c.conflicts.get(id)!;
        put.run(id, conferenceId, held.detectedAt, held.acknowledgedAt, c.position.toString());
      }
    }
  }

  committed(): void {
    const changed = [...this.dirty.keys()];
    this.dirty.clear();
    for (const cid of changed) this.published.set(cid, countsOf(this.state.get(cid)!));
    if (changed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changed);
      } catch {
        // A reader's failure is the reader's: the projection has committed and goes on.
      }
    }
  }

  /** The conference's committed counts; zero before any conflict. */
  counts(conferenceId: string): MovementConflictCounts {
    return this.published.get(conferenceId) ?? { open: 0, total: 0, position: -1n };
  }

  /**
   * The counts as they stood at `asOfMs`, by when each conflict was detected and acknowledged. From the
   * committed rows, as the attendance « as of » replays the store.
   */
  countsAsOf(conferenceId: string, asOfMs: number): { open: number; total: number } {
    let open = 0;
    let total = 0;
    const rows = this.db
      .prepare<[string], { detected_at: string; acknowledged_at: string | null }>(
        'SELECT detected_at, acknowledged_at FROM movement_conflicts WHERE conference_id = ?',
      )
      .all(conferenceId);
    for (const r of rows) {
      if (Date.parse(r.detected_at) > asOfMs) continue;
      total += 1;
      if (r.acknowledged_at === null || Date.parse(r.acknowledged_at) > asOfMs) open += 1;
    }
    return { open, total };
  }

  /** Called after each commit with the conferences it changed. */
  onChange(listener: AttendanceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const countsOf = (c: ConferenceConflicts): MovementConflictCounts => {
  let open = 0;
  for (const held of c.conflicts.values()) if (held.acknowledgedAt === null) open += 1;
  return { open, total: c.conflicts.size, position: c.position };
};

/**
 * The attendance projection and the movement conflicts' counter, run as one
 * projection with one checkpoint (as the door's list and the conflicts are):
 * a projection of its own would add a checkpoint row to every scan's commit
 * (test/scan-work.e2e.spec.ts counts them). Each part is handed only its own
 * types, so the attendance fold does exactly the work it did.
 */
export class AttendanceProjections implements Projection {
  readonly name = 'attendance';
  readonly attendance: AttendanceProjection;
  readonly movementConflicts: MovementConflictsProjection;
  readonly version: string;
  readonly handles: readonly string[];

  constructor(readModels: ReadModels) {
    this.attendance = new AttendanceProjection(readModels);
    this.movementConflicts = new MovementConflictsProjection(readModels);
    this.version = `${this.attendance.version}+${this.movementConflicts.version}`;
    this.handles = [...this.attendance.handles, ...this.movementConflicts.handles];
  }

  migrate(): void {
    this.attendance.migrate();
    this.movementConflicts.migrate();
  }
  reset(): void {
    this.attendance.reset();
    this.movementConflicts.reset();
  }
  load(): void {
    this.attendance.load();
    this.movementConflicts.load();
  }
  apply(event: RecordedEvent): void {
    if (event.type === 'MovementConflicted' || event.type === 'MovementConflictAcknowledged') {
      this.movementConflicts.apply(event);
    } else this.attendance.apply(event);
  }
  persist(): void {
    this.attendance.persist();
    this.movementConflicts.persist();
  }
  committed(): void {
    this.attendance.committed();
    this.movementConflicts.committed();
  }
}
