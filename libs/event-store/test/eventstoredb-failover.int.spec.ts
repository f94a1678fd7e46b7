// A leader change under the EventStoreDB adapter, acted by two gRPC test
// peers on one store (node 1 the leader, node 2 the next one): node 1 writes
// an append, loses its answer, then refuses every call with "not leader"
// naming node 2 and drops its connections. The real client follows the
// leader it is told; the adapter sends the append again with the same ids
// and expected revision, so it is written once; subscriptions resume from
// their last position on the new leader, with no gap and no duplicate.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EventStoreDbEventStore,
  WrongExpectedRevisionError,
  type EventData,
  type RecordedEvent,
  type Subscription,
} from '../src/index.js';
import { EsdbPeer, PeerStore } from '../../../test/esdb-peer/peer.js';
import { FAST_BACKOFF } from './support/esdb-target.js';

const ev = (n: number): EventData => ({ id: randomUUID(), type: 'Counted', data: { n }, metadata: {} });
const stream = (): string => `failover${randomUUID().replace(/-/g, '').slice(0, 10)}`;

describe('EventStoreDB adapter across a leader change (two test peers, one store)', () => {
  let node1: EsdbPeer;
  let node2: EsdbPeer;
  let store: EventStoreDbEventStore;
  let retries: unknown[];

  beforeEach(async () => {
    const shared = new PeerStore();
    node1 = await EsdbPeer.start({ store: shared });
    node2 = await EsdbPeer.start({ store: shared });
    retries = [];
    store = EventStoreDbEventStore.connect(node1.connectionString, {
      resubscribe: FAST_BACKOFF,
      appendRetry: { attempts: 6, initialDelayMs: 20 },
      onAppendRetry: (error) => retries.push(error),
    });
  });
  afterEach(async () => {
    await store.close();
    await node1.stop();
    await node2.stop();
  });

  const node2Endpoint = () => ({ host: '127.0.0.1', port: node2.port });

  test('an append whose answer was lost in the change is written once, and answered as written', async () => {
    const s = stream();
    await store.appendToStream(s, [ev(0)], { expectedRevision: 'no_stream' });
    node1.handOver(node2Endpoint(), { afterNextAppend: true });
    const batch = [ev(1), ev(2)];
    const result = await store.appendToStream(s, batch, { expectedRevision: 0n });
    expect(node1.isLeader).toBe(false);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    const events = await store.readStream(s);
    expect(events.map((e) => e.id)).toEqual([expect.any(String), batch[0]!.id, batch[1]!.id]);
    expect(result.nextExpectedRevision).toBe(2n);
    expect(result.position).toBe(events[2]!.position);
    // The new leader takes the next append; a stale expected revision is still a conflict.
    await store.appendToStream(s, [ev(3)], { expectedRevision: 2n });
    await expect(store.appendToStream(s, [ev(4)], { expectedRevision: 0n })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await store.readStream(s)).toHaveLength(4);
  });

  test('a burst of appends across the change: every acknowledged one is there exactly once', async () => {
    const streams = Array.from({ length: 24 }, () => stream());
    node1.handOver(node2Endpoint(), { afterNextAppend: true });
    const results = await Promise.allSettled(
      streams.map((s, i) => store.appendToStream(s, [ev(i)], { expectedRevision: 'no_stream' })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const s of streams) expect(await store.readStream(s)).toHaveLength(1);
  });

  test('a subscription resumes on the new leader from its last position: no gap, no duplicate', async () => {
    const s = stream();
    const sub: Subscription = store.subscribeToAll({ filter: { filterOn: 'streamName', prefixes: [s] } });
    const seen: RecordedEvent[] = [];
    let wake: () => void = () => undefined;
    const consumed = (async () => {
      for await (const m of sub) {
        if (m.kind === 'event') seen.push(m.event);
        wake();
      }
    })();
    const until = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${n} events`)), 10_000);
        wake = () => {
          if (seen.length >= n) {
            clearTimeout(timer);
            resolve();
          }
        };
        wake();
      });
    for (let i = 0; i < 3; i++) await store.appendToStream(s, [ev(i)]);
    await until(3);
    node1.handOver(node2Endpoint());
    for (let i = 3; i < 6; i++) await store.appendToStream(s, [ev(i)]);
    await until(6);
    expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(6);
    await sub.unsubscribe();
    await consumed;
  });
});
