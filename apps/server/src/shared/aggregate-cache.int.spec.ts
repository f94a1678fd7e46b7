// The write side's handler layer on a real SQLite file (issue 20): runDecider
// and AggregateCache, given a stream, when a command (or two racing), then
// what is stored. Two caches on one file stand for two instances: the
// in-process queue cannot hide a race between them.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accept, CommandRefusedError, refuse, type Decider } from '@emargement/decider';
import { SqliteEventStore, WrongExpectedRevisionError, type EventStore } from '@emargement/event-store';
import { AggregateCache } from './aggregate-cache.js';
import { retryDelayMs, runDecider } from './decider-runner.js';
import { withoutAppendToStreams } from '@emargement/testing';

/** A room of `capacity` seats: `Book` takes one, refused `full` when none is left. */
type Command = { type: 'Book'; data: { who: string } };
type Event = { type: 'SeatBooked'; data: { who: string } };
interface State {
  booked: string[];
}
const CAPACITY = 1;

/** The decider, and the number of seats taken in each state a decision was made on. */
const room = (): { decider: Decider<Command, Event, State, { seat: number }, 'full'>; seen: number[] } => {
  const seen: number[] = [];
  const evolve = (s: State, e: Event): State => ({ booked: [...s.booked, e.data.who] });
  return {
    seen,
    decider: {
      initialState: () => ({ booked: [] }),
      evolve,
      fold: (events, from = { booked: [] }) => [...events].reduce(evolve, from),
      decide: (c, s) => {
        seen.push(s.booked.length);
        return s.booked.length >= CAPACITY
          ? refuse('full', { capacity: CAPACITY })
          : accept([{ type: 'SeatBooked', data: { who: c.data.who } }], { seat: s.booked.length + 1 });
      },
    },
  };
};
const book = (who: string): Command => ({ type: 'Book', data: { who } });
/** A room without a limit: every booking accepted. */
const crowdDecide = (c: Command, s: State) =>
  accept([{ type: 'SeatBooked' as const, data: { who: c.data.who } }], { seat: s.booked.length + 1 });

const dir = mkdtempSync(join(tmpdir(), 'emargement-handlers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opened: SqliteEventStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
let files = 0;
/** Two connections to one new file: two instances of the server. */
const twoInstances = (): [EventStore, EventStore] => {
  const file = join(dir, `events-${++files}.sqlite`);
  const a = SqliteEventStore.open(file);
  const b = SqliteEventStore.open(file);
  opened.push(a, b);
  return [a, b];
};
/** The real store, with its stream reads counted (the work a cache or `presumeNew` saves). */
const counted = (store: EventStore): { store: EventStore; reads: () => number } => {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (key === 'readStream' || key === 'readStreamOrNull') {
        return (...args: unknown[]) => {
          reads += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { store: proxy, reads: () => reads };
};
const stored = async (store: EventStore, stream: string): Promise<string[]> =>
  (await store.readStream(stream)).map((e) => (e.data as { who: string }).who);

describe('runDecider', () => {
  test('given an empty stream, when a command is accepted, then its events are appended with no_stream', async () => {
    const [store] = twoInstances();
    const { decider } = room();
    const result = await runDecider(store, 'room-1', decider, book('ada'), { correlationId: 'c1' });
    expect(result).toMatchObject({ outcome: { seat: 1 }, appended: { from: 'no_stream', to: 0n } });
    expect(await stored(store, 'room-1')).toEqual(['ada']);
  });

  test('given a full room, when a command is refused, then the stable code is thrown and nothing is stored', async () => {
    const [store] = twoInstances();
    const { decider } = room();
    await runDecider(store, 'room-1', decider, book('ada'), {});
    await expect(runDecider(store, 'room-1', decider, book('bob'), {})).rejects.toMatchObject({
      reason: 'full',
      detail: { capacity: 1 },
    });
    expect(await stored(store, 'room-1')).toEqual(['ada']);
  });

  test('when two writers decide on the same revision, then the second append conflicts and it decides again on the first one’s events', async () => {
    const [a, b] = twoInstances();
    const { decider, seen } = room();
    // Both have read the empty stream before either appends: the loader waits for the other one to have read too.
    let bothRead!: () => void;
    const barrier = new Promise<void>((r) => (bothRead = r));
    let reads = 0;
    const load = (store: EventStore) => async () => {
      const loaded = await store.readStream('room-1').then(
        (events) => ({
          state: decider.fold(events.map((e) => e as unknown as Event)),
          revision: events.at(-1)!.revision,
        }),
        () => ({ state: decider.initialState(), revision: 'no_stream' as const }),
      );
      if (++reads === 2) bothRead();
      if (reads <= 2) await barrier;
      return loaded;
    };
    const results = await Promise.allSettled([
      runDecider(a, 'room-1', decider, book('ada'), {}, { load: load(a) }),
      runDecider(b, 'room-1', decider, book('bob'), {}, { load: load(b) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(CommandRefusedError);
    expect(lost?.reason).toMatchObject({ reason: 'full' });
    // Two decisions on the empty room, then the loser's second one, on the winner's seat.
    expect(seen).toEqual([0, 0, 1]);
    expect(await stored(a, 'room-1')).toHaveLength(1);
  });
});

describe('runDecider on a stream presumed new (a scan id)', () => {
  test('given no stream, the command is decided and appended without a read', async () => {
    const [raw] = twoInstances();
    const { store, reads } = counted(raw);
    const { decider, seen } = room();
    await runDecider(store, 'room-1', decider, book('ada'), {}, { presumeNew: true });
    expect(reads()).toBe(0);
    expect(seen).toEqual([0]);
    expect(await stored(raw, 'room-1')).toEqual(['ada']);
  });

  test('given the stream exists after all, the append conflicts and the command is decided again on what is stored', async () => {
    const [raw] = twoInstances();
    const { store, reads } = counted(raw);
    const { decider, seen } = room();
    await runDecider(raw, 'room-1', decider, book('ada'), {});
    seen.length = 0;
    await expect(runDecider(store, 'room-1', decider, book('bob'), {}, { presumeNew: true })).rejects.toMatchObject({
      reason: 'full',
    });
    // First on the presumed empty room (its append refused on the revision), then read and decided on ada's seat.
    expect(seen).toEqual([0, 1]);
    expect(reads()).toBe(1);
    expect(await stored(raw, 'room-1')).toEqual(['ada']);
  });
});

describe('retries after a conflict', () => {
  test('the first retry is at once, later ones wait a random time under a bound that doubles up to 100 ms', () => {
    expect(retryDelayMs(1, () => 0.999)).toBe(0);
    expect([2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n, () => 0.999))).toEqual([3, 7, 15, 31, 63, 99, 99, 99]);
    expect(retryDelayMs(5, () => 0)).toBe(0);
    expect(retryDelayMs(5, () => 0.5)).toBe(16);
  });

  test('when another writer keeps appending first, the command waits between attempts, decides on every new event, and gives up after maxAttempts', async () => {
    const [a, b] = twoInstances();
    const { decider } = room();
    const crowd = {
      ...decider,
      decide: (c: Command, s: State) =>
        accept([{ type: 'SeatBooked' as const, data: { who: c.data.who } }], { seat: s.booked.length + 1 }),
    };
    // Between each read and its append, the other instance writes: every append of `a` conflicts.
    const load = async () => {
      const events = await a.readStream('hall').catch(() => []);
      const loaded = {
        state: decider.fold(events.map((e) => e as unknown as Event)),
        revision: events.length === 0 ? ('no_stream' as const) : events.at(-1)!.revision,
      };
      await b.appendToStream('hall', [
        { id: randomUUID(), type: 'SeatBooked', data: { who: `other-${events.length}` } },
      ]);
      return loaded;
    };
    const waits: [number, number][] = [];
    await expect(
      runDecider(a, 'hall', crowd, book('ada'), {}, { load, maxAttempts: 6, onRetry: (n, ms) => waits.push([n, ms]) }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(waits.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    expect(waits[0]![1]).toBe(0);
    for (const [n, ms] of waits.slice(1)) expect(ms).toBeLessThan(Math.min(100, 2 * 2 ** (n - 1)));
    // Nothing of `a` was stored; the other writer's six events were.
    expect(await stored(a, 'hall')).toEqual(['other-0', 'other-1', 'other-2', 'other-3', 'other-4', 'other-5']);
  });
});

describe('AggregateCache', () => {
  test('given a cached state, when the command is accepted, then its own events are folded in without a read', async () => {
    const [store] = twoInstances();
    const { decider } = room();
    const cache = new AggregateCache(store, (id) => `room-${id}`, decider);
    await cache.run('1', book('ada'), {});
    expect(await cache.current('1')).toEqual({ state: { booked: ['ada'] }, revision: 0n });
  });

  test('a warm aggregate is not read again until something is appended, by this instance or another', async () => {
    const [a, b] = twoInstances();
    const { store, reads } = counted(a);
    const { decider } = room();
    const cache = new AggregateCache(store, (id) => `room-${id}`, { ...decider, decide: crowdDecide });
    await cache.run('1', book('ada'), {});
    await cache.current('1');
    const warm = reads();
    await cache.current('1');
    await cache.current('1');
    expect(reads()).toBe(warm);
    // Its own append is folded in, and the store knows the new head: still no read.
    await cache.run('1', book('bea'), {});
    expect(reads()).toBe(warm);
    expect((await cache.current('1')).state.booked).toEqual(['ada', 'bea']);
    // Another instance writes to the file: the next ask reads, and sees it.
    await b.appendToStream('room-1', [{ id: randomUUID(), type: 'SeatBooked', data: { who: 'cy' } }]);
    expect(await cache.current('1')).toEqual({ state: { booked: ['ada', 'bea', 'cy'] }, revision: 2n });
    expect(reads()).toBe(warm + 1);
  });

  test('two instances, one file, racing on one aggregate: exactly one wins first, the other retries on the new revision', async () => {
    const [a, b] = twoInstances();
    const { decider, seen } = room();
    const first = new AggregateCache(a, (id) => `room-${id}`, decider);
    const second = new AggregateCache(b, (id) => `room-${id}`, decider);
    // Both caches hold the empty room already (warm, as on a server that has served the aggregate).
    await Promise.all([first.current('1'), second.current('1')]);
    seen.length = 0;
    const results = await Promise.allSettled([first.run('1', book('ada'), {}), second.run('1', book('bob'), {})]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({ reason: 'full' });
    expect(seen).toEqual([0, 0, 1]);
    expect(await stored(a, 'room-1')).toHaveLength(1);
    // The loser's cache caught up with the winner's event on its retry.
    const winner = (won[0] as PromiseFulfilledResult<{ events: readonly Event[] }>).value.events[0]!.data.who;
    expect((await second.current('1')).state.booked).toEqual([winner]);
    expect((await first.current('1')).state.booked).toEqual([winner]);
  });
});

describe('runDecider with appends alongside (a scan and its claim, one commit)', () => {
  const claimOf = (scanId: string) => ({
    streamName: `claim-${scanId}`,
    events: [{ id: randomUUID(), type: 'Claimed', data: { who: scanId } }],
    expectedRevision: 'no_stream' as const,
  });
  const positionsOf = async (store: EventStore) => (await store.readAll()).map((e) => e.streamName);

  test('the claim and the decision are stored together, the claim first, in one commit', async () => {
    const [a] = twoInstances();
    const raw = a as SqliteEventStore;
    const { decider } = room();
    const commits = raw.commitCount;
    await runDecider(raw, 'room-1', decider, book('ada'), {}, { alongside: [claimOf('s1')] });
    expect(raw.commitCount - commits).toBe(1);
    expect(await positionsOf(raw)).toEqual(['claim-s1', 'room-1']);
  });

  test('a conflict on the decision’s stream is decided again, the claim still beside it', async () => {
    const [a, b] = twoInstances();
    const decider: Decider<Command, Event, State, { seat: number }, 'full'> = {
      ...room().decider,
      decide: crowdDecide,
    };
    // b appends between a's read and a's append: a's first attempt conflicts on the room.
    let raced = false;
    const load = async () => {
      const events = (await a.readStreamOrNull?.('room-1')) ?? [];
      if (!raced) {
        raced = true;
        await b.appendToStream('room-1', [{ id: randomUUID(), type: 'SeatBooked', data: { who: 'bob' } }]);
      }
      return events.length === 0
        ? { state: decider.initialState(), revision: 'no_stream' as const }
        : { state: decider.fold(events.map((e) => e as unknown as Event)), revision: events.at(-1)!.revision };
    };
    const result = await runDecider(a, 'room-1', decider, book('ada'), {}, { load, alongside: [claimOf('s2')] });
    expect(result.outcome).toEqual({ seat: 2 });
    expect(await positionsOf(a)).toEqual(['room-1', 'claim-s2', 'room-1']);
  });

  test('a conflict on the claim is not retried: it is thrown, and nothing of the decision is stored', async () => {
    const [store] = twoInstances();
    const { decider, seen } = room();
    await store.appendToStream('claim-s3', [{ id: randomUUID(), type: 'Claimed', data: {} }]);
    await expect(
      runDecider(store, 'room-1', decider, book('ada'), {}, { alongside: [claimOf('s3')] }),
    ).rejects.toMatchObject({ streamName: 'claim-s3' });
    expect(seen).toEqual([0]);
    expect(await positionsOf(store)).toEqual(['claim-s3']);
  });

  test('a decision that writes nothing still stores the claim; a refusal stores neither', async () => {
    const [store] = twoInstances();
    const quiet: Decider<Command, Event, State, { seat: number }, 'full'> = {
      ...room().decider,
      decide: () => accept([], { seat: 0 }),
    };
    await runDecider(store, 'room-1', quiet, book('ada'), {}, { alongside: [claimOf('s4')] });
    const { decider } = room();
    await runDecider(store, 'room-2', decider, book('ada'), {});
    await expect(
      runDecider(store, 'room-2', decider, book('bob'), {}, { alongside: [claimOf('s5')] }),
    ).rejects.toMatchObject({ reason: 'full' });
    expect(await positionsOf(store)).toEqual(['claim-s4', 'room-2']);
  });

  test('a store that cannot append across streams is told so before anything is decided', async () => {
    const [raw] = twoInstances();
    const single = withoutAppendToStreams(raw);
    const { decider, seen } = room();
    await expect(
      runDecider(single, 'room-1', decider, book('ada'), {}, { alongside: [claimOf('s6')] }),
    ).rejects.toThrow(/cannot append across streams/);
    expect(seen).toEqual([]);
  });
});
