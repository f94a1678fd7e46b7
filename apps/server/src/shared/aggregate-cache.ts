import { readStreamOrNull, type EventStore, type Metadata, type StreamAppend } from '@emargement/event-store';
import type { Decider } from '@emargement/decider';
import { runDecider, type Loaded, type RunResult } from './decider-runner.js';

interface StoredEvent {
  type: string;
  data: unknown;
}

export interface AggregateCacheOptions<S, E> {
  /**
   * Folds events onto a state that only this cache holds. The default is the
   * decider's `fold`, which copies; a large aggregate (a conference's
   * registry) passes a fold that changes the state in place, so that taking
   * in one more event does not cost a copy of everything.
   */
  advance?: (state: S, events: readonly E[]) => S;
  /**
   * Told of the events folded into a cached state, in stream order, after the
   * fold (an in-memory index of the aggregate keeps itself in step with it).
   * `fresh` is true when the state was folded from the first event.
   */
  /** `revision` is the last event's: the events are consecutive in the stream, so each one's revision follows. */
  onFolded?: (id: string, events: readonly E[], state: S, fresh: boolean, revision: bigint) => void;
}

/**
 * The folded streams of one kind of aggregate, kept in memory and caught up
 * on use by reading only the events after the cached revision; a command's own
 * events, once appended, are folded in without reading them back (nor opening
 * their sealed personal data again).
 *
 * A cache of aggregates for the write side, not a read model: the cache is
 * only a shortcut to a read, and every decision is appended with the revision
 * it was made on, so a stale or advanced state costs a retry, never a wrong
 * write. Concurrent requests for one aggregate share one catch-up.
 */
export class AggregateCache<C, E extends StoredEvent, S, O, R extends string> {
  private readonly cache = new Map<string, { state: S; revision: bigint }>();
  private readonly inflight = new Map<string, Promise<Loaded<S>>>();
  /** The last queued command of each aggregate (it settles, never rejects, when that command is done). */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly advance: (state: S, events: readonly E[]) => S;

  constructor(
    private readonly store: EventStore,
    private readonly streamOf: (id: string) => string,
    private readonly decider: Decider<C, E, S, O, R>,
    private readonly options: AggregateCacheOptions<S, E> = {},
  ) {
    this.advance = options.advance ?? ((state, events) => decider.fold(events, state));
  }

  /** The aggregate as of now (everything appended so far, by any process). */
  current(id: string): Promise<Loaded<S>> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.catchUp(id).finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  private async catchUp(id: string): Promise<Loaded<S>> {
    const before = this.cache.get(id);
    const stream = this.streamOf(id);
    // The store knows for certain that nothing was appended since: no read
    // (on the door's path, the conference's registry and a ticket's arrivals
    // are asked on every scan).
    if (before !== undefined && this.store.knownStreamHead?.(stream) === before.revision) {
      return { state: before.state, revision: before.revision };
    }
    const recorded =
      (await readStreamOrNull(this.store, stream, before ? { fromRevision: before.revision + 1n } : {})) ?? [];
    // A command's own events may have been folded in while this read was on
    // its way (`run`): only what is newer than the cache now is folded.
    const cached = this.cache.get(id);
    const fresh = recorded.filter((e) => cached === undefined || e.revision > cached.revision);
    if (fresh.length > 0)
      this.fold(
        id,
        cached,
        fresh.map((e) => ({ type: e.type, data: e.data }) as E),
        fresh.at(-1)!.revision,
      );
    const now = this.cache.get(id);
    return now
      ? { state: now.state, revision: now.revision }
      : { state: this.decider.initialState(), revision: 'no_stream' };
  }

  private fold(id: string, cached: { state: S; revision: bigint } | undefined, events: E[], revision: bigint): void {
    const state = cached ? this.advance(cached.state, events) : this.decider.fold(events);
    this.cache.set(id, { state, revision });
    this.options.onFolded?.(id, events, state, cached === undefined, revision);
  }

  /**
   * read → fold → decide → append, on the cached state (see `runDecider`),
   * one command at a time per aggregate in this process. Without the queue,
   * commands racing on one aggregate all decide on the same revision and all
   * but one lose the append and start again; under a steady stream of them
   * (8 integrations registering into one conference) a command could lose
   * every one of its attempts, which the EventStoreDB adapter's slower round
   * trip made happen (answered 500). Queued, they never conflict with each
   * other; a conflict is then another instance's write, which the retry takes.
   */
  async run<Out extends O>(
    id: string,
    command: C | ((state: S) => C),
    metadata: Metadata,
    /** Appends to other streams committed with the decision, all or nothing (`runDecider`'s `alongside`). */
    alongside?: readonly StreamAppend[],
  ): Promise<RunResult<E, Out>> {
    const previous = this.queues.get(id);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.queues.set(id, tail);
    try {
      if (previous) await previous;
      return await this.runNow<Out>(id, command, metadata, alongside);
    } finally {
      release();
      if (this.queues.get(id) === tail) this.queues.delete(id);
    }
  }

  private async runNow<Out extends O>(
    id: string,
    command: C | ((state: S) => C),
    metadata: Metadata,
    alongside: readonly StreamAppend[] | undefined,
  ): Promise<RunResult<E, Out>> {
    const result = await runDecider(this.store, this.streamOf(id), this.decider, command, metadata, {
      load: () => this.current(id),
      ...(alongside ? { alongside } : {}),
    });
    const appended = result.appended;
    const cached = this.cache.get(id);
    // The events just written follow the cached state exactly when the cache
    // is still at the revision they were decided on: fold them in directly.
    if (appended && appended.from !== 'no_stream' && cached?.revision === appended.from) {
      this.fold(id, cached, [...result.events], appended.to);
    }
    return result as RunResult<E, Out>;
  }

  /** Drops every cached state (they are read again on next use). */
  forgetAll(): void {
    this.cache.clear();
  }

  /** The ids this process has folded. */
  known(): string[] {
    return [...this.cache.keys()];
  }
}
