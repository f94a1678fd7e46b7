// The conformance suite against a real EventStoreDB / KurrentDB:
//   docker compose up -d eventstoredb
//   EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' npm run test:int
// Tests share the server and use unique stream names, so no cleanup is needed.
import { describe, expect, test } from '@jest/globals';
import { EventStoreClosedError, EventStoreDbEventStore, type EventStore } from '../src/index.js';
import { runConformanceSuite, type ConformanceTarget } from './conformance.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  const target: ConformanceTarget = {
    open: () => Promise.resolve(EventStoreDbEventStore.connect(connectionString)),
    async reopen(store: EventStore) {
      await store.close();
      return EventStoreDbEventStore.connect(connectionString);
    },
  };
  runConformanceSuite('eventstoredb', target);
} else {
  describe('event-store conformance: eventstoredb', () => {
    // Still a real check: the adapter and its client load under ESM, and a
    // store that never reached a server opens and closes cleanly.
    test('is not run without EVENTSTORE_CONNECTION_STRING', async () => {
      console.log(
        'EventStoreDB conformance suite did not run: EVENTSTORE_CONNECTION_STRING is not set ' +
          "(start one with `docker compose up -d eventstoredb` and set it to 'esdb://localhost:2113?tls=false').",
      );
      const store = EventStoreDbEventStore.connect('esdb://localhost:2113?tls=false');
      await store.close();
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreClosedError);
    });
  });
}
