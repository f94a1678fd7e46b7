import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteKeyStore } from '../src/index.js';
import { runKeyStoreConformance } from './key-store-conformance.js';
import { filesContaining, keyForms } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'emargement-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(root, `d${++n}`);
  return { dir, file: join(dir, 'keys.sqlite') };
};

runKeyStoreConformance('SQLite file', {
  fresh: () => {
    const { file } = fresh();
    return Promise.resolve({ open: () => Promise.resolve(SqliteKeyStore.open(file)) });
  },
});

describe('SqliteKeyStore', () => {
  test('erasing really forgets: among many keys, no erased one survives in any file', async () => {
    const { dir, file } = fresh();
    const keys = SqliteKeyStore.open(file);
    const subjects = Array.from({ length: 600 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const all = await keys.keysFor(subjects);
    const erased = subjects.filter((_, i) => i % 3 === 0);
    const kept = subjects.filter((_, i) => i % 3 !== 0);
    // Sanity: the search finds keys that are there.
    for (const s of erased.slice(0, 5)) expect(filesContaining(dir, all.get(s)!)).toEqual(['keys.sqlite']);
    for (const s of erased) await keys.erase(s, 'request');
    await keys.close();
    for (const s of erased) {
      for (const form of keyForms(all.get(s)!)) expect(filesContaining(dir, form)).toEqual([]);
    }
    for (const s of kept) expect(filesContaining(dir, all.get(s)!)).toEqual(['keys.sqlite']);
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  test('the file is readable by its owner only', () => {
    const { file } = fresh();
    const keys = SqliteKeyStore.open(file);
    expect(statSync(file).mode & 0o077).toBe(0);
    return keys.close();
  });
});
