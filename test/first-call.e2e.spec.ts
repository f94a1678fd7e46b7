// The first organiser's request after a large import (issue 27, item 6), counted, not timed: at 100,000
// registrations a person's history right after the import took 171 ms where the next ones took 3 ms, because it
// caught up on everything the import had appended (the charters published, the devices: filtered reads forwards
// over every position since the last one read). Counts do not depend on the machine's speed: the positions the
// store looks at for a request are counted through a wrapper of the real store, so a request that starts reading
// what a bulk write appended again fails here.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventStore, ReadAllOptions, ReadStreamOptions } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { call, startTestServer, type TestServer } from './support/server.js';
import { CHARTER_TEXT, conferenceBody, expectStatus } from './support/data.js';

/** Rows of one import: enough that a read of what it appended stands far above a person's own few events. */
const ROWS = 3000;
/**
 * Positions a request may look at, at most, whatever the size of the day: a person's own events (their
 * registration, read alone; their ticket, badge and mail streams; the charters' small streams). 3 or 4 measured
 * (2026-12-08); reading the import back would be ≥ 3,000, once per index that reads the log forwards.
 */
const BUDGET = 25;

/**
 * Counts the positions the store looks at: the rows a read returns, and for a filtered read forwards every
 * position between where it starts and the head (SQLite reads each row to test the filter; so does EventStoreDB
 * without an index on it).
 */
function countReads(store: EventStore): { looked: () => number; reset: () => void } {
  let looked = 0;
  const readAll = store.readAll.bind(store);
  const readStream = store.readStream.bind(store);
  store.readAll = async (options: ReadAllOptions = {}) => {
    const filteredForwards = options.filter !== undefined && (options.direction ?? 'forwards') === 'forwards';
    const [head] = filteredForwards ? await readAll({ direction: 'backwards', maxCount: 1 }) : [];
    const events = await readAll(options);
    if (filteredForwards) {
      const from = options.fromPosition === undefined || options.fromPosition === 'start' ? -1n : options.fromPosition;
      const span = typeof from === 'bigint' && head !== undefined ? head.position - from : 0n;
      looked += Math.max(Number(span), events.length);
    } else looked += events.length;
    return events;
  };
  store.readStream = async (stream: string, options?: ReadStreamOptions) => {
    const events = await readStream(stream, options);
    looked += events.length;
    return events;
  };
  const readStreamOrNull = store.readStreamOrNull?.bind(store);
  if (readStreamOrNull)
    store.readStreamOrNull = async (stream: string, options?: ReadStreamOptions) => {
      const events = await readStreamOrNull(stream, options);
      looked += events?.length ?? 0;
      return events;
    };
  return { looked: () => looked, reset: () => (looked = 0) };
}

describe('the first organiser request after a large import', () => {
  let server: TestServer;
  let api: string;
  let reads: ReturnType<typeof countReads>;

  beforeAll(async () => {
    // On the embedded store in both e2e runs: its positions are row numbers, so a span of positions is a count of
    // rows looked at (EventStoreDB's are offsets in bytes, and its own system events come between).
    server = await startTestServer({ EVENT_STORE: 'sqlite' });
    api = `${server.base}/api`;
    reads = countReads(server.app.get<symbol, EventStore>(EVENT_STORE));
  });
  afterAll(async () => {
    await server.close();
  });

  /** A conference with a charter (so that the person's page has charters to look through), then an import into it. */
  async function imported(): Promise<{ cid: string; rid: string }> {
    const { conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ capacity: ROWS, idCheckRequired: false })),
      201,
    ) as { conferenceId: string };
    expectStatus(await call(api, 'POST', `/conferences/${cid}/charters`, { title: 'Charte', text: CHARTER_TEXT }), 201);
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from(
        { length: ROWS },
        (_, i) => `Prénom${i},Nom${i},${randomUUID()}@example.org,Org ${i % 30},participant,true,false`,
      ),
    ].join('\n');
    const report = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/import`, csv, { 'content-type': 'text/csv' }),
      200,
    );
    expect(report).toMatchObject({ created: ROWS });
    const page = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/registrations?limit=1&offset=${ROWS / 2}`),
      200,
    ) as { items: { registrationId: string }[] };
    return { cid, rid: page.items[0]!.registrationId };
  }

  test.each(['history', 'export'])(
    "a person's %s, the first request after the import, reads no more than the person's own events",
    async (kind) => {
      const { cid, rid } = await imported();
      reads.reset();
      expectStatus(await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/${kind}`), 200);
      expect(reads.looked()).toBeLessThanOrEqual(BUDGET);
    },
  );

  test('the lists of conferences, charters and devices, first after the import, do not read it back', async () => {
    const { cid } = await imported();
    reads.reset();
    expectStatus(await call(api, 'GET', '/conferences'), 200);
    expectStatus(await call(api, 'GET', `/conferences/${cid}/charters`), 200);
    expectStatus(await call(api, 'GET', '/devices'), 200);
    expect(reads.looked()).toBeLessThanOrEqual(BUDGET);
  });
});
