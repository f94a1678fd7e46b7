import { Inject, Injectable } from '@nestjs/common';
import { StreamNotFoundError, type EventStore, type Metadata, type RecordedEvent } from '@emargement/event-store';
import {
  charterDecider,
  charterStream,
  type CharterCommand,
  type CharterOutcome,
  type CharterState,
  type Published,
} from '@emargement/charter';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { loadStream, runDecider, type Loaded, type RunResult } from '../shared/decider-runner.js';
import { notFound } from '../shared/api-error.js';

/**
 * The folded `charter-<id>` streams, cached and caught up on use by reading
 * only the events after the cached revision, as `ConferenceRegistry` does: a
 * signature's strokes and image are read once, not at every signature. The
 * folded state keeps no strokes and no image.
 *
 * The cache only saves reads for deciding and listing; `verify` and the PDF
 * read every stored event again, since their whole point is not to trust
 * anything already in memory.
 */
@Injectable()
export class CharterRegistry {
  private readonly cache = new Map<string, { state: CharterState; revision: bigint }>();
  private readonly inflight = new Map<string, Promise<Loaded<CharterState>>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  current(charterId: string): Promise<Loaded<CharterState>> {
    const running = this.inflight.get(charterId);
    if (running) return running;
    const p = this.catchUp(charterId).finally(() => this.inflight.delete(charterId));
    this.inflight.set(charterId, p);
    return p;
  }

  private async catchUp(charterId: string): Promise<Loaded<CharterState>> {
    const cached = this.cache.get(charterId);
    const loaded = await loadStream(this.store, charterStream(charterId), charterDecider, cached);
    if (loaded.revision !== 'no_stream') this.cache.set(charterId, { state: loaded.state, revision: loaded.revision });
    return loaded;
  }

  /** Drops every cached fold (after a person's data was erased: the folds still hold their name). */
  forgetAll(): void {
    this.cache.clear();
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
    return runDecider(this.store, charterStream(charterId), charterDecider, command, metadata, {
      load: () => this.current(charterId),
    }) as Promise<RunResult<unknown, O>>;
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
