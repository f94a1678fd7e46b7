// The projections' many-rows writer on a real SQLite file: full chunks, the rest one by one, the conflict
// clause applied to every row, and a large write sorted by key without losing or mixing a row.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RowWriter } from './row-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-row-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RowWriter', () => {
  test.each([0, 1, 63, 64, 65, 200, 1000])('writes %i rows, each once, and upserts on the key', (n) => {
    const db = new Database(join(dir, `rows-${n}.sqlite`));
    try {
      db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, label TEXT)');
      db.prepare('INSERT INTO t VALUES (?, ?, ?)').run('k-0003', -1, 'before');
      const writer = new RowWriter<[string, number, string | null]>(
        db,
        'INSERT INTO t (id, n, label)',
        3,
        'ON CONFLICT (id) DO UPDATE SET n = excluded.n, label = excluded.label',
      );
      // Keys in no order (a projection's dirty set), one of them already stored.
      const rows = Array.from({ length: n }, (_, i): [string, number, string | null] => [
        `k-${String((i * 7919) % Math.max(n, 1)).padStart(4, '0')}`,
        i,
        i % 5 === 0 ? null : `row ${i}`,
      ]);
      const expected = new Map(rows.map((r) => [r[0], r]));
      db.transaction(() => writer.write(rows))();
      const stored = db.prepare<[], { id: string; n: number; label: string | null }>('SELECT * FROM t').all();
      const want = new Map(expected);
      if (!want.has('k-0003')) want.set('k-0003', ['k-0003', -1, 'before']);
      expect(stored.length).toBe(want.size);
      for (const r of stored) expect([r.id, r.n, r.label]).toEqual(want.get(r.id));
    } finally {
      db.close();
    }
  });

  test('the conflict clause holds for a row in a full chunk (DO NOTHING keeps the first)', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE s (id TEXT PRIMARY KEY, v TEXT)');
    const writer = new RowWriter<[string, string]>(db, 'INSERT INTO s (id, v)', 2, 'ON CONFLICT (id) DO NOTHING');
    writer.write(Array.from({ length: 64 }, (_, i): [string, string] => [`a${i}`, 'first']));
    writer.write(Array.from({ length: 300 }, (_, i): [string, string] => [`a${i}`, 'second']));
    const values = db.prepare<[], { id: string; v: string }>('SELECT id, v FROM s').all();
    expect(values.length).toBe(300);
    expect(values.filter((r) => r.v === 'first').length).toBe(64);
    db.close();
  });
});
