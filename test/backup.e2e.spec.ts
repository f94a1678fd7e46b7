// The day survives the laptop (issue 28): the built server backs its embedded
// store up while the door scans, is killed, its DATA_DIR deleted; the backup is
// restored with `npm run restore`'s program and the server started again on it.
// Every admission acknowledged before the backup is there, the figures equal a
// fold of the restored events, a damaged backup is refused without writing
// anything, and a person erased after the backup stays erased.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';
import { freePort } from './support/tls.js';

const MAIN = resolve('dist/apps/server/src/main.js');
const CLI = resolve('dist/apps/server/src/backup/main.js');

/** The built server as its own process (so that it can be killed for real), answering once ready. */
async function startBuilt(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; api: string; log: () => string }> {
  const port = await freePort();
  const full: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), ADMIN_TOKEN, EVENT_STORE: 'sqlite', ...env };
  for (const name of ['TLS', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'PUBLIC_URL', 'PERSONAL_KEYS_URL', 'LOG_FORMAT'])
    delete full[name];
  full.LOG_LEVEL = 'warn';
  const child = spawn(process.execPath, [MAIN], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const api = `http://127.0.0.1:${port}/api`;
  const health = `http://127.0.0.1:${port}/health/ready`;
  // Ready: the store answers and the projections have caught up (a restored store rebuilds them first).
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${out}`);
    try {
      return (await fetch(health)).status === 200;
    } catch {
      return false;
    }
  }, `the server on ${port} to be ready`);
  return { child, api, log: () => out };
}

/** Polls a condition (state held by another process: nothing to subscribe to), up to `ms`. */
async function until(condition: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

const cli = (...args: string[]) => {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
};

interface Status {
  last: { at: string; position: string | null; eventCount: number; folder: string } | null;
  lastFailure: { at: string; message: string } | null;
}

describe('continuous backups, a killed server, a restore', () => {
  let work: string;
  let dataDir: string;
  let backupDir: string;
  let running: { child: ChildProcess; api: string; log: () => string } | undefined;

  beforeAll(() => {
    if (!existsSync(MAIN) || !existsSync(CLI)) {
      throw new Error('dist/ is missing: run `npm run build:server` first (npm test does)');
    }
    work = mkdtempSync(join(tmpdir(), 'emargement-backup-'));
    dataDir = join(work, 'data');
    backupDir = join(work, 'usb-stick');
  });
  afterAll(async () => {
    if (running) await killed(running.child);
    rmSync(work, { recursive: true, force: true });
  });

  test('what was acknowledged before the backup survives; a damaged backup is refused; an erasure stays', async () => {
    running = await startBuilt({ DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_EVERY: '1' });
    let { api } = running;
    const { conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ idCheckRequired: false })),
      201,
    ) as { conferenceId: string };
    const people: { registrationId: string; ticketCode: string; lastName: string }[] = [];
    for (let i = 0; i < 24; i++) {
      const lastName = `Sauvegarde${String.fromCharCode(65 + i)}`;
      const reg = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName })),
        201,
      ) as { registrationId: string; ticketCode: string };
      people.push({ ...reg, lastName });
    }
    // Scans while backups are being taken every second.
    const admittedBefore: string[] = [];
    for (const p of people.slice(0, 16)) {
      const scan = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/scans`, {
          scanId: randomUUID(),
          ticketCode: p.ticketCode,
          door: 'Accueil principal',
        }),
        200,
      ) as { result: string };
      expect(scan.result).toBe('admitted');
      admittedBefore.push(p.registrationId);
    }
    const ready = (await (await fetch(api.replace('/api', '/health/ready'))).json()) as { position: string };
    const acknowledged = BigInt(ready.position);

    // The backup that covers every admission acknowledged so far.
    let covering: Status['last'] = null;
    await until(async () => {
      const status = expectStatus(await call(api, 'GET', '/backups'), 200) as Status;
      expect(status.lastFailure).toBeNull();
      if (status.last?.position && BigInt(status.last.position) >= acknowledged) covering = status.last;
      return covering !== null;
    }, 'a backup covering the acknowledged admissions');
    const backup = covering!.folder;
    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as {
      files: Record<string, { sha256: string }>;
      eventCount: number;
    };
    expect(Object.keys(manifest.files).sort()).toEqual(['events.sqlite', 'keys.sqlite']);
    expect(readdirSync(backup).sort()).toEqual(['events.sqlite', 'keys.sqlite', 'manifest.json']);

    // After that backup: one more admission, and an erasure.
    const forgotten = people[0]!;
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/${forgotten.registrationId}/erase`, {
        reason: 'demande du 19/09',
      }),
      200,
    );
    const journal = readFileSync(join(backupDir, 'erasures.jsonl'), 'utf8');
    expect(journal).toContain(forgotten.registrationId);
    expect(journal).not.toContain(forgotten.lastName);

    // The laptop dies: the process is killed, its disk is gone.
    await killed(running.child);
    running = undefined;
    rmSync(dataDir, { recursive: true, force: true });

    // A damaged copy of the backup is refused, and nothing is written.
    const damaged = join(work, 'damaged', 'emargement-damaged');
    cpSync(backup, damaged, { recursive: true });
    const bytes = readFileSync(join(damaged, 'events.sqlite'));
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(join(damaged, 'events.sqlite'), bytes);
    const refused = cli('restore', '--from', damaged, '--to', dataDir);
    expect(refused.status).toBe(65);
    expect(refused.out).toContain('does not match its SHA-256');
    expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(false);
    // A manifest that lies about the count is refused too (the files' hashes still match).
    const lying = join(work, 'lying', 'emargement-lying');
    cpSync(backup, lying, { recursive: true });
    const m = JSON.parse(readFileSync(join(lying, 'manifest.json'), 'utf8')) as { eventCount: number };
    m.eventCount += 1;
    writeFileSync(join(lying, 'manifest.json'), JSON.stringify(m));
    const lied = cli('restore', '--from', lying, '--to', dataDir);
    expect(lied.status).toBe(65);
    expect(lied.out).toMatch(/holds \d+ events/);
    expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(false);

    // The backup taken before the erasure, restored, with the journal beside it.
    const restored = cli('restore', '--from', backup, '--to', dataDir);
    expect(restored).toMatchObject({ status: 0 });
    expect(restored.out).toContain('1 erasure(s) applied again');

    running = await startBuilt({ DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_EVERY: '3600' });
    api = running.api;
    // Every admission acknowledged before the backup is there.
    for (const rid of admittedBefore.slice(1)) {
      const history = expectStatus(await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/history`), 200) as {
        type: string;
      }[];
      expect(history.map((h) => h.type)).toContain('AttendeeAdmitted');
    }
    // The figures equal a fold of the restored events.
    const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
    const admittedInStore = new Set(
      (events.prepare("SELECT data FROM events WHERE type = 'AttendeeAdmitted'").all() as { data: string }[]).map(
        (r) => (JSON.parse(r.data) as { registrationId: string }).registrationId,
      ),
    );
    const undone = (
      events.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'AdmissionUndone'").get() as {
        n: number;
      }
    ).n;
    events.close();
    expect(undone).toBe(0);
    expect(admittedInStore).toEqual(new Set(admittedBefore));
    const attendance = expectStatus(await call(api, 'GET', `/conferences/${cid}/attendance`), 200) as {
      admitted: number;
      registered: number;
    };
    expect(attendance.admitted).toBe(admittedInStore.size);
    expect(attendance.registered).toBe(people.length);

    // The person erased after the backup stays erased: unreadable, and erased in the events again.
    const search = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/attendees?q=${encodeURIComponent(forgotten.lastName)}`),
      200,
    );
    expect(JSON.stringify(search)).not.toContain(forgotten.lastName);
    const exported = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/registrations/${forgotten.registrationId}/export`),
      200,
    );
    expect(JSON.stringify(exported)).not.toContain(forgotten.lastName);
    expect(JSON.stringify(exported)).toContain('erasedAt');
    const others = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/attendees?q=${encodeURIComponent(people[1]!.lastName)}`),
      200,
    );
    expect(JSON.stringify(others)).toContain(people[1]!.lastName);
    expect(running.log()).not.toMatch(/Could not record again/);
  });
});

describe('a backup that fails never stops the door', () => {
  let server: TestServer;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'emargement-backup-fail-'));
    // A file where the folder should be: as good as a stick pulled out.
    writeFileSync(join(work, 'not-a-folder'), 'x');
    // Backups are the embedded store's (with EventStoreDB the server refuses BACKUP_DIR): SQLite in both e2e runs.
    server = await startTestServer({
      EVENT_STORE: 'sqlite',
      BACKUP_DIR: join(work, 'not-a-folder'),
      BACKUP_EVERY: '3600',
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('the failure is shown to organisers and in readiness, and scans go on', async () => {
    const api = `${server.base}/api`;
    const { conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ idCheckRequired: false })),
      201,
    ) as { conferenceId: string };
    const reg = expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations`, personBody()), 201) as {
      ticketCode: string;
    };
    const { Backups } = await import('../apps/server/src/backup/backups.js');
    await server.app.get(Backups).backupIfChanged();
    const status = expectStatus(await call(api, 'GET', '/backups'), 200) as Status;
    expect(status.last).toBeNull();
    expect(status.lastFailure?.message).toMatch(/EEXIST|ENOTDIR|not a directory|file already exists/i);
    const ready = await fetch(`${server.base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { backups: Status } }).checks.backups.lastFailure).not.toBeNull();
    const scan = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/scans`, {
        scanId: randomUUID(),
        ticketCode: reg.ticketCode,
        door: 'Accueil principal',
      }),
      200,
    ) as { result: string };
    expect(scan.result).toBe('admitted');
  });
});
