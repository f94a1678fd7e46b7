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
import { EventStoreClosedError, EventStoreDbEventStore } from '../src/index.js';
import { runConformanceSuite } from './conformance.js';
import { peerTarget, serverTarget } from './support/esdb-target.js';

const batchAppendPeer = peerTarget({ serverFeatures: 'supported-methods' });
const appendPeer = peerTarget({ serverFeatures: 'unimplemented' });

// Each suite's afterAll stops its peer (target.dispose); this one is for a
// suite whose beforeAll failed half-way.
afterAll(async () => {
  await Promise.all([batchAppendPeer.stop(), appendPeer.stop()]);
});

describe('EventStoreDB adapter through the test peer', () => {
  runConformanceSuite('eventstoredb (test peer, BatchAppend)', batchAppendPeer);
  runConformanceSuite('eventstoredb (test peer, Append)', appendPeer);

  test('each suite went through the append path it names', () => {
    // Both suites have run (jest runs tests in declaration order) and stopped
    // their peers; the calls are counted on the peer objects, kept here.
    expect(batchAppendCalls).toEqual({ append: 0, batchAppendAtLeast: true });
    expect(appendCalls).toEqual({ append: true, batchAppend: 0 });
  });
});

// Recorded by the suites' peers before dispose() stops them.
let batchAppendCalls: unknown;
let appendCalls: unknown;
