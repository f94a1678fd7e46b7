import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalKeyStoreClosedError, SqliteKeyStore, SubjectErasedError } from '../src/index.js';
import { filesContaining, keyForms } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'emargement-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(root, `d${++n}`);
  return { dir, file: join(dir, 'keys.sqlite') };
};

describe('SqliteKeyStore', () => {
  test('makes one 32-byte key per subject, kept across reopening', async () => {
    const { file } = fresh();
    const keys = SqliteKeyStore.open(file);
    const a = await keys.keyFor('a');
    expect(a).toHaveLength(32);
    expect(await keys.keyFor('a')).toEqual(a);
    expect(await keys.keyFor('b')).not.toEqual(a);
    expect(await keys.find('nobody')).toBeNull();
    await keys.close();
    const again = SqliteKeyStore.open(file);
    expect(await again.find('a')).toEqual(a);
    expect(await again.keyFor('a')).toEqual(a);
    await again.close();
  });

  test('a tombstone refuses a new key, also for a subject that never had one, and survives reopening', async () => {
    const { file } = fresh();
    const keys = SqliteKeyStore.open(file);
    await keys.keyFor('a');
    expect(await keys.erase('a', 'request')).toEqual({ erased: true });
    expect(await keys.erase('a')).toEqual({ erased: false });
    expect(await keys.erase('never-seen')).toEqual({ erased: true });
    await expect(keys.keyFor('a')).rejects.toBeInstanceOf(SubjectErasedError);
    await expect(keys.keyFor('never-seen')).rejects.toBeInstanceOf(SubjectErasedError);
    await keys.close();
    const again = SqliteKeyStore.open(file);
    expect(await again.find('a')).toBe('erased');
    await expect(again.keyFor('a')).rejects.toBeInstanceOf(SubjectErasedError);
    await again.close();
  });

  test('keysFor with an erased subject creates no key at all', async () => {
    const { file } = fresh();
    const keys = SqliteKeyStore.open(file);
    await keys.erase('gone');
    await expect(keys.keysFor(['new-1', 'gone', 'new-2'])).rejects.toBeInstanceOf(SubjectErasedError);
    expect(await keys.find('new-1')).toBeNull();
    expect(await keys.find('new-2')).toBeNull();
    const found = await keys.keysFor(['new-1', 'new-2', 'new-1']);
    expect([...found.keys()]).toEqual(['new-1', 'new-2']);
    await keys.close();
  });

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

  test('refuses to work once closed', async () => {
    const { file } = fresh();
    const keys = SqliteKeyStore.open(file);
    await keys.close();
    await keys.close();
    await expect(keys.keyFor('a')).rejects.toBeInstanceOf(PersonalKeyStoreClosedError);
    await expect(keys.find('a')).rejects.toBeInstanceOf(PersonalKeyStoreClosedError);
  });
});
