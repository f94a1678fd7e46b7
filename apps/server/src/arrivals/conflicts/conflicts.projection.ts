import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@emargement/event-store';
import type { ConflictAcknowledged, ScanConflicted } from '@emargement/conference';
import type { MovementConflictAcknowledged, MovementConflicted, MovementRefusalReason } from '@emargement/spaces';
import type { Projection } from '../../projections/projection-runner.js';
import type { ReadModels } from '../../projections/read-models.js';

// 2: rows name the stream that holds their conflict (issue 21).
// 3: movements decided offline at a space's door conflict too (issue 23).
const VERSION = 'conflicts-3';

/** An upload that reaches the server this long after its scan is flagged as late. */
export const LATE_UPLOAD_MS = 10 * 60_000;

export interface ConflictRow {
  conflictId: string;
  conferenceId: string;
  scanId: string;
  registrationId: string | null;
  reason: ScanConflicted['data']['reason'] | MovementRefusalReason;
  /** The entrance's door, or for a movement the space's name. */
  door: string;
  /** A movement's conflict: the space (its name, or `site`), the direction and the server's detail. */
  space?: string;
  direction?: 'in' | 'out';
  detail?: Readonly<Record<string, string | number>> | null;
  deviceId: string;
  scannedAt: string;
  receivedAt: string;
  /** The upload arrived long after the scan (`LATE_UPLOAD_MS`). */
  late: boolean;
  previous: ScanConflicted['data']['previous'];
  detectedAt: string;
  acknowledged: { at: string; deviceId: string; note: string | null } | null;
  /**
   * The stream the conflict was recorded on, where it is acknowledged: a
   * conflict about a registration id the server does not know lives on the
   * door stream, although it names that id.
   */
  stream: string;
}

/**
 * The conflicts that doors which worked offline produced, for the
 * organisers: one row per conflict, with its acknowledgement once made.
 */
export class ConflictsProjection implements Projection {
  readonly name = 'conflicts';
  readonly version = VERSION;
  readonly handles: readonly string[] = [
    'ScanConflicted',
    'ConflictAcknowledged',
    'MovementConflicted',
    'MovementConflictAcknowledged',
  ];

  private rows = new Map<string, ConflictRow>();
  private readonly dirty = new Set<string>();
  private put: Database.Statement<[string, string, string]> | undefined;

  constructor(private readonly readModels: ReadModels) {}

  private get db(): Database.Database {
    return this.readModels.db;
  }

  migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS door_conflicts (
        conflict_id   TEXT PRIMARY KEY,
        conference_id TEXT NOT NULL,
        row           TEXT NOT NULL
      )`);
    this.put = this.db.prepare(
      `INSERT INTO door_conflicts (conflict_id, conference_id, row) VALUES (?, ?, ?)
       ON CONFLICT (conflict_id) DO UPDATE SET row = excluded.row`,
    );
  }

  reset(): void {
    this.db.exec('DROP TABLE IF EXISTS door_conflicts');
    this.migrate();
  }

  load(): void {
    this.rows = new Map();
    for (const r of this.db.prepare<[], { row: string }>('SELECT row FROM door_conflicts').iterate()) {
      const row = JSON.parse(r.row) as ConflictRow;
      this.rows.set(row.conflictId, row);
    }
    this.dirty.clear();
  }

  apply(event: RecordedEvent): void {
    if (event.type === 'ScanConflicted') {
      const d = event.data as ScanConflicted['data'];
      if (this.rows.has(d.conflictId)) return;
      const late = Date.parse(d.receivedAt) - Date.parse(d.scannedAt) > LATE_UPLOAD_MS;
      this.rows.set(d.conflictId, { ...d, late, acknowledged: null, stream: event.streamName });
      this.dirty.add(d.conflictId);
    } else if (event.type === 'MovementConflicted') {
      const d = event.data as MovementConflicted['data'];
      if (this.rows.has(d.conflictId)) return;
      const late = Date.parse(d.receivedAt) - Date.parse(d.scannedAt) > LATE_UPLOAD_MS;
      this.rows.set(d.conflictId, {
        conflictId: d.conflictId,
        conferenceId: d.conferenceId,
        scanId: d.scanId,
        registrationId: d.registrationId,
        reason: d.reason,
        door: d.space,
        space: d.space,
        direction: d.direction,
        detail: d.detail,
        deviceId: d.deviceId,
        scannedAt: d.scannedAt,
        receivedAt: d.receivedAt,
        late,
        previous: null,
        detectedAt: d.detectedAt,
        acknowledged: null,
        stream: event.streamName,
      });
      this.dirty.add(d.conflictId);
    } else if (event.type === 'ConflictAcknowledged' || event.type === 'MovementConflictAcknowledged') {
      const d = event.data as ConflictAcknowledged['data'] | MovementConflictAcknowledged['data'];
      const row = this.rows.get(d.conflictId);
      if (row === undefined || row.acknowledged !== null) return;
      row.acknowledged = { at: d.acknowledgedAt, deviceId: d.deviceId, note: d.note };
      this.dirty.add(d.conflictId);
    }
  }

  persist(): void {
    const put = this.put;
    if (put === undefined) throw new Error('conflicts: migrate() first');
    for (const id of this.dirty) {
      const row = this.rows.get(id);
      if (row) put.run(id, row.conferenceId, JSON.stringify(row));
    }
    this.dirty.clear();
  }

  committed(): void {
    // Readers read the committed rows from the file.
  }

  /** The conference's committed conflicts, oldest scan first. */
  list(conferenceId: string): ConflictRow[] {
    return this.db
      .prepare<[string], { row: string }>('SELECT row FROM door_conflicts WHERE conference_id = ?')
      .all(conferenceId)
      .map((r) => JSON.parse(r.row) as ConflictRow)
      .sort((a, b) => Date.parse(a.scannedAt) - Date.parse(b.scannedAt) || a.conflictId.localeCompare(b.conflictId));
  }

  find(conflictId: string): ConflictRow | undefined {
    const r = this.db
      .prepare<[string], { row: string }>('SELECT row FROM door_conflicts WHERE conflict_id = ?')
      .get(conflictId);
    return r === undefined ? undefined : (JSON.parse(r.row) as ConflictRow);
  }
}
