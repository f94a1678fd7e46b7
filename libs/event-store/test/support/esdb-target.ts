// Conformance targets for the EventStoreDB adapter: the gRPC test peer
// (test/esdb-peer, always available) and a real server given by a connection
// string. Both hand the suite real `EventStoreDbEventStore`s over real gRPC.
import { EventStoreDbEventStore, type EventStore, type EventStoreDbEventStoreOptions } from '../../src/index.js';
import { EsdbPeer, type EsdbPeerOptions } from '../../../../test/esdb-peer/peer.js';
import type { ConformanceTarget } from '../conformance.js';

/**
 * Resubscription backoff for tests: fast, and without jitter so that the
 * delays are predictable (`delay = 0.75 × base`, base doubling from 10 ms).
 */
export const FAST_BACKOFF: NonNullable<EventStoreDbEventStoreOptions['resubscribe']> = {
  initialDelayMs: 10,
  maxDelayMs: 80,
  random: () => 0.5,
};

/** A target on a real server: the store reconnects with a new client on `reopen`. */
export function serverTarget(
  connectionString: string,
  options: EventStoreDbEventStoreOptions = { resubscribe: FAST_BACKOFF },
): ConformanceTarget {
  return {
    open: () => Promise.resolve(EventStoreDbEventStore.connect(connectionString, options)),
    async reopen(store: EventStore) {
      await store.close();
      return EventStoreDbEventStore.connect(connectionString, options);
    },
  };
}

export interface PeerTarget extends ConformanceTarget {
  /** The peer `open()` started last (still there, stopped, after `stop()`: its counters stay readable). */
  readonly peer: EsdbPeer | undefined;
  /** Starts the peer if it is not running yet (idempotent). */
  start(): Promise<EsdbPeer>;
  /** Stops the peer (idempotent); `dispose` calls it after the suite. */
  stop(): Promise<void>;
}

/**
 * A target on an in-process `EsdbPeer`, started lazily by the first `open()`
 * (the suite's own beforeAll) and stopped by `dispose()` (its afterAll).
 * `reopen` connects a new client to the same peer, whose data lives as long
 * as the peer does.
 */
export function peerTarget(
  peerOptions: EsdbPeerOptions = {},
  storeOptions: EventStoreDbEventStoreOptions = { resubscribe: FAST_BACKOFF },
): PeerTarget {
  let peer: EsdbPeer | undefined;
  let starting: Promise<EsdbPeer> | undefined;
  const start = (): Promise<EsdbPeer> => {
    starting ??= EsdbPeer.start(peerOptions).then((started) => (peer = started));
    return starting;
  };
  const stop = async (): Promise<void> => {
    const running = starting;
    starting = undefined;
    if (running) await (await running).stop();
  };
  return {
    get peer() {
      return peer;
    },
    start,
    stop,
    async open() {
      const running = await start();
      return EventStoreDbEventStore.connect(running.connectionString, storeOptions);
    },
    async reopen(store: EventStore) {
      await store.close();
      const running = await start();
      return EventStoreDbEventStore.connect(running.connectionString, storeOptions);
    },
    dispose: stop,
  };
}
