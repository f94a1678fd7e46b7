import type { RecordedEvent } from '@emargement/event-store';
import type { Projection } from './projection-runner.js';

/**
 * Several projections run as one, under one name, one version and one
 * checkpoint (the door's list and its conflicts; attendance and the movement
 * conflicts' counter): one checkpoint row per commit instead of one each
 * (test/scan-work.e2e.spec.ts counts them), and one cursor for what they
 * serve together. Each part is handed only its own types, as the runner
 * hands a projection only its own.
 */
export abstract class ProjectionGroup implements Projection {
  abstract readonly name: string;
  readonly version: string;
  readonly handles: readonly string[];
  private readonly byType = new Map<string, Projection[]>();

  protected constructor(private readonly parts: readonly Projection[]) {
    this.version = parts.map((p) => p.version).join('+');
    this.handles = [...new Set(parts.flatMap((p) => p.handles))];
    for (const part of parts) {
      for (const type of part.handles) {
        const list = this.byType.get(type);
        if (list === undefined) this.byType.set(type, [part]);
        else list.push(part);
      }
    }
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
    for (const p of this.byType.get(event.type) ?? []) p.apply(event);
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
