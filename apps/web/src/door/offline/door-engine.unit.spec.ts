import { describe, expect, test } from '@jest/globals';
import type { DoorDataset, DoorTicket, ScanRequest } from '../../api';
import { DoorEngine, type EngineState } from './door-engine';
import type { QueuedScan } from './local-store';
import { dayConference, doorDb, lineOf, withDoorServer, type Received } from './test/node-door';

const server = withDoorServer();

const down = () => ({ status: 503, body: { code: 'not_ready', message: 'down' } });

/** The engine's state once it satisfies `ready`: waits for the change itself, never for a while. */
function until(engine: DoorEngine, ready: (state: EngineState) => boolean): Promise<EngineState> {
  return new Promise((resolve) => {
    if (ready(engine.getState())) return resolve(engine.getState());
    const stop = engine.subscribe(() => {
      if (!ready(engine.getState())) return;
      stop();
      resolve(engine.getState());
    });
  });
}

/** A server that knows a list (`tickets` at cursor 10, a delta since then) and admits every scan. */
function serving(tickets: DoorTicket[], delta: DoorTicket[] = []): (r: Received) => { status: number; body: unknown } {
  return (r) => {
    if (r.path === '/health/ready') return { status: 200, body: { status: 'ok' } };
    if (r.path.startsWith('/api/conferences/c/door-dataset')) {
      const since = new URL(r.path, 'http://x').searchParams.get('since');
      const dataset: DoorDataset = since
        ? { cursor: '11', complete: false, conference: dayConference, tickets: delta, removed: [] }
        : { cursor: '10', complete: true, conference: dayConference, tickets, removed: [] };
      return { status: 200, body: dataset };
    }
    const body = r.body as ScanRequest;
    return { status: 200, body: { scanId: body.scanId, result: 'admitted', door: body.door } };
  };
}

async function engineWithList(tickets: DoorTicket[], delta: DoorTicket[] = []): Promise<DoorEngine> {
  const engine = new DoorEngine('c', 'Accueil', dayConference);
  await engine.load();
  server.answer(serving(tickets, delta));
  await engine.refresh();
  return engine;
}

describe('the door engine: its parts together, as the door page drives them', () => {
  test('the server gone, the phone goes offline and decides each scan under the id it sent', async () => {
    const engine = await engineWithList([await lineOf('r-marie', 'Marie')]);
    server.answer(down);

    const answer = await engine.scan({ ticketCode: 'code-r-marie' }, null);

    expect(answer).toMatchObject({ source: 'local', outcome: { result: 'admitted' }, pendingAfter: 1 });
    // The scan tried online carried the same id as the one queued: one scan, never two.
    const tried = server.received.find((r) => r.path === '/api/conferences/c/scans');
    expect((tried?.body as ScanRequest).scanId).toBe(answer.scanId);
    // The health check asked at once failed too: 2 failures of 5.
    await until(engine, (s) => s.connectivity === 'offline');
    // Offline, a second scan of Marie is refused here at once, from the phone's own decision.
    const again = await engine.scan({ registrationId: 'r-marie' }, null);
    expect(again).toMatchObject({ source: 'local', outcome: { result: 'refused', reason: 'already_checked_in' } });
  });

  test('back online, the outbox goes up oldest first with the same scanIds, then the list by delta', async () => {
    const marie = await lineOf('r-marie', 'Marie');
    const paul = await lineOf('r-paul', 'Paul');
    const anne = await lineOf('r-anne', 'Anne');
    const engine = await engineWithList([marie, paul], [anne]);
    server.answer(down);
    const first = await engine.scan({ ticketCode: 'code-r-paul' }, null);
    await until(engine, (s) => s.connectivity === 'offline');
    const second = await engine.scan({ ticketCode: 'code-r-marie' }, null);
    const third = await engine.scan({ ticketCode: 'code-r-marie' }, null);
    expect(engine.getState().pending).toBe(3);
    server.received.length = 0;

    server.answer(serving([marie, paul], [anne]));
    await engine.probe();

    const state = await until(engine, (s) => s.connectivity === 'online');
    expect(state).toMatchObject({ pending: 0, lastSyncAgreed: 3, listSize: 3 });
    const uploads = server.received.filter((r) => r.path === '/api/conferences/c/scans').map((r) => r.body);
    expect(uploads.map((b) => (b as ScanRequest).scanId).sort()).toEqual(
      [first.scanId, second.scanId, third.scanId].sort(),
    );
    // Marie's two scans, in the order they were made, each with what the phone decided.
    expect(uploads.filter((b) => (b as ScanRequest).registrationId === 'r-marie')).toMatchObject([
      { scanId: second.scanId, offline: { result: 'admitted' } },
      { scanId: third.scanId, offline: { result: 'refused', reason: 'already_checked_in' } },
    ]);
    // Then the list, by delta since its cursor: Anne is on the phone.
    expect(server.received.at(-1)?.path).toBe('/api/conferences/c/door-dataset?since=10');
    expect(engine.ticketOf('r-anne')).toEqual(anne);
    expect((await doorDb()).outbox).toEqual([]);
  });

  test('a conflict on upload becomes a notice on the screen, kept until dismissed', async () => {
    const engine = await engineWithList([await lineOf('r-marie', 'Marie')]);
    server.answer(down);
    const scan = await engine.scan({ ticketCode: 'code-r-marie' }, null);
    await until(engine, (s) => s.connectivity === 'offline');
    const list = serving([]);
    server.answer((r) =>
      r.path === '/api/conferences/c/scans'
        ? {
            status: 200,
            body: { scanId: scan.scanId, result: 'admitted', conflict: { conflictId: 'k', reason: 'not_registered' } },
          }
        : list(r),
    );
    await engine.probe();
    const state = await until(engine, (s) => s.connectivity === 'online');
    expect(state.notices).toMatchObject([
      { scanId: scan.scanId, name: 'Marie Dupont', offline: { result: 'admitted' } },
    ]);
    await engine.dismiss(scan.scanId);
    expect(engine.getState().notices).toEqual([]);
    expect((await doorDb()).notices).toEqual([]);
  });

  test('a wipe forgets the list, the decisions, the notices and the names, in IndexedDB and in memory', async () => {
    const engine = await engineWithList([await lineOf('r-marie', 'Marie')]);
    server.answer(down);
    await engine.scan({ ticketCode: 'code-r-marie' }, null);
    await until(engine, (s) => s.connectivity === 'offline');

    await engine.wipe('revoked');

    expect(engine.getState()).toMatchObject({ wiped: 'revoked', listSize: 0, refreshedAt: null, conference: null });
    expect(engine.search('marie')).toEqual([]);
    expect(await engine.lookUp({ ticketCode: 'code-r-marie' })).toBeUndefined();
    expect(engine.admissionOf('r-marie')).toBeUndefined();
    const stored = await doorDb();
    expect({ tickets: stored.tickets, meta: stored.meta, decisions: stored.decisions }).toEqual({
      tickets: [],
      meta: [],
      decisions: [],
    });
    // The scan still goes up (the admission happened), without the name.
    expect((stored.outbox as QueuedScan[]).map((q) => q.name)).toEqual([null]);
    // A fresh engine on the same phone (a reload) finds nothing personal either.
    const reloaded = new DoorEngine('c', 'Accueil', dayConference);
    await reloaded.load();
    expect(reloaded.getState()).toMatchObject({ listSize: 0, pending: 1 });
  });

  test('lunch money taken offline is in the till and the outbox; given back before upload, it never goes up', async () => {
    const engine = await engineWithList([await lineOf('r-marie', 'Marie', { lunch: true })]);
    server.answer(down);
    await engine.scan({ registrationId: 'r-marie' }, null);
    await until(engine, (s) => s.connectivity === 'offline');
    const payment = { paymentId: 'p1', amountCents: 1200, method: 'cash' as const };

    expect(await engine.payLunch('r-marie', 'Marie', payment)).toEqual({ queued: true });
    expect(engine.getState().till).toEqual({ cash: { count: 1, cents: 1200 } });
    expect(engine.paymentOf('r-marie')).toEqual(payment);
    expect(engine.ticketOf('r-marie')?.lunchPaid).toBe(true);

    expect(await engine.reverseLunch('r-marie', 'Marie', payment, 'erreur')).toEqual({ queued: false });
    expect(engine.getState()).toMatchObject({ till: { cash: { count: 0, cents: 0 } }, pending: 1 });
    expect(engine.paymentOf('r-marie')).toBeNull();
  });
});
