// Backups of the embedded store on real SQLite files: a snapshot taken while
// the store is being written is consistent (its manifest matches what it
// holds, and what it holds is a prefix of the store), a restore checks
// before it writes, the erasure journal survives a torn line, pruning keeps
// the newest and never an expired one.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@emargement/event-store';
import { SqliteKeyStore } from '@emargement/privacy';
import { appendErasure, applyErasures, readErasures } from './erasure-journal.js';
import { restoreBackup } from './restore.js';
import { DamagedBackupError, pruneBackups, readVerifiedManifest, takeBackup } from './snapshot.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'emargement-backup-int-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const event = (i: number) => ({ id: randomUUID(), type: 'Tested', data: { i, text: 'x'.repeat(200) } });

describe('a snapshot taken while the store is written', () => {
  test('is consistent: its manifest matches its content, which is a prefix of the store', async () => {
    const dataDir = join(work, 'data');
    const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    const keys = SqliteKeyStore.open(join(dataDir, 'keys.sqlite'));
    await keys.keyFor('subject-1');
    for (let i = 0; i < 200; i++) await store.appendToStream(`s-${i % 7}`, [event(i)]);
    // Appends keep coming while the backup runs (its copy runs in a worker thread).
    let writing = true;
    let written = 200;
    const writer = (async () => {
      while (writing) {
        await store.appendToStream(`s-${written % 7}`, [event(written)]);
        written += 1;
      }
    })();
    const taken = await takeBackup({ dataDir, to: join(work, 'backups') });
    writing = false;
    await writer;
    await store.close();
    await keys.close();

    const manifest = await readVerifiedManifest(taken.dir);
    expect(manifest).toEqual(taken.manifest);
    expect(manifest.eventCount).toBeGreaterThanOrEqual(200);
    expect(readdirSync(taken.dir).sort()).toEqual(['events.sqlite', 'keys.sqlite', 'manifest.json']);
    const copy = new Database(join(taken.dir, 'events.sqlite'), { readonly: true });
    const source = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
    const ids = (db: Database.Database) =>
      (db.prepare('SELECT id FROM events ORDER BY position').all() as { id: string }[]).map((r) => r.id);
    const copied = ids(copy);
    expect(copied.length).toBe(manifest.eventCount);
    expect(ids(source).slice(0, copied.length)).toEqual(copied);
    copy.close();
    source.close();
  });

  test('refuses a store that does not exist rather than back up nothing', async () => {
    await expect(takeBackup({ dataDir: join(work, 'nothing'), to: join(work, 'b') })).rejects.toThrow(/No event store/);
  });
});

describe('a restore', () => {
  const backupOf = async (n: number): Promise<string> => {
    const dataDir = join(work, `data-${n}`);
    const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    for (let i = 0; i < n; i++) await store.appendToStream('s', [event(i)]);
    await store.close();
    return (await takeBackup({ dataDir, to: join(work, 'backups') })).dir;
  };

  test('takes the newest good backup of a folder, passing over a damaged newer one', async () => {
    const older = await backupOf(3);
    const newer = await backupOf(5);
    expect(newer > older).toBe(true);
    writeFileSync(join(newer, 'events.sqlite'), 'not a database');
    const report = await restoreBackup({ from: join(work, 'backups'), dataDir: join(work, 'restored') });
    expect(report.from).toBe(older);
    expect(report.skipped).toHaveLength(1);
    expect(report.manifest.eventCount).toBe(3);
    const store = SqliteEventStore.open(join(work, 'restored', 'events.sqlite'));
    expect(await store.readAll({ maxCount: 100 })).toHaveLength(3);
    await store.close();
  });

  test('refuses one damaged backup named on its own, and writes nothing', async () => {
    const dir = await backupOf(3);
    writeFileSync(join(dir, 'manifest.json'), '{"format":"something else"}');
    await expect(restoreBackup({ from: dir, dataDir: join(work, 'restored') })).rejects.toBeInstanceOf(
      DamagedBackupError,
    );
    expect(existsSync(join(work, 'restored', 'events.sqlite'))).toBe(false);
  });

  test('never overwrites a DATA_DIR that holds a store', async () => {
    const dir = await backupOf(2);
    mkdirSync(join(work, 'restored'));
    writeFileSync(join(work, 'restored', 'events.sqlite'), 'the day so far');
    await expect(restoreBackup({ from: dir, dataDir: join(work, 'restored') })).rejects.toThrow(/already exists/);
  });
});

describe('the erasure journal', () => {
  const cid = randomUUID();
  test('keeps ids only, survives a torn last line, and erases again a key a backup still holds', async () => {
    const journal = join(work, 'erasures.jsonl');
    const [a, b] = [randomUUID(), randomUUID()];
    await appendErasure(journal, { conferenceId: cid, registrationId: a, erasedAt: '2014-09-19T10:00:00.000Z' });
    await appendErasure(journal, { conferenceId: cid, registrationId: b, erasedAt: '2014-09-19T11:00:00.000Z' });
    await appendErasure(journal, { conferenceId: cid, registrationId: a, erasedAt: '2014-09-19T12:00:00.000Z' });
    appendFileSync(journal, '{"conferenceId":"'); // a crash mid-append
    const entries = await readErasures([journal, join(work, 'absent.jsonl')]);
    expect(entries.map((e) => e.registrationId)).toEqual([a, b]);

    const keys = SqliteKeyStore.open(join(work, 'keys.sqlite'));
    await keys.keyFor(a);
    await keys.keyFor(b);
    await keys.erase(b);
    expect(await applyErasures(keys, entries)).toBe(1);
    expect(await keys.find(a)).toBe('erased');
    expect(await applyErasures(keys, entries)).toBe(0);
    await keys.close();
  });
});

describe('pruning', () => {
  test('keeps the newest, and deletes one older than the erasure delay whatever is kept', async () => {
    const dir = join(work, 'backups');
    const day = 86_400_000;
    const now = Date.parse('2026-12-07T12:00:00Z');
    const made = (ago: number) => {
      const at = new Date(now - ago);
      const name = `emargement-${at.toISOString().replace(/:/g, '-')}`;
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'manifest.json'), JSON.stringify({ createdAt: at.toISOString() }));
      return name;
    };
    const old = made(40 * day);
    const kept = [made(3000), made(2000), made(1000)];
    const dropped = made(4000);
    mkdirSync(join(dir, 'not-ours'));
    const deleted = await pruneBackups(dir, { keep: 3, maxAgeDays: 30, now });
    expect(deleted.sort()).toEqual([join(dir, dropped), join(dir, old)].sort());
    expect(readdirSync(dir).sort()).toEqual([...kept, 'not-ours'].sort());
    expect(await pruneBackups(dir, { keep: 10, maxAgeDays: 30, now: now + 31 * day })).toHaveLength(3);
  });
});
