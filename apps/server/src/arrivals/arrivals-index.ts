import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { Readiness } from '../health/readiness.js';
import { Projections } from '../projections/projections.js';
import { CheckpointedReadModel, FRESH_WAIT_MS } from '../projections/checkpointed-read-model.js';
import { within } from '../shared/within.js';
import { ARRIVALS_FILTER, ArrivalsProjection, type ScanRow, type TicketSummary } from './arrivals.projection.js';

export type { TicketSummary } from './arrivals.projection.js';

/**
 * Arrivals per ticket for this instance (who is in, refused, has paid for
 * lunch, has signed; which scan belongs to which ticket): the checkpointed
 * `arrivals` projection (`arrivals.projection.ts`, ADR 006), fed only by the
 * store's subscription, so every instance and every restart sees the same,
 * and a restart resumes from its checkpoint instead of replaying the store.
 *
 * Read-your-writes without reading the store's history: `fresh` asks the
 * store for its last position (one event), then looks for arrival events only
 * in what it has not looked at before. The store's filtered backwards read,
 * which this replaced, scanned every event when the last arrival was far
 * back (at 120,000 registrations and no scan yet, all of them, on every search).
 */
@Injectable()
export class ArrivalsIndex extends CheckpointedReadModel<ArrivalsProjection> {
  /** Every arrival event up to here is known to be at or before the runner's checkpoint. */
  private checkedUpTo = -1n;

  constructor(@Inject(EVENT_STORE) store: EventStore, projections: Projections, readiness: Readiness) {
    super(
      store,
      projections,
      readiness,
      { readiness: 'arrivals-projection', key: 'arrivals', label: 'The arrivals projection is' },
      (readModels) => new ArrivalsProjection(readModels),
    );
  }

  /**
   * Read-your-writes, as every read model's `fresh`: resolves true once every
   * arrival event stored so far is committed, false after `FRESH_WAIT_MS`.
   */
  fresh(): Promise<boolean> {
    return within(this.untilFresh(), FRESH_WAIT_MS);
  }

  private async untilFresh(): Promise<void> {
    const [head] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
    if (!head) return;
    for (;;) {
      const committed = this.runner.status().position ?? -1n;
      const from = committed > this.checkedUpTo ? committed : this.checkedUpTo;
      if (from >= head.position) return;
      // Only the events after what is already known: amortised, each event is looked at once.
      const [next] = await this.store.readAll({ fromPosition: from, maxCount: 1, filter: ARRIVALS_FILTER });
      if (!next || next.position > head.position) {
        if (head.position > this.checkedUpTo) this.checkedUpTo = head.position;
        return;
      }
      await this.runner.untilPosition(next.position);
      if ((this.runner.status().position ?? -1n) < next.position) return; // stopped
    }
  }

  summary(registrationId: string): TicketSummary {
    return this.projection.summary(registrationId);
  }

  async scan(scanId: string): Promise<ScanRow | undefined> {
    if (!this.projection.scan(scanId)) await this.fresh();
    return this.projection.scan(scanId);
  }
}
