import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
  subject: string;
  key: Buffer | null;
}

/**
 * The per-person keys in one PostgreSQL table that every server instance
 * reaches (ADR 007, « Several instances »): the place where deleting
 * deletes, for a log that several instances share.
 *
 * - **No cache.** Every read asks the database, so an erasure made by any
 *   instance is in force on all of them from the moment it commits (a cache
 *   kept fresh by LISTEN/NOTIFY would still serve a key between the commit
 *   and the notification, and silently forever if the notification were
 *   lost with a dropped connection). Reads fetch a batch's keys in one
 *   query, so the price is one round trip per batch of events.
 * - **Erasure** deletes the key's row and inserts a tombstone (key NULL, time
 *   and reason) in one transaction, then runs `VACUUM` on the table so that
 *   the dead tuple that held the key is removed from the heap now rather
 *   than whenever autovacuum comes by. What PostgreSQL still keeps after
 *   that (WAL, replicas, backups, freed bytes) is in ADR 007.
 * - **Creation** is `INSERT … ON CONFLICT DO NOTHING` then a read, so two
 *   instances asking for a new person's key at once get the same one.
 */
export class PostgresKeyStore implements PersonalKeyStore {
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  /**
   * Connects (checking the address and credentials with a first query) and
   * creates the table if needed. Rejects when the database cannot be used.
   */
  static async connect(connectionString: string, options: { max?: number } = {}): Promise<PostgresKeyStore> {
    const pool = new pg.Pool({
      connectionString,
      max: options.max ?? 5,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'emargement-keys',
    });
    // An idle client's error (the server restarted) must not crash the process:
    // the next query gets a fresh connection or fails on its own.
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresKeyStore(pool);
  }

  keyFor(subject: string): Promise<Buffer> {
    return this.keysFor([subject]).then((keys) => keys.get(subject)!);
  }

  async keysFor(subjects: Iterable<string>): Promise<Map<string, Buffer>> {
    this.assertOpen();
    const wanted = [...new Set(subjects)];
    wanted.forEach(assertSubject);
    if (wanted.length === 0) return new Map();
    return this.transaction(async (client) => {
      const fresh = wanted.map(() => randomBytes(PERSONAL_KEY_BYTES));
      // A tombstone is a row too: ON CONFLICT leaves it as it is, and the read
      // below sees it. Rows are locked in subject order by the insert, so two
      // transactions on overlapping subjects cannot deadlock.
      const order = wanted.map((s, i) => [s, fresh[i]!] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      await client.query(
        `INSERT INTO personal_keys (subject, key, created_at)
         SELECT s, k, now() FROM unnest($1::text[], $2::bytea[]) AS t(s, k)
         ON CONFLICT (subject) DO NOTHING`,
        [order.map(([s]) => s), order.map(([, k]) => k)],
      );
      const rows = await client.query<KeyRow>(
        'SELECT subject, key FROM personal_keys WHERE subject = ANY($1::text[])',
        [wanted],
      );
      const found = new Map(rows.rows.map((r) => [r.subject, r.key]));
      const result = new Map<string, Buffer>();
      for (const subject of wanted) {
        const key = found.get(subject);
        // Throwing rolls the transaction back: no key is made for the others.
        if (key === null || key === undefined) throw new SubjectErasedError(subject);
        result.set(subject, checkedKey(key));
      }
      return result;
    });
  }

  find(subject: string): Promise<Buffer | null | 'erased'> {
    return this.findMany([subject]).then((found) => found.get(subject) ?? null);
  }

  async findMany(subjects: Iterable<string>): Promise<Map<string, Buffer | 'erased'>> {
    this.assertOpen();
    const wanted = [...new Set(subjects)];
    const result = new Map<string, Buffer | 'erased'>();
    if (wanted.length === 0) return result;
    const rows = await this.pool.query<KeyRow>(
      'SELECT subject, key FROM personal_keys WHERE subject = ANY($1::text[])',
      [wanted],
    );
    for (const row of rows.rows) result.set(row.subject, row.key === null ? 'erased' : checkedKey(row.key));
    return result;
  }

  async erase(subject: string, reason?: string): Promise<{ erased: boolean }> {
    this.assertOpen();
    assertSubject(subject);
    let erased: boolean | undefined;
    // A retry only when a key for a subject we found none for was created
    // meanwhile by another instance: the next round locks and deletes it.
    for (let round = 0; erased === undefined; round++) {
      if (round === 3) throw new Error(`Could not erase subject ${subject}: it keeps changing`);
      erased = await this.transaction(async (client) => {
        const { rows } = await client.query<{ created_at: Date; erased: boolean }>(
          'SELECT created_at, key IS NULL AS erased FROM personal_keys WHERE subject = $1 FOR UPDATE',
          [subject],
        );
        const before = rows[0];
        // Already a tombstone: the first erasure's time and reason stand.
        if (before?.erased) return false;
        if (before) await client.query('DELETE FROM personal_keys WHERE subject = $1', [subject]);
        const inserted = await client.query(
          `INSERT INTO personal_keys (subject, key, created_at, erased_at, erase_reason)
           VALUES ($1, NULL, $2, now(), $3) ON CONFLICT (subject) DO NOTHING`,
          [subject, before?.created_at ?? new Date(), reason ?? null],
        );
        if (inserted.rowCount === 1) return true;
        throw new Retry();
      }).catch((error: unknown) => {
        if (error instanceof Retry) return undefined;
        throw error;
      });
    }
    // Also when it was already erased: a retry after a failed VACUUM finishes
    // the job. VACUUM cannot run inside a transaction: its own statement.
    await this.pool.query('VACUUM personal_keys');
    return { erased };
  }

  /** A query that needs the database (readiness). */
  async ping(): Promise<void> {
    this.assertOpen();
    await this.pool.query('SELECT 1 FROM personal_keys LIMIT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: unknown) => (broken = asError(rollback)));
      throw asError(error);
    } finally {
      client.release(broken);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new PersonalKeyStoreClosedError();
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // One instance migrates at a time: the others wait for the lock, then find it done.
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('emargement.personal_keys'))");
    await client.query(`
      CREATE TABLE IF NOT EXISTS personal_keys_schema (version integer NOT NULL);
      CREATE TABLE IF NOT EXISTS personal_keys (
        subject      text        NOT NULL PRIMARY KEY,
        key          bytea       NULL,
        created_at   timestamptz NOT NULL,
        erased_at    timestamptz NULL,
        erase_reason text        NULL,
        CHECK ((key IS NULL) = (erased_at IS NOT NULL)),
        CHECK (key IS NULL OR octet_length(key) = ${PERSONAL_KEY_BYTES})
      );
      -- A 32-byte key is never compressed nor moved out of line (TOAST): it
      -- lives in the heap tuple only, which VACUUM removes.
      ALTER TABLE personal_keys ALTER COLUMN key SET STORAGE PLAIN;
    `);
    const { rows } = await client.query<{ version: number }>(
      'SELECT max(version) AS version FROM personal_keys_schema',
    );
    const version = rows[0]?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new Error(`The personal_keys table has schema ${version}, newer than this build (${SCHEMA_VERSION})`);
    }
    if (version < SCHEMA_VERSION) await client.query('INSERT INTO personal_keys_schema VALUES ($1)', [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Inside `erase`: the row appeared after it was looked for; try again. */
class Retry extends Error {}

function checkedKey(key: Buffer): Buffer {
  if (key.length !== PERSONAL_KEY_BYTES) throw new Error('A stored personal-data key has the wrong length');
  return key;
}
