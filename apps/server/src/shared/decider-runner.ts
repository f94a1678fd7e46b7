import { StreamNotFoundError, WrongExpectedRevisionError, type EventData, type EventStore, type Metadata, type RecordedEvent } from '@emargement/event-store';
import { randomUUID } from 'node:crypto';

export interface DomainEvent {
  type: string;
  data: unknown;
}

export interface Decider<C, S, E extends DomainEvent> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}

export interface Loaded<S> {
  state: S;
  revision: bigint | 'no_stream';
  events: RecordedEvent[];
}

/** Reads a stream and folds it; a missing stream is the initial state. */
export async function load<S, E extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Pick<Decider<unknown, S, E>, 'evolve' | 'initialState'>,
): Promise<Loaded<S>> {
  let events: RecordedEvent[];
  try {
    events = await store.readStream(streamName);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { state: decider.initialState(), revision: 'no_stream', events: [] };
    throw error;
  }
  const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), decider.initialState());
  return { state, revision: events.length === 0 ? 'no_stream' : events[events.length - 1]!.revision, events };
}

export interface RunResult<S, E> {
  events: E[];
  state: S;
  position: bigint | undefined;
}

/**
 * read → fold → decide → append with the expected revision; on a conflict
 * (someone else appended in between) start again from a fresh read. This is
 * what makes "two scans at once admit exactly one" hold: the loser re-decides
 * on the winner's event.
 */
export async function runDecider<C, S, E extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, S, E>,
  command: C | ((state: S) => C),
  metadata: Metadata,
  options: { maxAttempts?: number; eventId?: (event: E, index: number) => string } = {},
): Promise<RunResult<S, E>> {
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await load(store, streamName, decider);
    const cmd = typeof command === 'function' ? (command as (s: S) => C)(state) : command;
    const events = decider.decide(cmd, state);
    if (events.length === 0) return { events, state, position: undefined };
    const toAppend: EventData[] = events.map((e, i) => ({
      id: options.eventId?.(e, i) ?? randomUUID(),
      type: e.type,
      data: e.data,
      metadata,
    }));
    try {
      const result = await store.appendToStream(streamName, toAppend, { expectedRevision: revision });
      return { events, state: events.reduce((s, e) => decider.evolve(s, e), state), position: result.position };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < maxAttempts) continue;
      throw error;
    }
  }
}
