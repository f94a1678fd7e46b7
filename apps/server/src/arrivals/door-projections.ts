import type { RecordedEvent } from '@emargement/event-store';
import type { Projection } from '../projections/projection-runner.js';
import type { ReadModels } from '../projections/read-models.js';
import { ConflictsProjection } from './conflicts/conflicts.projection.js';
import { DoorDatasetProjection } from './door-dataset/door-dataset.projection.js';

/**
 * The door's list and the conflicts, fed by one subscription and committed
 * with one checkpoint: one more `$all` subscription per instance instead of
 * two (each costs the store a filtered read of every event), and the cursor
 * handed to a door is the checkpoint of both.
 */
export class DoorProjections implements Projection {
  readonly name = 'door';
  readonly dataset: DoorDatasetProjection;
  readonly conflicts: ConflictsProjection;
  readonly version: string;
  readonly handles: readonly string[];
  private readonly parts: readonly Projection[];

  constructor(readModels: ReadModels) {
    this.dataset = new DoorDatasetProjection(readModels);
    this.conflicts = new ConflictsProjection(readModels);
    this.parts = [this.dataset, this.conflicts];
    this.version = this.parts.map((p) => p.version).join('+');
    this.handles = [...new Set(this.parts.flatMap((p) => p.handles))];
  }

  migrate(): void {
    for (const p of this.parts) p.migrate();
  }
  reset(): void {
    for (const p of this.parts) p.reset();
  }
  load(): void {
    for (const p of this.parts) p.load();
  }
  apply(event: RecordedEvent): void {
    // Each part is handed only its own types, as the runner does.
    for (const p of this.parts) if (p.handles.includes(event.type)) p.apply(event);
  }
  persist(): void {
    for (const p of this.parts) p.persist();
  }
  committed(): void {
    for (const p of this.parts) p.committed();
  }
  replaying(on: boolean): void {
    for (const p of this.parts) p.replaying?.(on);
  }
}
