/**
 * Rate limits that fit their users (issue 16): an organiser's integration
 * pushing sign-ups is not refused at integration pace.
 *
 *   npm run bench:rate-limit -- [--callers=8] [--rate=250] [--seconds=20] [--burst-seconds=10]
 *
 * The real built server (`node dist/apps/server/src/main.js`, the default
 * limits, JSON request log at `info` drained from its stdout) on a fresh
 * SQLite DATA_DIR, in a child process; this process is the integration:
 *   1. paced: `--callers` organiser callers (the one ADMIN_TOKEN, one
 *      address) share `--rate` registrations a second for `--seconds`;
 *   2. flat out: the same callers, each sending its next registration as
 *      soon as the last is answered, for `--burst-seconds`;
 *   3. the same flat-out run on a second server started with LOG_LEVEL=silent,
 *      so the request log's own cost shows as a ratio measured in this run.
 * Target: at least 200 registrations a second in step 1 with no 429.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { AUTH, BENCH_TOKEN, json } from './support.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const callers = Number(args.get('callers') ?? 8);
const rate = Number(args.get('rate') ?? 250);
const seconds = Number(args.get('seconds') ?? 20);
const burstSeconds = Number(args.get('burst-seconds') ?? 10);

const MAIN = resolve('dist/apps/server/src/main.js');

const freePort = () =>
  new Promise<number>((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

interface Server {
  base: string;
  child: ChildProcess;
  logBytes: () => number;
  stop: () => Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'emargement-bench-rate-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_TOKEN: BENCH_TOKEN,
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let bytes = 0;
  let out = '';
  let listening = false;
  await new Promise<void>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`the server exited (${String(code)}):\n${out}`)));
    // Drained for the whole run, as a log collector would: a full pipe would stall the server.
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (listening) return;
      out += chunk.toString();
      if (out.includes('Émargement listening on')) {
        listening = true;
        done();
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    logBytes: () => bytes,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const person = () => {
  const n = randomUUID();
  return {
    registrationId: n,
    firstName: 'Prénom',
    lastName: `Nom ${n.slice(0, 8)}`,
    email: `bench.${n}@example.org`,
    organisation: 'Banc d’essai',
    category: 'participant',
    lunch: false,
    photoConsent: false,
  };
};

interface Tally {
  statuses: Map<number, number>;
  latencies: number[];
  elapsedMs: number;
}

async function register(base: string, cid: string, tally: Tally): Promise<void> {
  const started = performance.now();
  const res = await fetch(`${base}/api/conferences/${cid}/registrations`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(person()),
  });
  await res.arrayBuffer();
  tally.latencies.push(performance.now() - started);
  tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
}

/** `callers` loops; `due(c, i, now)` is when caller c's i-th request is due (ms after the start), or undefined to stop. */
async function run(
  base: string,
  cid: string,
  due: (caller: number, i: number, now: number) => number | undefined,
): Promise<Tally> {
  const tally: Tally = { statuses: new Map(), latencies: [], elapsedMs: 0 };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; ; i++) {
        const now = performance.now() - start;
        const at = due(caller, i, now);
        if (at === undefined) return;
        // A paced caller that fell behind sends at once, without a catch-up burst beyond its schedule.
        if (at > now) await new Promise((r) => setTimeout(r, at - now));
        await register(base, cid, tally);
      }
    }),
  );
  tally.elapsedMs = performance.now() - start;
  return tally;
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function report(name: string, t: Tally): { perSecond: number; refused: number } {
  const total = t.latencies.length;
  const created = t.statuses.get(201) ?? 0;
  const refused = t.statuses.get(429) ?? 0;
  const perSecond = created / (t.elapsedMs / 1000);
  console.log(
    `${name}: ${total} sent in ${(t.elapsedMs / 1000).toFixed(1)} s, ${created} × 201 (${perSecond.toFixed(0)}/s), ` +
      `${refused} × 429, statuses ${JSON.stringify(Object.fromEntries(t.statuses))}, ` +
      `latency p50 ${percentile(t.latencies, 50).toFixed(1)} ms, p99 ${percentile(t.latencies, 99).toFixed(1)} ms`,
  );
  return { perSecond, refused };
}

async function conferenceOn(base: string): Promise<string> {
  const { conferenceId } = await json<{ conferenceId: string }>('POST', `${base}/api/conferences`, {
    name: 'Banc d’essai des limites',
    venue: 'Bercy',
    startsAt: '2014-09-19T09:30:00+02:00',
    endsAt: '2014-09-19T16:30:00+02:00',
    timezone: 'Europe/Paris',
    capacity: 1_000_000,
    idCheckRequired: false,
    doors: ['Accueil'],
  });
  return conferenceId;
}

async function main(): Promise<void> {
  console.log(
    `rate-limit bench: ${callers} organiser callers, paced ${rate}/s for ${seconds} s, then flat out for ${burstSeconds} s; ` +
      `node ${process.version}, ${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const server = await startServer({});
  let paced: { perSecond: number; refused: number };
  let logged: { perSecond: number; refused: number };
  try {
    const cid = await conferenceOn(server.base);
    // Each caller every `interval` ms, the callers spread evenly within it.
    const interval = (1000 * callers) / rate;
    const pacedTally = await run(server.base, cid, (caller, i) => {
      const at = i * interval + (caller * interval) / callers;
      return at >= seconds * 1000 ? undefined : at;
    });
    paced = report(`paced (${rate}/s asked)`, pacedTally);
    const before = server.logBytes();
    const burst = await run(server.base, cid, (_c, _i, now) => (now >= burstSeconds * 1000 ? undefined : now));
    logged = report('flat out, request log at info', burst);
    console.log(
      `request log: ${((server.logBytes() - before) / Math.max(1, burst.latencies.length)).toFixed(0)} bytes a request`,
    );
  } finally {
    await server.stop();
  }
  const quiet = await startServer({ LOG_LEVEL: 'silent' });
  try {
    const cid = await conferenceOn(quiet.base);
    const silent = report(
      'flat out, LOG_LEVEL=silent',
      await run(quiet.base, cid, (_c, _i, now) => (now >= burstSeconds * 1000 ? undefined : now)),
    );
    console.log(
      `request log cost: flat-out throughput with the log / without = ${(logged.perSecond / silent.perSecond).toFixed(2)}`,
    );
  } finally {
    await quiet.stop();
  }
  const met = paced.perSecond >= 200 && paced.refused === 0 && logged.refused === 0;
  console.log(`target (≥ 200 registrations/s paced, no 429): ${met ? 'met' : 'MISSED'}`);
  if (!met) process.exitCode = 1;
}

await main();
