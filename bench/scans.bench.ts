/**
 * Scans over HTTP (issue 3): how many door scans per second the server
 * acknowledges durably, and at what latency, with 20,000 registrations in the
 * embedded event store.
 *
 *   npm run bench:scans -- [--registrations=20000] [--warmup=1000]
 *     [--connections=10] [--dir=/path] [--json=out.json]
 *     [--durability=normal]   (diagnostic: no fsync per commit; not durable)
 *   BENCH_CHILD_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers.
 *
 * The server runs in a child process (the same createApp as main.ts, on the
 * SQLite store in a fresh DATA_DIR), so that autocannon, in this process,
 * does not share its event loop. Steps:
 *   1. schedule a conference (no ID check, no doors, capacity for everyone);
 *   2. import the registrations as one generated CSV through
 *      `POST .../registrations/import` (timed: the issue asks for seconds);
 *   3. collect the ticket codes (`GET .../registrations?limit=100000`);
 *   4. warm up with the first `--warmup` tickets, then drive
 *      `POST .../scans` with every remaining ticket exactly once (each
 *      request a fresh scanId and the next code), `--connections` at a time;
 *   5. the same load, same bodies, against a Nest app with one POST route
 *      that does no work (its own child process), as the floor;
 *   6. stop the server and count the AttendeeAdmitted events in the store:
 *      they must equal the admitted answers (no acknowledged scan lost).
 *
 * Each scan's append is a SQLite transaction in WAL mode with
 * synchronous=FULL: the answer leaves only once the event is on disk.
 *
 * The ceiling mode (issue 27): the real server at each size, then the bare
 * ceiling server (`bench/ceiling.ts`: node:http + one `BEGIN IMMEDIATE …
 * COMMIT` per scan, same pragmas), each driven by the same driver for the same
 * time, in one run, and the ratios. Beside the rates, each server's CPU time
 * per answered scan (the child's `process.cpuUsage()` around the measured
 * drive): the rates move with whatever else the machine runs, a scan's CPU
 * time much less, so "CPU ratio" (the ceiling's CPU a scan / the server's) is
 * the steadier figure to compare builds with:
 *
 *   npm run build && node dist/bench/scans.bench.js --mode=ceiling
 *     [--sizes=3000,30000,100000] [--seconds=8] [--connections=32] [--warmup-seconds=2] [--dir=/path] [--log]
 *     [--tickets=N] [--rounds=N]
 *
 * Distinct tickets are scanned in turn; past the last one, the scans are
 * refusals (already in). At 3,000 registrations most of a run's scans are
 * then refusals, at 100,000 none: `--tickets=3000` scans the first 3,000 at
 * every size, the same mix everywhere, so that the spread across sizes is the
 * size of the day's alone. `--rounds=N` measures every size and the ceiling
 * N times, alternately, on servers imported once, and compares the medians:
 * the machine's slow spells (a run of the same build moves by up to 20 %)
 * then fall on every size alike.
 *
 * `--log` runs the server with its request log on (LOG_LEVEL=info, as in
 * production), written asynchronously to a file; without it, no log.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore } from '../libs/event-store/src/index.js';
import { AUTH, BENCH_TOKEN, json } from './support.js';

// ------------------------------------------------------------------ config

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const int = (name: string, def: number): number => {
  const v = args.get(name);
  const n = v === undefined ? def : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
};

// ------------------------------------------------------------- the servers

/** Child mode: `--serve=app --data-dir=...` or `--serve=minimal`; tells its URL over IPC, stops on 'stop'. */
async function serve(kind: string): Promise<void> {
  let close: () => Promise<void>;
  let url: string;
  /** The read side's write transactions so far (the app only). */
  let readModelCommits = (): number | undefined => undefined;
  if (kind === 'app') {
    const { createApp } = await import('../apps/server/src/app.js');
    const { loadConfig } = await import('../apps/server/src/config/config.js');
    // `--log`: the request log on, as in production (LOG_LEVEL=info, one JSON line a request, written
    // asynchronously), into a file of the data folder; by default no log at all.
    const logged = args.get('log') === 'true';
    const { default: pino } = await import('pino');
    const app = await createApp(
      loadConfig({
        DATA_DIR: args.get('data-dir')!,
        PORT: '0',
        ADMIN_TOKEN: BENCH_TOKEN,
        // The limiter still counts every scan (its cost is measured), but rounds of a few
        // thousand scans a second would pass the organiser's 30,000 a minute.
        RATE_LIMIT_ORGANISER_PER_MINUTE: '9999999',
        ...(logged ? { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } : {}),
      }),
      logged
        ? { logDestination: pino.destination({ dest: join(args.get('data-dir')!, 'server.log'), sync: false }) }
        : { logger: false },
    );
    if (args.get('durability') === 'normal') {
      // Diagnostic only, never a result to quote as a scan rate: commits
      // without waiting for the disk (WAL, synchronous=NORMAL), to show how
      // much of a scan's time is the fsync. Reaches into the adapter's
      // private handle because the port rightly offers no such switch.
      const { EVENT_STORE } = await import('../apps/server/src/event-store/event-store.module.js');
      // The SQLite store sits behind the personal-data protection (ADR 007).
      type WithDb = { db?: { pragma(sql: string): unknown } };
      const outer = app.get<symbol, WithDb & { inner?: WithDb }>(EVENT_STORE);
      const db = outer.db ?? outer.inner?.db;
      if (!db) throw new Error('--durability=normal needs the SQLite store');
      db.pragma('synchronous = NORMAL');
    }
    const { Projections } = await import('../apps/server/src/projections/projections.js');
    readModelCommits = () => app.get(Projections).writeStats().transactions;
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    close = () => app.close();
  } else if (kind === 'ceiling') {
    const { startCeiling } = await import('./ceiling.js');
    const ceiling = await startCeiling(args.get('data-dir')!);
    url = ceiling.url;
    close = () => ceiling.close();
  } else {
    const { startMinimalNest } = await import('./minimal-nest.js');
    ({ url, close } = await startMinimalNest());
  }
  process.on('message', (m) => {
    if (m === 'stop') void close().then(() => process.exit(0));
    // CPU time so far (user + system, µs): the driver asks before and after a measured drive.
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpu: user + system, readModelCommits: readModelCommits() });
    }
  });
  process.send!({ url: url.replace('[::1]', '127.0.0.1') });
}

interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The child's CPU time so far, in µs (user + system; not the time it waits for the disk), and its read-model commits. */
function cpuOf(child: Child): Promise<{ cpu: number; readModelCommits?: number }> {
  return new Promise((resolve) => {
    const on = (m: { cpu?: number; readModelCommits?: number }) => {
      if (typeof m.cpu !== 'number') return;
      child.process.off('message', on);
      resolve({ cpu: m.cpu, readModelCommits: m.readModelCommits });
    };
    child.process.on('message', on);
    child.process.send('cpu');
  });
}

/** Drives the child for `seconds` and says what each answer cost it in CPU time (µs). */
async function measured(
  child: Child,
  path: string,
  body: () => string,
  connections: number,
  seconds: number,
): Promise<{ r: LoadResult; cpuPerScan: number; commitsPerScan: number | undefined }> {
  const before = await cpuOf(child);
  const r = await driveFor(child.url, path, body, connections, seconds);
  const after = await cpuOf(child);
  const n = Math.max(r.requests, 1);
  return {
    r,
    cpuPerScan: (after.cpu - before.cpu) / n,
    commitsPerScan:
      after.readModelCommits === undefined || before.readModelCommits === undefined
        ? undefined
        : (after.readModelCommits - before.readModelCommits) / n,
  };
}

function startChild(kind: 'app' | 'minimal' | 'ceiling', dataDir?: string): Promise<Child> {
  const childArgs = [`--serve=${kind}`, ...(dataDir ? [`--data-dir=${dataDir}`] : [])];
  if (args.get('durability')) childArgs.push(`--durability=${args.get('durability')}`);
  if (args.get('log') === 'true') childArgs.push('--log');
  const child = fork(fileURLToPath(import.meta.url), childArgs, {
    execArgv: [...process.execArgv, ...(process.env.BENCH_CHILD_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.once('message', (m: { url: string }) => {
      child.removeAllListeners('exit');
      resolve({
        url: m.url,
        process: child,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.send('stop');
          }),
      });
    });
  });
}

// ------------------------------------------------------------------ helpers

const FIRST = ['Anaïs', 'Benoît', 'Céline', 'Denis', 'Élodie', 'François', 'Gaëlle', 'Hélène', 'Jérôme', 'Loïc'];
const LAST = ['Alphandéry', 'Bérard', 'Chevalier', 'Dupré', 'Évrard', 'Lemaître', 'Müller', 'Noël', 'Ørsted', 'Zoé'];
const CATEGORIES = ['participant', 'participant', 'participant', 'speaker', 'press', 'staff', 'official', 'signatory'];

/** A spreadsheet-like export: semicolons, a BOM, CRLF, accents, quoted fields now and then. */
function generateCsv(n: number): string {
  const lines = ['first_name;last_name;email;organisation;category;lunch;photo_consent'];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = `${LAST[Math.floor(i / FIRST.length) % LAST.length]!}-${i}`;
    const organisation = i % 7 === 0 ? '"Coopérative ""Le Lien""; Lyon"' : `Structure ${i % 500}`;
    lines.push(
      [
        first,
        last,
        `person.${i}@example.org`,
        organisation,
        CATEGORIES[i % CATEGORIES.length],
        i % 3 ? 'oui' : 'non',
        'yes',
      ].join(';'),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  admitted: number;
}

/** Drives `path` once per body, `connections` requests in flight at a time. */
async function drive(base: string, path: string, bodies: (() => string)[], connections: number): Promise<LoadResult> {
  let next = 0;
  let admitted = 0;
  // Timed from the first request out to the last answer in: autocannon's own
  // duration ends on its one-second tick, which would skew a 10-second run.
  let first = 0n;
  let last = 0n;
  const result = await autocannon({
    url: base,
    connections,
    pipelining: 1,
    amount: bodies.length,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        headers: { ...AUTH, 'content-type': 'application/json' },
        setupRequest: (req) => {
          if (first === 0n) first = process.hrtime.bigint();
          // Past the last body (never sent, as autocannon stops at `amount`)
          // an empty body would be refused and show up as an error.
          const body = bodies[next++];
          return { ...req, body: body ? body() : '{}' };
        },
        onResponse: (status, body) => {
          last = process.hrtime.bigint();
          if (status === 200 && (body.includes('"result":"admitted"') || body === '{"ok":true}')) admitted++;
        },
      },
    ],
  });
  const seconds = Number(last - first) / 1e9;
  return {
    requests: result.requests.total,
    seconds,
    perSecond: result.requests.total / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    admitted,
  };
}

/** Drives `path` for `seconds`, `connections` requests in flight at a time, each body the next of `body()`. */
async function driveFor(
  base: string,
  path: string,
  body: () => string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  let admitted = 0;
  let first = 0n;
  let last = 0n;
  const result = await autocannon({
    url: base,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        headers: { ...AUTH, 'content-type': 'application/json' },
        setupRequest: (req) => {
          if (first === 0n) first = process.hrtime.bigint();
          return { ...req, body: body() };
        },
        onResponse: (status, text) => {
          last = process.hrtime.bigint();
          if (status === 200 && (text.includes('"result":"admitted"') || text === '{"ok":true}')) admitted++;
        },
      },
    ],
  });
  const elapsed = Number(last - first) / 1e9;
  return {
    requests: result.requests.total,
    seconds: elapsed,
    perSecond: result.requests.total / elapsed,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    admitted,
  };
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

// --------------------------------------------------------------------- main

async function main(): Promise<void> {
  const registrations = int('registrations', 20_000);
  const warmup = int('warmup', 1_000);
  const connections = int('connections', 10);
  if (warmup >= registrations) throw new Error('--warmup must be smaller than --registrations');
  const root = args.get('dir') ?? os.tmpdir();
  if (statSync(root).dev !== statSync(process.cwd()).dev) {
    console.warn(`warning: ${root} is not on the same device as ${process.cwd()}: fsync costs may differ`);
  }
  const dataDir = mkdtempSync(join(root, 'emargement-bench-scans-'));
  console.log(`machine: ${machine()}`);
  console.log(`data: ${dataDir}; ${registrations} registrations, ${warmup} warm-up scans, ${connections} connections`);
  if (args.get('durability') === 'normal') console.log('DIAGNOSTIC RUN: synchronous=NORMAL, appends are NOT durable');
  console.log(
    `load average before the run: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const server = await startChild('app', dataDir);
  let measured: LoadResult;
  let warm: LoadResult;
  let importSeconds: number;
  let importReport: { created: number; duplicates: number; rejected: unknown[] };
  let reimportSeconds: number;
  let codes: string[];
  const cid = randomUUID();
  try {
    const api = `${server.url}/api/conferences`;
    await json('POST', api, {
      conferenceId: cid,
      name: 'Banc d’essai des scans',
      venue: 'Salle des machines',
      startsAt: '2026-01-15T09:00:00+01:00',
      endsAt: '2026-01-15T18:00:00+01:00',
      timezone: 'Europe/Paris',
      capacity: registrations,
      idCheckRequired: false,
    });
    const csv = generateCsv(registrations);
    let t0 = performance.now();
    importReport = await json('POST', `${api}/${cid}/registrations/import`, csv, 'text/csv');
    importSeconds = (performance.now() - t0) / 1000;
    if (importReport.created !== registrations) throw new Error(`import created ${importReport.created}`);
    t0 = performance.now();
    const again = await json<{ created: number }>('POST', `${api}/${cid}/registrations/import`, csv, 'text/csv');
    reimportSeconds = (performance.now() - t0) / 1000;
    if (again.created !== 0) throw new Error(`re-import created ${again.created}`);
    console.log(
      `import: ${registrations} rows in ${importSeconds.toFixed(2)} s (${Math.round(registrations / importSeconds)} rows/s); ` +
        `the same file again: ${reimportSeconds.toFixed(2)} s, nothing created`,
    );

    const list = await json<{ items: { ticketCode: string; status: string }[] }>(
      'GET',
      `${api}/${cid}/registrations?limit=100000`,
    );
    codes = list.items.filter((r) => r.status === 'registered').map((r) => r.ticketCode);
    if (codes.length !== registrations) throw new Error(`${codes.length} registered tickets`);

    const scanBodies = (slice: string[]) =>
      slice.map((ticketCode) => () => JSON.stringify({ scanId: randomUUID(), ticketCode, door: 'Accueil' }));
    warm = await drive(server.url, `/api/conferences/${cid}/scans`, scanBodies(codes.slice(0, warmup)), connections);
    measured = await drive(server.url, `/api/conferences/${cid}/scans`, scanBodies(codes.slice(warmup)), connections);
  } finally {
    await server.stop();
  }

  // The floor: the same bodies to a Nest route that does nothing.
  const minimal = await startChild('minimal');
  let floor: LoadResult;
  try {
    const bodies = codes.map(
      (ticketCode) => () => JSON.stringify({ scanId: randomUUID(), ticketCode, door: 'Accueil' }),
    );
    await drive(minimal.url, '/api/noop', bodies.slice(0, warmup), connections);
    floor = await drive(minimal.url, '/api/noop', bodies.slice(warmup), connections);
  } finally {
    await minimal.stop();
  }

  // No acknowledged scan lost: the store holds exactly one admission per admitted answer.
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
  const stored = (await store.readAll({ filter: { filterOn: 'eventType', prefixes: ['AttendeeAdmitted'] } })).filter(
    (e) => e.type === 'AttendeeAdmitted',
  ).length;
  await store.close();
  const answered = warm.admitted + measured.admitted;
  console.log(
    `AttendeeAdmitted events stored: ${stored}; admitted answers: ${answered} (${stored === answered ? 'equal' : 'MISMATCH'})`,
  );

  const row = (name: string, r: LoadResult) =>
    `| ${name} | ${r.requests} | ${r.seconds.toFixed(1)} | ${Math.round(r.perSecond)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.non2xx + r.errors + r.timeouts} |`;
  const table2 = [
    '| endpoint | requests | s | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    row(
      `\`POST /api/conferences/:cid/scans\` (${args.get('durability') === 'normal' ? 'NOT durable: diagnostic' : 'durable'})`,
      measured,
    ),
    row('minimal Nest `POST /api/noop` ({ok:true})', floor),
  ].join('\n');
  console.log(`\n${table2}\n`);
  console.log(
    `scan path / floor: throughput ×${(measured.perSecond / floor.perSecond).toFixed(2)}, ` +
      `p50 ×${(measured.p50 / Math.max(floor.p50, 1)).toFixed(1)}, p99 ×${(measured.p99 / Math.max(floor.p99, 1)).toFixed(1)}`,
  );
  const target = measured.perSecond >= 1000 && measured.p99 < 50;
  console.log(`target (≥ 1,000 scans/s, p99 < 50 ms): ${target ? 'met' : 'MISSED'}`);

  const out = args.get('json');
  if (out) {
    writeFileSync(
      out,
      JSON.stringify(
        {
          machine: machine(),
          registrations,
          warmup,
          connections,
          importSeconds,
          reimportSeconds,
          warm,
          measured,
          floor,
          stored,
          answered,
        },
        null,
        2,
      ),
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (stored !== answered || measured.non2xx + measured.errors + measured.timeouts > 0) process.exitCode = 1;
}

/**
 * Issue 27's measure: scans/s and p99 of the real server at each size (one
 * import each, distinct tickets in turn, `--connections` scanners for
 * `--seconds`), and of the bare ceiling, in one run, with the ratios.
 */
const CEILING = 'ceiling (bench/ceiling.ts)';

async function mainCeiling(): Promise<void> {
  const sizes = (args.get('sizes') ?? '3000,30000,100000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes must be positive integers');
  const seconds = int('seconds', 8);
  const warmupSeconds = int('warmup-seconds', 2);
  const connections = int('connections', 32);
  const ticketsInTurn = args.has('tickets') ? int('tickets', 0) : undefined;
  const root = args.get('dir') ?? os.tmpdir();
  console.log(`machine: ${machine()}`);
  console.log(
    `load average before the run: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `${connections} scanners, ${warmupSeconds} s warm-up then ${seconds} s each; sizes ${sizes.join(', ')}` +
      (ticketsInTurn === undefined ? '; every ticket in turn' : `; the first ${ticketsInTurn} tickets in turn`),
  );
  const rounds = int('rounds', 1);
  if (rounds < 1) throw new Error('--rounds must be at least 1');
  type Measure = { r: LoadResult; cpuPerScan: number; commitsPerScan: number | undefined };
  const results = new Map<string, Measure[]>();
  const note = (name: string, m: Measure) => results.set(name, [...(results.get(name) ?? []), m]);

  // Every size's server is started and imported first, then measured in rounds, the ceiling too:
  // with `--rounds=N`, each size and the ceiling are measured N times, alternately, and the medians
  // compared, so that a slow spell of the machine falls on every size alike.
  const targets: { name: string; stop: () => Promise<void>; measure: () => Promise<Measure> }[] = [];
  try {
    for (const size of sizes) {
      const dataDir = mkdtempSync(join(root, 'emargement-bench-ceiling-app-'));
      const server = await startChild('app', dataDir);
      const stop = async () => {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      };
      try {
        const cid = randomUUID();
        const api = `${server.url}/api/conferences`;
        await json('POST', api, {
          conferenceId: cid,
          name: 'Banc d’essai du plafond',
          venue: 'Salle des machines',
          startsAt: '2026-01-15T09:00:00+01:00',
          endsAt: '2026-01-15T18:00:00+01:00',
          timezone: 'Europe/Paris',
          capacity: size,
          idCheckRequired: false,
        });
        const t0 = performance.now();
        const report = await json<{ created: number }>(
          'POST',
          `${api}/${cid}/registrations/import`,
          generateCsv(size),
          'text/csv',
        );
        if (report.created !== size) throw new Error(`import created ${report.created}`);
        console.log(`${size}: imported in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
        const list = await json<{ items: { ticketCode: string }[] }>(
          'GET',
          `${api}/${cid}/registrations?limit=${size}`,
        );
        // `--tickets=N`: the first N tickets only, at every size, so that every size sees the same mix of
        // admissions and refusals and only the size of the day differs.
        const codes = list.items.map((r) => r.ticketCode).slice(0, ticketsInTurn ?? size);
        // Distinct tickets in turn: past the last one, scans are refusals (already in), still one event each.
        let next = 0;
        const body = () =>
          JSON.stringify({ scanId: randomUUID(), ticketCode: codes[next++ % codes.length], door: 'Accueil' });
        const path = `/api/conferences/${cid}/scans`;
        targets.push({
          name: `server, ${size} registrations`,
          stop,
          measure: async () => {
            if (warmupSeconds > 0) await driveFor(server.url, path, body, connections, warmupSeconds);
            return measured(server, path, body, connections, seconds);
          },
        });
      } catch (error) {
        await stop();
        throw error;
      }
    }
    const ceilingDir = mkdtempSync(join(root, 'emargement-bench-ceiling-'));
    const ceiling = await startChild('ceiling', ceilingDir);
    const bareBody = () => JSON.stringify({ scanId: randomUUID(), ticketCode: randomUUID(), door: 'Accueil' });
    targets.push({
      name: CEILING,
      stop: async () => {
        await ceiling.stop();
        rmSync(ceilingDir, { recursive: true, force: true });
      },
      measure: async () => {
        if (warmupSeconds > 0) await driveFor(ceiling.url, '/scans', bareBody, connections, warmupSeconds);
        return measured(ceiling, '/scans', bareBody, connections, seconds);
      },
    });
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) note(target.name, await target.measure());
    }
  } finally {
    for (const target of targets) await target.stop();
  }

  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  /** One row: the median of each figure over the rounds (the figures of the one round when there is one). */
  const summary = (ms: Measure[]) => ({
    perSecond: median(ms.map((m) => m.r.perSecond)),
    p50: median(ms.map((m) => m.r.p50)),
    p99: median(ms.map((m) => m.r.p99)),
    failed: ms.reduce((n, m) => n + m.r.non2xx + m.r.errors + m.r.timeouts, 0),
    cpuPerScan: median(ms.map((m) => m.cpuPerScan)),
    commitsPerScan: ms.every((m) => m.commitsPerScan !== undefined)
      ? median(ms.map((m) => m.commitsPerScan!))
      : undefined,
  });
  const bare = summary(results.get(CEILING)!);
  const servers = [...results].filter(([name]) => name !== CEILING).map(([name, ms]) => ({ name, ...summary(ms) }));
  const lines = [
    '| | scans/s | p50 ms | p99 ms | errors | ratio to the ceiling | p99 × the ceiling’s | CPU µs a scan | CPU ratio | read-model commits a scan |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...servers.map(
      (x) =>
        `| ${x.name} | ${Math.round(x.perSecond)} | ${x.p50} | ${x.p99} | ${x.failed} | ` +
        `${(x.perSecond / bare.perSecond).toFixed(2)} | ${(x.p99 / Math.max(bare.p99, 1)).toFixed(2)} | ` +
        `${Math.round(x.cpuPerScan)} | ${(bare.cpuPerScan / x.cpuPerScan).toFixed(2)} | ${x.commitsPerScan?.toFixed(3) ?? ''} |`,
    ),
    `| ${CEILING} | ${Math.round(bare.perSecond)} | ${bare.p50} | ${bare.p99} | ${bare.failed} | 1 | 1 | ${Math.round(bare.cpuPerScan)} | 1 | |`,
  ];
  if (rounds > 1) {
    console.log(`\nscans/s in each of ${rounds} rounds (the table gives each figure's median):`);
    for (const [name, ms] of results) console.log(`  ${name}: ${ms.map((m) => Math.round(m.r.perSecond)).join(', ')}`);
  }
  console.log(`\n${lines.join('\n')}\n`);
  const rates = servers.map((x) => x.perSecond);
  const spread = (Math.max(...rates) - Math.min(...rates)) / Math.max(...rates);
  console.log(`spread of scans/s across sizes: ${(spread * 100).toFixed(1)} % (target: within 10 %)`);
  console.log(
    `load average after the run: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if ([...results.values()].flat().some(({ r }) => r.non2xx + r.errors + r.timeouts > 0)) process.exitCode = 1;
}

const serveKind = args.get('serve');
if (serveKind) {
  void serve(serveKind);
} else {
  (args.get('mode') === 'ceiling' ? mainCeiling() : main()).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
