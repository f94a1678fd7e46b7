// Tickets by e-mail across a restart of the server (issue 25): the PTCE fixture's people are sent their
// tickets by the built server, run as a child process, which is stopped (SIGTERM, as a supervisor or a deploy
// does) in the middle of the batch and started again on the same data: every person gets exactly one message.
// On the embedded store, or on EventStoreDB (E2E_EVENT_STORE=eventstoredb: the test peer, or a given server).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFixture } from '../libs/testing/src/fixtures.js';
import { EsdbPeer } from './esdb-peer/peer.js';
import { expectStatus } from './support/data.js';
import { ADMIN_TOKEN, call, e2eEventStore } from './support/server.js';
import { startSmtpSink, type SmtpSink } from './support/smtp.js';
import { freePort } from './support/tls.js';

const MAIN = resolve('dist/apps/server/src/main.js');

// Two starts of the built server, an import of 413 rows and 412 messages rendered and sent: about a minute on
// the embedded store, two on the EventStoreDB test peer (which runs inside jest, on the same 2 cores).
jest.setTimeout(240_000);

interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const check = () => {
      if (out.includes('Émargement listening on')) {
        child.stdout.off('data', check);
        done();
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => fail(new Error(`the server exited while starting:\n${out}\n${err}`)));
  });
  return { child, exited };
}

describe('tickets by e-mail, the server restarted in the middle of the batch', () => {
  let sink: SmtpSink;
  let peer: EsdbPeer | undefined;
  let dataDir: string;
  let running: Running | undefined;
  let env: NodeJS.ProcessEnv;
  let api: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build:server` first (npm test does)');
    sink = await startSmtpSink();
    dataDir = mkdtempSync(join(tmpdir(), 'emargement-mail-restart-'));
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api`;
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      EVENT_STORE: 'sqlite',
      ADMIN_TOKEN,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      SMTP_URL: sink.url,
      MAIL_FROM: 'Journée des PTCE <billets@ptce.example.org>',
      // Fast, but paced: the batch takes long enough for a restart to fall in its middle.
      MAIL_PER_MINUTE: '3000',
    };
    for (const name of ['TLS', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'PUBLIC_URL', 'NODE_OPTIONS', 'BACKUP_DIR'])
      delete env[name];
    if (e2eEventStore() === 'eventstoredb') {
      const given = process.env.EVENTSTORE_CONNECTION_STRING?.trim();
      if (!given) peer = await EsdbPeer.start();
      env.EVENT_STORE = 'eventstoredb';
      env.EVENTSTORE_CONNECTION_STRING = given || peer!.connectionString;
    }
  });

  afterAll(async () => {
    // Each step bounded and named: a cleanup that hangs says which, and does not hold the suite for minutes
    // (once, on the EventStoreDB peer under load, one did: the test itself had passed).
    const bounded = async (step: string, work: () => Promise<unknown> | undefined) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 20_000)));
      const outcome = await Promise.race([Promise.resolve(work()).then(() => 'done' as const), late]);
      clearTimeout(timer);
      if (outcome === 'late') console.warn(`ticket-mail-restart cleanup: ${step} took over 20 s, left behind`);
    };
    const child = running?.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await bounded('the server child exiting', () => running!.exited);
    }
    await bounded('the SMTP sink closing', () => sink?.close());
    await bounded('the EventStoreDB peer stopping', () => peer?.stop());
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('every registered person of the fixture gets exactly one message', async () => {
    running = await startServer(env);
    const cid = randomUUID();
    const fixture = JSON.parse(readFixture('ptce-2014/conference.json')) as Record<string, unknown>;
    // Room for everyone in the file, so that the batch is the whole fixture (its one duplicate aside).
    expectStatus(await call(api, 'POST', '/conferences', { ...fixture, conferenceId: cid, capacity: 420 }), 201);
    const imported = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/import`, readFixture('ptce-2014/registrations.csv'), {
        'content-type': 'text/csv',
      }),
      200,
    ) as { created: number };
    expect(imported.created).toBe(412);

    expect(expectStatus(await call(api, 'POST', `/conferences/${cid}/tickets/send`, {}), 202)).toEqual({
      queued: 412,
      skipped: 0,
    });
    // A quarter of the way: stop the server as a supervisor would, and start it again on the same data.
    await sink.untilReceived(100);
    running.child.kill('SIGTERM');
    await running.exited;
    const atStop = sink.received.length;
    expect(atStop).toBeGreaterThanOrEqual(100);
    expect(atStop).toBeLessThan(412);
    running = await startServer(env);
    await sink.untilReceived(412);
    // Every outcome recorded, none pending: nothing more will leave.
    const deadline = Date.now() + 30_000;
    let progress: { sent: number; queued: number; sending: number; failed: number };
    for (;;) {
      progress = expectStatus(await call(api, 'GET', `/conferences/${cid}/ticket-mail`), 200) as typeof progress;
      if (progress.sent === 412 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(progress).toMatchObject({ sent: 412, queued: 0, sending: 0, failed: 0 });
    expect(sink.received).toHaveLength(412);

    // Exactly one each: the recipients are the fixture's addresses, each once, as normalised (trimmed, lower-case).
    const csv = readFixture('ptce-2014/registrations.csv').trim().split('\n').slice(1);
    const addresses = new Set(csv.map((line) => line.split(',')[2]!.trim().toLowerCase()));
    const received = sink.received.map((m) => m.to[0]!.toLowerCase());
    expect(new Set(received).size).toBe(412);
    expect(new Set(received)).toEqual(addresses);
    // And one Message-ID each: no message was sent twice under two ids.
    expect(new Set(sink.received.map((m) => m.messageId)).size).toBe(412);
  });
});
