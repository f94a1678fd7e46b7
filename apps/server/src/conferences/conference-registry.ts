import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore, Metadata } from '@emargement/event-store';
import {
  advanceConference,
  conferenceDecider,
  conferenceStream,
  type ConferenceCommand,
  type ConferenceEvent,
  type ConferenceOutcome,
  type ConferenceRefusalReason,
  type ConferenceState,
  type Scheduled,
} from '@emargement/conference';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { AggregateCache } from '../shared/aggregate-cache.js';
import { EventsOfType } from '../shared/events-of-type.js';
import { LogFollowers } from '../shared/log-followers.js';
import type { Loaded, RunResult } from '../shared/decider-runner.js';
import { notFound } from '../shared/api-error.js';

/** Told of the events folded into a conference's cached registry (see `ConferenceRegistry.onFolded`). */
export type RegistryListener = (
  conferenceId: string,
  events: readonly ConferenceEvent[],
  state: ConferenceState,
  fresh: boolean,
  /** The revision of the last of `events` in the conference's stream (they are consecutive). */
  revision: bigint,
) => void;

/**
 * The folded `conference-<id>` streams, kept in memory and caught up on use
 * by reading only the events after the cached revision. Registrations are
 * decided on this state (see ADR 002), so a 100,000-registration registry is
 * folded once, not on every command, and taking in new events changes the
 * cached state in place rather than copying it (`advanceConference`): a
 * caller may see the state it was handed move forward, never back.
 *
 * The cache is only a shortcut to a read: every decision is appended with the
 * revision it was made on, so a stale cache costs a retry, never a wrong write.
 */
@Injectable()
export class ConferenceRegistry implements OnApplicationBootstrap {
  private readonly listeners: RegistryListener[] = [];
  private readonly aggregates: AggregateCache<
    ConferenceCommand,
    ConferenceEvent,
    ConferenceState,
    ConferenceOutcome,
    ConferenceRefusalReason
  >;

  /** Every conference ever scheduled, by id, read once and then only after the last position read. */
  private readonly scheduledIds: EventsOfType<string>;

  constructor(@Inject(EVENT_STORE) store: EventStore, followers: LogFollowers) {
    this.scheduledIds = new EventsOfType(store, ['ConferenceScheduled'], (e) => {
      const { conferenceId } = e.data as { conferenceId?: unknown };
      return typeof conferenceId === 'string' ? conferenceId : null;
    });
    // Kept current by a bulk writer as it appends (the import), not read back by the next request.
    followers.follow(() => this.scheduledIds.all());
    this.aggregates = new AggregateCache(store, conferenceStream, conferenceDecider, {
      advance: advanceConference,
      onFolded: (id, events, state, fresh, revision) => {
        for (const listener of this.listeners) listener(id, events, state, fresh, revision);
      },
    });
  }

  /** The conference as of now (everything appended so far, by any process). */
  current(conferenceId: string): Promise<Loaded<ConferenceState>> {
    return this.aggregates.current(conferenceId);
  }

  /**
   * The one read of the whole log for these events, at start rather than in
   * the first organiser's request (about 100 ms at 100,000 registrations).
   */
  onApplicationBootstrap(): void {
    this.scheduledIds.all().catch(() => undefined); // a failure here is met again, and reported, by the first caller
  }

  /**
   * The ids of every conference ever scheduled, in the order they were, from
   * the store itself (a restarted server or a second instance answers the
   * same), without reading the whole log on every call.
   */
  everScheduled(): Promise<readonly string[]> {
    return this.scheduledIds.all();
  }

  /** A scheduled conference, or 404 `conference_not_found`. */
  async scheduled(conferenceId: string): Promise<Scheduled> {
    const { state } = await this.current(conferenceId);
    if (state.status !== 'scheduled') throw notFound('conference_not_found', `No conference ${conferenceId}`);
    return state;
  }

  run<O extends ConferenceOutcome>(
    conferenceId: string,
    command: ConferenceCommand | ((state: ConferenceState) => ConferenceCommand),
    metadata: Metadata,
  ): Promise<RunResult<unknown, O>> {
    return this.aggregates.run<O>(conferenceId, command, metadata);
  }

  /**
   * Every event folded into a cached registry, as it is folded (an in-memory
   * index of the registrations, such as the attendee search, follows it).
   */
  onFolded(listener: RegistryListener): void {
    this.listeners.push(listener);
  }

  /** Ids of the conferences this process has seen (for the list of conferences). */
  known(): string[] {
    return this.aggregates.known();
  }
}
