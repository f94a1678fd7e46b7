import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, Metadata } from '@emargement/event-store';
import {
  movementsDecider,
  movementsStream,
  type MovementCommand,
  type MovementCommandRefusal,
  type MovementEvent,
  type MovementOutcome,
  type MovementsState,
} from '@emargement/spaces';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { AggregateCache } from '../shared/aggregate-cache.js';
import type { Loaded, RunResult } from '../shared/decider-runner.js';

/** Told of the events folded into a conference's cached movements (as `ConferenceRegistry.onFolded`). */
export type MovementsListener = (
  conferenceId: string,
  events: readonly MovementEvent[],
  fresh: boolean,
  /** The revision of the last of `events` in the stream (they are consecutive). */
  revision: bigint,
) => void;

/** The folded `movements-<conferenceId>` streams, kept in memory and caught up on use (as the conference registry). */
@Injectable()
export class MovementsRegistry {
  private readonly listeners: MovementsListener[] = [];

  private readonly aggregates: AggregateCache<
    MovementCommand,
    MovementEvent,
    MovementsState,
    MovementOutcome,
    MovementCommandRefusal
  >;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.aggregates = new AggregateCache(store, movementsStream, movementsDecider, {
      onFolded: (id, events, _state, fresh, revision) => {
        for (const listener of this.listeners) listener(id, events, fresh, revision);
      },
    });
  }

  /** Tells `listener` of every event folded from now on (a person's history indexes its movements so). */
  onFolded(listener: MovementsListener): void {
    this.listeners.push(listener);
  }

  current(conferenceId: string): Promise<Loaded<MovementsState>> {
    return this.aggregates.current(conferenceId);
  }

  run<O extends MovementOutcome>(
    conferenceId: string,
    command: MovementCommand,
    metadata: Metadata,
  ): Promise<RunResult<unknown, O>> {
    return this.aggregates.run<O>(conferenceId, command, metadata);
  }

  known(): string[] {
    return this.aggregates.known();
  }
}
