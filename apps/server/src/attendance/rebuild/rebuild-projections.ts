import type { EventStore } from '@emargement/event-store';
import { AttendanceProjection } from '../attendance.projection.js';
import { ProjectionRunner, type Projection } from '../projections/projection-runner.js';
import { ReadModels } from '../projections/read-models.js';
import { DoorProjections } from '../../arrivals/door-projections.js';
import { ArrivalsProjection } from '../../arrivals/arrivals.projection.js';

/** Every projection of the read-models file: a new one is added here and to its module. */
export const PROJECTIONS: readonly ((readModels: ReadModels) => Projection)[] = [
  (readModels) => new AttendanceProjection(readModels),
  (readModels) => new DoorProjections(readModels),
  (readModels) => new ArrivalsProjection(readModels),
];

export interface RebuildResult {
  projection: string;
  version: string;
  /** Events folded (those the projection subscribes to). */
  events: number;
  /** Position of the last of them, as a decimal string. */
  position: string | null;
  seconds: number;
}

/**
 * Rebuilds every projection of `file` from the start of the store: empties
 * its rows and checkpoint, then folds the whole history until the
 * subscription reports it caught up. The server does the same for one
 * projection whose version changed, at start.
 *
 * Run it with the server stopped (one writer per read-models file), or into
 * another file (`file`), which is what the "rebuilt equals live" test does.
 */
export async function rebuildProjections(
  store: EventStore,
  file: string,
  options: { log?: (message: string) => void } = {},
): Promise<RebuildResult[]> {
  const readModels = ReadModels.open(file);
  const log = options.log ?? (() => undefined);
  try {
    const results: RebuildResult[] = [];
    for (const make of PROJECTIONS) {
      const projection = make(readModels);
      const runner = new ProjectionRunner(store, readModels, projection, {
        batchSize: 10_000,
        logger: { log, error: log },
      });
      runner.prepare();
      runner.reset();
      const started = performance.now();
      runner.start();
      await runner.untilCaughtUp();
      await runner.stop();
      const status = runner.status();
      results.push({
        projection: projection.name,
        version: projection.version,
        events: status.eventsApplied,
        position: status.position?.toString() ?? null,
        seconds: (performance.now() - started) / 1000,
      });
    }
    return results;
  } finally {
    readModels.close();
  }
}
