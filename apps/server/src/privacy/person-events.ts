import { Inject, Injectable } from '@nestjs/common';
import { StreamNotFoundError, type EventStore, type RecordedEvent } from '@emargement/event-store';
import { charterStream } from '@emargement/charter';
import { badgeStream, conferenceStream, mailStream, ticketStream } from '@emargement/conference';
import { movementsStream } from '@emargement/spaces';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { MovementsRegistry } from '../spaces/movements-registry.js';
import { CharterRegistry } from '../charters/charter-registry.js';

/**
 * The events that name one person (a registration of a conference), found
 * without reading the whole log (issue 27): at 100,000 registrations the
 * full scan took 2 s, with the event loop blocked, every door waiting while
 * an organiser opened a person's page.
 *
 * Where a person's events are:
 * - in the conference's stream (registered, waitlisted, promoted, cancelled,
 *   erased): their revisions are noted as the conference's registry folds it
 *   (the registry is folded before any read of a person anyway), and each is
 *   read alone;
 * - in their ticket's stream (scans, undos, payments, conflicts and their
 *   acknowledgements) and their mail stream (their ticket sent by e-mail): read whole;
 * - in the conference's movements (entries and exits of spaces and of the
 *   site, refusals there, roll-call ticks): one stream for everyone, indexed
 *   like the conference's as the movements registry folds it;
 * - in their badge's stream (badges printed, jobs a printer refused): read whole;
 * - in the conference's charters (signatures, voids): charter streams are
 *   small; which charters a conference has is the charter registry's
 *   (`CharterPublished` events read once, then only after the last position read).
 *
 * The answer is the same as a scan of the whole log for events whose data
 * names the registration and the conference (`eventsNaming`), in the log's
 * order; a test holds the two together.
 */
@Injectable()
export class PersonEvents {
  /** Stream (`conference-<id>`, `movements-<id>`) → registration → revisions there of the events naming it. */
  private readonly revisions = new Map<string, Map<string, bigint[]>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: ConferenceRegistry,
    private readonly movements: MovementsRegistry,
    private readonly charters: CharterRegistry,
  ) {
    registry.onFolded((conferenceId, events, _state, fresh, revision) =>
      this.folded(conferenceStream(conferenceId), events, fresh, revision),
    );
    movements.onFolded((conferenceId, events, fresh, revision) =>
      this.folded(movementsStream(conferenceId), events, fresh, revision),
    );
  }

  private folded(stream: string, events: readonly { data: unknown }[], fresh: boolean, last: bigint): void {
    // A fold from the start (first use, or after the cache was dropped) hands over every event so far.
    if (fresh) this.revisions.set(stream, new Map());
    const byPerson = this.revisions.get(stream);
    if (byPerson === undefined) return;
    const first = last - BigInt(events.length - 1);
    events.forEach((event, i) => {
      const id = (event.data as { registrationId?: unknown }).registrationId;
      if (typeof id !== 'string') return;
      const list = byPerson.get(id);
      if (list === undefined) byPerson.set(id, [first + BigInt(i)]);
      else list.push(first + BigInt(i));
    });
  }

  /** Every stored event whose data names `registrationId` of `conferenceId`, in the order they were recorded. */
  async naming(conferenceId: string, registrationId: string): Promise<RecordedEvent[]> {
    // Brings the registry and the movements (and so the revisions noted here) up to date with the store.
    await this.registry.current(conferenceId);
    const moved = (await this.movements.current(conferenceId)).revision !== 'no_stream';
    const streams = [conferenceStream(conferenceId), movementsStream(conferenceId)];
    const indexes = streams.map((stream) => this.revisions.get(stream));
    // Not folded from the start while this index listened (it listens from the server's start): the long way.
    if (indexes[0] === undefined || (moved && indexes[1] === undefined))
      return eventsNaming(this.store, conferenceId, registrationId);
    const found: RecordedEvent[] = [];
    for (const [i, stream] of streams.entries()) {
      for (const revision of indexes[i]?.get(registrationId) ?? []) {
        found.push(...(await this.store.readStream(stream, { fromRevision: revision, maxCount: 1 })));
      }
    }
    found.push(...(await this.readWhole(ticketStream(registrationId))));
    found.push(...(await this.readWhole(badgeStream(registrationId))));
    found.push(...(await this.readWhole(mailStream(registrationId))));
    for (const charterId of await this.charters.publishedIn(conferenceId)) {
      found.push(...(await this.readWhole(charterStream(charterId))));
    }
    return found
      .filter((e) => {
        const data = e.data as { registrationId?: unknown; conferenceId?: unknown } | null;
        return data?.registrationId === registrationId && data.conferenceId === conferenceId;
      })
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  private async readWhole(stream: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(stream);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}

/**
 * Every stored event of the conference that names the registration, in the
 * order they were recorded: its registration, cancellation and erasure, its
 * ticket's scans and payments, its signatures. The whole log read: the
 * reference that `PersonEvents` (which the export and the history use, and
 * which reads only the person's streams) is tested against, and its fallback.
 */
export async function eventsNaming(
  store: EventStore,
  conferenceId: string,
  registrationId: string,
): Promise<RecordedEvent[]> {
  return (await store.readAll()).filter((e) => {
    const data = e.data as { registrationId?: unknown; conferenceId?: unknown } | null;
    return data?.registrationId === registrationId && data.conferenceId === conferenceId;
  });
}
