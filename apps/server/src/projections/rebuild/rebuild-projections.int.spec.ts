// `npm run projections:rebuild` on a real store and a real file (issue 27):
// one read of the store feeds every projection, in large batches, and what it
// builds equals what a live runner built.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, type EventStore } from '@emargement/event-store';
import { writeDay } from '../testing/day.support.spec.js';
import { ProjectionRunner } from '../projection-runner.js';
import { ReadModels } from '../read-models.js';
import { PROJECTIONS, rebuildProjections } from './rebuild-projections.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-rebuild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real store, with its subscriptions counted. */
const counting = (store: EventStore): { store: EventStore; subscriptions: () => number } => {
  let n = 0;
  const counted = Object.create(store) as EventStore;
  counted.subscribeToAll = (options) => {
    n += 1;
    return store.subscribeToAll(options);
  };
  return { store: counted, subscriptions: () => n };
};

/** Every table of a read-models file but the checkpoints' times. */
const dump = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((t) => t.name);
    return Object.fromEntries(
      tables.map((t) => [
        t,
        t === 'projection_checkpoints'
          ? db.prepare('SELECT name, version, position FROM projection_checkpoints ORDER BY name').all()
          : db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all(),
      ]),
    );
  } finally {
    db.close();
  }
};

describe('the rebuild', () => {
  test('reads the store once for every projection, to the rows a live runner built in small batches', async () => {
    const real = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      await writeDay(real, 2000);
      const events = (await real.readAll()).length;
      const { store, subscriptions } = counting(real);

      // Live: the server's runner, events handed over in small batches.
      const liveFile = join(dir, 'live.sqlite');
      const live = ReadModels.open(liveFile);
      const runner = new ProjectionRunner(
        real,
        live,
        PROJECTIONS.map((make) => make(live)),
        { batchSize: 97 },
      );
      runner.prepare();
      runner.start();
      await runner.untilCaughtUp();
      await runner.stop();
      live.close();

      const file = join(dir, 'rebuilt.sqlite');
      const results = await rebuildProjections(store, file, { batchSize: 1000 });
      expect(subscriptions()).toBe(1);
      const [last] = await real.readAll({ direction: 'backwards', maxCount: 1 });
      expect(results.map((r) => [r.projection, r.position])).toEqual(
        ['attendance', 'door', 'arrivals'].map((name) => [name, last!.position.toString()]),
      );
      expect(results.find((r) => r.projection === 'attendance')?.events).toBe(events);
      expect(dump(file)).toEqual(dump(liveFile));
    } finally {
      await real.close();
    }
  });
});
