import { ProjectionGroup } from '../projections/projection-group.js';
import type { ReadModels } from '../projections/read-models.js';
import { ConflictsProjection } from './conflicts/conflicts.projection.js';
import { DoorDatasetProjection } from './door-dataset/door-dataset.projection.js';

/**
 * The door's list and the conflicts, fed by one subscription and committed
 * with one checkpoint: one more `$all` subscription per instance instead of
 * two (each costs the store a filtered read of every event), and the cursor
 * handed to a door is the checkpoint of both.
 */
export class DoorProjections extends ProjectionGroup {
  readonly name = 'door';
  readonly dataset: DoorDatasetProjection;
  readonly conflicts: ConflictsProjection;

  constructor(readModels: ReadModels) {
    const dataset = new DoorDatasetProjection(readModels);
    const conflicts = new ConflictsProjection(readModels);
    super([dataset, conflicts]);
    this.dataset = dataset;
    this.conflicts = conflicts;
  }
}
