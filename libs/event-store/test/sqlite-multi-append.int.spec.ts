// Appends across streams in the SQLite adapter (`appendToStreams`): all parts
// or none, in one savepoint of the group commit or a transaction of their own.
import { afterAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidEventStoreArgumentError,
  SqliteEventStore,
  WrongExpectedRevisionError,
  type EventData,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-multi-append-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
const open = () => SqliteEventStore.open(join(dir, `store-${++fileNo}.sqlite`));
const ev = (data: unknown = {}, id: string = randomUUID()): EventData => ({ id, type: 'Probe', data });
const streamsOf = async (store: SqliteEventStore) => (await store.readAll()).map((e) => e.streamName);

describe('sqlite append across streams', () => {
  test('two streams in one append: both stored, in the parts’ order, in one commit', async () => {
    const store = open();
    try {
      await store.appendToStream('ticket-1', [ev({ k: 'registered' })]);
      const before = store.commitCount;
      const [claim, decision] = await store.appendToStreams([
        { streamName: 'claim-1', events: [ev({ k: 'claim' })], expectedRevision: 'no_stream' },
        { streamName: 'ticket-1', events: [ev({ k: 'a' }), ev({ k: 'b' })], expectedRevision: 0n },
      ]);
      expect(store.commitCount - before).toBe(1);
      expect(claim!.nextExpectedRevision).toBe(0n);
      expect(decision!.nextExpectedRevision).toBe(2n);
      expect(decision!.position > claim!.position).toBe(true);
      const all = await store.readAll();
      expect(all.map((e) => [e.streamName, (e.data as { k: string }).k])).toEqual([
        ['ticket-1', 'registered'],
        ['claim-1', 'claim'],
        ['ticket-1', 'a'],
        ['ticket-1', 'b'],
      ]);
      expect(all.at(-1)!.position).toBe(decision!.position);
      // The store's known heads moved with the append: a cache skips its catch-up read.
      await store.readStream('claim-1');
      expect(store.knownStreamHead('claim-1')).toBe(0n);
    } finally {
      await store.close();
    }
  });

  test.each([
    ['alone', false],
    ['in a group', true],
  ])('one part refused %s: nothing of any part is written, the error names its stream', async (_, grouped) => {
    const store = open();
    try {
      await store.appendToStream('claim-2', [ev({ k: 'first claim' })]);
      const others = grouped ? [store.appendToStream('other-a', [ev()]), store.appendToStream('other-b', [ev()])] : [];
      const refused = store.appendToStreams([
        { streamName: 'claim-2', events: [ev({ k: 'second claim' })], expectedRevision: 'no_stream' },
        { streamName: 'ticket-2', events: [ev({ k: 'decision' })], expectedRevision: 'no_stream' },
      ]);
      await expect(refused).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(refused).rejects.toMatchObject({ streamName: 'claim-2', actualRevision: 0n });
      await Promise.all(others);
      expect(await streamsOf(store)).toEqual(['claim-2', ...(grouped ? ['other-a', 'other-b'] : [])]);
      expect(await store.readStreamOrNull('ticket-2')).toBeNull();
    } finally {
      await store.close();
    }
  });

  test('the second part refused rolls back the first', async () => {
    const store = open();
    try {
      await store.appendToStream('ticket-3', [ev(), ev()]);
      await expect(
        store.appendToStreams([
          { streamName: 'claim-3', events: [ev()], expectedRevision: 'no_stream' },
          { streamName: 'ticket-3', events: [ev()], expectedRevision: 0n },
        ]),
      ).rejects.toMatchObject({ streamName: 'ticket-3', expectedRevision: 0n, actualRevision: 1n });
      expect(await streamsOf(store)).toEqual(['ticket-3', 'ticket-3']);
    } finally {
      await store.close();
    }
  });

  test('the same append again (a retry) answers as the first time and writes nothing', async () => {
    const store = open();
    try {
      const parts = [
        { streamName: 'claim-4', events: [ev()], expectedRevision: 'no_stream' as const },
        { streamName: 'ticket-4', events: [ev(), ev()], expectedRevision: 'no_stream' as const },
      ];
      const first = await store.appendToStreams(parts);
      const again = await store.appendToStreams(parts);
      expect(again).toEqual(first);
      expect(await store.readAll()).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  test('bad input is refused before anything is queued, with the port’s argument error', async () => {
    const store = open();
    try {
      const id = randomUUID();
      const cases = [
        [],
        [
          { streamName: 'twice', events: [ev()] },
          { streamName: 'twice', events: [ev()] },
        ],
        [
          { streamName: 'x', events: [ev({}, id)] },
          { streamName: 'y', events: [ev({}, id.toUpperCase())] },
        ],
        [{ streamName: 'no-events', events: [] }],
        [{ streamName: '$system', events: [ev()] }],
      ];
      for (const parts of cases) {
        await expect(store.appendToStreams(parts)).rejects.toBeInstanceOf(InvalidEventStoreArgumentError);
      }
      expect(await store.readAll()).toEqual([]);
      expect(store.commitCount).toBe(0);
    } finally {
      await store.close();
    }
  });

  test('200 appends across streams issued together share one commit, each whole', async () => {
    const store = open();
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.appendToStreams([
            { streamName: `c-${i}`, events: [ev({ i })], expectedRevision: 'no_stream' },
            // Every tenth one is refused on its second part: its first part must not stay.
            { streamName: `t-${i}`, events: [ev({ i })], expectedRevision: i % 10 === 0 ? 5n : 'no_stream' },
          ]),
        ).map((p) =>
          p.then(
            (r) => r,
            (e: unknown) => e,
          ),
        ),
      );
      expect(store.commitCount).toBe(1);
      const refused = results.filter((r) => r instanceof WrongExpectedRevisionError);
      expect(refused).toHaveLength(20);
      const stored = await streamsOf(store);
      expect(stored).toHaveLength(360);
      for (let i = 0; i < 200; i++) {
        const kept = stored.filter((s) => s === `c-${i}` || s === `t-${i}`);
        expect(kept).toEqual(i % 10 === 0 ? [] : [`c-${i}`, `t-${i}`]);
      }
    } finally {
      await store.close();
    }
  });
});
