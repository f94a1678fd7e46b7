import {
  WrongExpectedRevisionError,
  readStreamOrNull,
  type EventData,
  type EventStore,
  type Metadata,
  type StreamAppend,
} from '@emargement/event-store';
import { CommandRefusedError, type Decider } from '@emargement/decider';
import { randomUUID } from 'node:crypto';

interface StoredEvent {
  type: string;
  data: unknown;
}

export interface Loaded<S> {
  state: S;
  revision: bigint | 'no_stream';
}

/** Reads a stream and folds it (linearly, with the decider's `fold`); a missing stream is the initial state. */
export async function loadStream<S, E>(
  store: EventStore,
  streamName: string,
  decider: Pick<Decider<unknown, E, S, unknown, string>, 'fold' | 'initialState'>,
  from?: { state: S; revision: bigint },
): Promise<Loaded<S>> {
  const events = await readStreamOrNull(store, streamName, from ? { fromRevision: from.revision + 1n } : {});
  if (events === null) return { state: decider.initialState(), revision: 'no_stream' };
  if (events.length === 0) return from ?? { state: decider.initialState(), revision: 'no_stream' };
  const state = decider.fold(
    events.map((e) => ({ type: e.type, data: e.data }) as E),
    from?.state,
  );
  return { state, revision: events[events.length - 1]!.revision };
}

export interface RunResult<E, O> {
  events: readonly E[];
  outcome: O;
  /** Global position of the append, or undefined when nothing was written (a repeated command). */
  position: bigint | undefined;
  /**
   * When something was written: the stream's revision the decision was made
   * on and the revision after the append, so that a cache of the folded
   * stream can apply its own events instead of reading them back.
   */
  appended?: { from: bigint | 'no_stream'; to: bigint };
}

/**
 * How long to wait before attempt `attempt + 1` after `attempt` conflicts: the first retry at once (the loser
 * of a race between two writers just re-reads the winner's events and usually wins the next append), then
 * "full jitter" exponential backoff, a random wait in [0, min(cap, base × 2^(conflicts − 1))): writers that
 * keep colliding (several instances on one hot aggregate) spread out instead of retrying in lockstep.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random, baseMs = 2, capMs = 100): number {
  if (attempt <= 1) return 0;
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * read → fold → decide → append with the revision decided on. On a conflict
 * (another writer appended in between) it starts again from a fresh read, so
 * the loser of a race re-decides on the winner's events: this is what makes
 * "two scans of one ticket at once admit exactly one" hold; after a second
 * conflict in a row it waits a little first (`retryDelayMs`). A refusal is
 * thrown as `CommandRefusedError` with the decider's stable code.
 */
export async function runDecider<C, E extends StoredEvent, S, O, R extends string>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, E, S, O, R>,
  command: C | ((state: S) => C),
  metadata: Metadata,
  options: {
    maxAttempts?: number;
    load?: () => Promise<Loaded<S>>;
    /**
     * The stream is almost always new (a scan's id, claimed once): the first
     * attempt decides on the initial state and appends expecting no stream,
     * without reading. When the stream exists after all (a retry of the same
     * id), the append fails on the revision and the next attempt reads it as
     * usual: the same decision as reading first, one read fewer per scan.
     */
    presumeNew?: boolean;
    /** Told of each wait before a retry (tests read the backoff from it). */
    onRetry?: (attempt: number, delayMs: number) => void;
    /**
     * Appends to other streams committed with the decision, all or nothing,
     * and written before it (a scan's claim on its id beside the scan): one
     * commit instead of two, and no claim without its decision after a crash.
     * Needs a store with `appendToStreams` (callers without one append them
     * first, on their own). Written even when the decision writes nothing. A
     * conflict on one of them is not retried (the same append would meet it
     * again): its `WrongExpectedRevisionError` is thrown, and nothing of the
     * decision is written.
     */
    alongside?: readonly StreamAppend[];
  } = {},
): Promise<RunResult<E, O>> {
  const maxAttempts = options.maxAttempts ?? 20;
  const alongside = options.alongside ?? [];
  if (alongside.length > 0 && store.appendToStreams === undefined) {
    throw new Error('This event store cannot append across streams: append the other streams first');
  }
  for (let attempt = 1; ; attempt++) {
    const { state, revision } =
      options.presumeNew === true && attempt === 1
        ? { state: decider.initialState(), revision: 'no_stream' as const }
        : options.load
          ? await options.load()
          : await loadStream(store, streamName, decider);
    const cmd = typeof command === 'function' ? (command as (s: S) => C)(state) : command;
    const decision = decider.decide(cmd, state);
    if (!decision.ok) throw new CommandRefusedError(decision.reason, decision.detail);
    if (decision.events.length === 0) {
      if (alongside.length > 0) await store.appendToStreams!(alongside);
      return { events: [], outcome: decision.outcome, position: undefined };
    }
    const toAppend: EventData[] = decision.events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      data: e.data,
      metadata,
    }));
    try {
      const result =
        alongside.length === 0
          ? await store.appendToStream(streamName, toAppend, { expectedRevision: revision })
          : (
              await store.appendToStreams!([...alongside, { streamName, events: toAppend, expectedRevision: revision }])
            ).at(-1)!;
      return {
        events: decision.events,
        outcome: decision.outcome,
        position: result.position,
        appended: { from: revision, to: result.nextExpectedRevision },
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || error.streamName !== streamName || attempt >= maxAttempts)
        throw error;
      const delay = retryDelayMs(attempt);
      options.onRetry?.(attempt, delay);
      if (delay > 0) await pause(delay);
    }
  }
}

/**
 * Decides a command on the initial state, for a command that names no
 * stream (a scan no ticket holds): the decider answers, refusal included,
 * as it would on an empty stream. A decision that would write is a defect,
 * since there is nowhere to append it.
 */
export function decideOnNoStream<C, E, S, O, R extends string>(decider: Decider<C, E, S, O, R>, command: C): O {
  const decision = decider.decide(command, decider.initialState());
  if (!decision.ok) throw new CommandRefusedError(decision.reason, decision.detail);
  if (decision.events.length > 0) throw new Error('A command decided on no stream cannot write events');
  return decision.outcome;
}
