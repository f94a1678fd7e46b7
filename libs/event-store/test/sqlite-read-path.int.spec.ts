// What the SQLite store's read path promises beyond the conformance suite:
// events decoded on first read still behave as the plain objects they replace
// (copies, comparisons, JSON), and the hand-written subscription iterator
// serves calls in order and ends as a generator would.
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventTypes,
  InvalidEventStoreArgumentError,
  SqliteEventStore,
  type RecordedEvent,
  type SubscriptionMessage,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-read-path-'));
let store: SqliteEventStore;
let n = 0;

beforeEach(() => {
  store = SqliteEventStore.open(join(dir, `events-${n++}.sqlite`));
});
afterEach(() => store.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = { attendee: { name: 'Ada', seats: [1, 2] }, desk: 3, note: null };
const metadata = { actor: 'desk-3', correlationId: 'c-1' };

async function oneEvent(): Promise<RecordedEvent> {
  const id = randomUUID();
  await store.appendToStream('registration-1', [{ id, type: 'AttendeeAdmitted', data, metadata }]);
  const [event] = await store.readAll();
  return event!;
}

/** The event as a plain object, built field by field. */
function plain(e: RecordedEvent): Record<string, unknown> {
  return {
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    streamName: e.streamName,
    revision: e.revision,
    position: e.position,
    created: e.created,
  };
}

const bigintAsString = (_: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

describe('an event read from the store', () => {
  test('has the eight fields as own enumerable properties, in the usual order', async () => {
    const e = await oneEvent();
    expect(Object.keys(e)).toEqual(['id', 'type', 'data', 'metadata', 'streamName', 'revision', 'position', 'created']);
    expect(e.data).toEqual(data);
    expect(e.metadata).toEqual(metadata);
  });

  test('compares equal to the plain object, and copies with its data and metadata', async () => {
    const e = await oneEvent();
    const expected = {
      id: e.id,
      type: 'AttendeeAdmitted',
      data,
      metadata,
      streamName: 'registration-1',
      revision: 0n,
      position: 1n,
      created: e.created,
    };
    expect(e).toEqual(expected);
    expect({ ...e }).toEqual(expected);
    expect(Object.getPrototypeOf({ ...e })).toBe(Object.prototype);
    expect(structuredClone(e)).toEqual(expected);
    expect(JSON.stringify(e, bigintAsString)).toBe(JSON.stringify(expected, bigintAsString));
  });

  test('a spread that replaces data keeps the metadata (as personal-data reveal does)', async () => {
    const e = await oneEvent();
    const copy = { ...e, data: { other: true } };
    expect(copy.metadata).toEqual(metadata);
    expect(copy.data).toEqual({ other: true });
    expect(e.data).toEqual(data);
  });

  test('decodes once per object: the same value on every read, a fresh one on every store read', async () => {
    const e = await oneEvent();
    expect(e.data).toBe(e.data);
    (e.data as { desk: number }).desk = 99;
    expect((e.data as { desk: number }).desk).toBe(99);
    const [again] = await store.readAll();
    expect(again!.data).toEqual(data);
    expect(again!.data).not.toBe(e.data);
  });

  test('data and metadata can be assigned, before or after they were read', async () => {
    const e = await oneEvent();
    e.data = { replaced: 1 };
    expect(e.data).toEqual({ replaced: 1 });
    void e.metadata;
    e.metadata = { actor: 'someone else' };
    expect(e.metadata).toEqual({ actor: 'someone else' });
    expect(plain(e)).toEqual({ ...plain(e), data: { replaced: 1 }, metadata: { actor: 'someone else' } });
  });

  test('readStream and subscriptions hand over the same kind of event', async () => {
    const e = await oneEvent();
    const [fromStream] = await store.readStream('registration-1');
    expect(fromStream).toEqual(e);
    const sub = store.subscribeToAll();
    const first = await sub[Symbol.asyncIterator]().next();
    await sub.unsubscribe();
    expect(first.value).toEqual({ kind: 'event', event: e });
  });
});

describe('the subscription iterator', () => {
  async function appendMany(count: number): Promise<void> {
    await store.appendToStream(
      'attendee-1',
      Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type: 'Counted', data: { i } })),
    );
  }

  test('serves next() calls made without waiting, in order, across batch ends and the caught-up mark', async () => {
    await store.close();
    store = SqliteEventStore.open({ filename: join(dir, `events-${n++}.sqlite`), batchSize: 3 });
    await appendMany(7);
    const it = store.subscribeToAll()[Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: 8 }, () => it.next()));
    const messages = results.map((r) => r.value as SubscriptionMessage);
    expect(messages.map((m) => (m.kind === 'event' ? (m.event.data as { i: number }).i : m.kind))).toEqual([
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      'caughtUp',
    ]);
    expect(messages[7]).toEqual({ kind: 'caughtUp', position: 7n });
    // The ninth waits for a commit: an append wakes it.
    const ninth = it.next();
    await appendMany(1);
    const live = (await ninth).value as SubscriptionMessage;
    expect(live.kind === 'event' && live.event.position).toBe(8n);
    await it.return!();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test('reports caught up at once on an empty store, and unsubscribe ends a waiting iteration', async () => {
    const sub = store.subscribeToAll();
    const it = sub[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: { kind: 'caughtUp', position: null } });
    const waiting = it.next();
    await sub.unsubscribe();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  test('from a position at the head: caught up at that head, then the live events after it', async () => {
    await appendMany(2);
    const sub = store.subscribeToAll({ fromPosition: 2n });
    const seen: SubscriptionMessage[] = [];
    for await (const m of sub) {
      seen.push(m);
      if (m.kind === 'caughtUp') await appendMany(1);
      if (m.kind === 'event') break;
    }
    expect(seen.map((m) => (m.kind === 'event' ? m.event.position : m.position))).toEqual([2n, 3n]);
  });
});

describe("a stream's head known without a read (knownStreamHead)", () => {
  const ev = () => ({ id: randomUUID(), type: 'AttendeeAdmitted', data, metadata });

  test('is learned by a read, moves with this store’s own appends, and is never guessed', async () => {
    expect(store.knownStreamHead('registration-1')).toBeUndefined();
    await store.appendToStream('registration-1', [ev(), ev()]);
    // Written, never read: not known (only a read or a known head makes it so).
    expect(store.knownStreamHead('registration-1')).toBeUndefined();
    await store.readStream('registration-1');
    expect(store.knownStreamHead('registration-1')).toBe(1n);
    await store.appendToStream('registration-1', [ev()]);
    expect(store.knownStreamHead('registration-1')).toBe(2n);
    // A refused append moves nothing.
    await expect(store.appendToStream('registration-1', [ev()], { expectedRevision: 0n })).rejects.toThrow();
    expect(store.knownStreamHead('registration-1')).toBe(2n);
    expect(await store.readStreamOrNull('registration-2')).toBeNull();
    expect(store.knownStreamHead('registration-2')).toBeUndefined();
  });

  test("is forgotten as soon as another connection commits to the file (another process's writes)", async () => {
    const file = join(dir, `shared-${n++}.sqlite`);
    const mine = SqliteEventStore.open(file);
    const theirs = SqliteEventStore.open(file);
    try {
      await mine.appendToStream('conference-1', [ev()]);
      expect(mine.knownStreamHead('conference-1')).toBeUndefined();
      await mine.readStream('conference-1');
      expect(mine.knownStreamHead('conference-1')).toBe(0n);
      // Another stream, another connection: every head this store knew is in doubt.
      await theirs.appendToStream('conference-2', [ev()]);
      expect(mine.knownStreamHead('conference-1')).toBeUndefined();
      await theirs.appendToStream('conference-1', [ev()]);
      expect((await mine.readStream('conference-1')).length).toBe(2);
      expect(mine.knownStreamHead('conference-1')).toBe(1n);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });
});

describe('a filtered read forwards over a long log (issue 27)', () => {
  test('a window of no positions is refused when the store is opened', () => {
    for (const scanWindow of [0, -1, 1.5]) {
      expect(() => SqliteEventStore.open({ filename: join(dir, `events-${n++}.sqlite`), scanWindow })).toThrow(
        InvalidEventStoreArgumentError,
      );
    }
  });

  test('looks at it a window at a time, turning the event loop between, and reads what one statement would', async () => {
    const file = join(dir, `events-${n++}.sqlite`);
    const windowed = SqliteEventStore.open({ filename: file, scanWindow: 100 });
    try {
      // 1,000 events, a rare type every 97th: the filter finds 11 of them, spread over ten windows.
      const events = Array.from({ length: 1000 }, (_, i) => ({
        id: randomUUID(),
        type: i % 97 === 0 ? 'ConferenceScheduled' : 'AttendeeRegistered',
        data: { i },
      }));
      await windowed.appendToStream('day-1', events);
      const filter = eventTypes('ConferenceScheduled');
      let turned = false;
      setImmediate(() => (turned = true));
      const read = await windowed.readAll({ filter });
      // A read in one statement answers before any I/O turn; this one let the loop turn on the way.
      expect(turned).toBe(true);
      expect(read.map((e) => (e.data as { i: number }).i)).toEqual([
        0, 97, 194, 291, 388, 485, 582, 679, 776, 873, 970,
      ]);
      // The same as the unfiltered read filtered here, from any position, with any limit.
      const all = await windowed.readAll();
      for (const from of [0n, 150n, 970n, 971n, 1000n]) {
        const expected = all.filter((e) => e.position > from && e.type === 'ConferenceScheduled');
        expect((await windowed.readAll({ filter, fromPosition: from })).map((e) => e.position)).toEqual(
          expected.map((e) => e.position),
        );
        expect((await windowed.readAll({ filter, fromPosition: from, maxCount: 2 })).map((e) => e.position)).toEqual(
          expected.slice(0, 2).map((e) => e.position),
        );
      }
    } finally {
      await windowed.close();
    }
  });
});
