// The EventStoreDB adapter under faults, through the gRPC test peer, with the
// real @eventstore/db-client: dropped subscriptions, an unavailable server, a
// stalled reader, a server restart, and errors mapped to the port's errors.
//
// Nothing here sleeps to wait for something: tests wait on the subscription's
// own messages, on the peer's events (`subscribed`, `held`) and on the
// adapter's `onSubscriptionDropped` hook. Timeouts are only safety nets.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EventStoreDbEventStore,
  EventStoreError,
  EventStoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
  type EventData,
  type EventStore,
  type RecordedEvent,
  type Subscription,
  type SubscriptionMessage,
} from '../src/index.js';
import { EsdbPeer, type EsdbPeerEvents, type SubscriptionStart } from '../../../test/esdb-peer/peer.js';
import { FAST_BACKOFF } from './support/esdb-target.js';

const SAFETY_MS = 10_000;

function ev(n: number): EventData {
  return { id: randomUUID(), type: 'Counted', data: { n }, metadata: { by: 'faults' } };
}

function prefix(): string {
  return `fault${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = SAFETY_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A list that tests can wait on: `until` resolves as soon as the condition holds. */
class Log<T> {
  readonly items: T[] = [];
  private waiters: Array<() => void> = [];

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** For conditions on state outside the list (call after changing it). */
  poke(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  until(condition: () => boolean, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    let check: () => void = () => undefined;
    return withTimeout(
      new Promise<void>((resolve) => {
        check = () => {
          if (condition()) resolve();
        };
        this.waiters.push(check);
      }),
      what,
    ).finally(() => {
      this.waiters = this.waiters.filter((waiter) => waiter !== check);
    });
  }
}

/** Iterates a port subscription in the background and records what it yields. */
class Tape extends Log<SubscriptionMessage> {
  ended = false;
  error: unknown;
  readonly done: Promise<void>;

  constructor(readonly subscription: Subscription) {
    super();
    this.done = (async () => {
      try {
        for await (const message of subscription) this.push(message);
      } catch (error) {
        this.error = error;
      } finally {
        this.ended = true;
        this.poke();
      }
    })();
  }

  get events(): RecordedEvent[] {
    return this.items.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
  }

  get ids(): string[] {
    return this.events.map((e) => e.id);
  }

  get caughtUpCount(): number {
    return this.items.filter((m) => m.kind === 'caughtUp').length;
  }

  untilEvents(count: number, what = `${count} events`): Promise<void> {
    return this.until(() => this.events.length >= count || this.ended, what).then(() => {
      if (this.events.length < count) throw new Error(`subscription ended (${String(this.error)}) before ${what}`);
    });
  }
}

interface Drop {
  error: unknown;
  attempt: number;
  delayMs: number;
  /** Events the subscriber had received when the adapter reported the drop. */
  delivered: RecordedEvent[];
}

function peerEvent<K extends keyof EsdbPeerEvents>(peer: EsdbPeer, name: K): Promise<EsdbPeerEvents[K]> {
  let listener: (...args: EsdbPeerEvents[K]) => void = () => undefined;
  const on = peer.on as (event: K, l: (...args: EsdbPeerEvents[K]) => void) => EsdbPeer;
  const off = peer.off as (event: K, l: (...args: EsdbPeerEvents[K]) => void) => EsdbPeer;
  return withTimeout(
    new Promise<EsdbPeerEvents[K]>((resolve) => {
      listener = (...args) => resolve(args);
      on.call(peer, name, listener);
    }),
    `peer event ${name}`,
  ).finally(() => off.call(peer, name, listener));
}

/** The next subscription the peer confirms, and where it was asked to start. */
async function nextSubscription(peer: EsdbPeer): Promise<SubscriptionStart> {
  const [, start] = await peerEvent(peer, 'subscribed');
  return start;
}

const at = (position: bigint): SubscriptionStart => ({ kind: 'all', from: { commit: position, prepare: position } });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Appends `count` single-event appends in sequence (so `$all` order is this order); returns their ids. */
async function appendEach(store: EventStore, stream: string, count: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const e = ev(from + i);
    ids.push(e.id);
    await store.appendToStream(stream, [e]);
  }
  return ids;
}

function expectStrictlyIncreasing(events: readonly RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) expect(events[i]!.position > events[i - 1]!.position).toBe(true);
}

// ---------------------------------------------------------------------------

describe('EventStoreDB adapter under faults (through the test peer)', () => {
  let peer: EsdbPeer;
  let store: EventStoreDbEventStore;
  let tape: Tape | undefined;
  let drops: Log<Drop>;

  beforeEach(async () => {
    peer = await EsdbPeer.start();
    drops = new Log<Drop>();
    tape = undefined;
    store = EventStoreDbEventStore.connect(peer.connectionString, {
      resubscribe: FAST_BACKOFF,
      onSubscriptionDropped: (error, attempt, delayMs) =>
        drops.push({ error, attempt, delayMs, delivered: tape ? [...tape.events] : [] }),
    });
  });

  afterEach(async () => {
    peer.stallReaders(false);
    peer.setUnavailable(false);
    await store.close();
    if (tape) await withTimeout(tape.done, 'the subscription to end on close');
    await peer.stop();
  });

  function subscribe(p: string): Tape {
    tape = new Tape(store.subscribeToAll({ filter: { filterOn: 'streamName', prefixes: [p] } }));
    return tape;
  }

  test('(a) a live subscription dropped mid-stream resumes from its last delivered position, nothing missed or repeated, while a writer keeps appending', async () => {
    const p = prefix();
    const history = await appendEach(store, `${p}-h`, 5);
    const sub = subscribe(p);
    await sub.until(() => sub.caughtUpCount === 1 && sub.events.length === 5, 'catch-up');

    // A writer appends, one event per append, until told to stop.
    const written: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const e = ev(i);
        written.push(e.id);
        await store.appendToStream(`${p}-w${i % 2}`, [e]);
      }
    })();

    for (let k = 1; k <= 3; k++) {
      await sub.untilEvents(5 + 15 * k, `live events before drop ${k}`);
      const resubscribed = nextSubscription(peer);
      expect(peer.dropSubscriptions()).toBe(1);
      const start = await resubscribed;
      await drops.until(() => drops.items.length === k, `drop ${k} reported`);
      const drop = drops.items[k - 1]!;
      expect(drop.attempt).toBe(1);
      expect(drop.error).toMatchObject({ type: 'timeout' });
      expect(String((drop.error as Error).message)).toContain('Consumer too slow');
      // Resubscribed exactly from the last event the subscriber had been given.
      expect(start).toEqual(at(drop.delivered.at(-1)!.position));
    }
    await sub.untilEvents(5 + 15 * 3 + 10, 'live events after the last drop');
    stop = true;
    await writer;

    await sub.untilEvents(history.length + written.length, 'every written event');
    expect(sub.ids).toEqual([...history, ...written]);
    expect(sub.caughtUpCount).toBe(1);
    expectStrictlyIncreasing(sub.events);
    expect(drops.items).toHaveLength(3);
    // The writer really was appending across the drops.
    expect(written.length).toBeGreaterThan(5 + 15 * 3);
  });

  test('(a) a drop during catch-up resumes from the last delivered event and signals caughtUp once', async () => {
    const p = prefix();
    const history: string[] = [];
    for (let i = 0; i < 10; i++) {
      const batch = Array.from({ length: 50 }, (_, j) => ev(i * 50 + j));
      history.push(...batch.map((e) => e.id));
      await store.appendToStream(`${p}-h${i % 3}`, batch);
    }
    // The adapter first reads where `$all` ends (to know when it has caught
    // up), then subscribes. Stalled after that read, the peer holds the whole
    // catch-up, so the first drop lands before anything is delivered.
    const headRead = peerEvent(peer, 'answered');
    const first = nextSubscription(peer);
    const sub = subscribe(p);
    expect(await headRead).toEqual(['all']);
    peer.stallReaders(true);
    expect(await first).toEqual({ kind: 'all', from: 'start' });
    expect(peer.heldMessages).toBeGreaterThan(500);
    const resubscribed = nextSubscription(peer);
    expect(peer.dropSubscriptions()).toBe(1);
    peer.stallReaders(false);
    expect(await resubscribed).toEqual({ kind: 'all', from: 'start' });
    expect(sub.items).toHaveLength(0);
    // The second drop lands part-way through the catch-up (where exactly
    // depends on buffering; the invariants below hold wherever it is).
    await sub.untilEvents(100, 'part of the catch-up');

    const again = nextSubscription(peer);
    expect(peer.dropSubscriptions()).toBe(1);
    const start = await again;
    await drops.until(() => drops.items.length === 2, 'the second drop reported');
    const delivered = drops.items[1]!.delivered;
    expect(start).toEqual(at(delivered.at(-1)!.position));

    const live = await appendEach(store, `${p}-live`, 3);
    await sub.untilEvents(503, 'catch-up and live events');
    expect(sub.ids).toEqual([...history, ...live]);
    expect(sub.caughtUpCount).toBe(1);
    const caughtUpAt = sub.items.findIndex((m) => m.kind === 'caughtUp');
    expect(sub.items.slice(0, caughtUpAt).filter((m) => m.kind === 'event')).toHaveLength(500);
  });

  test('(b) while the server is unavailable, calls reject with EventStoreUnavailableError and the subscription retries with backoff, then recovers with no gap', async () => {
    const p = prefix();
    const history = await appendEach(store, `${p}-a`, 3);
    const sub = subscribe(p);
    await sub.until(() => sub.caughtUpCount === 1 && sub.events.length === 3, 'catch-up');
    const live = await appendEach(store, `${p}-a`, 2, 3);
    await sub.untilEvents(5);

    // Events acknowledged but never delivered: held by a stall, then lost
    // with the connection when the server becomes unavailable.
    peer.stallReaders(true);
    const unseen = await appendEach(store, `${p}-b`, 3);
    expect(peer.heldMessages).toBeGreaterThanOrEqual(3);
    peer.setUnavailable(true);
    peer.stallReaders(false);

    const append = await rejection(store.appendToStream(`${p}-a`, [ev(9)]));
    expect(append).toBeInstanceOf(EventStoreUnavailableError);
    expect((append as EventStoreUnavailableError).code).toBe('event_store_unavailable');
    expect((append as Error).cause).toBeDefined();
    expect(await rejection(store.readStream(`${p}-a`))).toBeInstanceOf(EventStoreUnavailableError);
    expect(await rejection(store.readAll())).toBeInstanceOf(EventStoreUnavailableError);

    // The subscription keeps trying, each time a little later.
    await drops.until(() => drops.items.length >= 5, 'five resubscription attempts');
    const attempts = drops.items.slice(0, 5);
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
    // FAST_BACKOFF without jitter: 0.75 × min(80, 10 × 2^(attempt-1)).
    expect(attempts.map((d) => d.delayMs)).toEqual([7.5, 15, 30, 60, 60]);
    for (const d of attempts) expect(d.error).toMatchObject({ type: 'unavailable' });
    expect(sub.events).toHaveLength(5);
    expect(sub.ended).toBe(false);

    const resubscribed = nextSubscription(peer);
    peer.setUnavailable(false);
    expect(await resubscribed).toEqual(at(sub.events[4]!.position));
    const after = await appendEach(store, `${p}-a`, 2, 5);
    await sub.untilEvents(10);
    expect(sub.ids).toEqual([...history, ...live, ...unseen, ...after]);
    expect(sub.caughtUpCount).toBe(1);
    expectStrictlyIncreasing(sub.events);
  });

  test('(c) a stalled subscriber gets the events appended meanwhile, in order, once released; no duplicates', async () => {
    const p = prefix();
    const history = await appendEach(store, `${p}-a`, 3);
    const sub = subscribe(p);
    await sub.until(() => sub.caughtUpCount === 1 && sub.events.length === 3, 'catch-up');

    peer.stallReaders(true);
    const during = [...(await appendEach(store, `${p}-a`, 10)), ...(await appendEach(store, `${p}-b`, 10))];
    expect(peer.heldMessages).toBeGreaterThanOrEqual(20);
    // A one-off read is held as well: it does not settle during the stall.
    let readSettled = false;
    const heldRead = peerEvent(peer, 'held');
    const read = store.readStream(`${p}-b`).finally(() => {
      readSettled = true;
    });
    await heldRead;
    expect(readSettled).toBe(false);
    expect(sub.events).toHaveLength(3);

    peer.stallReaders(false);
    await sub.untilEvents(23);
    expect((await read).map((e) => e.id)).toEqual(during.slice(10));
    expect(sub.ids).toEqual([...history, ...during]);
    expectStrictlyIncreasing(sub.events);
    expect(drops.items).toHaveLength(0);

    const later = await appendEach(store, `${p}-a`, 2);
    await sub.untilEvents(25);
    expect(sub.ids).toEqual([...history, ...during, ...later]);
  });

  test('(c) a stalled subscriber dropped while stalled resumes from what it was given, not from what the server sent', async () => {
    const p = prefix();
    const history = await appendEach(store, `${p}-a`, 3);
    const sub = subscribe(p);
    await sub.until(() => sub.caughtUpCount === 1 && sub.events.length === 3, 'catch-up');

    peer.stallReaders(true);
    const during = await appendEach(store, `${p}-a`, 10);
    const resubscribed = nextSubscription(peer);
    expect(peer.dropSubscriptions()).toBe(1); // the held events go with the call
    expect(await resubscribed).toEqual(at(sub.events[2]!.position));
    expect(sub.events).toHaveLength(3);
    peer.stallReaders(false);

    await sub.untilEvents(13);
    expect(sub.ids).toEqual([...history, ...during]);
    expect(sub.caughtUpCount).toBe(1);
  });

  test('(d) the server stops and restarts with its data: the subscription recovers with no gap', async () => {
    const p = prefix();
    const history = await appendEach(store, `${p}-a`, 3);
    const sub = subscribe(p);
    await sub.until(() => sub.caughtUpCount === 1 && sub.events.length === 3, 'catch-up');
    const live = await appendEach(store, `${p}-a`, 2, 3);
    await sub.untilEvents(5);

    peer.stallReaders(true);
    const unseen = await appendEach(store, `${p}-b`, 2);
    await peer.stop();

    await drops.until(() => drops.items.length >= 3, 'resubscription attempts while the server is down');
    for (const d of drops.items) expect(d.error).toMatchObject({ type: 'unavailable' });
    expect(await rejection(store.appendToStream(`${p}-a`, [ev(9)]))).toBeInstanceOf(EventStoreUnavailableError);
    expect(await rejection(store.readStream(`${p}-a`))).toBeInstanceOf(EventStoreUnavailableError);

    const resubscribed = nextSubscription(peer);
    await peer.restart({ keepData: true });
    expect(await resubscribed).toEqual(at(sub.events[4]!.position));
    const after = await appendEach(store, `${p}-a`, 2, 5);
    await sub.untilEvents(9);
    expect(sub.ids).toEqual([...history, ...live, ...unseen, ...after]);
    expect(sub.caughtUpCount).toBe(1);
    expect((await store.readStream(`${p}-a`)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
  });

  test('a subscription opened while the server is unavailable waits, then catches up and goes live', async () => {
    const p = prefix();
    const history = await appendEach(store, `${p}-a`, 3);
    peer.setUnavailable(true);
    const sub = subscribe(p);
    await drops.until(() => drops.items.length >= 3, 'attempts while unavailable');
    expect(drops.items.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(drops.items[0]!.error).toBeInstanceOf(EventStoreUnavailableError);
    expect(sub.items).toHaveLength(0);

    const subscribed = nextSubscription(peer);
    peer.setUnavailable(false);
    expect(await subscribed).toEqual({ kind: 'all', from: 'start' });
    await sub.until(() => sub.caughtUpCount === 1 && sub.events.length === 3, 'catch-up');
    const live = await appendEach(store, `${p}-a`, 2, 3);
    await sub.untilEvents(5);
    expect(sub.ids).toEqual([...history, ...live]);
    expect(sub.items.findIndex((m) => m.kind === 'caughtUp')).toBe(3);
  });

  test('unsubscribe and close end a subscription that is waiting to retry', async () => {
    const p = prefix();
    await appendEach(store, `${p}-a`, 1);
    const sub = subscribe(p);
    await sub.until(() => sub.caughtUpCount === 1, 'catch-up');
    const second = new Tape(store.subscribeToAll({ filter: { filterOn: 'streamName', prefixes: [p] } }));
    await second.until(() => second.caughtUpCount === 1, 'catch-up of the second subscription');

    peer.setUnavailable(true);
    await drops.until(() => drops.items.length >= 4, 'both subscriptions retrying');
    await sub.subscription.unsubscribe();
    await withTimeout(sub.done, 'unsubscribe to end the iteration');
    expect(sub.error).toBeUndefined();

    await store.close();
    await withTimeout(second.done, 'close to end the iteration');
    expect(second.error).toBeUndefined();
    const attempts = drops.items.length;
    peer.setUnavailable(false);
    expect(drops.items).toHaveLength(attempts);
  });
});

describe.each([
  { serverFeatures: 'supported-methods' as const, path: 'BatchAppend' },
  { serverFeatures: 'unimplemented' as const, path: 'Append' },
])('(e) errors over the wire map to the port (client appends with $path)', ({ serverFeatures }) => {
  let peer: EsdbPeer;
  let store: EventStoreDbEventStore;

  beforeEach(async () => {
    peer = await EsdbPeer.start({ serverFeatures });
    store = EventStoreDbEventStore.connect(peer.connectionString, { resubscribe: FAST_BACKOFF });
  });

  afterEach(async () => {
    await store.close();
    await peer.stop();
  });

  test('a wrong expected revision is a WrongExpectedRevisionError with expected and actual revisions as bigints', async () => {
    const s = `${prefix()}-1`;
    await store.appendToStream(s, [ev(0), ev(1)], { expectedRevision: 'no_stream' });

    const tooFar = await rejection(store.appendToStream(s, [ev(2)], { expectedRevision: 5n }));
    expect(tooFar).toBeInstanceOf(WrongExpectedRevisionError);
    expect(tooFar).toBeInstanceOf(EventStoreError);
    const wrong = tooFar as WrongExpectedRevisionError;
    expect(wrong.code).toBe('wrong_expected_revision');
    expect(wrong.streamName).toBe(s);
    expect(typeof wrong.expectedRevision).toBe('bigint');
    expect(typeof wrong.actualRevision).toBe('bigint');
    expect(wrong.expectedRevision).toBe(5n);
    expect(wrong.actualRevision).toBe(1n);

    const stale = (await rejection(
      store.appendToStream(s, [ev(2)], { expectedRevision: 0n }),
    )) as WrongExpectedRevisionError;
    expect([stale.expectedRevision, stale.actualRevision]).toEqual([0n, 1n]);

    const exists = (await rejection(
      store.appendToStream(s, [ev(2)], { expectedRevision: 'no_stream' }),
    )) as WrongExpectedRevisionError;
    expect(exists).toBeInstanceOf(WrongExpectedRevisionError);
    expect([exists.expectedRevision, exists.actualRevision]).toEqual(['no_stream', 1n]);

    const missing = `${prefix()}-1`;
    const mustExist = (await rejection(
      store.appendToStream(missing, [ev(0)], { expectedRevision: 'stream_exists' }),
    )) as WrongExpectedRevisionError;
    expect(mustExist).toBeInstanceOf(WrongExpectedRevisionError);
    expect([mustExist.streamName, mustExist.expectedRevision, mustExist.actualRevision]).toEqual([
      missing,
      'stream_exists',
      'no_stream',
    ]);
    const atZero = (await rejection(
      store.appendToStream(missing, [ev(0)], { expectedRevision: 0n }),
    )) as WrongExpectedRevisionError;
    expect([atZero.expectedRevision, atZero.actualRevision]).toEqual([0n, 'no_stream']);

    // Nothing was written by the refused appends.
    expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0n, 1n]);
    await expect(store.readStream(missing)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  test('a missing stream is a StreamNotFoundError naming it, whatever the read', async () => {
    const missing = `${prefix()}-none`;
    for (const read of [
      store.readStream(missing),
      store.readStream(missing, { direction: 'backwards' }),
      store.readStream(missing, { fromRevision: 3n, maxCount: 2 }),
      store.readStream(missing, { maxCount: 0 }),
    ]) {
      const error = await rejection(read);
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect((error as StreamNotFoundError).code).toBe('stream_not_found');
      expect((error as StreamNotFoundError).streamName).toBe(missing);
    }
  });
});
