// The EventStoreDB test peer, exercised with the real @eventstore/db-client v6
// over gRPC. Waiting is event-driven (subscription events, peer events,
// channel connectivity); timeouts are only safety nets.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import grpc from '@grpc/grpc-js';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  binaryEvent,
  convertToCommandError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendResult,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
  type AllStreamSubscription,
} from '@eventstore/db-client';

import { createUUID, parseUUID } from '@eventstore/db-client/dist/utils/grpcUUID.js';

import { EsdbPeer, type EsdbPeerEvents } from './peer.js';
import { sharedPb, streamsGrpc, streamsPb } from './proto.js';
import { streamIdentifier, uuidFromProto, uuidToProto } from './wire.js';

const SAFETY_MS = 5_000;

// ---------------------------------------------------------------------------
// Helpers

const clients = new Set<EventStoreDBClient>();

function connect(peer: EsdbPeer): EventStoreDBClient {
  const client = EventStoreDBClient.connectionString(peer.connectionString);
  clients.add(client);
  return client;
}

function channelOf(client: EventStoreDBClient): Promise<grpc.Channel> {
  // `getChannel` is protected in the typings; the test needs the channel to close it.
  return (client as unknown as { getChannel(): Promise<grpc.Channel> }).getChannel();
}

/** The v6 client has no close(): dispose() cancels its calls, the channel must be closed by hand. */
async function closeClient(client: EventStoreDBClient): Promise<void> {
  clients.delete(client);
  await client.dispose();
  (await channelOf(client)).close();
}

async function closeAllClients(): Promise<void> {
  await Promise.all([...clients].map((client) => closeClient(client)));
}

/**
 * Waits, on the channel's connectivity events, until the client's current
 * channel is connected (`connected: true`, connecting if need be) or has
 * noticed that its connection is gone (`connected: false`).
 */
async function waitForChannel(client: EventStoreDBClient, connected: boolean): Promise<void> {
  const channel = await channelOf(client);
  const deadline = Date.now() + SAFETY_MS;
  for (;;) {
    const state = channel.getConnectivityState(connected);
    if ((state === grpc.connectivityState.READY) === connected) return;
    await new Promise<void>((resolve, reject) => {
      channel.watchConnectivityState(state, deadline, (error) => (error ? reject(error) : resolve()));
    });
  }
}

function stream(prefix = 'peer'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function collect<T>(readable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of readable) items.push(item);
  return items;
}

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

/** UnavailableError, or the raw UNAVAILABLE status the client rethrows when GetSupportedMethods fails. */
function isUnavailable(error: Record<string, unknown>): boolean {
  return error['type'] === 'unavailable' || error['code'] === grpc.status.UNAVAILABLE;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), SAFETY_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function peerEvent<K extends keyof EsdbPeerEvents>(peer: EsdbPeer, name: K): Promise<EsdbPeerEvents[K]> {
  return withTimeout(
    new Promise<EsdbPeerEvents[K]>((resolve) => {
      // The listener type of EventEmitter<T> is spelled out by @types/node; the payload is what we need.
      (peer.once as (event: K, listener: (...args: EsdbPeerEvents[K]) => void) => EsdbPeer)(name, (...args) =>
        resolve(args),
      );
    }),
    `peer event ${name}`,
  );
}

type Item =
  | { kind: 'confirmation' }
  | { kind: 'caughtUp' }
  | { kind: 'event'; event: ResolvedEvent | AllStreamResolvedEvent }
  | { kind: 'checkpoint'; position: Position }
  | { kind: 'error'; error: Record<string, unknown> };

/** Records what a subscription delivers, in order, and lets a test wait for a condition on it. */
class Recorder {
  readonly items: Item[] = [];
  private waiters: Array<() => void> = [];

  constructor(subscription?: StreamSubscription | AllStreamSubscription) {
    if (subscription !== undefined) this.watch(subscription);
  }

  watch(subscription: StreamSubscription | AllStreamSubscription): this {
    subscription.on('confirmation', () => this.push({ kind: 'confirmation' }));
    subscription.on('caughtUp', () => this.push({ kind: 'caughtUp' }));
    subscription.on('data', (event: ResolvedEvent | AllStreamResolvedEvent) => this.push({ kind: 'event', event }));
    subscription.on('error', (error: Error) =>
      this.push({ kind: 'error', error: error as unknown as Record<string, unknown> }),
    );
    return this;
  }

  /** For `checkpointReached` callbacks. */
  checkpoint = (_subscription: unknown, position: Position): Promise<void> => {
    this.push({ kind: 'checkpoint', position });
    return Promise.resolve();
  };

  get events(): Array<ResolvedEvent | AllStreamResolvedEvent> {
    return this.items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
  }

  get kinds(): string[] {
    return this.items.map((item) => item.kind);
  }

  until(condition: (recorder: Recorder) => boolean, what: string): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return withTimeout(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (!condition(this)) return;
          this.waiters = this.waiters.filter((waiter) => waiter !== check);
          resolve();
        };
        this.waiters.push(check);
      }),
      what,
    );
  }

  error(): Promise<Record<string, unknown>> {
    return this.until((r) => r.kinds.includes('error'), 'a subscription error').then(() => {
      const item = this.items.find((entry) => entry.kind === 'error');
      return (item as { error: Record<string, unknown> }).error;
    });
  }

  private push(item: Item): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) waiter();
  }
}

function orderPlaced(n: number) {
  return jsonEvent({ type: 'OrderPlaced', data: { n }, metadata: { by: 'test' } });
}

// ---------------------------------------------------------------------------

afterAll(async () => {
  await closeAllClients();
});

describe.each([
  { mode: 'supported-methods' as const, path: 'batchAppend' as const },
  { mode: 'unimplemented' as const, path: 'append' as const },
])('appends and reads, server features $mode (client uses $path)', ({ mode, path }) => {
  let peer: EsdbPeer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    peer = await EsdbPeer.start({ serverFeatures: mode, maxAppendSize: 4_096 });
    client = connect(peer);
  });

  afterAll(async () => {
    await closeClient(client);
    await peer.stop();
  });

  it(`appends through Streams/${path} and reads a stream forwards and backwards`, async () => {
    const name = stream();
    const first = jsonEvent({ type: 'OrderPlaced', data: { n: 1 }, metadata: { by: 'alice' } });
    const second = binaryEvent({ type: 'Blob', data: Uint8Array.from([1, 2, 3]) });
    const third = jsonEvent({ type: 'OrderShipped', data: { n: 3 } });
    const before = Date.now();

    const result = await client.appendToStream(name, [first, second, third], { expectedRevision: 'no_stream' });

    expect(peer.calls[path]).toBeGreaterThan(0);
    expect(peer.calls[path === 'append' ? 'batchAppend' : 'append']).toBe(0);
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(2n);

    const forwards = (await collect(client.readStream(name))).map((resolved) => resolved.event!);
    expect(forwards.map((e) => [e.revision, e.type, e.id, e.streamId])).toEqual([
      [0n, 'OrderPlaced', first.id, name],
      [1n, 'Blob', second.id, name],
      [2n, 'OrderShipped', third.id, name],
    ]);
    expect(forwards[0]).toMatchObject({ isJson: true, data: { n: 1 }, metadata: { by: 'alice' } });
    expect(forwards[1]!.isJson).toBe(false);
    expect(Array.from(forwards[1]!.data as Uint8Array)).toEqual([1, 2, 3]);
    expect(forwards[0]!.created.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(forwards[0]!.created.getTime()).toBeLessThanOrEqual(Date.now());

    // Each event has its own $all position, commit === prepare; the append reports the last one.
    const positions = forwards.map((e) => e.position!);
    for (const position of positions) expect(position.commit).toBe(position.prepare);
    expect(positions[0]!.commit).toBeLessThan(positions[1]!.commit);
    expect(positions[1]!.commit).toBeLessThan(positions[2]!.commit);
    expect(result.position).toEqual(positions[2]);

    const backwards = await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 2 }));
    expect(backwards.map((resolved) => resolved.event!.revision)).toEqual([2n, 1n]);

    const fromOne = await collect(client.readStream(name, { direction: FORWARDS, fromRevision: 1n, maxCount: 1 }));
    expect(fromOne.map((resolved) => resolved.event!.revision)).toEqual([1n]);

    const backFromOne = await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: 1n }));
    expect(backFromOne.map((resolved) => resolved.event!.revision)).toEqual([1n, 0n]);

    const pastTheEnd = await collect(client.readStream(name, { fromRevision: 10n }));
    expect(pastTheEnd).toEqual([]);
  });

  it('reports wrong expected versions with the current and expected revisions', async () => {
    const name = stream();
    await client.appendToStream(name, [orderPlaced(1), orderPlaced(2)], { expectedRevision: 'no_stream' });

    const tooFar = await failure(client.appendToStream(name, orderPlaced(3), { expectedRevision: 5n }));
    expect(tooFar).toMatchObject({
      type: 'wrong-expected-version',
      streamName: name,
      expectedVersion: 5n,
      actualVersion: 1n,
    });

    const notNew = await failure(client.appendToStream(name, orderPlaced(3), { expectedRevision: 'no_stream' }));
    expect(notNew).toMatchObject({ type: 'wrong-expected-version', expectedVersion: 'no_stream', actualVersion: 1n });

    const missing = stream();
    const mustExist = await failure(
      client.appendToStream(missing, orderPlaced(1), { expectedRevision: 'stream_exists' }),
    );
    expect(mustExist).toMatchObject({
      type: 'wrong-expected-version',
      streamName: missing,
      expectedVersion: 'stream_exists',
      actualVersion: 'no_stream',
    });

    const atZero = await failure(client.appendToStream(missing, orderPlaced(1), { expectedRevision: 0n }));
    expect(atZero).toMatchObject({ expectedVersion: 0n, actualVersion: 'no_stream' });

    const ok = await client.appendToStream(name, orderPlaced(3), { expectedRevision: 1n });
    expect(ok.nextExpectedRevision).toBe(2n);
    const anyOk = await client.appendToStream(name, orderPlaced(4), { expectedRevision: 'any' });
    expect(anyOk.nextExpectedRevision).toBe(3n);
    const existsOk = await client.appendToStream(name, orderPlaced(5), { expectedRevision: 'stream_exists' });
    expect(existsOk.nextExpectedRevision).toBe(4n);
  });

  it('answers an idempotent re-append with success and writes nothing', async () => {
    const name = stream();
    const events = [orderPlaced(1), orderPlaced(2)];
    const first = await client.appendToStream(name, events, { expectedRevision: 'no_stream' });
    const logLength = peer.store.allEvents().length;

    const again = await client.appendToStream(name, events, { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    const againAny = await client.appendToStream(name, events, { expectedRevision: 'any' });
    expect(againAny).toEqual(first);
    const lastOnly = await client.appendToStream(name, events[1]!, { expectedRevision: 0n });
    expect(lastOnly).toEqual(first);
    expect(peer.store.allEvents()).toHaveLength(logLength);
    expect(await collect(client.readStream(name))).toHaveLength(2);

    // Known first id, unknown second one: not idempotent, and not a plain write either.
    const mixed = await failure(client.appendToStream(name, [events[0]!, orderPlaced(3)], { expectedRevision: 'any' }));
    expect(mixed).toMatchObject({ type: 'wrong-expected-version', actualVersion: 1n });
    // A known id proposed for another place: a conflict.
    const elsewhere = await failure(client.appendToStream(name, events[1]!, { expectedRevision: 'no_stream' }));
    expect(elsewhere).toMatchObject({
      type: 'wrong-expected-version',
      expectedVersion: 'no_stream',
      actualVersion: 1n,
    });
  });

  it('rejects an append over the maximum append size', async () => {
    const big = binaryEvent({ type: 'Big', data: new Uint8Array(5_000) });
    const error = await failure(client.appendToStream(stream(), big));
    expect(error).toMatchObject({ type: 'maximum-append-size-exceeded', maxAppendSize: 4_096 });
  });
});

describe('wire format', () => {
  it('writes structured UUIDs the way the client reads them, and reads both encodings', () => {
    for (const id of [randomUUID(), 'ffffffff-ffff-4fff-bfff-ffffffffffff', '00000000-0000-4000-8000-000000000001']) {
      expect(parseUUID(uuidToProto(id, 'structured'))).toBe(id);
      expect(parseUUID(uuidToProto(id, 'string'))).toBe(id);
      expect(uuidFromProto(uuidToProto(id, 'structured'))).toBe(id);
      expect(uuidFromProto(createUUID(id.toUpperCase()))).toBe(id);
    }
    expect(uuidFromProto(createUUID('not-a-uuid'))).toBeUndefined();
  });
});

describe('raw gRPC requests the v6 client never sends', () => {
  let peer: EsdbPeer;
  let raw: streamsGrpc.StreamsClient;

  beforeAll(async () => {
    peer = await EsdbPeer.start();
    raw = new streamsGrpc.StreamsClient(`127.0.0.1:${peer.port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    raw.close();
    await peer.stop();
  });

  function proposed(id: string, metadata: Record<string, string>): streamsPb.AppendReq {
    const message = new streamsPb.AppendReq.ProposedMessage();
    message.setId(uuidToProto(id, 'structured'));
    for (const [key, value] of Object.entries(metadata)) message.getMetadataMap().set(key, value);
    message.setData(Buffer.from('{}'));
    return new streamsPb.AppendReq().setProposedMessage(message);
  }

  function rawAppend(name: string, requests: streamsPb.AppendReq[]): Promise<streamsPb.AppendResp> {
    return new Promise((resolve, reject) => {
      const call = raw.append((error, response) => (error ? reject(error) : resolve(response)));
      const options = new streamsPb.AppendReq.Options();
      options.setStreamIdentifier(streamIdentifier(name));
      options.setAny(new sharedPb.Empty());
      call.write(new streamsPb.AppendReq().setOptions(options));
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  it('rejects a proposed event without the required metadata', async () => {
    const error = await failure(rawAppend(stream(), [proposed(randomUUID(), { 'content-type': 'application/json' })]));
    expect(convertToCommandError(error as unknown as Error)).toMatchObject({
      type: 'missing-required-metadata-property',
      requiredMetadataProperties: ['type', 'content-type'],
    });
  });

  it('accepts structured event ids and answers a reader in the UUID format it asks for', async () => {
    const name = stream();
    const id = randomUUID();
    await rawAppend(name, [proposed(id, { type: 'T', 'content-type': 'application/json' })]);

    const options = new streamsPb.ReadReq.Options();
    const streamOptions = new streamsPb.ReadReq.Options.StreamOptions();
    streamOptions.setStreamIdentifier(streamIdentifier(name));
    streamOptions.setStart(new sharedPb.Empty());
    options.setStream(streamOptions);
    options.setCount('10');
    options.setNoFilter(new sharedPb.Empty());
    const uuidOption = new streamsPb.ReadReq.Options.UUIDOption();
    uuidOption.setStructured(new sharedPb.Empty());
    options.setUuidOption(uuidOption);
    const responses = await collect<streamsPb.ReadResp>(raw.read(new streamsPb.ReadReq().setOptions(options)));

    const recorded = responses[0]!.getEvent()!.getEvent()!;
    expect(recorded.getId()!.hasStructured()).toBe(true);
    expect(parseUUID(recorded.getId())).toBe(id);
  });
});

describe('reads', () => {
  let peer: EsdbPeer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    peer = await EsdbPeer.start();
    client = connect(peer);
  });

  afterAll(async () => {
    await closeClient(client);
    await peer.stop();
  });

  it('reports a stream that has no event as not found', async () => {
    const name = stream('missing');
    const error = await failure(collect(client.readStream(name)));
    expect(error).toMatchObject({ type: 'stream-not-found', streamName: name });
  });

  it('reads $all forwards and backwards, from a position, with increasing non-contiguous positions', async () => {
    const a = stream('a');
    const b = stream('b');
    await client.appendToStream(a, [orderPlaced(1), orderPlaced(2)]);
    await client.appendToStream(b, orderPlaced(3));
    await client.appendToStream(a, orderPlaced(4));

    const all = (await collect(client.readAll())).map((resolved) => resolved.event!);
    expect(all.map((e) => `${e.streamId}@${e.revision}`)).toEqual([`${a}@0`, `${a}@1`, `${b}@0`, `${a}@2`]);
    const positions = all.map((e) => e.position);
    for (const [i, position] of positions.entries()) {
      expect(position.commit).toBe(position.prepare);
      if (i > 0) expect(position.commit - positions[i - 1]!.commit).toBeGreaterThan(1n);
    }

    const from = positions[1]!;
    const forwards = await collect(client.readAll({ fromPosition: from }));
    expect(forwards.map((resolved) => resolved.event!.position)).toEqual(positions.slice(1));
    const oneFrom = await collect(client.readAll({ fromPosition: from, maxCount: 1 }));
    expect(oneFrom.map((resolved) => resolved.event!.position)).toEqual([from]);

    const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: from }));
    expect(backwards.map((resolved) => resolved.event!.position)).toEqual([positions[0]]);
    const fromEnd = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2 }));
    expect(fromEnd.map((resolved) => resolved.event!.position)).toEqual([positions[3], positions[2]]);
    expect(await collect(client.readAll({ fromPosition: END }))).toEqual([]);
    expect(await collect(client.readAll({ direction: BACKWARDS, fromPosition: START }))).toEqual([]);
  });

  it('leaves stream-read positions out when configured like servers before 22.6', async () => {
    const old = await EsdbPeer.start({ streamReadPositions: false });
    const oldClient = connect(old);
    try {
      const name = stream();
      await oldClient.appendToStream(name, orderPlaced(1));
      const [read] = await collect(oldClient.readStream(name));
      expect(read!.event!.position).toEqual({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n });
      expect(read!.commitPosition).toBeUndefined();
      const [fromAll] = await collect(oldClient.readAll());
      expect(fromAll!.event!.position.commit).toBeLessThan(2n ** 63n);
    } finally {
      await closeClient(oldClient);
      await old.stop();
    }
  });
});

describe('catch-up subscriptions', () => {
  let peer: EsdbPeer;
  let client: EventStoreDBClient;
  const subscriptions: Array<StreamSubscription | AllStreamSubscription> = [];

  function track<T extends StreamSubscription | AllStreamSubscription>(subscription: T): T {
    subscriptions.push(subscription);
    return subscription;
  }

  beforeEach(async () => {
    peer = await EsdbPeer.start();
    client = connect(peer);
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.unsubscribe()));
    await closeClient(client);
    await peer.stop();
  });

  it('subscribes to $all: confirmation, stored events, caughtUp, then live events', async () => {
    const name = stream();
    const stored = await client.appendToStream(name, [orderPlaced(1), orderPlaced(2)]);

    const recorder = new Recorder(track(client.subscribeToAll({ fromPosition: START })));
    await recorder.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    expect(recorder.kinds).toEqual(['confirmation', 'event', 'event', 'caughtUp']);
    expect(recorder.events.map((e) => e.event!.revision)).toEqual([0n, 1n]);
    expect(recorder.events[1]!.event!.position).toEqual(stored.position);

    const live = await client.appendToStream(name, orderPlaced(3));
    await recorder.until((r) => r.events.length === 3, 'the live event');
    expect(recorder.kinds).toEqual(['confirmation', 'event', 'event', 'caughtUp', 'event']);
    expect(recorder.events[2]!.event!.position).toEqual(live.position);
  });

  it('subscribes to $all after a position (exclusive) and from the end (live only)', async () => {
    const name = stream();
    const first = await client.appendToStream(name, orderPlaced(1));
    await client.appendToStream(name, orderPlaced(2));

    const after = new Recorder(track(client.subscribeToAll({ fromPosition: first.position! })));
    const fromEnd = new Recorder(track(client.subscribeToAll({ fromPosition: END })));
    await after.until((r) => r.kinds.includes('caughtUp'), 'caughtUp after a position');
    await fromEnd.until((r) => r.kinds.includes('caughtUp'), 'caughtUp from the end');
    expect(after.events.map((e) => e.event!.revision)).toEqual([1n]);
    expect(fromEnd.kinds).toEqual(['confirmation', 'caughtUp']);

    await client.appendToStream(name, orderPlaced(3));
    await fromEnd.until((r) => r.events.length === 1, 'the live event');
    await after.until((r) => r.events.length === 2, 'the live event');
    expect(fromEnd.events[0]!.event!.revision).toBe(2n);
  });

  it('subscribes to a stream from the start, after a revision, and before it exists', async () => {
    const name = stream();
    await client.appendToStream(name, [orderPlaced(1), orderPlaced(2), orderPlaced(3)]);
    await client.appendToStream(stream('other'), orderPlaced(9));

    const all = new Recorder(track(client.subscribeToStream(name, { fromRevision: START })));
    const afterOne = new Recorder(track(client.subscribeToStream(name, { fromRevision: 1n })));
    const later = stream('later');
    const notYet = new Recorder(track(client.subscribeToStream(later)));
    await all.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    await afterOne.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    await notYet.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    expect(all.events.map((e) => e.event!.revision)).toEqual([0n, 1n, 2n]);
    expect(afterOne.events.map((e) => e.event!.revision)).toEqual([2n]);
    expect(notYet.kinds).toEqual(['confirmation', 'caughtUp']);

    await client.appendToStream(later, orderPlaced(1));
    await client.appendToStream(name, orderPlaced(4));
    await notYet.until((r) => r.events.length === 1, 'the new stream');
    await all.until((r) => r.events.length === 4, 'the live event');
    expect(notYet.events[0]!.event!.streamId).toBe(later);
    expect(all.events[3]!.event!.revision).toBe(3n);
  });

  it('filters $all by event-type prefix and stream-name regex', async () => {
    const accounts = stream('acc');
    const orders = stream('ord');
    await client.appendToStream(accounts, jsonEvent({ type: 'AccountOpened', data: {} }));
    await client.appendToStream(orders, [orderPlaced(1), jsonEvent({ type: 'Shipped', data: {} })]);

    const byType = new Recorder(
      track(client.subscribeToAll({ filter: eventTypeFilter({ prefixes: ['Order', 'Account'] }) })),
    );
    const byStream = new Recorder(track(client.subscribeToAll({ filter: streamNameFilter({ regex: '^ord-' }) })));
    await byType.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    await byStream.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    expect(byType.events.map((e) => e.event!.type)).toEqual(['AccountOpened', 'OrderPlaced']);
    expect(byStream.events.map((e) => e.event!.type)).toEqual(['OrderPlaced', 'Shipped']);

    await client.appendToStream(accounts, jsonEvent({ type: 'Noise', data: {} }));
    await client.appendToStream(orders, orderPlaced(2));
    await byType.until((r) => r.events.length === 3, 'the live match');
    await byStream.until((r) => r.events.length === 3, 'the live match');
    expect(byType.events[2]!.event!.type).toBe('OrderPlaced');
    expect(byStream.events[2]!.event!.streamId).toBe(orders);
  });

  it('sends checkpoints every checkpointInterval × maxSearchWindow considered events', async () => {
    const name = stream();
    const stored: Position[] = [];
    for (let i = 0; i < 5; i += 1) {
      stored.push((await client.appendToStream(name, jsonEvent({ type: 'Noise', data: { i } }))).position!);
    }

    const recorder = new Recorder();
    recorder.watch(
      track(
        client.subscribeToAll({
          filter: eventTypeFilter({
            prefixes: ['Match'],
            maxSearchWindow: 2,
            checkpointInterval: 1,
            checkpointReached: recorder.checkpoint,
          }),
        }),
      ),
    );
    await recorder.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    const checkpoints = (): Position[] =>
      recorder.items.flatMap((item) => (item.kind === 'checkpoint' ? [item.position] : []));
    // Every 2nd considered event, then one at the end of the catch-up.
    expect(recorder.kinds).toEqual(['confirmation', 'checkpoint', 'checkpoint', 'checkpoint', 'caughtUp']);
    expect(checkpoints()).toEqual([stored[1], stored[3], stored[4]]);

    const live = await client.appendToStream(name, [
      jsonEvent({ type: 'Noise', data: {} }),
      jsonEvent({ type: 'Match', data: {} }),
    ]);
    await recorder.until((r) => r.events.length === 1, 'the live match');
    await recorder.until((r) => r.kinds.filter((kind) => kind === 'checkpoint').length === 4, 'a live checkpoint');
    // The live Noise event is the 2nd considered since the last interval checkpoint.
    expect(recorder.kinds.slice(5)).toEqual(['checkpoint', 'event']);
    const [, noise] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2 }));
    expect(checkpoints()[3]).toEqual(noise!.event!.position);
    expect(recorder.events[0]!.event!.position).toEqual(live.position);
  });
});

describe('faults', () => {
  let peer: EsdbPeer;
  let client: EventStoreDBClient;
  const subscriptions: Array<StreamSubscription | AllStreamSubscription> = [];

  function subscribe(): Recorder {
    const subscription = client.subscribeToAll({ fromPosition: START });
    subscriptions.push(subscription);
    return new Recorder(subscription);
  }

  beforeEach(async () => {
    peer = await EsdbPeer.start();
    client = connect(peer);
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.unsubscribe()));
    await closeClient(client);
    await peer.stop();
  });

  it('drops live subscriptions with ABORTED, which the client reports as a timeout; resubscribing works', async () => {
    const name = stream();
    await client.appendToStream(name, orderPlaced(1));
    const recorder = subscribe();
    await recorder.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');

    expect(peer.dropSubscriptions()).toBe(1);
    const error = await recorder.error();
    expect(error).toMatchObject({ type: 'timeout', code: grpc.status.ABORTED });
    expect(String(error['message'])).toContain('Consumer too slow');
    expect(peer.subscriptionCount).toBe(0);

    const again = subscribe();
    await again.until((r) => r.kinds.includes('caughtUp'), 'caughtUp after resubscribing');
    await client.appendToStream(name, orderPlaced(2));
    await again.until((r) => r.events.length === 2, 'a live event after resubscribing');
  });

  it('answers UNAVAILABLE to every call while unavailable, and recovers', async () => {
    const name = stream();
    await client.appendToStream(name, orderPlaced(1));
    const recorder = subscribe();
    await recorder.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');

    peer.setUnavailable(true);
    expect(isUnavailable(await recorder.error())).toBe(true);
    expect(isUnavailable(await failure(client.appendToStream(name, orderPlaced(2))))).toBe(true);
    expect(isUnavailable(await failure(collect(client.readStream(name))))).toBe(true);
    expect(isUnavailable(await failure(collect(client.readAll())))).toBe(true);

    peer.setUnavailable(false);
    const appended: AppendResult = await client.appendToStream(name, orderPlaced(2));
    expect(appended.nextExpectedRevision).toBe(1n);
    const again = subscribe();
    await again.until((r) => r.events.length === 2 && r.kinds.includes('caughtUp'), 'a new subscription');
  });

  it('is unavailable for a while with beUnavailable(ms)', async () => {
    const name = stream();
    await client.appendToStream(name, orderPlaced(1));
    const back = peer.beUnavailable(150);
    expect(peer.isUnavailable).toBe(true);
    expect(isUnavailable(await failure(client.appendToStream(name, orderPlaced(2))))).toBe(true);
    await withTimeout(back, 'the peer to be available again');
    expect(peer.isUnavailable).toBe(false);
    expect((await client.appendToStream(name, orderPlaced(2))).nextExpectedRevision).toBe(1n);
  });

  it('holds messages for stalled readers until released', async () => {
    const name = stream();
    await client.appendToStream(name, orderPlaced(1));
    const recorder = subscribe();
    await recorder.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');

    peer.stallReaders(true);
    const held = peerEvent(peer, 'held');
    await client.appendToStream(name, orderPlaced(2)); // writes are not stalled
    await held;
    expect(peer.heldMessages).toBe(1);
    expect(recorder.events).toHaveLength(1);

    let readSettled = false;
    const readHeld = peerEvent(peer, 'held');
    const read = collect(client.readStream(name)).finally(() => {
      readSettled = true;
    });
    await readHeld;
    expect(readSettled).toBe(false);

    peer.stallReaders(false);
    await recorder.until((r) => r.events.length === 2, 'the held live event');
    expect((await read).map((resolved) => resolved.event!.revision)).toEqual([0n, 1n]);
    expect(peer.heldMessages).toBe(0);
  });

  it('stops (the client sees UNAVAILABLE) and restarts on the same port keeping the data', async () => {
    const name = stream();
    await client.appendToStream(name, [orderPlaced(1), orderPlaced(2)]);
    const recorder = subscribe();
    await recorder.until((r) => r.kinds.includes('caughtUp'), 'caughtUp');
    const port = peer.port;

    await peer.stop();
    expect(isUnavailable(await recorder.error())).toBe(true);
    expect(isUnavailable(await failure(client.appendToStream(name, orderPlaced(3))))).toBe(true);

    await peer.restart();
    expect(peer.port).toBe(port);
    await waitForChannel(client, true);
    expect((await collect(client.readStream(name))).map((resolved) => resolved.event!.revision)).toEqual([0n, 1n]);
    const next = await client.appendToStream(name, orderPlaced(3), { expectedRevision: 1n });
    expect(next.nextExpectedRevision).toBe(2n);
  });

  it('restarts with an empty log when asked not to keep the data', async () => {
    const name = stream();
    await client.appendToStream(name, orderPlaced(1));

    // Let the client notice the dropped connection first, or its next call may still try the old one.
    await peer.stop();
    await waitForChannel(client, false);
    await peer.restart({ keepData: false });
    await waitForChannel(client, true);
    expect(await failure(collect(client.readStream(name)))).toMatchObject({ type: 'stream-not-found' });
    expect(await collect(client.readAll())).toEqual([]);
    const fresh = await client.appendToStream(name, orderPlaced(1), { expectedRevision: 'no_stream' });
    expect(fresh.nextExpectedRevision).toBe(0n);
  });
});
