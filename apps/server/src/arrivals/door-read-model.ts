import { Inject, Injectable } from '@nestjs/common';
import { eventTypes, type EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { Readiness } from '../health/readiness.js';
import { Projections } from '../projections/projections.js';
import { CheckpointedReadModel } from '../projections/checkpointed-read-model.js';
import type { DoorTicketRow } from './door-dataset/door-dataset.projection.js';
import type { ConflictRow } from './conflicts/conflicts.projection.js';
import { DoorProjections } from './door-projections.js';

/** Rows of the door's list read in one turn of the event loop (a few milliseconds). */
const DATASET_PAGE = 2000;

/**
 * The doors' read models of this instance: the door's list (what a phone
 * needs to decide without the server) and the conflicts of doors that worked
 * offline. Checkpointed projections in `read-models.sqlite`, fed by the
 * store's subscription like attendance (ADR 006).
 */
@Injectable()
export class DoorReadModel extends CheckpointedReadModel<DoorProjections> {
  constructor(@Inject(EVENT_STORE) store: EventStore, projections: Projections, readiness: Readiness) {
    super(
      store,
      projections,
      readiness,
      { readiness: 'door-projections', key: 'door', label: 'The door projections are' },
      (readModels) => new DoorProjections(readModels),
    );
  }

  /** Read-your-writes: resolves true once the store's last door event as of now is committed, false after the wait. */
  fresh(): Promise<boolean> {
    return this.freshFor(eventTypes(...this.projection.handles));
  }

  /**
   * The door's list of a conference as of now, read in pages: the rows
   * changed after `since` (every row without it) and the cursor they are as
   * of. At 100,000 registrations the whole list is 30 MB: read and sent in
   * one go, it held the event loop for 650 ms, every door waiting (issue 27,
   * BENCHMARKS.md). The cursor is taken first: a row that
   * changes while the pages are read comes in a later page, newer, and again
   * in the next delta (its position is past the cursor); none is skipped.
   */
  async datasetInPages(
    conferenceId: string,
    since: bigint | null,
    pageSize = DATASET_PAGE,
  ): Promise<{ cursor: bigint; pages: AsyncIterable<{ row: DoorTicketRow; position: bigint }[]> }> {
    await this.fresh();
    const cursor = this.runner.status().position ?? 0n;
    const dataset = this.projection.dataset;
    async function* pages(): AsyncIterable<{ row: DoorTicketRow; position: bigint }[]> {
      let after = since === null ? null : { position: since, registrationId: '\uffff' };
      for (;;) {
        const { rows, last } = dataset.page(conferenceId, after, pageSize);
        if (rows.length > 0) yield rows;
        if (last === null || rows.length < pageSize) return;
        after = last;
        // The rest on a later turn: scans waiting meanwhile are answered first.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return { cursor, pages: pages() };
  }

  async conflictsOf(conferenceId: string): Promise<ConflictRow[]> {
    await this.fresh();
    return this.projection.conflicts.list(conferenceId);
  }

  async conflict(conflictId: string): Promise<ConflictRow | undefined> {
    await this.fresh();
    return this.projection.conflicts.find(conflictId);
  }
}
