// The conformance suite against the EventStoreDB adapter, over real gRPC with
// the real @eventstore/db-client:
//
// - always, against the in-process test peer (test/esdb-peer), once for each
//   way the client appends: BatchAppend (the peer lists its methods, as
//   servers since 21.10 do) and Append (the peer answers UNIMPLEMENTED to
//   GetSupportedMethods, as older servers do);
// - and against a real EventStoreDB / KurrentDB when EVENTSTORE_CONNECTION_STRING
//   is set. The real server is the reference: where it and the peer disagree,
//   the peer is wrong.
//     docker compose up -d eventstoredb
//     EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' npm run test:int
// Tests use unique stream names, so a shared server needs no cleanup.
import { afterAll, describe, expect, test } from '@jest/globals';
import { runConformanceSuite } from './conformance.js';
import { peerTarget, serverTarget } from './support/esdb-target.js';

const batchAppendPeer = peerTarget({ serverFeatures: 'supported-methods' });
const appendPeer = peerTarget({ serverFeatures: 'unimplemented' });

// Each suite's afterAll stops its peer (target.dispose); this is for a suite
// whose beforeAll failed half-way.
afterAll(async () => {
  await Promise.all([batchAppendPeer.stop(), appendPeer.stop()]);
});

describe('EventStoreDB adapter through the test peer', () => {
  runConformanceSuite('eventstoredb (test peer, BatchAppend)', batchAppendPeer);
  runConformanceSuite('eventstoredb (test peer, Append)', appendPeer);

  test('each run went through the append path it names', () => {
    // Runs after both suites (jest keeps declaration order); their peers are
    // stopped but keep their counters.
    const batch = batchAppendPeer.peer!.calls;
    expect(batch.batchAppend).toBeGreaterThan(0);
    expect(batch.append).toBe(0);
    const plain = appendPeer.peer!.calls;
    expect(plain.append).toBeGreaterThan(0);
    expect(plain.batchAppend).toBe(0);
  });
});

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();

if (connectionString) {
  runConformanceSuite('eventstoredb (real server)', serverTarget(connectionString));
} else {
  // Not run, and reported as not run (a "todo" in jest's summary), never as a pass.
  console.log(
    'EventStoreDB conformance suite against a real server did not run: EVENTSTORE_CONNECTION_STRING is not set ' +
      "(it ran against the test peer only; for the reference run start one with `docker compose up -d eventstoredb` and set it to 'esdb://localhost:2113?tls=false').",
  );
  describe('event-store conformance: eventstoredb (real server)', () => {
    test.todo('runs only with EVENTSTORE_CONNECTION_STRING set (a real EventStoreDB/KurrentDB)');
  });
}
