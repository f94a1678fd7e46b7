import { Inject, Injectable } from '@nestjs/common';
import { eventTypes, type EventStore } from '@emargement/event-store';
import { foldAsOf, snapshotOf, type AttendanceSnapshot } from '@emargement/attendance';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { within } from '../shared/within.js';
import { Readiness } from '../health/readiness.js';
import { Projections } from '../projections/projections.js';
import { ATTENDANCE_FILTER, type AttendanceListener } from './attendance.projection.js';
import { CheckpointedReadModel } from '../projections/checkpointed-read-model.js';
import { AttendanceProjections, MOVEMENT_CONFLICT_TYPES } from './movement-conflicts.projection.js';

/**
 * How long the start waits for the projection to catch up before it listens
 * anyway: a restart with a short backlog comes up ready; a long rebuild
 * listens, answers /health/live, and /health/ready says 503 until it is done.
 */
const STARTUP_WAIT_MS = 3000;
const AS_OF_PAGE = 5000;
/** Read-your-writes waits for the last event of either part. */
const FRESH_FILTER = eventTypes(...ATTENDANCE_FILTER.prefixes, ...MOVEMENT_CONFLICT_TYPES);

/** Adds a space's conflicts to the entrance's in the count to look at; the position is the later of the two. */
const withMovementConflicts = (
  snapshot: AttendanceSnapshot,
  movements: { open: number; total: number; position?: bigint },
): AttendanceSnapshot => {
  if (movements.total === 0) return snapshot;
  const own = snapshot.position === null ? -1n : BigInt(snapshot.position);
  const position = movements.position !== undefined && movements.position > own ? movements.position : own;
  return {
    ...snapshot,
    position: position < 0n ? snapshot.position : position.toString(),
    conflicts: {
      open: snapshot.conflicts.open + movements.open,
      total: snapshot.conflicts.total + movements.total,
    },
  };
};

/**
 * The attendance read model of this server instance: its projection, fed
 * from the store's subscription to `$all` into `read-models.sqlite` under
 * DATA_DIR, and the reads the API and the socket feed make of it.
 */
@Injectable()
export class AttendanceReadModel extends CheckpointedReadModel<AttendanceProjections> {
  constructor(@Inject(EVENT_STORE) store: EventStore, projections: Projections, readiness: Readiness) {
    super(
      store,
      projections,
      readiness,
      { readiness: 'projections', key: 'attendance', label: 'Projections are' },
      (readModels) => new AttendanceProjections(readModels),
    );
  }

  /** Unlike the others, the start waits a little for this one (see `STARTUP_WAIT_MS`). */
  override async onApplicationBootstrap(): Promise<void> {
    this.projections.start();
    await within(this.runner.untilCaughtUp(), STARTUP_WAIT_MS);
  }

  /** The last committed snapshot; `undefined` for a conference the projection has not seen scheduled. */
  snapshot(conferenceId: string): AttendanceSnapshot | undefined {
    const snapshot = this.projection.attendance.snapshot(conferenceId);
    return snapshot && withMovementConflicts(snapshot, this.projection.movementConflicts.counts(conferenceId));
  }

  onChange(listener: AttendanceListener): () => void {
    const stops = [this.projection.attendance.onChange(listener), this.projection.movementConflicts.onChange(listener)];
    return () => {
      for (const stop of stops) stop();
    };
  }

  /**
   * Read-your-writes: resolves true once the projection has committed the
   * store's last attendance event as of now (a scan answered a moment ago is
   * counted), false if that takes longer than the wait.
   */
  fresh(): Promise<boolean> {
    return this.freshFor(FRESH_FILTER);
  }

  /**
   * The figures as they stood at `asOfMs`, replayed from the store (not from
   * the read model, which only knows "now"): the conference's events whose
   * own time (`scannedAt`, `registeredAt`, ...) is not after `asOfMs`. Reads
   * every attendance event of the store in pages: fine for a day's events.
   */
  async asOf(conferenceId: string, asOfMs: number): Promise<AttendanceSnapshot | undefined> {
    const fold = foldAsOf(conferenceId, asOfMs);
    let from: bigint | 'start' = 'start';
    for (;;) {
      const page = await this.store.readAll({ fromPosition: from, maxCount: AS_OF_PAGE, filter: ATTENDANCE_FILTER });
      for (const event of page) fold.add(event);
      const last = page[page.length - 1];
      if (page.length < AS_OF_PAGE || last === undefined) break;
      from = last.position;
    }
    const tally = fold.tally();
    if (tally.details === null) return undefined;
    return withMovementConflicts(snapshotOf(tally), this.projection.movementConflicts.countsAsOf(conferenceId, asOfMs));
  }
}
