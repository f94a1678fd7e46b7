// The PostgreSQL key store on a private PostgreSQL 15 (test/support/postgres.ts):
// the key-store conformance suite, then what several instances sharing one
// table need: an erasure by one is in force for the other at once, and the
// erased key leaves the table's heap (VACUUM).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PostgresKeyStore, SubjectErasedError } from '../src/index.js';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres.js';
import { runKeyStoreConformance } from './key-store-conformance.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(() => pg?.stop());

let databases = 0;
runKeyStoreConformance('PostgreSQL', {
  fresh: async () => {
    const name = `keys_${++databases}`;
    await pg.query(`CREATE DATABASE ${name} OWNER emargement`);
    const url = pg.url.replace(/\/emargement$/, `/${name}`);
    return { open: () => PostgresKeyStore.connect(url) };
  },
});

/** The heap tuples of `table` (live and dead, as pageinspect sees the pages) whose bytes hold `needle`. */
async function tuplesHolding(table: string, needle: Buffer): Promise<number> {
  const { rows } = await pg.query<{ n: string }>(
    `SELECT count(*) AS n
       FROM generate_series(0, pg_relation_size($1::text::regclass) / current_setting('block_size')::int - 1) AS blk,
            LATERAL heap_page_items(get_raw_page($1::text, blk::int)) AS item
      WHERE item.t_data IS NOT NULL AND position($2::bytea IN item.t_data) > 0`,
    [table, needle],
  );
  return Number(rows[0]!.n);
}

describe('PostgresKeyStore shared by two instances', () => {
  let a: PostgresKeyStore;
  let b: PostgresKeyStore;
  beforeAll(async () => {
    await pg.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
    [a, b] = await Promise.all([PostgresKeyStore.connect(pg.url), PostgresKeyStore.connect(pg.url)]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  test('both instances asking for a new subject at once get the same key', async () => {
    const subjects = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    const [fromA, fromB] = await Promise.all([a.keysFor(subjects), b.keysFor([...subjects].reverse())]);
    for (const s of subjects) expect(fromB.get(s)).toEqual(fromA.get(s));
  });

  test('a key erased through one instance is gone for the other at once', async () => {
    const key = await a.keyFor('person-1');
    // B has read it: whatever it holds must not outlive A's erasure.
    expect(await b.find('person-1')).toEqual(key);
    expect(await b.findMany(['person-1'])).toEqual(new Map([['person-1', key]]));
    expect(await a.erase('person-1', 'GDPR request')).toEqual({ erased: true });
    expect(await b.find('person-1')).toBe('erased');
    expect(await b.findMany(['person-1'])).toEqual(new Map([['person-1', 'erased']]));
    await expect(b.keyFor('person-1')).rejects.toBeInstanceOf(SubjectErasedError);
    expect(await b.erase('person-1')).toEqual({ erased: false });
    const { rows } = await pg.query<{ key: Buffer | null; erase_reason: string | null }>(
      `SELECT key, erase_reason FROM personal_keys WHERE subject = 'person-1'`,
    );
    expect(rows).toEqual([{ key: null, erase_reason: 'GDPR request' }]);
  });

  test('the check below finds a deleted key in a dead tuple when no VACUUM ran (it can fail)', async () => {
    await pg.query('CREATE TABLE scratch (subject text PRIMARY KEY, key bytea)');
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    await pg.query('INSERT INTO scratch VALUES ($1, $2)', ['x', key]);
    await pg.query('DELETE FROM scratch');
    expect(await tuplesHolding('scratch', key)).toBe(1);
    await pg.query('VACUUM scratch');
    expect(await tuplesHolding('scratch', key)).toBe(0);
  });

  test('erasing runs VACUUM: no tuple of the table holds the erased key, the others are kept', async () => {
    const before = await pg.query<{ vacuum_count: string }>(
      `SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'personal_keys'`,
    );
    const erased = await a.keyFor('person-2');
    const kept = await a.keyFor('person-3');
    expect(await tuplesHolding('personal_keys', erased)).toBe(1);
    await a.erase('person-2', 'request');
    expect(await tuplesHolding('personal_keys', erased)).toBe(0);
    expect(await tuplesHolding('personal_keys', kept)).toBe(1);
    // The statistics tell of the VACUUM too (reported when it ends, read from another session).
    const after = await pg.query<{ vacuum_count: string; last_vacuum: Date | null }>(
      `SELECT vacuum_count, last_vacuum FROM pg_stat_user_tables WHERE relname = 'personal_keys'`,
    );
    expect(Number(after.rows[0]!.vacuum_count)).toBeGreaterThan(Number(before.rows[0]!.vacuum_count));
    expect(after.rows[0]!.last_vacuum).toBeInstanceOf(Date);
    expect(await b.find('person-3')).toEqual(kept);
  });

  test('wrong credentials and an unreachable server are refused at connect', async () => {
    await expect(PostgresKeyStore.connect(pg.url.replace('emargement-test-password', 'wrong'))).rejects.toThrow(
      /password authentication failed/,
    );
    await expect(PostgresKeyStore.connect(`postgres://emargement:x@127.0.0.1:1/emargement`)).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
