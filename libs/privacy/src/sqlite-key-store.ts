import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  PERSONAL_KEY_BYTES,
  PersonalKeyStoreClosedError,
  SubjectErasedError,
  asError,
  assertSubject,
  type PersonalKeyStore,
} from './key-store.js';

const SCHEMA_VERSION = 1;

interface KeyRow {
  key: Buffer | null;
}

/**
 * The per-person keys in their own SQLite file (never the event store's).
 *
 * Forgetting must be real, on disk, not only in the table:
 * - `secure_delete = ON`: content SQLite frees (the erased key's cell) is
 *   overwritten with zeros, not merely unlinked;
 * - rollback journal in `DELETE` mode, not WAL: the journal, which holds the
 *   pages as they were before a transaction (so the key, during an erase), is
 *   deleted when the transaction commits; there is no WAL whose old frames
 *   would keep a copy until a checkpoint;
 * - `VACUUM` after every erase: the file is rebuilt from the live rows only, so
 *   no stale copy of a key survives in a page's free space or in a free page
 *   left by an earlier page split; `temp_store = MEMORY` keeps its scratch copy
 *   off the disk. A key file holds a few thousand small rows: this takes
 *   milliseconds, and erasures are rare;
 * - `synchronous = FULL`: a key is on disk before `keyFor` returns, so no event
 *   can be written under a key a power cut would then lose.
 *
 * Keys are cached in memory (erase drops the entry). One process owns the
 * file: another process's erasure would not reach this one's cache.
 * The file is made readable by its owner only (0600); SQLite gives its journal
 * the same mode.
 */
export class SqliteKeyStore implements PersonalKeyStore {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Buffer | 'erased'>();
  private closed = false;
  private readonly stmts: {
    get: Database.Statement<[string], KeyRow>;
    insert: Database.Statement<[string, Buffer, number]>;
    tombstone: Database.Statement<[string, number, number, string | null]>;
    erase: Database.Statement<[number, string | null, string]>;
  };
  private readonly keysTx: (subjects: readonly string[]) => Map<string, Buffer>;
  private readonly eraseTx: (subject: string, reason: string | null) => boolean;

  private constructor(readonly filename: string) {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename);
    try {
      if (filename !== ':memory:') chmodSync(filename, 0o600);
      this.db.pragma('secure_delete = ON');
      const mode = String(this.db.pragma('journal_mode = DELETE', { simple: true }));
      if (filename !== ':memory:' && mode !== 'delete') {
        throw new Error(`The key store needs journal_mode=DELETE, got ${mode}`);
      }
      this.db.pragma('synchronous = FULL');
      this.db.pragma('temp_store = MEMORY');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.stmts = {
      get: this.db.prepare('SELECT key FROM personal_keys WHERE subject = ?'),
      insert: this.db.prepare('INSERT INTO personal_keys (subject, key, created_at) VALUES (?, ?, ?)'),
      tombstone: this.db.prepare(
        'INSERT INTO personal_keys (subject, key, created_at, erased_at, erase_reason) VALUES (?, NULL, ?, ?, ?)',
      ),
      erase: this.db.prepare(
        'UPDATE personal_keys SET key = NULL, erased_at = ?, erase_reason = ? WHERE subject = ? AND key IS NOT NULL',
      ),
    };
    const keys = this.db.transaction((subjects: readonly string[]) => {
      const result = new Map<string, Buffer>();
      const missing: string[] = [];
      for (const subject of subjects) {
        const row = this.stmts.get.get(subject);
        if (row === undefined) missing.push(subject);
        else if (row.key === null) throw new SubjectErasedError(subject);
        else result.set(subject, checkedKey(row.key));
      }
      const now = Date.now();
      // One draw from the system's generator for the whole batch (an import asks for a thousand keys at once).
      const random = missing.length > 0 ? randomBytes(PERSONAL_KEY_BYTES * missing.length) : null;
      missing.forEach((subject, i) => {
        // A copy of its slice: each key its own memory, nothing else of the draw held with it.
        const key = Buffer.from(random!.subarray(i * PERSONAL_KEY_BYTES, (i + 1) * PERSONAL_KEY_BYTES));
        this.stmts.insert.run(subject, key, now);
        result.set(subject, key);
      });
      random?.fill(0);
      return result;
    });
    this.keysTx = (subjects) => keys.immediate(subjects);
    const erase = this.db.transaction((subject: string, reason: string | null) => {
      const row = this.stmts.get.get(subject);
      const now = Date.now();
      if (row === undefined) {
        this.stmts.tombstone.run(subject, now, now, reason);
        return true;
      }
      if (row.key === null) return false;
      this.stmts.erase.run(now, reason, subject);
      return true;
    });
    this.eraseTx = (subject, reason) => erase.immediate(subject, reason);
  }

  /** Opens (creating it and its folder if needed) the key file at `filename`. */
  static open(filename: string): SqliteKeyStore {
    return new SqliteKeyStore(filename);
  }

  private migrate(): void {
    const version = Number(this.db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new Error(`Key store file has schema ${version}, newer than this build (${SCHEMA_VERSION})`);
    }
    if (version === SCHEMA_VERSION) return;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS personal_keys (
        subject      TEXT    NOT NULL PRIMARY KEY,
        key          BLOB    NULL,
        created_at   INTEGER NOT NULL,
        erased_at    INTEGER NULL,
        erase_reason TEXT    NULL,
        CHECK ((key IS NULL) = (erased_at IS NOT NULL))
      ) WITHOUT ROWID;
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  keyFor(subject: string): Promise<Buffer> {
    return this.keysFor([subject]).then((keys) => keys.get(subject)!);
  }

  keysFor(subjects: Iterable<string>): Promise<Map<string, Buffer>> {
    try {
      this.assertOpen();
      const wanted = [...new Set(subjects)];
      wanted.forEach(assertSubject);
      const result = new Map<string, Buffer>();
      const uncached: string[] = [];
      for (const subject of wanted) {
        const cached = this.cache.get(subject);
        if (cached === 'erased') throw new SubjectErasedError(subject);
        if (cached === undefined) uncached.push(subject);
        else result.set(subject, Buffer.from(cached));
      }
      if (uncached.length > 0) {
        for (const [subject, key] of this.keysTx(uncached)) {
          this.cache.set(subject, key);
          result.set(subject, Buffer.from(key));
        }
      }
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  find(subject: string): Promise<Buffer | null | 'erased'> {
    return this.findMany([subject]).then((found) => found.get(subject) ?? null);
  }

  findMany(subjects: Iterable<string>): Promise<Map<string, Buffer | 'erased'>> {
    try {
      this.assertOpen();
      const result = new Map<string, Buffer | 'erased'>();
      for (const subject of new Set(subjects)) {
        let found = this.cache.get(subject);
        if (found === undefined) {
          const row = this.stmts.get.get(subject);
          if (row === undefined) continue;
          found = row.key === null ? 'erased' : checkedKey(row.key);
          this.cache.set(subject, found);
        }
        result.set(subject, found === 'erased' ? found : Buffer.from(found));
      }
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  erase(subject: string, reason?: string): Promise<{ erased: boolean }> {
    try {
      this.assertOpen();
      assertSubject(subject);
      const erased = this.eraseTx(subject, reason ?? null);
      this.cache.set(subject, 'erased');
      // Also when it was already erased: a retry after a failed VACUUM finishes the job.
      this.db.exec('VACUUM');
      return Promise.resolve({ erased });
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  ping(): Promise<void> {
    try {
      this.assertOpen();
      this.stmts.get.get('');
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.cache.clear();
      this.db.close();
    }
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new PersonalKeyStoreClosedError();
  }
}

function checkedKey(key: Buffer): Buffer {
  if (key.length !== PERSONAL_KEY_BYTES) throw new Error('A stored personal-data key has the wrong length');
  return key;
}
