// `npm run projections:rebuild` on a real store and a real file (issue 27):
// one read of the store feeds every projection, in large batches, and what it
// builds equals what a live runner built.
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  test('reads the store once for every projection, to the rows a live runner built in small batches and live, and replaces the file whole', async () => {
    const real = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      await writeDay(real, 1000);
      const { store, subscriptions } = counting(real);

      // Live: the server's runner, the first half of the day handed over as history (replayed, in small batches),
      // the second half appended while it runs (each burst folded and committed as it comes, as at the door).
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
      await writeDay(real, 1000, 1001);
      const events = (await real.readAll()).length;
      const [head] = await real.readAll({ direction: 'backwards', maxCount: 1 });
      for (const name of runner.projectionNames()) await runner.handle(name).untilPosition(head!.position);
      await runner.stop();
      live.close();

      // The file a rebuild replaces: stale rows, and a WAL left by a server that was killed.
      const file = join(dir, 'rebuilt.sqlite');
      const stale = new Database(file);
      stale.pragma('journal_mode = WAL');
      stale.exec('CREATE TABLE left_over (x); INSERT INTO left_over VALUES (1)');
      stale.close();
      writeFileSync(`${file}-wal`, 'not a WAL of the new file');

      const results = await rebuildProjections(store, file, { batchSize: 1000 });
      expect(existsSync(`${file}.rebuilding`)).toBe(false);
      expect(existsSync(`${file}-wal`)).toBe(false);
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
