import { describe, expect, test } from '@jest/globals';
import type { ScanRequest } from '../../api';
import type { QueuedScan } from './local-store';
import { doorDb, withDoorServer, type Received } from './test/node-door';
import { Outbox, type Sent } from './outbox';
import { sendJob, type UploadEffects } from './upload';

const server = withDoorServer();

const scan = (scanId: string, registrationId: string, queuedAt: number): QueuedScan => {
  const body: ScanRequest = {
    scanId,
    registrationId,
    door: 'Accueil',
    scannedAt: `2026-12-02T09:0${queuedAt}:00Z`,
    offline: { result: 'admitted' },
  };
  return { scanId, conferenceId: 'c', body, queuedAt, name: registrationId };
};

/** The engine's part of an answer (its fold, its list) is the engine's tests' business. */
const effects: UploadEffects = { synced: () => undefined, walkInRefused: () => Promise.resolve() };

const admitted = (r: Received) => {
  const body = r.body as ScanRequest;
  return { status: 200, body: { scanId: body.scanId, result: 'admitted' } };
};

async function upload(outbox: Outbox): Promise<{ ended: string; batches: Sent[][] }> {
  const batches: Sent[][] = [];
  const ended = await outbox.upload(
    (q) => sendJob(q, effects),
    (batch) => void batches.push([...batch]),
  );
  return { ended, batches };
}

describe('the outbox: what waits for the server goes up oldest first, with the same ids', () => {
  test('each ticket’s scans go up in the order they were made, each with the scanId it was decided under', async () => {
    const outbox = new Outbox();
    await outbox.adopt([]);
    for (const q of [scan('s1', 'r-marie', 1), scan('s2', 'r-paul', 2), scan('s3', 'r-marie', 3)]) await outbox.add(q);
    server.answer(admitted);

    const { ended, batches } = await upload(outbox);

    expect(ended).toBe('done');
    const sent = server.received.map((r) => (r.body as ScanRequest).scanId);
    expect(sent.sort()).toEqual(['s1', 's2', 's3']);
    const marie = server.received.filter((r) => (r.body as ScanRequest).registrationId === 'r-marie');
    expect(marie.map((r) => (r.body as ScanRequest).scanId)).toEqual(['s1', 's3']);
    expect(server.received.every((r) => r.path === '/api/conferences/c/scans')).toBe(true);
    expect(batches.flat().every((b) => b.notice === null)).toBe(true);
    expect(outbox.length).toBe(0);
    expect((await doorDb()).outbox).toEqual([]);
  });

  test('the next scan of a ticket leaves only once the server has answered the one before it', async () => {
    const outbox = new Outbox();
    await outbox.adopt([]);
    for (const q of [scan('s1', 'r-marie', 1), scan('s2', 'r-paul', 2), scan('s3', 'r-marie', 3)]) await outbox.add(q);
    server.answer(admitted);
    const log: string[] = [];

    await outbox.upload(
      async (q) => {
        log.push(`sent ${q.scanId}`);
        const result = await sendJob(q, effects);
        log.push(`answered ${q.scanId}`);
        return result;
      },
      () => undefined,
    );

    // Paul's went up beside Marie's first (another ticket); Marie's second waited for her first's answer.
    expect(log.slice(0, 2)).toEqual(['sent s1', 'sent s2']);
    expect(log.indexOf('sent s3')).toBeGreaterThan(log.indexOf('answered s1'));
  });

  test('a job queued later never goes before an older one, even across reloads', async () => {
    const outbox = new Outbox();
    await outbox.adopt([scan('old', 'r-marie', 5_000)]);
    const place = outbox.nextPlace();
    expect(place).toBeGreaterThan(5_000);
  });

  test('a conflict and a refusal become notices staff must see; the rest go up', async () => {
    const outbox = new Outbox();
    await outbox.adopt([]);
    await outbox.add(scan('s1', 'r-marie', 1));
    await outbox.add({
      scanId: 'pay-1',
      conferenceId: 'c',
      body: { scanId: 'pay-1', registrationId: 'r-paul', door: 'Accueil', scannedAt: '2026-12-02T09:05:00Z' },
      lunch: { kind: 'pay', registrationId: 'r-paul', paymentId: 'pay-1', amountCents: 1200, method: 'cash' },
      queuedAt: 2,
      name: 'Paul',
    });
    server.answer((r) => {
      if (r.path.endsWith('/lunch-payment')) return { status: 409, body: { code: 'already_paid', message: 'paid' } };
      const body = r.body as ScanRequest;
      // Admitted offline here, but another door admitted Marie first: the server records a conflict.
      return {
        status: 200,
        body: {
          scanId: body.scanId,
          result: 'admitted',
          conflict: { conflictId: 'k1', reason: 'already_checked_in' },
        },
      };
    });

    const { ended, batches } = await upload(outbox);

    expect(ended).toBe('done');
    const notices = batches.flat().flatMap((b) => (b.notice ? [b.notice] : []));
    expect(notices).toHaveLength(2);
    expect(notices.find((n) => n.scanId === 's1')).toMatchObject({
      name: 'r-marie',
      offline: { result: 'admitted' },
      answer: { conflict: { conflictId: 'k1', reason: 'already_checked_in' } },
      rejected: null,
    });
    expect(notices.find((n) => n.scanId === 'pay-1')).toMatchObject({ lunch: 'pay', rejected: 'already_paid' });
    // Both answered for good: out of the outbox, the notices kept for staff.
    expect(outbox.length).toBe(0);
    expect(((await doorDb()).notices as { scanId: string }[]).map((n) => n.scanId).sort()).toEqual(['pay-1', 's1']);
  });

  test('the server away part way: the upload stops, and what was not answered waits, in order', async () => {
    const outbox = new Outbox();
    await outbox.adopt([]);
    await outbox.add(scan('s1', 'r-marie', 1));
    await outbox.add(scan('s2', 'r-marie', 2));
    server.answer((r) =>
      (r.body as ScanRequest).scanId === 's1' ? admitted(r) : { status: 503, body: { code: 'not_ready', message: '' } },
    );

    const { ended } = await upload(outbox);

    expect(ended).toBe('stopped');
    expect(outbox.jobs.map((q) => q.scanId)).toEqual(['s2']);
    expect(((await doorDb()).outbox as QueuedScan[]).map((q) => q.scanId)).toEqual(['s2']);
  });
});
