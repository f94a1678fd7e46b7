/**
 * The event-store port. Its semantics are EventStoreDB's own (expected
 * revisions, idempotent re-appends, an exclusive `fromPosition` on `$all`,
 * catch-up subscriptions), so that the embedded SQLite store and the
 * EventStoreDB adapter mean exactly the same thing to the rest of the system.
 *
 * Revisions and positions are `bigint` at run time, always: a client library
 * that hands back plain numbers is normalised at the adapter boundary.
 */

/** How the caller expects the stream to be before the append. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type Metadata = Record<string, unknown>;

/** An event as the caller proposes it; `id` is a caller-chosen UUID. */
export interface EventData<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  data: TData;
  metadata?: Metadata;
}

/** An event as the store recorded it. */
export interface RecordedEvent<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  data: TData;
  metadata: Metadata;
  streamName: string;
  /** 0-based position of the event within its stream. */
  revision: bigint;
  /**
   * Position in the global log (`$all`). Strictly increasing in commit order;
   * compare by order, never assume contiguity.
   */
  position: bigint;
  /** When the store recorded the event (store clock, not the caller's). */
  created: Date;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: the next `expectedRevision`. */
  nextExpectedRevision: bigint;
  /** Global position of the last event of this append. */
  position: bigint;
}

/** One stream's part of an append across several streams (`appendToStreams`). */
export interface StreamAppend {
  streamName: string;
  events: readonly EventData[];
  expectedRevision?: ExpectedRevision;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: Direction;
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: bigint | 'start' | 'end';
  maxCount?: number | bigint;
}

/** Server-side filter on `$all`: by event-type prefix or stream-name prefix, or by whole names (`exact`). */
export interface EventFilter {
  filterOn: 'eventType' | 'streamName';
  prefixes: string[];
  /**
   * `true`: each of `prefixes` is a whole name, matched exactly. What a
   * projection subscribes to: a later event type whose name starts like one
   * of its own (`AttendeeAdmittedElsewhere`) is not one of them (issue 20).
   */
  exact?: boolean;
}

/** The events of exactly these types. */
export const eventTypes = (...names: string[]): EventFilter => ({
  filterOn: 'eventType',
  prefixes: names,
  exact: true,
});

/** Whether `name` (an event's type or stream name, as the filter says) passes the filter's names. */
export const filterAccepts = (filter: EventFilter, name: string): boolean =>
  filter.exact === true ? filter.prefixes.includes(name) : filter.prefixes.some((p) => name.startsWith(p));

export interface ReadAllOptions {
  direction?: Direction;
  /**
   * Exclusive: reading forwards from position P yields only events after P;
   * backwards, only events before P. `'start'`/`'end'` read everything.
   */
  fromPosition?: bigint | 'start' | 'end';
  maxCount?: number | bigint;
  filter?: EventFilter;
}

export interface SubscribeToAllOptions {
  /** Exclusive, as for `readAll`; `'start'` (the default) replays everything. */
  fromPosition?: bigint | 'start';
  filter?: EventFilter;
  /**
   * `false`: the reader reads no personal field (the projections count and
   * index by ids, organisation and category). A store that seals personal
   * data (libs/privacy) then hands events over as stored, envelopes closed,
   * instead of opening one per registration; a store that seals nothing
   * ignores it. Default `true`.
   */
  personalData?: boolean;
}

/**
 * What a subscription delivers, in order: stored events, then exactly one
 * `caughtUp` once the history known at that moment has been delivered, then
 * live events as they are committed.
 */
export type SubscriptionMessage =
  { kind: 'event'; event: RecordedEvent } | { kind: 'caughtUp'; position: bigint | null };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Ends the iteration; safe to call more than once. */
  unsubscribe(): Promise<void>;
}

export interface EventStore {
  appendToStream(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Optional: appends to several streams at once, all or nothing. Each part
   * is checked against its own expected revision (an idempotent re-append of
   * a part answers as it did the first time); when one part is refused,
   * nothing of any part is written and that part's error is thrown
   * (`WrongExpectedRevisionError` names its stream). The results are in the
   * parts' order, and so are the events' positions. A stream may appear only
   * once. EventStoreDB's gRPC client has no such append: its adapter leaves
   * it out, and callers keep a path of single appends for stores without it.
   */
  appendToStreams?(parts: readonly StreamAppend[]): Promise<AppendResult[]>;
  /**
   * Optional: proves the store can still write, without writing to the event
   * log (readiness). Throws when it cannot. Adapters that cannot prove it
   * without adding events leave it out.
   */
  probeWrite?(): Promise<void>;
  /** Throws `StreamNotFoundError` when the stream has no event. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: `readStream`, but a stream with no event answers `null`. On the
   * door's path most streams read are new (a scan's id, a first arrival), and
   * an error built with its stack for each of them is an answer paid for
   * dearly (BENCHMARKS.md, issue 27). Callers use `readStreamOrNull` below,
   * which falls back to `readStream` for adapters without it.
   */
  readStreamOrNull?(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[] | null>;
  /**
   * Optional: the stream's last revision as this process knows it for certain
   * without a read, or `undefined` when only a read can tell (nothing known of
   * the stream, or another process may have written since). A cache of folded
   * streams holding that revision skips its catch-up read. The embedded store
   * knows its own appends and learns of other writers from SQLite's
   * `data_version`; an adapter over a network server leaves it out.
   */
  knownStreamHead?(streamName: string): bigint | undefined;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  close(): Promise<void>;
}
