// Test support, not a test (the .spec.ts name keeps it out of the build; jest runs only *.unit|int|e2e.spec.ts).
// Given events, then rows: a projection's spec on a real SQLite event store
// and a real read-models file, fed through the runner the server uses (one
// subscription, one transaction per batch), so the rows asserted are the
// rows a server would have written.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@emargement/event-store';
import { ProjectionRunner, type Projection } from '../projection-runner.js';
import { ReadModels } from '../read-models.js';

export interface GivenEvent {
  /** The stream it is appended to (the projection may keep it, as conflicts do). */
  stream: string;
  type: string;
  data: unknown;
}

export interface Projected<P extends Projection> {
  projection: P;
  readModels: ReadModels;
  store: SqliteEventStore;
  /** Appends more events and folds them (one more batch, as live). */
  when(events: readonly GivenEvent[]): Promise<void>;
  /** The rows of a query on the read-models file, as plain objects. */
  rows<T = Record<string, unknown>>(sql: string): T[];
  /** A second projection of the same kind loaded from the rows alone (a restart). */
  reloaded(): P;
  close(): Promise<void>;
}

/** Appends `events` to a fresh store and folds them into `make`'s projection; `when` folds more. */
export async function given<P extends Projection>(
  make: (readModels: ReadModels) => P,
  events: readonly GivenEvent[],
): Promise<Projected<P>> {
  const dir = mkdtempSync(join(tmpdir(), 'emargement-given-'));
  const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const readModels = ReadModels.open(join(dir, 'read-models.sqlite'));
  const projection = make(readModels);
  const append = async (list: readonly GivenEvent[]) => {
    for (const e of list) {
      await store.appendToStream(e.stream, [{ id: randomUUID(), type: e.type, data: e.data, metadata: {} }]);
    }
  };
  const fold = async () => {
    const runner = new ProjectionRunner(store, readModels, projection);
    runner.prepare();
    runner.start();
    await runner.untilCaughtUp();
    await runner.stop();
  };
  await append(events);
  await fold();
  return {
    projection,
    readModels,
    store,
    when: async (more) => {
      await append(more);
      await fold();
    },
    rows: <T>(sql: string) => readModels.db.prepare(sql).all() as T[],
    reloaded: () => {
      const again = make(readModels);
      again.migrate();
      again.load();
      return again;
    },
    close: async () => {
      readModels.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
