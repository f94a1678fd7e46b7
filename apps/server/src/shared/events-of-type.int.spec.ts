// EventsOfType on a real SQLite store: the whole log is read once, then only what came after; what was appended
// before a call is in its answer, from this connection or another one on the same file.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore, type EventStore } from '@emargement/event-store';
import { notingFilteredReads } from '@emargement/testing';
import { EventsOfType } from './events-of-type.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-events-of-type-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const append = (store: EventStore, type: string, n: number) =>
  store.appendToStream(`s-${randomUUID()}`, [{ id: randomUUID(), type, data: { n }, metadata: {} }]);

describe('EventsOfType', () => {
  test('reads the log once, then only after the last position read, and misses nothing appended before a call', async () => {
    const file = join(dir, 'events.sqlite');
    const real = SqliteEventStore.open(file);
    const other = SqliteEventStore.open(file);
    try {
      await append(real, 'Noise', 0);
      const { store, froms } = notingFilteredReads(real);
      const index = new EventsOfType(store, ['Wanted'], (e) => (e.data as { n: number }).n);

      // Nothing of that type yet: the next read still starts at the head, not at the start.
      expect(await index.all()).toEqual([]);
      const [noise] = await real.readAll();
      expect(froms).toEqual(['start']);

      await append(real, 'Wanted', 1);
      await append(real, 'Noise', 2);
      expect(await index.all()).toEqual([1]);
      expect(froms[1]).toBe(noise!.position);

      // Another connection (another instance) appends: the next call has it.
      await append(other, 'Wanted', 3);
      // Calls that come together: each answers with what was stored before it, each value once.
      const together = await Promise.all([index.all(), append(real, 'Wanted', 4).then(() => index.all())]);
      expect(together[1]).toEqual([1, 3, 4]);
      expect(await index.all()).toEqual([1, 3, 4]);
      // Never from the start again.
      expect(froms.filter((f) => f === 'start')).toHaveLength(1);
    } finally {
      await other.close();
      await real.close();
    }
  });
});
