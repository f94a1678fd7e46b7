import type { EventStore } from '@emargement/event-store';
import { ProjectionRunner, type Projection } from '../projection-runner.js';
import { ReadModels, removeSqliteFiles } from '../read-models.js';
import { DoorProjections } from '../../arrivals/door-projections.js';
import { ArrivalsProjection } from '../../arrivals/arrivals.projection.js';
import { AttendanceProjections } from '../../attendance/movement-conflicts.projection.js';

/** Every projection of the read-models file: a new one is added here and to its module. */
export const PROJECTIONS: readonly ((readModels: ReadModels) => Projection)[] = [
  (readModels) => new AttendanceProjections(readModels),
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
 * Rebuilds every projection of `file` from the start of the store through
 * the path the server takes (issue 27): one runner, one read of the store
 * for all projections, large batches, each batch's rows and checkpoints in
 * one transaction. Empties every projection's rows and checkpoint, then
 * folds the whole history until the subscription reports it caught up.
 *
 * The rows are built into `<file>.rebuilding` (no journal on disk, no syncs)
 * and that file is then synced and renamed over `file`. Run it with the
 * server stopped (one writer per read-models file), or into another file
 * (`file`), which is what the "rebuilt equals live" test does.
 * `seconds` is the time of the one shared read, the same for every projection.
 */
export async function rebuildProjections(
  store: EventStore,
  file: string,
  options: { log?: (message: string) => void; batchSize?: number } = {},
): Promise<RebuildResult[]> {
  // Built beside the file and put in its place whole: until then the old rows stay as they were, and a rebuild
  // that fails or is killed changes nothing (the half-built file is removed, or left to the next rebuild).
  const building = `${file}.rebuilding`;
  const readModels = ReadModels.openForBuild(building);
  const log = options.log ?? (() => undefined);
  let results: RebuildResult[];
  try {
    const projections = PROJECTIONS.map((make) => make(readModels));
    const runner = new ProjectionRunner(store, readModels, projections, {
      batchSize: options.batchSize ?? 50_000,
      logger: { log, error: log },
    });
    runner.prepare();
    runner.reset();
    const started = performance.now();
    runner.start();
    await runner.untilCaughtUp();
    await runner.stop();
    const seconds = (performance.now() - started) / 1000;
    results = projections.map((projection) => {
      const status = runner.status(projection.name);
      return {
        projection: projection.name,
        version: projection.version,
        events: status.eventsApplied,
        position: status.position?.toString() ?? null,
        seconds,
      };
    });
  } catch (error) {
    readModels.close();
    removeSqliteFiles(building);
    throw error;
  }
  readModels.close();
  ReadModels.replace(building, file);
  return results;
}
