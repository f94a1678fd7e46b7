import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import {
  conferenceDecider,
  conferenceStream,
  type ConferenceCommand,
  type ConferenceOutcome,
  type ConferenceState,
  type Scheduled,
} from '@emargement/conference';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { loadStream, runDecider, type Loaded, type RunResult } from '../shared/decider-runner.js';
import { notFound } from '../shared/api-error.js';
import type { Metadata } from '@emargement/event-store';

/**
 * The folded `conference-<id>` streams, kept in memory and caught up on use
 * by reading only the events after the cached revision. Registrations are
 * decided on this state (see ADR 002), so a 20,000-registration registry is
 * folded once, not on every command.
 *
 * The cache is only a shortcut to a read: every decision is appended with the
 * revision it was made on, so a stale cache costs a retry, never a wrong write.
 */
@Injectable()
export class ConferenceRegistry {
  private readonly cache = new Map<string, { state: ConferenceState; revision: bigint }>();
  /** One catch-up at a time per conference, so concurrent requests share a read. */
  private readonly inflight = new Map<string, Promise<Loaded<ConferenceState>>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The conference as of now (everything appended so far, by any process). */
  async current(conferenceId: string): Promise<Loaded<ConferenceState>> {
    const running = this.inflight.get(conferenceId);
    if (running) return running;
    const p = this.catchUp(conferenceId).finally(() => this.inflight.delete(conferenceId));
    this.inflight.set(conferenceId, p);
    return p;
  }

  private async catchUp(conferenceId: string): Promise<Loaded<ConferenceState>> {
    const cached = this.cache.get(conferenceId);
    const loaded = await loadStream(this.store, conferenceStream(conferenceId), conferenceDecider, cached);
    if (loaded.revision !== 'no_stream')
      this.cache.set(conferenceId, { state: loaded.state, revision: loaded.revision });
    return loaded;
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
    return runDecider(this.store, conferenceStream(conferenceId), conferenceDecider, command, metadata, {
      load: () => this.current(conferenceId),
    }) as Promise<RunResult<unknown, O>>;
  }

  /** Ids of the conferences this process has seen (for the list of conferences). */
  known(): string[] {
    return [...this.cache.keys()];
  }
}
