/**
 * Rate limits that fit their users (issue 16): an organiser's integration
 * pushing sign-ups is not refused at integration pace.
 *
 *   npm run bench:rate-limit -- [--callers=8] [--rate=250] [--seconds=20] [--burst-seconds=10] [--rounds=4] [--data-root=/dev/shm]
 *
 * The real built server (`node dist/apps/server/src/main.js`, the default
 * limits, JSON request log at `info` drained from its stdout) on a fresh
 * SQLite DATA_DIR, in a child process; this process is the integration:
 *   1. flat out: `--callers` organiser callers (the one ADMIN_TOKEN, one
 *      address), each sending its next registration as soon as the last is
 *      answered, for `--burst-seconds` in `--rounds` rounds alternated with
 *      the same on a second server started with LOG_LEVEL=silent, so the
 *      request log's own cost shows as a ratio measured in this run;
 *   2. paced: the same callers share `--rate` registrations a second for
 *      `--seconds` (time-boxed: a slower server is measured at its own rate).
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
/** Where the servers' DATA_DIRs go: the default temporary directory (a disk), or e.g. /dev/shm to take fsync out. */
const dataRoot = args.get('data-root') ?? os.tmpdir();
/** Another build's main.js (e.g. the commit before issue 16) to compare the cost of a request's way through the stack. */
const compare = args.get('compare');

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

async function startServer(env: Record<string, string>, main = MAIN): Promise<Server> {
  const dataDir = mkdtempSync(join(dataRoot, 'emargement-bench-rate-'));
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
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
      if (child.exitCode !== null || child.signalCode !== null) return;
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

const rounds = Number(args.get('rounds') ?? 4);

/**
 * `GET /api/me` flat out, alternated between this build and `other`: the
 * lightest authenticated request, so the ratio is the worst case of what the
 * stack around a handler (headers, CORS, limits, the request log) costs.
 */
async function compareStacks(other: string): Promise<void> {
  const mine = await startServer({});
  const theirs = await startServer({}, resolve(other));
  try {
    const me = async (base: string, tally: Tally) => {
      const started = performance.now();
      const res = await fetch(`${base}/api/me`, { headers: AUTH });
      await res.arrayBuffer();
      tally.latencies.push(performance.now() - started);
      tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
    };
    const flat = async (base: string): Promise<Tally> => {
      const tally: Tally = { statuses: new Map(), latencies: [], elapsedMs: 0 };
      const start = performance.now();
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (performance.now() - start < (burstSeconds * 1000) / rounds) await me(base, tally);
        }),
      );
      tally.elapsedMs = performance.now() - start;
      return tally;
    };
    const a: Tally[] = [];
    const b: Tally[] = [];
    for (let round = 0; round < rounds; round++) {
      a.push(await flat(mine.base));
      b.push(await flat(theirs.base));
    }
    const rateOf = (ts: Tally[]) =>
      ts.reduce((n, t) => n + (t.statuses.get(200) ?? 0), 0) / (ts.reduce((n, t) => n + t.elapsedMs, 0) / 1000);
    const p50 = (ts: Tally[]) =>
      percentile(
        ts.flatMap((t) => t.latencies),
        50,
      );
    console.log(
      `GET /api/me flat out: this build ${rateOf(a).toFixed(0)}/s (p50 ${p50(a).toFixed(1)} ms), ` +
        `${other} ${rateOf(b).toFixed(0)}/s (p50 ${p50(b).toFixed(1)} ms); ratio ${(rateOf(a) / rateOf(b)).toFixed(2)}`,
    );
  } finally {
    await mine.stop();
    await theirs.stop();
  }
}
/** One flat-out round lasts a `rounds`th of `--burst-seconds`. */
const flatOut = (_c: number, _i: number, now: number) => (now >= (burstSeconds * 1000) / rounds ? undefined : now);

async function main(): Promise<void> {
  console.log(
    `rate-limit bench: ${callers} organiser callers, flat out for ${burstSeconds} s with and without the request log, ` +
      `then paced at ${rate}/s for ${seconds} s; DATA_DIR under ${dataRoot}; node ${process.version}, ` +
      `${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  // Both flat-out runs on a fresh server each, one after the other, so that their ratio compares like with like.
  const server = await startServer({});
  const quiet = await startServer({ LOG_LEVEL: 'silent' });
  let paced: { perSecond: number; refused: number };
  let logged: { perSecond: number; refused: number };
  try {
    const cid = await conferenceOn(server.base);
    const quietCid = await conferenceOn(quiet.base);
    // Alternated (with the log, without, with, without, ...), so that warming up and the machine's load swings
    // fall on both alike.
    const withLog: Tally = { statuses: new Map(), latencies: [], elapsedMs: 0 };
    const withoutLog: Tally = { statuses: new Map(), latencies: [], elapsedMs: 0 };
    const add = (into: Tally, t: Tally) => {
      for (const [status, n] of t.statuses) into.statuses.set(status, (into.statuses.get(status) ?? 0) + n);
      into.latencies.push(...t.latencies);
      into.elapsedMs += t.elapsedMs;
    };
    const before = server.logBytes();
    for (let round = 0; round < rounds; round++) {
      add(withLog, await run(server.base, cid, flatOut));
      add(withoutLog, await run(quiet.base, quietCid, flatOut));
    }
    logged = report('flat out, request log at info', withLog);
    console.log(
      `request log: ${((server.logBytes() - before) / Math.max(1, withLog.latencies.length)).toFixed(0)} bytes a request`,
    );
    const silent = report('flat out, LOG_LEVEL=silent', withoutLog);
    console.log(
      `request log cost: flat-out throughput with the log / without = ${(logged.perSecond / silent.perSecond).toFixed(2)}`,
    );
    await quiet.stop();
    // Each caller every `interval` ms, the callers spread evenly within it.
    const interval = (1000 * callers) / rate;
    const pacedTally = await run(server.base, cid, (caller, i, now) => {
      const at = i * interval + (caller * interval) / callers;
      // Time-boxed: a server slower than the pace is measured at its own rate, not waited for.
      return at >= seconds * 1000 || now >= seconds * 1000 ? undefined : at;
    });
    paced = report(`paced (${rate}/s asked)`, pacedTally);
  } finally {
    await server.stop();
    await quiet.stop();
  }
  if (compare !== undefined) await compareStacks(compare);
  const met = paced.perSecond >= 200 && paced.refused === 0 && logged.refused === 0;
  console.log(`target (≥ 200 registrations/s paced, no 429): ${met ? 'met' : 'MISSED'}`);
  if (!met) process.exitCode = 1;
}

await main();
