// The work one scan causes, counted, not timed (issue 27): rows written to the
// event store, and write transactions and rows on the read models' file, for
// scans at the door of a registered day. The door got 40 % slower in two weeks
// without a test noticing; counts do not depend on the machine's speed, so a
// change that makes each scan write more fails here, in `npm test`.
//
// The budgets are what a scan costs today; lower them as the read side gets
// cheaper (issue 27: one subscription feeding every projection, one
// transaction per batch), never raise them without saying why in the commit.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AttendanceReadModel } from '../apps/server/src/attendance/attendance-read-model.js';
import { ArrivalsIndex } from '../apps/server/src/arrivals/arrivals-index.js';
import { DoorReadModel } from '../apps/server/src/arrivals/door-read-model.js';
import { Projections } from '../apps/server/src/projections/projections.js';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';

/** Per scan, at most (measured 2026-12-07 after issue 27's one subscription; see the header). */
const BUDGET = {
  /** The scan's claim on its id (`ScanIdClaimed`) and its decision (`AttendeeAdmitted`). */
  eventRows: 2,
  /**
   * Commits of the event store, read from its write-ahead log (a frame that ends a transaction carries the
   * database's size): the claim and the decision are appended in one (`appendToStreams`), where they were two.
   */
  eventCommits: 1,
  /** One: the one subscription hands the scan to every projection, committed together (issue 27). */
  readModelTransactions: 1,
  /**
   * Rows and checkpoints that transaction inserts or updates: the registration's tally, the conference's head,
   * organisation, door and slot rows (small rows since issue 27, where there was one document of the whole day),
   * the arrivals' ticket and scan, the door's list row, and three checkpoints. One more row than before issue 27's
   * split, each a few dozen bytes: the pages below are what the disk pays.
   */
  readModelRows: 11,
  /**
   * Pages that transaction appends to the read models' write-ahead log: 8.5 measured (a leaf of each table and
   * index touched, and now and then a split), where strace counted 29 before issue 27; 10.5 until the arrivals'
   * tables were keyed WITHOUT ROWID (a new scan's row in one B-tree, not a table and its key's index).
   */
  readModelPages: 9.5,
  /**
   * Pages the scan's one commit appends to the events' write-ahead log: 5.0 measured (2026-12-08), where its two
   * commits (claim, then decision) appended 8.7: the rowid table's last leaf, a leaf of each of the two unique
   * indexes, AUTOINCREMENT's counter, written once for both events. With the read models' 8.5 that is 13.5 a scan
   * one after another, under the 15; under load the commits are shared by many scans and the pages with them.
   */
  eventPages: 6,
  /** Both files, the target (≤ 15 page writes a scan): 13.5 measured (2026-12-08). */
  pages: 15,
};
const SCANS = 12;

/** Frames of a SQLite write-ahead log that end a transaction (their header's second word, the database size, is set). */
function commitFrames(walFile: string, pageSize: number): number {
  const wal = readFileSync(walFile);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize)
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  return commits;
}

describe('the work one scan causes', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let door: string;
  const tickets: string[] = [];

  beforeAll(async () => {
    // Counted on the embedded store's files: SQLite in both e2e runs.
    server = await startTestServer({ EVENT_STORE: 'sqlite' });
    api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ idCheckRequired: false })),
      201,
    ) as { conferenceId: string });
    door = (
      expectStatus(await call(api, 'POST', '/devices', { name: 'Porte', role: 'door', conferenceId: cid }), 201) as {
        token: string;
      }
    ).token;
    for (let i = 0; i < SCANS + 1; i++) {
      tickets.push(
        (
          expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations`, personBody()), 201) as {
            ticketCode: string;
          }
        ).ticketCode,
      );
    }
  });
  afterAll(async () => {
    await server.close();
  });

  const scan = async (ticketCode: string) =>
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        { scanId: randomUUID(), ticketCode, door: 'Accueil principal' },
        bearer(door),
      ),
      200,
    );
  /** Every read model has committed everything stored so far (read-your-writes, as the doors rely on). */
  const settled = async () => {
    for (const model of [AttendanceReadModel, ArrivalsIndex, DoorReadModel]) await server.app.get(model).fresh();
  };
  const counts = () => {
    const events = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    const eventRows = (events.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    events.close();
    // One file, one connection for every read model (issue 27).
    const stats = server.app.get(Projections).writeStats();
    return { eventRows, readModelTransactions: stats.transactions, readModelRows: stats.rows };
  };

  test(`${SCANS} admissions, one after the other, stay within the budget per scan`, async () => {
    // One scan first: caches and first-use rows are not the steady cost.
    await scan(tickets[SCANS]!);
    await settled();
    const db = server.app.get(Projections).readModels.db;
    // The write-ahead log emptied: what it holds after the scans is their pages (far below an automatic checkpoint).
    db.pragma('wal_checkpoint(TRUNCATE)');
    // The same for the events' file, from a connection of the test's own (the server's is idle between scans).
    const eventsFile = join(server.dataDir, 'events.sqlite');
    const events = new Database(eventsFile);
    events.pragma('wal_checkpoint(TRUNCATE)');
    events.close();
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const before = counts();
    for (const ticket of tickets.slice(0, SCANS)) {
      await scan(ticket);
      await settled();
    }
    const after = counts();
    const walPages = (statSync(`${db.name}-wal`).size - 32) / (pageSize + 24);
    const eventWalPages = (statSync(`${eventsFile}-wal`).size - 32) / (pageSize + 24);
    const perScan = {
      readModelPages: walPages / SCANS,
      eventPages: eventWalPages / SCANS,
      eventCommits: commitFrames(`${eventsFile}-wal`, pageSize) / SCANS,
      eventRows: (after.eventRows - before.eventRows) / SCANS,
      readModelTransactions: (after.readModelTransactions - before.readModelTransactions) / SCANS,
      readModelRows: (after.readModelRows - before.readModelRows) / SCANS,
    };
    // Printed for whoever lowers the budget.
    process.stdout.write(`work per scan: ${JSON.stringify(perScan)}\n`);
    expect(perScan.eventRows).toBeLessThanOrEqual(BUDGET.eventRows);
    expect(perScan.readModelTransactions).toBeLessThanOrEqual(BUDGET.readModelTransactions);
    expect(perScan.readModelRows).toBeLessThanOrEqual(BUDGET.readModelRows);
    expect(perScan.readModelPages).toBeLessThanOrEqual(BUDGET.readModelPages);
    expect(perScan.eventPages).toBeLessThanOrEqual(BUDGET.eventPages);
    expect(perScan.eventCommits).toBeLessThanOrEqual(BUDGET.eventCommits);
    expect(perScan.readModelPages + perScan.eventPages).toBeLessThanOrEqual(BUDGET.pages);
    // And the count is of real work: every scan wrote something.
    expect(perScan.eventRows).toBeGreaterThan(0);
    expect(perScan.readModelTransactions).toBeGreaterThan(0);
    expect(perScan.eventCommits).toBeGreaterThan(0);
  });
});
