import {
  ErrorType,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type EventData as EsdbEventData,
  type Filter,
  type JSONType,
  type Position as EsdbPosition,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import {
  EventStoreClosedError,
  EventStoreError,
  EventStoreUnavailableError,
  InvalidEventStoreArgumentError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  Direction,
  EventData,
  EventFilter,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionMessage,
} from '../port.js';
import { assertAppendArguments, toCount } from '../validation.js';
import { filterAccepts } from '../port.js';

// @eventstore/db-client is CommonJS; Node's ESM loader sees its named exports
// (cjs-module-lexer understands its `__exportStar`/`defineProperty` re-exports),
// checked with `node --input-type=module` on 6.2.1. If a future build hides
// them, switch to `import esdb from '@eventstore/db-client'` and destructure.

export interface EventStoreDbEventStoreOptions {
  /**
   * Backoff between resubscriptions after a subscription drops: the delay
   * starts at `initialDelayMs`, doubles on each consecutive failure up to
   * `maxDelayMs`, and is drawn uniformly from [delay/2, delay] ("equal
   * jitter") so that many consumers dropped together do not return together.
   */
  resubscribe?: {
    initialDelayMs?: number;
    maxDelayMs?: number;
    /** Source of jitter in [0, 1); tests pin it. */
    random?: () => number;
  };
  /** Raw events per page when `readAll` pages through `$all`. */
  readPageSize?: number;
  /** Told about every drop that is about to be retried (for logs and tests). */
  onSubscriptionDropped?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Appends that fail because the node is not (or no longer) the leader or
   * the connection went away are sent again, with the same event ids and the
   * same expected revision, `attempts` times in all (5 by default), waiting
   * `initialDelayMs` (100) doubling up to 1 s between tries (none after "not
   * leader": the client has already reconnected to the leader). One-off
   * reads are started again the same way.
   */
  appendRetry?: { attempts?: number; initialDelayMs?: number };
  /** Told about every append about to be retried (for logs and tests). */
  onAppendRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The port could not express an EventStoreDB position losslessly (see the
 * position notes below). Not retryable: the data or the server is outside
 * what this adapter supports.
 */
export class UnmappablePositionError extends EventStoreError {
  readonly code = 'unmappable_position';
  constructor(message: string) {
    super(message);
    this.name = 'UnmappablePositionError';
  }
}

/*
 * Positions
 * ---------
 * The port's position is one bigint ordered like `$all`; EventStoreDB's is a
 * (commit, prepare) pair of transaction-log offsets, ordered commit first.
 *
 * The mapping is `port position = commit`, and back `{ commit: p, prepare: p }`.
 * It is lossless because every event this adapter can write, and every event
 * written over gRPC by anyone, has commit === prepare:
 *
 * - Appends are "implicit transactions": the storage writer stamps every
 *   prepare of an append `Data | IsCommitted` (first one `TransactionBegin`,
 *   last one `TransactionEnd`) and writes no commit record
 *   (EventStore `StorageWriterService` WritePrepares handler).
 * - The `$all` reader treats such a prepare as its own commit and reports the
 *   event at `TFPos(prepare.LogPosition, prepare.LogPosition)`
 *   (KurrentDB `src/EventStore.Core/Services/Storage/ReaderIndex/AllReader.cs`,
 *   `IsCommitAlike` and `new CommitEventRecord(eventRecord, prepare.LogPosition)`).
 * - gRPC used to report the transaction position as `prepare` for the 2nd..nth
 *   event of a batch (client issue EventStore-Client-Dotnet#20: "C:3512/P:3418");
 *   KurrentDB PR #2522 (June 2020, 20.6.1) fixed that, so C === P since.
 * - The append answer carries the log position of the *last* prepare (the
 *   chaser acks the `TransactionEnd` prepare's `LogPosition`, which becomes
 *   the request's `CommitPosition`), i.e. the position `$all` gives that event.
 *
 * commit !== prepare only for events of explicit transactions (TCP API only,
 * gone since 24.10); several such events share one commit position, so
 * `commit` alone would be ambiguous. Rather than pack two 64-bit offsets into
 * one 128-bit number that every checkpoint table would have to carry, the
 * adapter refuses such events with `UnmappablePositionError`.
 *
 * Stream reads carry the `$all` position only since KurrentDB PR #3459 (2022);
 * older servers send 2^64-1 there, which is refused the same way.
 *
 * Filtered subscriptions send checkpoints whose prepare may be 0 (KurrentDB
 * issue #3989): only their commit part is used, and only to detect catch-up.
 */
interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

/** What the gRPC server sends for "no position" (ulong.MaxValue). */
const NO_POSITION = 2n ** 64n - 1n;
/** Log positions are .NET longs on the server. */
const MAX_LOG_POSITION = 2n ** 63n - 1n;

/** A recorded event as the client hands it over, before normalisation (#423, #513). */
interface WireEvent {
  streamId: string;
  id: string;
  revision: bigint | number | string;
  type: string;
  created: Date | number | string | undefined;
  data: unknown;
  metadata: unknown;
  isJson: boolean;
  position?: { commit: bigint | number | string; prepare: bigint | number | string } | undefined;
}

interface WireResolved {
  event?: unknown;
}

/**
 * The EventStoreDB adapter of the event-store port.
 *
 * `$all` through the port holds user events only: events whose type or stream
 * name starts with `$` (projection links `$>`, `$metadata`, `$settings`,
 * `$statsCollected`, tombstones `$streamDeleted`, ...) are the server's
 * bookkeeping, which the SQLite store does not have, so both adapters show the
 * same history. Streams are read as stored: nothing is skipped there.
 */
export class EventStoreDbEventStore implements EventStore {
  private closed = false;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private readonly pageSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly onDropped: EventStoreDbEventStoreOptions['onSubscriptionDropped'];
  private readonly appendAttempts: number;
  private readonly appendDelayMs: number;
  private readonly onAppendRetry: EventStoreDbEventStoreOptions['onAppendRetry'];

  private constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions,
  ) {
    this.pageSize = Math.max(2, Math.floor(options.readPageSize ?? 1000));
    this.initialDelayMs = Math.max(0, options.resubscribe?.initialDelayMs ?? 100);
    this.maxDelayMs = Math.max(this.initialDelayMs, options.resubscribe?.maxDelayMs ?? 5000);
    this.random = options.resubscribe?.random ?? Math.random;
    this.onDropped = options.onSubscriptionDropped;
    this.appendAttempts = Math.max(1, Math.floor(options.appendRetry?.attempts ?? 5));
    this.appendDelayMs = Math.max(0, options.appendRetry?.initialDelayMs ?? 100);
    this.onAppendRetry = options.onAppendRetry;
  }

  /**
   * Builds a client from an `esdb://` or `esdb+discover://` connection
   * string. No I/O happens here: the client connects on first use, so a store
   * can be opened before the server is up.
   */
  static connect(connectionString: string, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      // The parser's message names the offending part; the string itself may
      // hold a password, so it is not repeated here.
      throw new InvalidEventStoreArgumentError(
        `Invalid EventStoreDB connection string: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return new EventStoreDbEventStore(client, options);
  }

  /** Wraps a client built elsewhere (custom credentials, tests). `close()` disposes it. */
  static fromClient(client: EventStoreDBClient, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(client, options);
  }

  // ---------------------------------------------------------------- append

  async appendToStream(
    streamName: string,
    events: readonly EventData[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    assertAppendArguments(streamName, events, expected);
    // Failover: the client follows a "not leader" answer to the leader it
    // names and reconnects after a drop, but never sends the call again. An
    // append whose answer was lost may have been written: sending the same
    // events (same ids) with the same expected revision again is answered
    // from the first write (idempotent) or refused as a conflict, never
    // written twice. With `any`, deduplication by id is the server's best
    // effort (FIELD-NOTES).
    const proposed = events.map(toProposed);
    let result: Awaited<ReturnType<EventStoreDBClient['appendToStream']>>;
    for (let attempt = 1; ; attempt++) {
      try {
        result = await this.client.appendToStream(streamName, proposed, {
          expectedRevision: toEsdbExpected(expected),
        });
        break;
      } catch (error) {
        if (this.closed || attempt >= this.appendAttempts || !isRetryableAppend(error)) {
          throw this.translate(error, streamName, expected);
        }
        // A "not leader" answer was followed at once: try the leader without waiting.
        const delayMs = isNotLeader(error) ? 0 : Math.min(1000, this.appendDelayMs * 2 ** (attempt - 1));
        this.onAppendRetry?.(error, attempt, delayMs);
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        this.assertOpen();
      }
    }
    const next = BigInt(result.nextExpectedRevision);
    if (result.success === false) {
      // Only when the connection string sets throwOnAppendFailure=false.
      throw new WrongExpectedRevisionError(streamName, expected, next < 0n ? 'no_stream' : next);
    }
    const position = normalisePosition(result.position);
    if (!position || position.commit === NO_POSITION) {
      throw new UnmappablePositionError(`EventStoreDB acknowledged the append to ${streamName} without a log position`);
    }
    return { nextExpectedRevision: next, position: position.commit };
  }

  // ------------------------------------------------------------------ read

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction: Direction = options.direction ?? 'forwards';
    const max = toCount(options.maxCount);
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    const validFrom = from === 'start' || from === 'end' || (typeof from === 'bigint' && from >= 0n);
    if (!validFrom || max === 0n) {
      // Same order of refusals as the SQLite store: a missing stream first,
      // then a bad revision; and a zero count still proves the stream exists.
      await this.readStreamRaw(streamName, 'forwards', 'start', 1n);
      if (!validFrom) throw new InvalidEventStoreArgumentError('fromRevision must be >= 0');
      return [];
    }
    // The port's 'start' and 'end' name the first and the last event, both
    // inclusive; EventStoreDB's END is *after* the last event, so forwards
    // from it reads nothing. Either way only one event can follow.
    const raw =
      direction === 'forwards' && from === 'end'
        ? await this.readStreamRaw(streamName, 'backwards', 'end', 1n)
        : direction === 'backwards' && from === 'start'
          ? await this.readStreamRaw(streamName, 'forwards', 'start', 1n)
          : await this.readStreamRaw(streamName, direction, from, max);
    return raw.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction: Direction = options.direction ?? 'forwards';
    const max = toCount(options.maxCount);
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    if (from !== 'start' && from !== 'end' && typeof from !== 'bigint') {
      throw new InvalidEventStoreArgumentError(`Invalid fromPosition: ${String(from)}`);
    }
    if (max === 0n) return [];
    const accept = matches(options.filter);

    // EventStoreDB reads $all *inclusively* forwards (AllReader keeps events
    // at TFPos >= pos) and exclusively backwards (it uses post-positions), and
    // client 6.x sends no server-side filter on reads. So: read raw pages,
    // drop what is not strictly beyond the bound, filter here.
    if (direction === 'forwards') {
      if (from === 'end') return [];
      if (from === 'start' || from < 0n) return this.scanAll('forwards', 'start', undefined, max, accept);
      if (from >= MAX_LOG_POSITION) return [];
      const bound = toLogPosition(from);
      return this.scanAll('forwards', bound, bound, max, accept);
    }
    if (from === 'start') return [];
    if (from === 'end' || from > MAX_LOG_POSITION) return this.scanAll('backwards', 'end', undefined, max, accept);
    if (from <= 0n) return [];
    const bound = toLogPosition(from);
    // A backward read must not start beyond the end of the log.
    const [last] = await this.readAllRaw('backwards', 'end', 1);
    const lastPosition = normalisePosition(last?.position);
    const start = lastPosition && compareLog(bound, lastPosition) <= 0 ? bound : 'end';
    return this.scanAll('backwards', start, bound, max, accept);
  }

  /**
   * User events strictly beyond `bound` in `direction`, paging through raw
   * `$all`. Pages grow from about `max` to `readPageSize`; a short page means
   * the end of the log.
   */
  private async scanAll(
    direction: Direction,
    start: ReadPosition,
    bound: LogPosition | undefined,
    max: bigint | undefined,
    accept: (e: WireEvent) => boolean,
  ): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let cursor = start;
    let after = bound;
    let page =
      max === undefined
        ? this.pageSize
        : Math.min(this.pageSize, Math.max(64, Number(max < 2n ** 20n ? max : 2n ** 20n) + 1));
    for (;;) {
      const batch = await this.readAllRaw(direction, cursor, page);
      let last: LogPosition | undefined;
      for (const e of batch) {
        const position = normalisePosition(e.position);
        if (!position) throw new UnmappablePositionError('EventStoreDB sent a $all event without a position');
        last = position;
        if (after && (direction === 'forwards' ? compareLog(position, after) <= 0 : compareLog(position, after) >= 0)) {
          continue;
        }
        if (!isUserEvent(e) || !accept(e)) continue;
        out.push(toRecorded(e));
        if (max !== undefined && BigInt(out.length) >= max) return out;
      }
      if (batch.length < page || !last) return out;
      cursor = last;
      after = last;
      page = Math.min(this.pageSize, page * 2);
    }
  }

  // ------------------------------------------------------------- subscribe

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const sub = new EventStoreDbSubscription(this, options.fromPosition ?? 'start', options.filter);
    this.subscriptions.add(sub);
    return sub;
  }

  /** @internal Position of the last user event in `$all`, or null if there is none. */
  async userHeadPosition(): Promise<bigint | null> {
    const [last] = await this.scanAll('backwards', 'end', undefined, 1n, () => true);
    return last?.position ?? null;
  }

  /**
   * @internal Opens a client subscription. Catch-up and checkpoint signals,
   * which the client emits as events on the side, are pushed *into* its
   * object stream from within the client's own `_transform`, so they land
   * between exactly the events they came between on the wire.
   */
  openClientSubscription(from: ReadPosition, filter: EventFilter | undefined): AllStreamSubscription {
    const checkpointReached = (s: AllStreamSubscription, position: EsdbPosition): void => {
      pushMarker(s, new Marker('checkpoint', BigInt(position.commit)));
    };
    const byName = filter?.filterOn === 'streamName' ? streamNameFilter : eventTypeFilter;
    // Whole names go as a regular expression: the server's other form is by prefix.
    const serverFilter: Filter =
      filter && filter.prefixes.length > 0
        ? filter.exact === true
          ? byName({ regex: wholeNames(filter.prefixes), checkpointInterval: 1, checkpointReached })
          : byName({ prefixes: [...filter.prefixes], checkpointInterval: 1, checkpointReached })
        : excludeSystemEvents({ checkpointInterval: 1, checkpointReached });
    const sub = this.client.subscribeToAll({ fromPosition: from, filter: serverFilter });
    sub.on('caughtUp', () => pushMarker(sub, new Marker('caughtUp')));
    // An error the server sends after we stopped listening must not become an
    // unhandled 'error' event; the iteration sees errors through its own listener.
    sub.on('error', () => undefined);
    return sub;
  }

  /** @internal Delay before resubscription attempt `attempt` (1-based). */
  backoffDelay(attempt: number): number {
    const base = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
    return base / 2 + (this.random() * base) / 2;
  }

  /** @internal */
  reportDrop(error: unknown, attempt: number, delayMs: number): void {
    try {
      this.onDropped?.(error, attempt, delayMs);
    } catch {
      // An observer must not break the subscription it observes.
    }
  }

  /** @internal */
  forget(sub: EventStoreDbSubscription): void {
    this.subscriptions.delete(sub);
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal Maps client errors onto the port's. */
  translate(error: unknown, streamName?: string, expected?: ExpectedRevision): Error {
    if (error instanceof EventStoreError) return error;
    if (this.closed) return new EventStoreClosedError();
    if (error instanceof Error && isCommandError(error)) {
      if (error.type === ErrorType.WRONG_EXPECTED_VERSION && streamName !== undefined && expected !== undefined) {
        return new WrongExpectedRevisionError(streamName, expected, toActualRevision(error.actualVersion));
      }
      if (error.type === ErrorType.STREAM_NOT_FOUND) {
        return new StreamNotFoundError(streamName ?? error.streamName);
      }
    }
    if (isUnavailable(error)) {
      const message = error instanceof Error ? error.message : String(error);
      return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${message}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  // -------------------------------------------------------------- raw reads

  private async readStreamRaw(
    streamName: string,
    direction: Direction,
    fromRevision: ReadRevision,
    maxCount: bigint | undefined,
  ): Promise<WireEvent[]> {
    const out = await this.retried(async () => {
      const events: WireEvent[] = [];
      const read = this.client.readStream(streamName, {
        direction,
        fromRevision,
        ...(maxCount === undefined ? {} : { maxCount }),
      });
      for await (const resolved of read as AsyncIterable<WireResolved>) {
        if (resolved.event) events.push(resolved.event as WireEvent);
      }
      return events;
    }, streamName);
    // close() cancels streams in flight, and a cancelled read simply ends:
    // never hand back a truncated read as if it were complete.
    if (this.closed) throw new EventStoreClosedError();
    return out;
  }

  private async readAllRaw(direction: Direction, fromPosition: ReadPosition, maxCount: number): Promise<WireEvent[]> {
    const out = await this.retried(async () => {
      const events: WireEvent[] = [];
      const read = this.client.readAll({ direction, fromPosition, maxCount, resolveLinkTos: false });
      for await (const resolved of read as AsyncIterable<WireResolved>) {
        if (resolved.event) events.push(resolved.event as WireEvent);
      }
      return events;
    });
    if (this.closed) throw new EventStoreClosedError();
    return out;
  }

  /**
   * A read, started again from scratch when the node or the connection fails
   * (a leader change: the client has reconnected, to the leader it was
   * named), as many times as an append would be sent again.
   */
  private async retried<T>(read: () => Promise<T>, streamName?: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (this.closed || attempt >= this.appendAttempts || !isRetryableAppend(error)) {
          throw this.translate(error, streamName);
        }
        const delayMs = isNotLeader(error) ? 0 : Math.min(1000, this.appendDelayMs * 2 ** (attempt - 1));
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        this.assertOpen();
      }
    }
  }

  // ----------------------------------------------------------------- close

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((sub) => sub.unsubscribe()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

/** A catch-up or checkpoint signal travelling in the client's object stream. */
class Marker {
  constructor(
    readonly kind: 'caughtUp' | 'checkpoint',
    readonly commit?: bigint,
  ) {}
}

function pushMarker(sub: AllStreamSubscription, marker: Marker): void {
  if (!sub.destroyed && !sub.readableEnded) sub.push(marker);
}

/** Thrown inside the loop when the server ends a subscription it should have kept open. */
class SubscriptionEndedError extends Error {
  constructor() {
    super('EventStoreDB ended the subscription');
    this.name = 'SubscriptionEndedError';
  }
}

/**
 * A catch-up subscription that survives drops. The client never resubscribes
 * by itself (client issue #325) and the server drops slow consumers, so on a
 * drop this resubscribes from the last position it has seen (exclusive, so
 * nothing repeats and nothing is skipped), with backoff. `caughtUp` is
 * emitted once per subscription, never again after a resubscription.
 */
class EventStoreDbSubscription implements Subscription {
  private stopped = false;
  private readonly live = new Set<AllStreamSubscription>();
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly store: EventStoreDbEventStore,
    private readonly from: bigint | 'start',
    private readonly filter: EventFilter | undefined,
  ) {}

  async unsubscribe(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled([...this.live].map(cancelQuietly));
    this.store.forget(this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    const accept = matches(this.filter);
    const from = this.from;
    let resumeFrom: ReadPosition =
      from === 'start' || from < 0n ? 'start' : from > MAX_LOG_POSITION ? 'end' : toLogPosition(from);
    // Caught up means: everything up to the last user event that existed when
    // the subscription began has been looked at (the SQLite store's meaning).
    // That point is detected from positions seen; the server's own caughtUp
    // message (23.10+) and filter checkpoints cover a tail the filter hides.
    let head: bigint | null | undefined;
    let caughtUp = false;
    let lastDelivered: bigint | undefined;
    let failures = 0;
    const caughtUpMessage = (): SubscriptionMessage => {
      caughtUp = true;
      const position =
        head === null || head === undefined
          ? (lastDelivered ?? null)
          : lastDelivered !== undefined && lastDelivered > head
            ? lastDelivered
            : head;
      return { kind: 'caughtUp', position };
    };

    try {
      while (!this.stopped && !this.store.isClosed) {
        let sub: AllStreamSubscription | undefined;
        try {
          if (head === undefined) {
            head = await this.store.userHeadPosition();
            if (this.stopped) return;
            if (head === null || (from !== 'start' && from >= head)) yield caughtUpMessage();
            if (this.stopped) return;
          }
          sub = this.store.openClientSubscription(resumeFrom, this.filter);
          this.live.add(sub);
          for await (const item of sub as AsyncIterable<WireResolved | Marker>) {
            if (this.stopped) return;
            failures = 0;
            if (item instanceof Marker) {
              if (
                !caughtUp &&
                (item.kind === 'caughtUp' || (head !== null && item.commit !== undefined && item.commit > head))
              ) {
                yield caughtUpMessage();
              }
              continue;
            }
            const e = item.event as WireEvent | undefined;
            if (!e) continue;
            const position = normalisePosition(e.position);
            if (!position) throw new UnmappablePositionError('EventStoreDB sent a $all event without a position');
            // Exclusive resumption makes this impossible; it is cheap insurance.
            if (typeof resumeFrom === 'object' && compareLog(position, resumeFrom) <= 0) continue;
            if (isUserEvent(e) && accept(e)) {
              const event = toRecorded(e);
              resumeFrom = position;
              lastDelivered = event.position;
              yield { kind: 'event', event };
              if (this.stopped) return;
            } else {
              resumeFrom = position;
            }
            if (!caughtUp && head !== null && position.commit >= head) yield caughtUpMessage();
          }
          if (this.stopped || this.store.isClosed) return;
          throw new SubscriptionEndedError();
        } catch (error) {
          if (this.stopped || this.store.isClosed) return;
          if (!isRetryable(error)) throw this.store.translate(error);
          failures += 1;
          const delay = this.store.backoffDelay(failures);
          this.store.reportDrop(error, failures, delay);
          await this.sleep(delay);
        } finally {
          if (sub) {
            this.live.delete(sub);
            await cancelQuietly(sub);
          }
        }
      }
    } finally {
      this.stopped = true;
      for (const wake of [...this.sleepers]) wake();
      this.store.forget(this);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

async function cancelQuietly(sub: AllStreamSubscription): Promise<void> {
  try {
    await sub.unsubscribe();
  } catch {
    // Already gone (the call failed to start, or the channel is closed).
  }
}

// ---------------------------------------------------------------- helpers

function toProposed(e: EventData): EsdbEventData {
  return {
    id: e.id.toLowerCase(),
    contentType: 'application/json',
    type: e.type,
    // As the SQLite store: JSON, with `undefined` stored as null.
    data: (e.data ?? null) as JSONType,
    metadata: e.metadata ?? {},
  };
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  return expected;
}

function toActualRevision(actual: unknown): bigint | 'no_stream' {
  if (actual === 'no_stream' || actual === undefined || actual === null) return 'no_stream';
  const n = BigInt(actual as bigint | number | string);
  return n < 0n ? 'no_stream' : n;
}

function normalisePosition(
  p: { commit: bigint | number | string; prepare: bigint | number | string } | undefined,
): LogPosition | undefined {
  if (!p || p.commit === undefined || p.commit === null) return undefined;
  return { commit: BigInt(p.commit), prepare: BigInt(p.prepare ?? p.commit) };
}

function toLogPosition(p: bigint): LogPosition {
  return { commit: p, prepare: p };
}

function compareLog(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function portPosition(e: WireEvent): bigint {
  const p = normalisePosition(e.position);
  if (!p || p.commit === NO_POSITION) {
    throw new UnmappablePositionError(
      `EventStoreDB sent ${e.streamId}@${String(e.revision)} without its $all position ` +
        '(stream reads carry it from KurrentDB PR #3459, 2022, on)',
    );
  }
  if (p.commit !== p.prepare) {
    throw new UnmappablePositionError(
      `${e.streamId}@${String(e.revision)} was written in an explicit transaction ` +
        `(commit ${p.commit}, prepare ${p.prepare}); its position has no single-number form`,
    );
  }
  return p.commit;
}

function toRecorded(e: WireEvent): RecordedEvent {
  return {
    id: e.id.toLowerCase(),
    type: e.type,
    data: e.data,
    metadata: toMetadata(e.metadata),
    streamName: e.streamId,
    revision: BigInt(e.revision),
    position: portPosition(e),
    created: e.created instanceof Date ? e.created : new Date(Number(e.created ?? 0)),
  };
}

function toMetadata(m: unknown): Record<string, unknown> {
  if (m === undefined || m === null) return {};
  if (typeof m === 'object' && !Array.isArray(m) && !(m instanceof Uint8Array)) return m as Record<string, unknown>;
  // Only other writers can store metadata that is not a JSON object.
  return { raw: m };
}

function isUserEvent(e: WireEvent): boolean {
  return !e.type.startsWith('$') && !e.streamId.startsWith('$');
}

/** The port's filter, applied here too: correctness does not rest on the server's filter. */
function matches(filter: EventFilter | undefined): (e: WireEvent) => boolean {
  if (!filter) return () => true;
  const f: EventFilter = { ...filter, prefixes: [...filter.prefixes] };
  if (filter.filterOn === 'streamName') return (e) => filterAccepts(f, e.streamId);
  return (e) => filterAccepts(f, e.type);
}

/** A regular expression matching exactly these names (the server filters by prefix or by regex). */
const wholeNames = (names: readonly string[]): string =>
  `^(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);
// gRPC status codes: DEADLINE_EXCEEDED 4, UNAVAILABLE 14.
const UNAVAILABLE_CODES: ReadonlySet<unknown> = new Set([4, 14]);
const NETWORK_CODES: ReadonlySet<unknown> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

function isUnavailable(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  if (isCommandError(error)) return UNAVAILABLE_TYPES.has(error.type);
  const code = (error as { code?: unknown }).code;
  if (UNAVAILABLE_CODES.has(code) || NETWORK_CODES.has(code)) return true;
  // Cluster discovery (client/discovery.js) gives up with a plain Error.
  return error.message.startsWith('Failed to discover');
}

function isNotLeader(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.NOT_LEADER;
}

/** Worth sending an append again: the node or the connection failed, not the request. */
function isRetryableAppend(error: unknown): boolean {
  return isUnavailable(error);
}

/** Worth a resubscription: the connection or the server, not the request. */
function isRetryable(error: unknown): boolean {
  if (error instanceof SubscriptionEndedError || isUnavailable(error)) return true;
  if (error instanceof EventStoreError) return false;
  if (!(error instanceof Error)) return false;
  if (isCommandError(error)) return error.type === ErrorType.UNKNOWN;
  // CANCELLED 1 (by the server), UNKNOWN 2, RESOURCE_EXHAUSTED 8, ABORTED 10, INTERNAL 13.
  const code = (error as { code?: unknown }).code;
  return code === 1 || code === 2 || code === 8 || code === 10 || code === 13;
}
