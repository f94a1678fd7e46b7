/**
 * EsdbPeer: a gRPC test peer that speaks EventStoreDB's client protocol (issue 7).
 *
 * It is not an EventStoreDB. It is an in-memory stand-in that the real
 * `@eventstore/db-client` v6 can talk to where no server can run (no Docker),
 * built on `@grpc/grpc-js` and on the service definitions and message classes
 * the client itself ships (`node_modules/@eventstore/db-client/generated`), so
 * the bytes on the wire are the client's own encoding. It lives under `test/`
 * and is never part of the shipped server: nothing under apps/ or a library
 * source imports it (the build compiles it into dist/test/ only because it includes
 * the e2e helper test/support/server.ts, which starts a peer for the e2e pass
 * on the EventStoreDB adapter).
 *
 * ## What is served
 *
 * - `event_store.client.server_features.ServerFeatures/GetSupportedMethods`
 * - `event_store.client.streams.Streams/Read` (stream and `$all`, forwards and
 *   backwards, counts, filters; catch-up subscriptions), `/Append`, `/BatchAppend`.
 * Everything else (Streams/Delete and /Tombstone, persistent subscriptions,
 * projections, operations, users, gossip, monitoring) answers UNIMPLEMENTED.
 * `$all` holds only what was appended to the peer: no system events, no
 * `$`-streams of its own, no links (so `resolveLinkTos` changes nothing).
 *
 * ## Semantics, and where each comes from
 *
 * "Server source" below is the EventStore/EventStore (now kurrent-io/KurrentDB)
 * repository, found with the `search` tool; "client source" is
 * `node_modules/@eventstore/db-client/dist`.
 *
 * 1. Server features. The client asks GetSupportedMethods once per channel
 *    (client source Client/ServerFeatures.js): UNIMPLEMENTED means "old
 *    server, no feature list", any other error fails the operation.
 *    `appendToStream` then uses BatchAppend when the list contains
 *    `Streams/BatchAppend` and the call carries no per-call credentials, and
 *    Append otherwise (streams/appendToStream/index.js). Default
 *    (`serverFeatures: 'supported-methods'`): the peer lists Read, Append and
 *    BatchAppend, version 23.10.0, so the client appends with BatchAppend.
 *    `serverFeatures: 'unimplemented'` leaves the service out, so grpc-js
 *    answers UNIMPLEMENTED like servers before 21.10, and the client appends
 *    with Append. The tests run both.
 *
 * 2. Positions. Every event is its own prepare record in the transaction log,
 *    also within a multi-event append: the server's StorageWriterService
 *    (WritePrepares) writes one `PrepareFlags.Data | IsCommitted` prepare per
 *    event, TransactionBegin on the first and TransactionEnd on the last, each
 *    at the writer's position after the previous one. For such implicitly
 *    committed prepares AllReader (Services/Storage/ReaderIndex/AllReader.cs)
 *    returns `new CommitEventRecord(eventRecord, prepare.LogPosition)`: the
 *    commit position IS the event's own prepare position, for every event of
 *    the append (no shared commit position). So here `commit === prepare ===`
 *    the event's log offset, always. (The client-side symptom, before and
 *    after the server fixed the prepare half: EventStore-Client-Dotnet#20.)
 *    Offsets are byte offsets: each record advances the log by an estimate of
 *    a LogV2 prepare record's size (store.ts), so positions increase but are
 *    never contiguous; the first event is at 128, after a virtual epoch
 *    record (the real log starts with an epoch record too; its size here is
 *    an assumption).
 *    The position an append returns is the last event's: the WriteEvents
 *    request manager replies `WriteEventsCompleted(…, CommitPosition,
 *    CommitPosition)` (RequestManager/Managers/WriteEvents.cs) with
 *    CommitPosition taken from CommitIndexed, whose LogPosition is the
 *    TransactionEnd prepare's (StorageChaser: `CommitAck(record.CorrelationId,
 *    record.LogPosition, …)` for the prepare flagged TransactionEnd). Also
 *    stated by a client maintainer in EventStore-Client-Go#88.
 *    An append with no events still writes an empty prepare (server
 *    WritePrepares): it succeeds with the revision unchanged (`no_stream` if
 *    the stream has no event) and that record's position; nothing appears
 *    in `$all`.
 *    Stream reads and stream subscriptions carry the `$all` position too, as
 *    servers do since KurrentDB PR #3459 (22.6: "Populate $all position for
 *    stream reads/subscriptions, gRPC only"). `streamReadPositions: false`
 *    gives the older behaviour: position fields at 2^64-1 and `no_position`
 *    (EventStore-Client-Go#88, EventStore-Client-Dotnet#211).
 *
 * 3. Expected revisions and idempotency follow IndexWriter.CheckCommit
 *    (Services/Storage/ReaderIndex/IndexWriter.cs), minus soft deletes:
 *    - `stream_exists` on a stream without events: wrong expected version.
 *    - `any` / `stream_exists`: if the first proposed id was already written to
 *      this stream and so were all the others, the append is idempotent
 *      (success, nothing written, revision and position of the last of those
 *      events); if the first is new, it is written; if the first is known and
 *      a later one is not ("corrupted idempotency"): wrong expected version.
 *      The server's id cache is bounded (best effort for `any`); here it is not.
 *    - `no_stream` (-1) or revision r below the current revision: idempotent if
 *      the events at r+1, r+2, … have exactly the proposed ids, otherwise
 *      wrong expected version. Above the current revision: wrong expected
 *      version. Equal: written.
 *    The idempotent answer reports the last matching event's revision and
 *    position (RequestManagerBase.Handle(AlreadyCommitted) → ReturnCommitAt).
 *
 * 4. Append answers. Append: `AppendResp.success {current_revision | no_stream,
 *    position}`, or `AppendResp.wrong_expected_version {current_revision |
 *    current_no_stream, expected_revision | expected_any |
 *    expected_stream_exists | expected_no_stream}` plus the deprecated 20.6.0
 *    fields where they have a value. BatchAppend: one `BatchAppendResp` per
 *    correlation id once its `is_final` request arrives, echoing correlation
 *    id, stream identifier and expected position, with `success` or `error` =
 *    google.rpc.Status `{ALREADY_EXISTS, "WrongExpectedVersion",
 *    Any(event_store.client.WrongExpectedVersion)}` (server
 *    Google.Rpc.Status.WrongExpectedVersion). A BatchAppend whose deadline
 *    (in its options) has passed gets `{DEADLINE_EXCEEDED, Any(Timeout)}`.
 *    Errors that end the call (server RpcExceptions): missing "type" or
 *    "content-type" metadata → INVALID_ARGUMENT with trailers `exception:
 *    missing-required-metadata-property`, `required-metadata-properties:
 *    type,content-type`; more than `maxAppendSize` bytes (data + custom
 *    metadata; server default 1 MiB) → INVALID_ARGUMENT `exception:
 *    maximum-append-size-exceeded` on Append, a `MaximumAppendSizeExceeded`
 *    Status on BatchAppend. Assumed: the size counted is data plus custom
 *    metadata.
 *
 * 5. Recorded events carry metadata "type", "content-type" and "created",
 *    the three keys the client's convertGrpcRecord reads
 *    (utils/convertGrpcEvent.js). "created" is .NET ticks (100 ns) since the
 *    Unix epoch (the client divides by 10 000 to get milliseconds). The server
 *    keeps only an is-JSON flag, so "content-type" reads back as
 *    "application/json" or "application/octet-stream" whatever was sent
 *    (server Enumerators ConvertToRecordedEvent). Event ids are accepted as
 *    string or structured UUIDs and sent back in the format the reader asks
 *    for (`uuid_option`); structured = two signed 64-bit halves of the
 *    big-endian bytes, which the client's parseUUID reverses.
 *
 * 6. Reads. Stream: forwards from revision r inclusive, backwards from r
 *    inclusive, `start`/`end`, at most `count`; past the end: no events. A
 *    stream without events answers one `ReadResp.stream_not_found` and ends
 *    OK (servers since 21.10; the client's ReadStream turns it into
 *    StreamNotFoundError). `$all`: forwards from P inclusive (AllReader:
 *    `new TFPos(prepare.LogPosition, prepare.LogPosition) >= pos`), backwards
 *    from P exclusive (AllReader compares the record's post-position with
 *    `<= pos`, i.e. events before P when P is a record boundary); positions
 *    compare as TFPos (commit, then prepare). The peer does not reject
 *    positions that are not record boundaries (the server does: assumed
 *    unneeded). Filters (stream-name or event-type; prefixes win over the
 *    regex, server EventFilter) apply to `$all` reads too.
 *
 * 7. Catch-up subscriptions (server Enumerators StreamSubscription,
 *    AllSubscription, AllSubscriptionFiltered): `confirmation {subscription_id}`
 *    first; then the stored events AFTER the given revision or position
 *    (exclusive: "we should send on events _after_ this"); then
 *    `ReadResp.caught_up`, which the v6 client's Subscription emits as
 *    "caughtUp"; then live events as they are appended. From `end`:
 *    confirmation, caught_up, live events only. Filtered `$all`: every event
 *    considered (matching or not) counts; each `checkpointIntervalMultiplier
 *    × maxSearchWindow` considered events (maxSearchWindow is 32, the server's
 *    ReadBatchSize, when the client asks for `count`) a `checkpoint` goes out
 *    at the last considered event's position, plus one at the end of
 *    catch-up (before caught_up, not when starting from `end`), never twice
 *    at the same position. Catch-up and live never interleave with a write in
 *    one process, so there is no `fell_behind`.
 *
 * ## Faults, on demand (a control API on this object, not over the wire)
 *
 * - `dropSubscriptions()`: every live subscription ends with ABORTED
 *   "Operation timed out: Consumer too slow to handle event while live.
 *   Client resubscription required.", what the server does to a live
 *   subscription that falls behind (KurrentDB PR #3543, 21.10.7 / 22.6). The
 *   v6 client turns ABORTED into a TimeoutError (type "timeout") on the
 *   subscription. Another status can be passed.
 * - `setUnavailable(true)` / `beUnavailable(ms)`: every call, new or open
 *   (reads, subscriptions, appends, BatchAppend streams), ends with
 *   UNAVAILABLE "Server Is Not Ready" (server RpcExceptions.ServerNotReady)
 *   until `setUnavailable(false)` or the time is up. The client turns it into
 *   UnavailableError and drops its channel, reconnecting on the next call.
 * - `stallReaders(true)`: Read calls (reads and subscriptions) get nothing;
 *   the peer holds their messages, in order, and sends them on
 *   `stallReaders(false)`. Appends are not affected.
 * - `stop()` closes the listening socket and tears down every connection (the
 *   client sees UNAVAILABLE); `restart({ keepData })` listens on the same port
 *   again, with the same data (default) or an empty log.
 *
 * For tests that wait on the peer's side: `store` (the data), `calls`
 * (requests per method), `subscriptionCount`, `heldMessages`, and the events
 * in EsdbPeerEvents (`subscribed`, `answered`, `held`, `unavailable`, `available`).
 */
import { EventEmitter } from 'node:events';

import grpc from '@grpc/grpc-js';

import {
  packAny,
  serverFeaturesGrpc,
  serverFeaturesPb,
  sharedPb,
  statusPb,
  streamsGrpc,
  streamsPb,
  wellKnownEmpty,
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type ReadReq,
  type ReadResp,
  type Uuid,
} from './proto.js';
import { ReadCall, type ReadCallHost } from './read-call.js';
import {
  PeerStore,
  comparePositions,
  positionOf,
  type AppendOutcome,
  type ExpectedRevision,
  type LogPosition,
  type ProposedEvent,
  type StoredEvent,
} from './store.js';
import {
  StatusError,
  caughtUpResp,
  checkpointResp,
  confirmationResp,
  exceptionStatus,
  filterOf,
  invalidArgument,
  newSubscriptionId,
  proposedEventOf,
  recordedEventResp,
  statusOf,
  streamNameOf,
  streamNotFoundResp,
  uuidFromProto,
  type EventFilter,
  type PeerStatus,
  type UuidFormat,
} from './wire.js';

export { PeerStore } from './store.js';
export type { PeerStatus } from './wire.js';

export interface EsdbPeerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** See (1) above. */
  serverFeatures?: 'supported-methods' | 'unimplemented';
  /** Reported by GetSupportedMethods. */
  serverVersion?: string;
  /** Bytes of data + custom metadata one append may carry; the server's default is 1 MiB. */
  maxAppendSize?: number;
  /** Whether stream reads and subscriptions carry `$all` positions (servers 22.6+); see (2). */
  streamReadPositions?: boolean;
  /** Start with this data (e.g. another peer's `store`) instead of an empty log. */
  store?: PeerStore;
}

/** Where a catch-up subscription was asked to start (exclusive), as the request said. */
export type SubscriptionStart =
  | { readonly kind: 'all'; readonly from: 'start' | 'end' | LogPosition }
  | { readonly kind: 'stream'; readonly streamName: string; readonly from: 'start' | 'end' | bigint };

export interface RestartOptions {
  /** Keep the events (default) or start from an empty log. */
  keepData?: boolean;
}

/** Events emitted by EsdbPeer, for tests that wait on the peer's side. */
export interface EsdbPeerEvents {
  /**
   * A subscription was confirmed and has caught up (its messages may still be
   * held by a stall). `start` is where the client asked it to start from.
   */
  subscribed: [subscriptionId: string, start: SubscriptionStart];
  /** A one-off read (not a subscription) was answered in full (its messages may still be held by a stall). */
  answered: [target: 'stream' | 'all'];
  /** A message to a reader was held back by `stallReaders(true)`. */
  held: [heldMessages: number];
  /** `setUnavailable(true)` took effect. */
  unavailable: [];
  /** The peer answers again after being unavailable. */
  available: [];
  /** `handOver` took effect: this node now names `leader` to every call. */
  handedOver: [leader: { host: string; port: number }];
}

export const NOT_READY: PeerStatus = { code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' };

export const CONSUMER_TOO_SLOW: PeerStatus = {
  code: grpc.status.ABORTED,
  details: 'Operation timed out: Consumer too slow to handle event while live. Client resubscription required.',
};

const DEFAULT_MAX_APPEND_SIZE = 1_048_576;
/** The server reports positions it does not have as ulong.MaxValue (Position.End). */
const NO_POSITION = 18_446_744_073_709_551_615n;

type StreamsImplementation = Pick<streamsGrpc.IStreamsServer, 'read' | 'append' | 'batchAppend'>;
type ServerFeaturesImplementation = serverFeaturesGrpc.IServerFeaturesServer;

/** A call that the peer may have to end from the outside (unavailability, stop). */
interface OpenCall {
  fail(status: PeerStatus): void;
  detach(): void;
}

type SubscriptionTarget =
  | { readonly kind: 'stream'; readonly streamName: string; afterRevision: bigint }
  | { readonly kind: 'all'; after: LogPosition | undefined; readonly filter: EventFilter | undefined };

class LiveSubscription {
  private considered = 0;
  private lastCheckpoint: LogPosition | undefined;

  constructor(
    readonly id: string,
    readonly out: ReadCall,
    private readonly target: SubscriptionTarget,
    private readonly toResp: (event: StoredEvent) => ReadResp,
  ) {}

  /** Sends the stored events after the starting point, then caught_up. */
  catchUp(store: PeerStore, fromEnd: boolean): void {
    if (!fromEnd) {
      const events =
        this.target.kind === 'stream' ? (store.streamEvents(this.target.streamName) ?? []) : store.allEvents();
      for (const event of events) this.consider(event);
      if (this.target.kind === 'all' && this.target.filter !== undefined && this.target.after !== undefined) {
        this.checkpoint(this.target.after);
      }
    }
    this.out.send(caughtUpResp());
  }

  onAppended(events: readonly StoredEvent[]): void {
    for (const event of events) this.consider(event);
  }

  private consider(event: StoredEvent): void {
    const target = this.target;
    if (target.kind === 'stream') {
      if (event.streamName !== target.streamName || event.revision <= target.afterRevision) return;
      target.afterRevision = event.revision;
      this.out.send(this.toResp(event));
      return;
    }
    const position = positionOf(event);
    if (target.after !== undefined && comparePositions(position, target.after) <= 0) return;
    target.after = position;
    if (target.filter === undefined || target.filter.matches(event)) this.out.send(this.toResp(event));
    if (target.filter !== undefined) {
      this.considered += 1;
      if (this.considered >= target.filter.checkpointInterval) {
        this.considered = 0;
        this.checkpoint(position);
      }
    }
  }

  private checkpoint(position: LogPosition): void {
    if (position.commit < 0n) return;
    if (this.lastCheckpoint !== undefined && comparePositions(position, this.lastCheckpoint) <= 0) return;
    this.lastCheckpoint = position;
    this.out.send(checkpointResp(position));
  }
}

interface PendingBatch {
  readonly correlationId: Uuid;
  options: streamsPb.BatchAppendReq.Options | undefined;
  readonly events: ProposedEvent[];
  size: number;
}

export class EsdbPeer extends EventEmitter<EsdbPeerEvents> {
  /** Starts a peer listening on `options.port` (any free port by default). */
  static async start(options: EsdbPeerOptions = {}): Promise<EsdbPeer> {
    const peer = new EsdbPeer(options);
    await peer.listen(options.port ?? 0);
    return peer;
  }

  /** The peer's data; survives `stop()`/`restart()` unless `keepData: false`. */
  readonly store: PeerStore;
  /** Calls received per method, whatever their outcome (tests check which path a client took). */
  readonly calls = { getSupportedMethods: 0, read: 0, append: 0, batchAppend: 0 };

  private readonly host: string;
  private readonly serverFeatures: 'supported-methods' | 'unimplemented';
  private readonly serverVersion: string;
  private readonly maxAppendSize: number;
  private readonly streamReadPositions: boolean;

  private server: grpc.Server | undefined;
  private boundPort = 0;
  private unavailable = false;
  private unavailableTimer: NodeJS.Timeout | undefined;
  /** While set, this node is a follower: every call is refused "not leader" naming it. */
  private leader: { host: string; port: number } | undefined;
  /** Set by `handOver(…, { afterNextAppend: true })`: the leader to name once the next append is written. */
  private handOverAfterAppend: { host: string; port: number } | undefined;
  private stalled = false;
  private readonly reads = new Set<ReadCall>();
  private readonly subscriptions = new Set<LiveSubscription>();
  private readonly writes = new Set<OpenCall>();
  private readonly readHost: ReadCallHost;

  private constructor(options: EsdbPeerOptions) {
    super();
    this.store = options.store ?? new PeerStore();
    this.host = options.host ?? '127.0.0.1';
    this.serverFeatures = options.serverFeatures ?? 'supported-methods';
    this.serverVersion = options.serverVersion ?? '23.10.0';
    this.maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
    this.streamReadPositions = options.streamReadPositions ?? true;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const peer = this;
    this.readHost = {
      get readersStalled() {
        return peer.stalled;
      },
      noteHeld: () => this.emit('held', this.heldMessages),
      forget: (call) => this.reads.delete(call),
    };
    this.store.onAppended((events) => {
      for (const subscription of [...this.subscriptions]) subscription.onAppended(events);
    });
  }

  get port(): number {
    return this.boundPort;
  }

  /** `esdb://127.0.0.1:PORT?tls=false` (the host it listens on). */
  get connectionString(): string {
    return `esdb://${this.host}:${this.boundPort}?tls=false`;
  }

  get isRunning(): boolean {
    return this.server !== undefined;
  }

  get isUnavailable(): boolean {
    return this.unavailable;
  }

  get readersStalled(): boolean {
    return this.stalled;
  }

  /** Live subscriptions (confirmed and caught up, not ended). */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Messages currently held back from readers by a stall. */
  get heldMessages(): number {
    let held = 0;
    for (const read of this.reads) held += read.held;
    return held;
  }

  // -------------------------------------------------------------------------
  // Lifecycle

  /** Stops listening and tears down every connection. Data is kept for `restart()`. */
  async stop(): Promise<void> {
    this.clearUnavailableTimer();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const read of [...this.reads]) read.detach();
    for (const write of [...this.writes]) write.detach();
    this.subscriptions.clear();
    dropConnections(server);
    await new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
      server.forceShutdown();
    });
    if (this.unavailable) {
      this.unavailable = false;
      this.emit('available');
    }
    this.stalled = false;
  }

  /** Listens on the same port again, like a server process restarted on the same host. */
  async restart(options: RestartOptions = {}): Promise<void> {
    await this.stop();
    if (options.keepData === false) this.store.clear();
    await this.listen(this.boundPort);
  }

  // -------------------------------------------------------------------------
  // Faults

  /** Ends every live subscription with `status` (ABORTED "consumer too slow" by default). Returns how many. */
  dropSubscriptions(status: PeerStatus = CONSUMER_TOO_SLOW): number {
    const dropped = [...this.subscriptions];
    for (const subscription of dropped) subscription.out.abort(status);
    return dropped.length;
  }

  /** While on, every call (new or open) ends with UNAVAILABLE "Server Is Not Ready". */
  setUnavailable(unavailable: boolean): void {
    this.clearUnavailableTimer();
    if (unavailable === this.unavailable) return;
    this.unavailable = unavailable;
    if (unavailable) {
      for (const read of [...this.reads]) read.abort(NOT_READY);
      for (const write of [...this.writes]) write.fail(NOT_READY);
      this.emit('unavailable');
    } else {
      this.emit('available');
    }
  }

  /** Unavailable for `ms` milliseconds; resolves once the peer answers again. */
  beUnavailable(ms: number): Promise<void> {
    this.setUnavailable(true);
    const available = new Promise<void>((resolve) => this.once('available', () => resolve()));
    this.unavailableTimer = setTimeout(() => {
      this.unavailableTimer = undefined;
      this.setUnavailable(false);
    }, ms);
    return available;
  }

  /**
   * Acts a leader change: from now on this node refuses every call with "not
   * leader" naming `leader` (another peer on the same store, as a follower of
   * a cluster does), its open calls end and its connections drop. With
   * `afterNextAppend`, that happens when the next append (unary or batch)
   * has been written, and that append's answer is lost: the client sees the
   * connection fail for a write that is in the store, as when a leader dies
   * between commit and acknowledgement.
   */
  handOver(leader: { host: string; port: number }, options: { afterNextAppend?: boolean } = {}): void {
    if (options.afterNextAppend) {
      this.handOverAfterAppend = leader;
      return;
    }
    this.becomeFollower(leader);
  }

  /** Leads again (a later election came back to this node). */
  lead(): void {
    this.leader = undefined;
    this.handOverAfterAppend = undefined;
  }

  get isLeader(): boolean {
    return this.leader === undefined;
  }

  private becomeFollower(leader: { host: string; port: number }): void {
    this.handOverAfterAppend = undefined;
    this.leader = leader;
    const status = notLeaderStatus(leader);
    for (const read of [...this.reads]) read.abort(status);
    for (const write of [...this.writes]) write.fail(status);
    this.subscriptions.clear();
    const server = this.server;
    // After the statuses above are on their way: then the connections go.
    if (server !== undefined) setImmediate(() => dropConnections(server));
    this.emit('handedOver', leader);
  }

  /** Why a new call is refused now, if it is. */
  private refusal(): PeerStatus | undefined {
    if (this.unavailable) return NOT_READY;
    if (this.leader !== undefined) return notLeaderStatus(this.leader);
    return undefined;
  }

  /** After an append was written: acts a pending hand-over, the answer lost. */
  private lostAnswer(): PeerStatus | undefined {
    const leader = this.handOverAfterAppend;
    if (leader === undefined) return undefined;
    setImmediate(() => this.becomeFollower(leader));
    return CONNECTION_LOST;
  }

  /** While on, readers (reads and subscriptions) receive nothing; their messages are held in order. */
  stallReaders(stalled: boolean): void {
    if (stalled === this.stalled) return;
    this.stalled = stalled;
    if (!stalled) for (const read of [...this.reads]) read.flush();
  }

  // -------------------------------------------------------------------------
  // Server

  private async listen(port: number): Promise<void> {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
    const streams: StreamsImplementation = {
      read: (call) => this.read(call),
      append: (call, callback) => this.append(call, callback),
      batchAppend: (call) => this.batchAppend(call),
    };
    server.addService(streamsGrpc.StreamsService, streams);
    if (this.serverFeatures === 'supported-methods') {
      const features: ServerFeaturesImplementation = {
        getSupportedMethods: (_call, callback) => this.getSupportedMethods(callback),
      };
      server.addService(serverFeaturesGrpc.ServerFeaturesService, features);
    }
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${this.host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error) reject(error);
        else resolve(bound);
      });
    });
    this.server = server;
    this.unavailable = false;
    this.stalled = false;
  }

  private clearUnavailableTimer(): void {
    if (this.unavailableTimer !== undefined) {
      clearTimeout(this.unavailableTimer);
      this.unavailableTimer = undefined;
    }
  }

  private getSupportedMethods(callback: grpc.sendUnaryData<serverFeaturesPb.SupportedMethods>): void {
    this.calls.getSupportedMethods += 1;
    if (this.unavailable) {
      callback(serviceError(NOT_READY));
      return;
    }
    const supported = new serverFeaturesPb.SupportedMethods();
    supported.setEventStoreServerVersion(this.serverVersion);
    const methods: Array<[service: string, method: string]> = [
      ['event_store.client.streams.Streams', 'Read'],
      ['event_store.client.streams.Streams', 'Append'],
      ['event_store.client.streams.Streams', 'BatchAppend'],
      ['event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'],
    ];
    for (const [service, method] of methods) {
      const entry = new serverFeaturesPb.SupportedMethod();
      entry.setServiceName(service.toLowerCase());
      entry.setMethodName(method.toLowerCase());
      supported.addMethods(entry);
    }
    callback(null, supported);
  }

  // -------------------------------------------------------------------------
  // Streams/Read

  private read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): void {
    this.calls.read += 1;
    const out = new ReadCall(call, this.readHost);
    const refused = this.refusal();
    if (refused) {
      out.abort(refused);
      return;
    }
    this.reads.add(out);
    try {
      const options = call.request.getOptions();
      if (options === undefined) throw invalidArgument('Read options are missing.');
      const format: UuidFormat = options.getUuidOption()?.hasStructured() ? 'structured' : 'string';
      const filter = filterOf(options);
      if (options.hasSubscription()) this.subscribe(out, options, format, filter);
      else this.readOnce(out, options, format, filter);
    } catch (error) {
      out.abort(statusOf(error));
    }
  }

  private toResp(format: UuidFormat, fromStream: boolean): (event: StoredEvent) => ReadResp {
    if (!fromStream || this.streamReadPositions) return (event) => recordedEventResp(event, format);
    return (event) => {
      const resp = recordedEventResp(event, format);
      const readEvent = resp.getEvent()!;
      const recorded = readEvent.getEvent()!;
      recorded.setCommitPosition(NO_POSITION.toString(10));
      recorded.setPreparePosition(NO_POSITION.toString(10));
      readEvent.setNoPosition(new sharedPb.Empty());
      return resp;
    };
  }

  private readOnce(
    out: ReadCall,
    options: streamsPb.ReadReq.Options,
    format: UuidFormat,
    filter: EventFilter | undefined,
  ): void {
    const forwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.FORWARDS;
    let remaining = options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);
    let selected: StoredEvent[];
    const fromStream = options.hasStream();

    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      const streamName = streamNameOf(streamOptions.getStreamIdentifier());
      const events = this.store.streamEvents(streamName);
      if (events === undefined) {
        out.send(streamNotFoundResp(streamName));
        out.end();
        this.emit('answered', 'stream');
        return;
      }
      const last = BigInt(events.length - 1);
      const Case = streamsPb.ReadReq.Options.StreamOptions.RevisionOptionCase;
      const revisionCase = streamOptions.getRevisionOptionCase();
      let from: bigint;
      if (revisionCase === Case.START) from = forwards ? 0n : -1n;
      else if (revisionCase === Case.END) from = forwards ? last + 1n : last;
      else if (revisionCase === Case.REVISION) from = BigInt(streamOptions.getRevision());
      else throw invalidArgument('Stream read has no revision option.');
      if (forwards) {
        selected = from > last ? [] : events.slice(Number(from));
      } else {
        // Backwards from `start` is revision 0 itself.
        const top = revisionCase === Case.START ? 0n : from > last ? last : from;
        selected = events.slice(0, Number(top) + 1).reverse();
      }
    } else if (options.hasAll()) {
      const allOptions = options.getAll()!;
      const Case = streamsPb.ReadReq.Options.AllOptions.AllOptionCase;
      const all = this.store.allEvents();
      switch (allOptions.getAllOptionCase()) {
        case Case.START:
          selected = forwards ? [...all] : [];
          break;
        case Case.END:
          selected = forwards ? [] : [...all].reverse();
          break;
        case Case.POSITION: {
          const position = positionFromProto(allOptions.getPosition()!);
          selected = forwards
            ? all.filter((event) => comparePositions(positionOf(event), position) >= 0)
            : all.filter((event) => comparePositions(positionOf(event), position) < 0).reverse();
          break;
        }
        default:
          throw invalidArgument('$all read has no position option.');
      }
      if (filter !== undefined) selected = selected.filter(filter.matches);
    } else {
      throw invalidArgument('Read targets neither a stream nor $all.');
    }

    const toResp = this.toResp(format, fromStream);
    for (const event of selected) {
      if (remaining <= 0n) break;
      out.send(toResp(event));
      remaining -= 1n;
    }
    out.end();
    this.emit('answered', fromStream ? 'stream' : 'all');
  }

  private subscribe(
    out: ReadCall,
    options: streamsPb.ReadReq.Options,
    format: UuidFormat,
    filter: EventFilter | undefined,
  ): void {
    let target: SubscriptionTarget;
    let start: SubscriptionStart;
    let fromEnd = false;
    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      const streamName = streamNameOf(streamOptions.getStreamIdentifier());
      const Case = streamsPb.ReadReq.Options.StreamOptions.RevisionOptionCase;
      let afterRevision: bigint;
      switch (streamOptions.getRevisionOptionCase()) {
        case Case.START:
          afterRevision = -1n;
          break;
        case Case.END:
          afterRevision = this.store.currentRevision(streamName);
          fromEnd = true;
          break;
        case Case.REVISION:
          afterRevision = BigInt(streamOptions.getRevision());
          break;
        default:
          throw invalidArgument('Stream subscription has no revision option.');
      }
      target = { kind: 'stream', streamName, afterRevision };
      const revisionCase = streamOptions.getRevisionOptionCase();
      start = {
        kind: 'stream',
        streamName,
        from: revisionCase === Case.START ? 'start' : revisionCase === Case.END ? 'end' : afterRevision,
      };
    } else if (options.hasAll()) {
      const allOptions = options.getAll()!;
      const Case = streamsPb.ReadReq.Options.AllOptions.AllOptionCase;
      let after: LogPosition | undefined;
      switch (allOptions.getAllOptionCase()) {
        case Case.START:
          after = undefined;
          break;
        case Case.END: {
          const all = this.store.allEvents();
          const last = all[all.length - 1];
          after = last === undefined ? { commit: -1n, prepare: -1n } : positionOf(last);
          fromEnd = true;
          break;
        }
        case Case.POSITION:
          after = positionFromProto(allOptions.getPosition()!);
          break;
        default:
          throw invalidArgument('$all subscription has no position option.');
      }
      target = { kind: 'all', after, filter };
      start = { kind: 'all', from: fromEnd ? 'end' : (after ?? 'start') };
    } else {
      throw invalidArgument('Subscription targets neither a stream nor $all.');
    }

    const subscription = new LiveSubscription(
      newSubscriptionId(),
      out,
      target,
      this.toResp(format, target.kind === 'stream'),
    );
    out.send(confirmationResp(subscription.id));
    subscription.catchUp(this.store, fromEnd);
    this.subscriptions.add(subscription);
    out.onClose(() => this.subscriptions.delete(subscription));
    this.emit('subscribed', subscription.id, start);
  }

  // -------------------------------------------------------------------------
  // Streams/Append

  private append(
    call: grpc.ServerReadableStream<AppendReq, AppendResp>,
    callback: grpc.sendUnaryData<AppendResp>,
  ): void {
    this.calls.append += 1;
    const refused = this.refusal();
    if (refused) {
      callback(serviceError(refused));
      return;
    }
    let finished = false;
    let options: streamsPb.AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;

    const finish = (status: PeerStatus | null, response?: AppendResp): void => {
      if (finished) return;
      finished = true;
      this.writes.delete(open);
      if (status === null) callback(null, response);
      else callback(serviceError(status));
    };
    const open: OpenCall = {
      fail: (status) => finish(status),
      detach: () => {
        finished = true;
        this.writes.delete(open);
      },
    };
    this.writes.add(open);

    call.on('data', (request: AppendReq) => {
      if (finished) return;
      try {
        if (request.hasOptions()) {
          if (options !== undefined) throw invalidArgument('Append options were sent twice.');
          options = request.getOptions();
        } else if (request.hasProposedMessage()) {
          if (options === undefined) throw invalidArgument('Append options must come first.');
          const event = proposedEventOf(request.getProposedMessage()!);
          size += event.data.length + event.customMetadata.length;
          if (size > this.maxAppendSize) throw new StatusError(maxAppendSizeStatus(this.maxAppendSize));
          events.push(event);
        }
      } catch (error) {
        finish(statusOf(error));
      }
    });
    call.on('end', () => {
      if (finished) return;
      try {
        if (options === undefined) throw invalidArgument('Append options are missing.');
        const streamName = streamNameOf(options.getStreamIdentifier());
        const expected = expectedFromAppendOptions(options);
        const response = appendResp(this.store.append(streamName, expected, events), expected);
        const lost = this.lostAnswer();
        if (lost) finish(lost);
        else finish(null, response);
      } catch (error) {
        finish(statusOf(error));
      }
    });
    call.on('cancelled', () => open.detach());
    call.on('error', () => open.detach());
  }

  // -------------------------------------------------------------------------
  // Streams/BatchAppend

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    this.calls.batchAppend += 1;
    const refused = this.refusal();
    if (refused) {
      call.emit('error', refused);
      return;
    }
    let finished = false;
    const pending = new Map<string, PendingBatch>();
    const open: OpenCall = {
      fail: (status) => {
        if (finished) return;
        finished = true;
        this.writes.delete(open);
        call.emit('error', { code: status.code, details: status.details, metadata: status.metadata });
      },
      detach: () => {
        finished = true;
        this.writes.delete(open);
      },
    };
    this.writes.add(open);

    call.on('data', (request: BatchAppendReq) => {
      if (finished) return;
      try {
        const correlationId = request.getCorrelationId();
        const key = uuidFromProto(correlationId);
        if (correlationId === undefined || key === undefined)
          throw invalidArgument('Batch append without a correlation id.');
        let batch = pending.get(key);
        if (batch === undefined) {
          batch = { correlationId, options: undefined, events: [], size: 0 };
          pending.set(key, batch);
        }
        if (request.hasOptions()) batch.options = request.getOptions();
        for (const message of request.getProposedMessagesList()) {
          const event = proposedEventOf(message);
          batch.size += event.data.length + event.customMetadata.length;
          batch.events.push(event);
        }
        if (request.getIsFinal()) {
          pending.delete(key);
          const response = this.completeBatch(batch);
          const lost = this.lostAnswer();
          if (lost) open.fail(lost);
          else call.write(response);
        }
      } catch (error) {
        open.fail(statusOf(error));
      }
    });
    call.on('end', () => {
      if (finished) return;
      open.detach();
      call.end();
    });
    call.on('cancelled', () => open.detach());
  }

  private completeBatch(batch: PendingBatch): BatchAppendResp {
    const options = batch.options;
    if (options === undefined) throw invalidArgument('Batch append without options.');
    const identifier = options.getStreamIdentifier();
    const streamName = streamNameOf(identifier);
    const response = new streamsPb.BatchAppendResp();
    response.setCorrelationId(batch.correlationId);
    response.setStreamIdentifier(identifier);

    const Case = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
    let expected: ExpectedRevision;
    switch (options.getExpectedStreamPositionCase()) {
      case Case.STREAM_POSITION:
        expected = { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
        response.setStreamPosition(options.getStreamPosition());
        break;
      case Case.NO_STREAM:
        expected = { kind: 'no_stream' };
        response.setNoStream(options.getNoStream());
        break;
      case Case.ANY:
        expected = { kind: 'any' };
        response.setAny(options.getAny());
        break;
      case Case.STREAM_EXISTS:
        expected = { kind: 'stream_exists' };
        response.setStreamExists(options.getStreamExists());
        break;
      default:
        throw invalidArgument('Batch append without an expected stream position.');
    }

    const deadline = options.getDeadline();
    if (deadline !== undefined && deadline.toDate().getTime() < Date.now()) {
      response.setError(
        rpcStatus(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout'),
      );
      return response;
    }
    if (batch.size > this.maxAppendSize) {
      const exceeded = new sharedPb.MaximumAppendSizeExceeded();
      exceeded.setMaxappendsize(this.maxAppendSize);
      response.setError(
        rpcStatus(
          grpc.status.INVALID_ARGUMENT,
          'MaximumAppendSizeExceeded',
          exceeded,
          'event_store.client.MaximumAppendSizeExceeded',
        ),
      );
      return response;
    }

    const outcome = this.store.append(streamName, expected, batch.events);
    if (outcome.kind === 'wrong_expected_version') {
      response.setError(
        rpcStatus(
          grpc.status.ALREADY_EXISTS,
          'WrongExpectedVersion',
          sharedWrongExpectedVersion(outcome.currentRevision, expected),
          'event_store.client.WrongExpectedVersion',
        ),
      );
      return response;
    }
    const success = new streamsPb.BatchAppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(wellKnownEmpty());
    else success.setCurrentRevision(outcome.currentRevision.toString(10));
    const position = new sharedPb.AllStreamPosition();
    position.setCommitPosition(outcome.position.toString(10));
    position.setPreparePosition(outcome.position.toString(10));
    success.setPosition(position);
    response.setSuccess(success);
    return response;
  }
}

// ---------------------------------------------------------------------------
// Helpers

/**
 * Cuts every client connection at the TCP level (a reset), as when the server
 * process dies: the client's transport sees ECONNRESET and reports
 * UNAVAILABLE. grpc-js's own forceShutdown() would instead send
 * GOAWAY/RST_STREAM(CANCEL), which clients report as CANCELLED "Call
 * cancelled". The sessions are a private field of grpc.Server, checked here
 * at run time; an HTTP/2 session's `socket` proxy lets `resetAndDestroy`
 * through. Without them, stop() falls back to forceShutdown() alone.
 */
function dropConnections(server: grpc.Server): void {
  const sessions: unknown = Reflect.get(server, 'sessions');
  if (!(sessions instanceof Map)) return;
  for (const session of sessions.keys() as IterableIterator<unknown>) {
    if (typeof session !== 'object' || session === null) continue;
    const socket: unknown = Reflect.get(session, 'socket');
    if (typeof socket !== 'object' || socket === null) continue;
    const reset: unknown = Reflect.get(socket, 'resetAndDestroy');
    if (typeof reset === 'function') reset.call(socket);
  }
}

/** What a follower answers (EventStoreDB's NotLeader: the leader's endpoint in the trailers). */
function notLeaderStatus(leader: { host: string; port: number }): PeerStatus {
  return exceptionStatus(grpc.status.NOT_FOUND, 'Leader info available', 'not-leader', {
    'leader-endpoint-host': leader.host,
    'leader-endpoint-port': String(leader.port),
  });
}

/** An answer that never arrives: the connection failed after the write. */
const CONNECTION_LOST: PeerStatus = { code: grpc.status.UNAVAILABLE, details: 'Connection lost' };

function serviceError(status: PeerStatus): grpc.ServerErrorResponse {
  return Object.assign(new Error(status.details), {
    code: status.code,
    details: status.details,
    metadata: status.metadata ?? new grpc.Metadata(),
  });
}

function maxAppendSizeStatus(maxAppendSize: number): PeerStatus {
  return exceptionStatus(
    grpc.status.INVALID_ARGUMENT,
    `Maximum Append Size of ${maxAppendSize} Exceeded.`,
    'maximum-append-size-exceeded',
    { 'maximum-append-size': String(maxAppendSize) },
  );
}

function positionFromProto(position: streamsPb.ReadReq.Options.Position): LogPosition {
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}

function expectedFromAppendOptions(options: streamsPb.AppendReq.Options): ExpectedRevision {
  const Case = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case Case.NO_STREAM:
      return { kind: 'no_stream' };
    case Case.ANY:
      return { kind: 'any' };
    case Case.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw invalidArgument('Append without an expected stream revision.');
  }
}

function appendResp(outcome: AppendOutcome, expected: ExpectedRevision): AppendResp {
  const response = new streamsPb.AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
    if (outcome.currentRevision < 0n) {
      wrong.setCurrentNoStream(new sharedPb.Empty());
      wrong.setNoStream2060(new sharedPb.Empty());
    } else {
      wrong.setCurrentRevision(outcome.currentRevision.toString(10));
      wrong.setCurrentRevision2060(Number(outcome.currentRevision));
    }
    switch (expected.kind) {
      case 'any':
        wrong.setExpectedAny(new sharedPb.Empty());
        wrong.setAny2060(new sharedPb.Empty());
        break;
      case 'stream_exists':
        wrong.setExpectedStreamExists(new sharedPb.Empty());
        wrong.setStreamExists2060(new sharedPb.Empty());
        break;
      case 'no_stream':
        wrong.setExpectedNoStream(new sharedPb.Empty());
        break;
      case 'revision':
        wrong.setExpectedRevision(expected.revision.toString(10));
        wrong.setExpectedRevision2060(Number(expected.revision));
        break;
    }
    response.setWrongExpectedVersion(wrong);
    return response;
  }
  const success = new streamsPb.AppendResp.Success();
  if (outcome.currentRevision < 0n) success.setNoStream(new sharedPb.Empty());
  else success.setCurrentRevision(outcome.currentRevision.toString(10));
  const position = new streamsPb.AppendResp.Position();
  position.setCommitPosition(outcome.position.toString(10));
  position.setPreparePosition(outcome.position.toString(10));
  success.setPosition(position);
  response.setSuccess(success);
  return response;
}

/** `event_store.client.WrongExpectedVersion`, as packed into a BatchAppend error (server WrongExpectedVersion.Create). */
function sharedWrongExpectedVersion(
  currentRevision: bigint,
  expected: ExpectedRevision,
): sharedPb.WrongExpectedVersion {
  const wrong = new sharedPb.WrongExpectedVersion();
  if (currentRevision < 0n) wrong.setCurrentNoStream(wellKnownEmpty());
  else wrong.setCurrentStreamRevision(currentRevision.toString(10));
  switch (expected.kind) {
    case 'any':
      wrong.setExpectedAny(wellKnownEmpty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(wellKnownEmpty());
      break;
    case 'no_stream':
      wrong.setExpectedNoStream(wellKnownEmpty());
      break;
    case 'revision':
      wrong.setExpectedStreamPosition(expected.revision.toString(10));
      break;
  }
  return wrong;
}

/** A google.rpc.Status whose details are `message` packed as `typeName`. */
function rpcStatus(
  code: grpc.status,
  message: string,
  details: { serializeBinary(): Uint8Array },
  typeName: string,
): statusPb.Status {
  const status = new statusPb.Status();
  status.setCode(Number(code));
  status.setMessage(message);
  status.setDetails(packAny(details, typeName));
  return status;
}
