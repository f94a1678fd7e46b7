// LogFollowers on a real SQLite store: a bulk writer that calls `catchUp` after each append leaves the indexes
// that read the log forwards current, so the next caller reads nothing back; and since `catchUp` is the indexes'
// own read, what another connection (another instance) appended in between is in the answer.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore, type EventStore } from '@emargement/event-store';
import { notingFilteredReads } from '@emargement/testing';
import { EventsOfType } from './events-of-type.js';
import { LogFollowers } from './log-followers.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-log-followers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One append of `n` events of `type` to a stream of its own (as an import's chunk is one append). */
const append = (store: EventStore, type: string, n: number) =>
  store.appendToStream(
    `s-${randomUUID()}`,
    Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type, data: { n: i }, metadata: {} })),
  );

describe('LogFollowers', () => {
  test('after a bulk write that called catchUp, the next read starts at the head; another connection’s append is read', async () => {
    const file = join(dir, 'events.sqlite');
    const real = SqliteEventStore.open(file);
    const other = SqliteEventStore.open(file);
    try {
      await append(real, 'Noise', 1); // a store that is not empty: its first read sets where the next ones start
      const { store, froms } = notingFilteredReads(real);
      const index = new EventsOfType(store, ['Wanted'], (e) => e.streamName);
      const followers = new LogFollowers();
      followers.follow(() => index.all());
      expect(await index.all()).toEqual([]);

      const wanted = `s-${randomUUID()}`;
      for (let chunk = 0; chunk < 4; chunk++) {
        await append(real, 'Noise', 500);
        // Another instance writes between two chunks of this one's import.
        if (chunk === 1)
          await other.appendToStream(wanted, [{ id: randomUUID(), type: 'Wanted', data: {}, metadata: {} }]);
        await followers.catchUp();
      }
      const [head] = await real.readAll({ direction: 'backwards', maxCount: 1 });
      const readsBefore = froms.length;
      // The first caller after the bulk write: one read, from the head (nothing to look at), and the other's event.
      expect(await index.all()).toEqual([wanted]);
      expect(froms.slice(readsBefore)).toEqual([head!.position]);
      // Each chunk was read once, right after it was written: never from the start again.
      expect(froms.filter((f) => f === 'start')).toHaveLength(1);
    } finally {
      await other.close();
      await real.close();
    }
  });

  test('an index whose read fails does not fail the writer, nor keep the others from catching up', async () => {
    const followers = new LogFollowers();
    let caughtUp = 0;
    followers.follow(() => Promise.reject(new Error('store closed')));
    followers.follow(() => Promise.resolve((caughtUp += 1)));
    await expect(followers.catchUp()).resolves.toBeUndefined();
    expect(caughtUp).toBe(1);
  });
});
