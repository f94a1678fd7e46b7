import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/index.js';
import { runConformanceSuite } from './conformance.js';

// A real file on disk, never ':memory:': WAL, fsync and reopening are part of
// what is under test.
const dir = mkdtempSync(join(tmpdir(), 'emargement-conformance-'));
const filename = join(dir, 'events.sqlite');

runConformanceSuite('sqlite', {
  open: () => Promise.resolve(SqliteEventStore.open(filename)),
  reopen: async (store) => {
    await store.close();
    return SqliteEventStore.open(filename);
  },
  dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
});
