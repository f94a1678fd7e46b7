// The arrivals projection on a real SQLite event store and a real read-models
// file: a restart resumes from the checkpoint with the same summaries (no
// replay), and a reader never sees an event before its commit.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventData } from '@emargement/event-store';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ReadModels } from '../projections/read-models.js';
import { ArrivalsProjection } from './arrivals.projection.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-arrivals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

const conferenceId = randomUUID();
const alice = randomUUID();
const bob = randomUUID();
const event = (type: string, data: Record<string, unknown>): EventData => ({ id: randomUUID(), type, data });
const admitted = (registrationId: string, scanId: string, scannedAt: string, door = 'Accueil') =>
  event('AttendeeAdmitted', { conferenceId, registrationId, scanId, scannedAt, door, deviceId: 'd' });

describe('the arrivals projection', () => {
  test('folds admissions, refusals, undo, lunch and signatures; a restart reads them back from its rows', async () => {
    const storeFile = join(dir, 'events-1.sqlite');
    const file = join(dir, 'read-models-1.sqlite');
    const store = SqliteEventStore.open(storeFile);
    opened.push(store);
    const first = randomUUID();
    const early = randomUUID();
    await store.appendToStream(`ticket-${alice}`, [
      event('EntryRefused', {
        conferenceId,
        registrationId: alice,
        scanId: randomUUID(),
        scannedAt: '2014-09-19T09:00:00+02:00',
        door: 'Presse',
        deviceId: 'd',
        reason: 'id_not_checked',
      }),
      admitted(alice, first, '2014-09-19T09:05:00+02:00'),
      // An offline door admitted her earlier: the earliest admission stands.
      admitted(alice, early, '2014-09-19T09:01:00+02:00', 'Presse'),
      event('LunchPaid', { conferenceId, registrationId: alice, paymentId: randomUUID() }),
      event('CharterSigned', { registrationId: alice, signatureId: 's1' }),
    ]);
    await store.appendToStream(`ticket-${bob}`, [
      admitted(bob, 'scan-bob', '2014-09-19T09:10:00+02:00'),
      event('AdmissionUndone', { conferenceId, registrationId: bob, scanId: 'scan-bob' }),
      event('CharterSigned', { registrationId: bob, signatureId: 's2' }),
      event('SignatureVoided', { registrationId: bob, signatureId: 's2' }),
    ]);

    const readModels = ReadModels.open(file);
    const projection = new ArrivalsProjection(readModels);
    const runner = new ProjectionRunner(store, readModels, projection);
    runner.prepare();
    runner.start();
    await runner.untilCaughtUp();
    await runner.stop();
    const summaries = [alice, bob].map((id) => projection.summary(id));
    expect(summaries[0]).toMatchObject({
      admitted: { at: '2014-09-19T09:01:00+02:00', door: 'Presse', scanId: early },
      refused: { reason: 'id_not_checked', door: 'Presse' },
      lunchPaid: true,
    });
    expect([...summaries[0]!.signatures]).toEqual(['s1']);
    expect(summaries[1]).toMatchObject({ admitted: null, refused: null, lunchPaid: false });
    expect(summaries[1]!.signatures.size).toBe(0);
    expect(projection.scan('scan-bob')).toEqual({ conferenceId, registrationId: bob });
    const applied = runner.status().eventsApplied;
    expect(applied).toBe(9);
    readModels.close();

    // A restart: the rows and the checkpoint give the same answers, and nothing is folded again.
    const again = ReadModels.open(file);
    opened.push(again);
    const reloaded = new ArrivalsProjection(again);
    const restarted = new ProjectionRunner(store, again, reloaded);
    restarted.prepare();
    expect(reloaded.summary(alice)).toEqual(summaries[0]);
    expect(reloaded.summary(bob)).toEqual(summaries[1]);
    restarted.start();
    await restarted.untilCaughtUp();
    expect(restarted.status().eventsApplied).toBe(0);
    // Newer events are folded from the checkpoint on.
    const appended = await store.appendToStream(`ticket-${bob}`, [
      admitted(bob, 'scan-bob-2', '2014-09-19T10:00:00+02:00'),
    ]);
    await restarted.untilPosition(appended.position);
    expect(reloaded.summary(bob).admitted?.scanId).toBe('scan-bob-2');
    expect(restarted.status().eventsApplied).toBe(1);
    await restarted.stop();
  });

  test('a reader sees an event only once its transaction is committed', () => {
    const readModels = ReadModels.open(join(dir, 'read-models-2.sqlite'));
    opened.push(readModels);
    const projection = new ArrivalsProjection(readModels);
    projection.migrate();
    projection.load();
    projection.apply({
      ...admitted(alice, 'scan-1', '2014-09-19T09:05:00+02:00'),
      streamName: `ticket-${alice}`,
      revision: 0n,
      position: 1n,
      metadata: {},
      createdAt: new Date().toISOString(),
    } as never);
    expect(projection.summary(alice).admitted).toBeNull();
    expect(projection.scan('scan-1')).toBeUndefined();
    readModels.transaction(() => projection.persist());
    projection.committed();
    expect(projection.summary(alice).admitted?.scanId).toBe('scan-1');
    // A failed transaction is thrown away by a reload: the rows are what counts.
    projection.apply({
      ...event('LunchPaid', { conferenceId, registrationId: alice, paymentId: 'p' }),
      streamName: `ticket-${alice}`,
      revision: 1n,
      position: 2n,
      metadata: {},
      createdAt: new Date().toISOString(),
    } as never);
    projection.load();
    expect(projection.summary(alice)).toMatchObject({ lunchPaid: false, admitted: { scanId: 'scan-1' } });
  });
});

describe('the arrivals projection on a file built by arrivals-2', () => {
  test('its rowid tables are rebuilt keyed by their primary key alone, from the events, rows and all', async () => {
    const store = SqliteEventStore.open(join(dir, 'events-upgrade.sqlite'));
    opened.push(store);
    await store.appendToStream(`ticket-${alice}`, [admitted(alice, 'scan-old', '2014-09-19T09:05:00+02:00')]);
    const file = join(dir, 'read-models-upgrade.sqlite');
    // What arrivals-2 left: the same tables with a rowid, a row of its own, and its checkpoint at the end of the log.
    const old = ReadModels.open(file);
    old.db.exec(`
      CREATE TABLE arrival_tickets (registration_id TEXT PRIMARY KEY, summary TEXT NOT NULL);
      CREATE TABLE arrival_scans (scan_id TEXT PRIMARY KEY, conference_id TEXT NOT NULL, registration_id TEXT);
      INSERT INTO arrival_scans VALUES ('left-by-arrivals-2', '${conferenceId}', '${bob}')`);
    old.saveCheckpoint('arrivals', { version: 'arrivals-2', position: (await store.readAll()).at(-1)!.position });
    old.close();

    const readModels = ReadModels.open(file);
    opened.push(readModels);
    const projection = new ArrivalsProjection(readModels);
    const runner = new ProjectionRunner(store, readModels, projection);
    runner.prepare();
    runner.start();
    await runner.untilCaughtUp();
    await runner.stop();
    const shapes = readModels.db
      .prepare<[], { name: string; sql: string }>(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name LIKE 'arrival_%' ORDER BY name",
      )
      .all();
    expect(shapes.map((t) => [t.name, /WITHOUT ROWID\s*$/.test(t.sql)])).toEqual([
      ['arrival_scans', true],
      ['arrival_tickets', true],
    ]);
    // Folded again from the first event: the old rows are gone, the events' rows are there.
    expect(projection.scan('left-by-arrivals-2')).toBeUndefined();
    expect(projection.scan('scan-old')).toEqual({ conferenceId, registrationId: alice });
    expect(runner.status().eventsApplied).toBe(1);
  });
});
