import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { StreamNotFoundError, type EventStore, type Metadata, type RecordedEvent } from '@emargement/event-store';
import {
  charterDecider,
  charterStream,
  type CharterCommand,
  type CharterEvent,
  type CharterRefusalReason,
  type CharterOutcome,
  type CharterState,
  type Published,
} from '@emargement/charter';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { AggregateCache } from '../shared/aggregate-cache.js';
import { EventsOfType } from '../shared/events-of-type.js';
import { LogFollowers } from '../shared/log-followers.js';
import type { Loaded, RunResult } from '../shared/decider-runner.js';
import { notFound } from '../shared/api-error.js';

/**
 * The folded `charter-<id>` streams, cached and caught up on use by reading
 * only the events after the cached revision, as `ConferenceRegistry` does: a
 * signature's strokes and image are read once, not at every signature (the
 * cache itself is `AggregateCache`, shared with `ConferenceRegistry`). The
 * folded state keeps no strokes and no image.
 *
 * The cache only saves reads for deciding and listing; `verify` and the PDF
 * read every stored event again, since their whole point is not to trust
 * anything already in memory.
 */
@Injectable()
export class CharterRegistry implements OnApplicationBootstrap {
  private readonly aggregates: AggregateCache<
    CharterCommand,
    CharterEvent,
    CharterState,
    CharterOutcome,
    CharterRefusalReason
  >;

  /** Every charter ever published and its conference, read once and then only after the last position read. */
  private readonly publications: EventsOfType<{ charterId: string; conferenceId: string }>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    followers: LogFollowers,
  ) {
    this.aggregates = new AggregateCache(store, charterStream, charterDecider);
    this.publications = new EventsOfType(store, ['CharterPublished'], (e) => {
      const { charterId, conferenceId } = e.data as { charterId?: unknown; conferenceId?: unknown };
      return typeof charterId === 'string' && typeof conferenceId === 'string' ? { charterId, conferenceId } : null;
    });
    // Kept current by a bulk writer as it appends (the import), not read back by a person's page afterwards.
    followers.follow(() => this.publications.all());
  }

  /**
   * The one read of the whole log for these events, at start rather than in
   * the first organiser's request (about 100 ms at 100,000 registrations).
   */
  onApplicationBootstrap(): void {
    this.publications.all().catch(() => undefined); // a failure here is met again, and reported, by the first caller
  }

  /** The ids of the charters published for a conference, in the order they were, as of now. */
  async publishedIn(conferenceId: string): Promise<string[]> {
    return (await this.publications.all()).filter((p) => p.conferenceId === conferenceId).map((p) => p.charterId);
  }

  current(charterId: string): Promise<Loaded<CharterState>> {
    return this.aggregates.current(charterId);
  }

  /** Drops every cached fold (after a person's data was erased: the folds still hold their name). */
  forgetAll(): void {
    this.aggregates.forgetAll();
  }

  /** The charter as of now, or 404 `unknown_charter` (also for a charter of another conference). */
  async published(conferenceId: string, charterId: string): Promise<Published> {
    const { state } = await this.current(charterId);
    if (state.status === 'not_published' || state.charter.conferenceId !== conferenceId)
      throw notFound('unknown_charter', `No charter ${charterId} in conference ${conferenceId}`);
    return state;
  }

  run<O extends CharterOutcome>(
    charterId: string,
    command: CharterCommand | ((state: CharterState) => CharterCommand),
    metadata: Metadata,
  ): Promise<RunResult<unknown, O>> {
    return this.aggregates.run<O>(charterId, command, metadata);
  }

  /**
   * Every stored event of the charter, straight from the store; 404 when the
   * stream is missing or belongs to another conference. Whatever the events
   * say beyond their first one's conference is for `verify` to judge.
   */
  async storedEvents(conferenceId: string, charterId: string): Promise<RecordedEvent[]> {
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(charterStream(charterId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) events = [];
      else throw error;
    }
    const first = events[0]?.data as { conferenceId?: unknown } | undefined;
    if (events.length === 0 || first?.conferenceId !== conferenceId)
      throw notFound('unknown_charter', `No charter ${charterId} in conference ${conferenceId}`);
    return events;
  }
}
