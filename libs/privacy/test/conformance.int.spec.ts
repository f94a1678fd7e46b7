// The event-store conformance suite, run through ProtectedEventStore over the
// SQLite adapter: the decorator changes no semantics of the port.
import { SqliteEventStore } from '@emargement/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformanceSuite } from '../../event-store/test/conformance.js';
import { ProtectedEventStore, SqliteKeyStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-privacy-conformance-'));
const open = () =>
  new ProtectedEventStore(
    SqliteEventStore.open(join(dir, 'events.sqlite')),
    SqliteKeyStore.open(join(dir, 'keys.sqlite')),
  );

runConformanceSuite('sqlite behind ProtectedEventStore', {
  open: () => Promise.resolve(open()),
  reopen: async (store) => {
    await store.close();
    return open();
  },
  dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
});
