// The key-store conformance suite: what every PersonalKeyStore adapter must
// do, run against each of them (SQLite file, PostgreSQL table).
import { describe, expect, test } from '@jest/globals';
import { PersonalKeyStoreClosedError, SubjectErasedError, type PersonalKeyStore } from '../src/index.js';

export interface KeyStoreHarness {
  /** A new, empty place for keys; `open` may be called several times on it (reopening, a second instance). */
  fresh(): Promise<{ open(): Promise<PersonalKeyStore> }>;
}

export function runKeyStoreConformance(name: string, harness: KeyStoreHarness): void {
  describe(`PersonalKeyStore conformance: ${name}`, () => {
    test('makes one 32-byte key per subject, kept across reopening', async () => {
      const place = await harness.fresh();
      const keys = await place.open();
      const a = await keys.keyFor('a');
      expect(a).toHaveLength(32);
      expect(await keys.keyFor('a')).toEqual(a);
      expect(await keys.keyFor('b')).not.toEqual(a);
      expect(await keys.find('nobody')).toBeNull();
      await keys.close();
      const again = await place.open();
      expect(await again.find('a')).toEqual(a);
      expect(await again.keyFor('a')).toEqual(a);
      await again.close();
    });

    test('a tombstone refuses a new key, also for a subject that never had one, and survives reopening', async () => {
      const place = await harness.fresh();
      const keys = await place.open();
      await keys.keyFor('a');
      expect(await keys.erase('a', 'request')).toEqual({ erased: true });
      expect(await keys.erase('a')).toEqual({ erased: false });
      expect(await keys.erase('never-seen')).toEqual({ erased: true });
      await expect(keys.keyFor('a')).rejects.toBeInstanceOf(SubjectErasedError);
      await expect(keys.keyFor('never-seen')).rejects.toBeInstanceOf(SubjectErasedError);
      expect(await keys.find('a')).toBe('erased');
      await keys.close();
      const again = await place.open();
      expect(await again.find('a')).toBe('erased');
      await expect(again.keyFor('a')).rejects.toBeInstanceOf(SubjectErasedError);
      await again.close();
    });

    test('keysFor with an erased subject creates no key at all', async () => {
      const place = await harness.fresh();
      const keys = await place.open();
      await keys.erase('gone');
      await expect(keys.keysFor(['new-1', 'gone', 'new-2'])).rejects.toBeInstanceOf(SubjectErasedError);
      expect(await keys.find('new-1')).toBeNull();
      expect(await keys.find('new-2')).toBeNull();
      const found = await keys.keysFor(['new-1', 'new-2', 'new-1']);
      expect([...found.keys()]).toEqual(['new-1', 'new-2']);
      await keys.close();
    });

    test('findMany answers keys and tombstones, and leaves out subjects it never saw', async () => {
      const place = await harness.fresh();
      const keys = await place.open();
      const a = await keys.keyFor('a');
      await keys.erase('b');
      const found = await keys.findMany(['a', 'b', 'c', 'a']);
      expect(found).toEqual(
        new Map<string, Buffer | 'erased'>([
          ['a', a],
          ['b', 'erased'],
        ]),
      );
      expect(await keys.findMany([])).toEqual(new Map());
      await keys.close();
    });

    test('refuses an empty subject', async () => {
      const place = await harness.fresh();
      const keys = await place.open();
      await expect(keys.keyFor('')).rejects.toBeInstanceOf(TypeError);
      await expect(keys.erase('')).rejects.toBeInstanceOf(TypeError);
      await keys.close();
    });

    test('answers ping while open, and refuses to work once closed', async () => {
      const place = await harness.fresh();
      const keys = await place.open();
      await keys.ping();
      await keys.close();
      await keys.close();
      await expect(keys.keyFor('a')).rejects.toBeInstanceOf(PersonalKeyStoreClosedError);
      await expect(keys.find('a')).rejects.toBeInstanceOf(PersonalKeyStoreClosedError);
      await expect(keys.erase('a')).rejects.toBeInstanceOf(PersonalKeyStoreClosedError);
      await expect(keys.ping()).rejects.toBeInstanceOf(PersonalKeyStoreClosedError);
    });
  });
}
