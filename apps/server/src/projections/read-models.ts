import Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { privateSqliteFile } from '../shared/private-files.js';
import { dirname, join } from 'node:path';

/** The read models' file under DATA_DIR: derived data, rebuilt from the store at will. */
export const readModelsPath = (dataDir: string): string => join(dataDir, 'read-models.sqlite');

/** A SQLite file and its companions, gone (missing ones are fine). */
export function removeSqliteFiles(filename: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${filename}${suffix}`, { force: true });
}

export interface Checkpoint {
  /** The projection's code version its rows were built by. */
  version: string;
  /** `$all` position of the last event the rows include; `null`: none yet. */
  position: bigint | null;
}

/**
 * One SQLite file holding every projection's rows and checkpoints. A
 * projection's rows and its checkpoint are written in one transaction, so the
 * file always holds the rows of exactly the events up to the checkpoint: a
 * crash loses the transaction in progress and the next start folds its events
 * again, never twice and never skipping one.
 *
 * WAL with `synchronous = NORMAL`: a power cut may lose the last commits, but
 * rows and checkpoint go back together (they are one transaction), so the
 * projection simply resumes from an earlier checkpoint. The event store, the
 * source of truth, is the one that pays for FULL.
 *
 * Every server instance has its own file (nothing shared between instances but
 * the store). One process writes it at a time: run `projections:rebuild` with
 * the server stopped.
 */
export class ReadModels {
  readonly db: Database.Database;
  private readonly getCheckpoint: Database.Statement<[string], { version: string; position: string | null }>;
  private readonly putCheckpoint: Database.Statement<[string, string, string | null, string]>;
  private readonly inTransaction: (fn: () => void) => void;
  private readonly totalChanges: Database.Statement<[], { n: number }>;
  private transactions = 0;

  private constructor(filename: string, bulk: boolean) {
    if (filename !== ':memory:') {
      mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
      // Names are joined at read time, but what is here is still about people: 0600, like the store.
      privateSqliteFile(filename);
    }
    this.db = new Database(filename);
    if (bulk) {
      // A file being built, not yet anyone's (see `openForBuild`): a rollback journal in memory, no syncs.
      this.db.pragma('journal_mode = MEMORY');
      this.db.pragma('synchronous = OFF');
    } else {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name       TEXT PRIMARY KEY,
        version    TEXT NOT NULL,
        position   TEXT,
        updated_at TEXT NOT NULL
      )`);
    this.getCheckpoint = this.db.prepare('SELECT version, position FROM projection_checkpoints WHERE name = ?');
    this.putCheckpoint = this.db.prepare(
      `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
         updated_at = excluded.updated_at`,
    );
    const tx = this.db.transaction((fn: () => void) => fn());
    this.inTransaction = (fn) => tx.immediate(fn);
    this.totalChanges = this.db.prepare('SELECT total_changes() AS n');
  }

  static open(filename: string): ReadModels {
    return new ReadModels(filename, false);
  }

  /**
   * A new file to build from scratch and then put in place whole (a
   * rebuild): written without a journal on disk and without syncs (a
   * fifth faster, BENCHMARKS.md). A crash while building leaves a file nobody
   * reads; `close` then `ReadModels.replace` make it the read models.
   */
  static openForBuild(filename: string): ReadModels {
    removeSqliteFiles(filename);
    return new ReadModels(filename, true);
  }

  /**
   * Puts a file built by `openForBuild` (closed) in the place of `target`:
   * synced, then renamed over it, the target's own WAL and shared-memory files
   * removed first (a WAL left beside a new file would be replayed into it).
   * One writer per read-models file: the server must be stopped.
   */
  static replace(built: string, target: string): void {
    const fd = openSync(built, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(built, target);
    const dir = openSync(dirname(target), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  checkpoint(name: string): Checkpoint | undefined {
    const row = this.getCheckpoint.get(name);
    return row && { version: row.version, position: row.position === null ? null : BigInt(row.position) };
  }

  /** Inside `transaction` only: the checkpoint moves with the rows it covers. */
  saveCheckpoint(name: string, checkpoint: Checkpoint): void {
    this.putCheckpoint.run(
      name,
      checkpoint.version,
      checkpoint.position === null ? null : checkpoint.position.toString(),
      new Date().toISOString(),
    );
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction: all of it is committed, or none. */
  transaction(fn: () => void): void {
    this.transactions += 1;
    this.inTransaction(fn);
  }

  /**
   * The write work done through this connection since it was opened: write
   * transactions, and rows inserted, updated or deleted (SQLite's
   * `total_changes()`). What the test that counts a scan's work reads
   * (test/scan-work.e2e.spec.ts): a regression in the read side's cost per
   * event shows there, whatever the machine's speed.
   */
  writeStats(): { transactions: number; rows: number } {
    return { transactions: this.transactions, rows: this.totalChanges.get()!.n };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
