/**
 * Live attendance (issue 5): the socket.io feed under load, and the time to
 * rebuild the projections from a million events.
 *
 *   npm run bench:attendance -- [--clients=1000] [--rate=100] [--seconds=30]
 *     [--events=1000000] [--only=feed,rebuild] [--dir=/path] [--gen-dir=/dev/shm]
 *     [--store=/path/events.sqlite (generate once and keep, or reuse)] [--json=out.json]
 *
 * Feed. The server runs in a child process (the same createApp as main.ts,
 * on the SQLite store in a fresh DATA_DIR); this process holds the clients
 * and the load. Steps:
 *   1. schedule a conference, import `rate × seconds` registrations (CSV);
 *   2. connect `--clients` socket.io clients to `/attendance` (websocket
 *      transport, one connection each) and wait for every `snapshot`;
 *   3. admit the registrations at `--rate` per second (open loop: request i
 *      leaves at t0 + i/rate whatever the answers), each `POST .../scans`
 *      timed to its acknowledgement;
 *   4. wait until every client holds the final count;
 *   5. read each admission's `$all` position from the store file; for every
 *      admission and every client, the delay is from the admission's HTTP
 *      acknowledgement to the first message at that client whose position is
 *      at or past the admission's (the first message that includes it).
 *      A client that never got such a message lost that update;
 *   6. every client's last message must equal `GET .../attendance`.
 * The server's CPU (process.cpuUsage) and memory (process.memoryUsage,
 * sampled every 500 ms) are reported by the child over IPC.
 *
 * Rebuild. `--events` events (a day of 20 conferences: registrations in
 * import-sized appends, then each ticket's scans, refusals, undos and lunch
 * payments in its own stream, and charter signatures) are appended with
 * SqliteEventStore to a fresh file in `--gen-dir` (default /dev/shm when it
 * exists: appends there skip the disk's fsync, which only speeds up the
 * generation; the events are the same), then `rebuildProjections` (what
 * `npm run projections:rebuild` runs) rebuilds a fresh read-models file in
 * `--dir` (on disk) from that store, timed. For scale, the store's bare
 * catch-up (subscription, no projection) over the same file is timed too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { SqliteEventStore, type EventData } from '../libs/event-store/src/index.js';
import { rebuildProjections } from '../apps/server/src/projections/rebuild/rebuild-projections.js';
import { BENCH_TOKEN, json } from './support.js';

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
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

// --------------------------------------------------------------- the server

interface ServerStats {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
}

/** Child mode: `--serve --data-dir=...`; tells its URL over IPC, answers 'stats', stops on 'stop'. */
async function serve(): Promise<void> {
  const { createApp } = await import('../apps/server/src/app.js');
  const { loadConfig } = await import('../apps/server/src/config/config.js');
  const app = await createApp(loadConfig({ DATA_DIR: args.get('data-dir')!, PORT: '0', ADMIN_TOKEN: BENCH_TOKEN }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  process.on('message', (m) => {
    if (m === 'stop') void app.close().then(() => process.exit(0));
    if (m === 'stats') {
      process.send!({ stats: { cpu: process.cpuUsage(), memory: process.memoryUsage() } satisfies ServerStats });
    }
  });
  process.send!({ url });
}

interface Child {
  url: string;
  process: ChildProcess;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

function startServer(dataDir: string): Promise<Child> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', `--data-dir=${dataDir}`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.once('message', (m: { url: string }) => {
      child.removeAllListeners('exit');
      resolve({
        url: m.url,
        process: child,
        stats: () =>
          new Promise((done) => {
            const on = (msg: { stats?: ServerStats }) => {
              if (!msg.stats) return;
              child.off('message', on);
              done(msg.stats);
            };
            child.on('message', on);
            child.send('stats');
          }),
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

const CATEGORIES = ['participant', 'participant', 'participant', 'speaker', 'press', 'staff', 'official', 'signatory'];

const quantile = (sorted: Float64Array, q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const ms = (n: number): string => (Number.isNaN(n) ? '-' : n.toFixed(1));
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

const loadavg = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

// --------------------------------------------------------------------- feed

interface Received {
  /** performance.now() at arrival, and the message's position. */
  times: number[];
  positions: bigint[];
  updates: number;
  last: unknown;
  done: boolean;
}

interface FeedResult {
  clients: number;
  admissions: number;
  rate: number;
  seconds: number;
  sendSeconds: number;
  ackLatency: { p50: number; p99: number; max: number };
  delay: { p50: number; p99: number; max: number; samples: number; beforeAck: number };
  lost: number;
  mismatched: number;
  /** Size of one message's body (the final snapshot) as JSON. */
  snapshotBytes: number;
  updatesPerClient: { mean: number; max: number; maxPerSecond: number };
  server: { cpuPercent: number; rssMaxMiB: number; heapUsedMaxMiB: number; rssAfterMiB: number };
  client: { cpuPercent: number; eventLoopDelayP99: number };
}

async function feed(root: string): Promise<FeedResult> {
  const clients = int('clients', 1000);
  const rate = int('rate', 100);
  const seconds = int('seconds', 30);
  const admissions = rate * seconds;
  const dataDir = mkdtempSync(join(root, 'emargement-bench-attendance-'));
  console.log(`feed: ${clients} clients, ${rate} admissions/s for ${seconds} s; data ${dataDir}`);
  console.log(`load average before: ${loadavg()}`);
  const server = await startServer(dataDir);
  const sockets: Socket[] = [];
  try {
    const api = `${server.url}/api/conferences`;
    const cid = randomUUID();
    await json('POST', api, {
      conferenceId: cid,
      name: 'Banc d’essai du tableau de bord',
      venue: 'Salle des machines',
      startsAt: '2026-01-15T09:00:00+01:00',
      endsAt: '2026-01-15T18:00:00+01:00',
      timezone: 'Europe/Paris',
      capacity: admissions,
      idCheckRequired: false,
      lunch: { priceCents: 1500, currency: 'EUR' },
      doors: ['Accueil A', 'Accueil B', 'Accueil C'],
    });
    const lines = ['first_name,last_name,email,organisation,category,lunch,photo_consent'];
    for (let i = 0; i < admissions; i++) {
      lines.push(
        `Prénom${i},Nom${i},p${i}@example.org,Structure ${i % 40},${CATEGORIES[i % CATEGORIES.length]},${i % 3 ? 'oui' : 'non'},non`,
      );
    }
    await json('POST', `${api}/${cid}/registrations/import`, lines.join('\n'), 'text/csv');
    const list = await json<{ items: { registrationId: string }[] }>('GET', `${api}/${cid}/registrations?limit=100000`);
    const ids = list.items.map((r) => r.registrationId);
    if (ids.length !== admissions) throw new Error(`${ids.length} registrations`);

    // Clients: one websocket each, connected 50 at a time.
    const received: Received[] = [];
    let done = 0;
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const t = performance.now();
    for (let i = 0; i < clients; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, clients - i) }, () => {
          const r: Received = { times: [], positions: [], updates: 0, last: undefined, done: false };
          received.push(r);
          const socket = io(`${server.url}/attendance`, {
            auth: { token: BENCH_TOKEN, conferenceId: cid },
            // The token on the engine.io handshake too: counted on the device, not on the address (issue 27).
            extraHeaders: { authorization: `Bearer ${BENCH_TOKEN}` },
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
          });
          sockets.push(socket);
          const on = (update: boolean) => (body: { position: string; present: number }) => {
            r.times.push(performance.now());
            r.positions.push(BigInt(body.position));
            if (update) r.updates += 1;
            r.last = body;
            if (!r.done && body.present === admissions) {
              r.done = true;
              done += 1;
              if (done === clients) allDone();
            }
          };
          socket.on('update', on(true));
          return new Promise<void>((resolve, reject) => {
            socket.once('connect_error', reject);
            socket.once('snapshot', (body: { position: string; present: number }) => {
              on(false)(body);
              resolve();
            });
          });
        }),
      );
    }
    console.log(`${clients} clients connected with their snapshot in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // Load: open loop, request i at t0 + i / rate.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const memory: NodeJS.MemoryUsage[] = [];
    const sampler = setInterval(() => void server.stats().then((s) => memory.push(s.memory)), 500);
    const cpu0 = await server.stats();
    const clientCpu0 = process.cpuUsage();
    const sent = new Float64Array(admissions);
    const acked = new Float64Array(admissions);
    const doors = ['Accueil A', 'Accueil B', 'Accueil C'];
    const interval = 1000 / rate;
    const t0 = performance.now() + 20;
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < admissions; i++) {
      const wait = t0 + i * interval - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      sent[i] = performance.now();
      inflight.push(
        json<{ result: string }>('POST', `${api}/${cid}/scans`, {
          scanId: randomUUID(),
          registrationId: ids[i],
          door: doors[i % doors.length],
        }).then((answer) => {
          acked[i] = performance.now();
          if (answer.result !== 'admitted') throw new Error(`scan ${i}: ${answer.result}`);
        }),
      );
    }
    await Promise.all(inflight);
    const sendSeconds = (performance.now() - t0) / 1000;

    // Every client ends with the final count (or the deadline passes: what is missing is lost).
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((resolve) => (deadline = setTimeout(resolve, 15_000)))]);
    clearTimeout(deadline);
    const cpu1 = await server.stats();
    const clientCpu = process.cpuUsage(clientCpu0);
    const wall = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    loop.disable();
    const snapshot = await json<unknown>('GET', `${api}/${cid}/attendance`);
    const mismatched = received.filter((r) => !isDeepStrictEqual(r.last, snapshot)).length;

    // Each admission's position, from the store file (read by a second connection, as a second process would).
    const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    const admitted = (await store.readAll({ filter: { filterOn: 'eventType', prefixes: ['AttendeeAdmitted'] } }))
      .filter((e) => e.type === 'AttendeeAdmitted')
      .map((e) => [(e.data as { registrationId: string }).registrationId, e.position] as const);
    await store.close();
    const positionOf = new Map(admitted);

    const delays = new Float64Array(admissions * clients);
    let n = 0;
    let lost = 0;
    let beforeAck = 0;
    for (const r of received) {
      for (let i = 0; i < admissions; i++) {
        const p = positionOf.get(ids[i]!);
        if (p === undefined) throw new Error(`no AttendeeAdmitted for ${ids[i]}`);
        // First message at or past p (positions only grow: binary search).
        let lo = 0;
        let hi = r.positions.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (r.positions[mid]! >= p) hi = mid;
          else lo = mid + 1;
        }
        if (lo === r.positions.length) {
          lost += 1;
          continue;
        }
        const d = r.times[lo]! - acked[i]!;
        if (d < 0) beforeAck += 1;
        delays[n++] = Math.max(0, d);
      }
    }
    const sorted = delays.subarray(0, n).sort();
    const acks = Float64Array.from(acked, (a, i) => a - sent[i]!).sort();
    const perSecond = received.map((r) => {
      const buckets = new Map<number, number>();
      for (const time of r.times) buckets.set(Math.floor(time / 1000), (buckets.get(Math.floor(time / 1000)) ?? 0) + 1);
      return Math.max(...buckets.values());
    });
    const updates = received.map((r) => r.updates);
    return {
      clients,
      admissions,
      rate,
      seconds,
      sendSeconds,
      ackLatency: { p50: quantile(acks, 0.5), p99: quantile(acks, 0.99), max: quantile(acks, 1) },
      delay: {
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        max: quantile(sorted, 1),
        samples: n,
        beforeAck,
      },
      lost,
      mismatched,
      snapshotBytes: Buffer.byteLength(JSON.stringify(snapshot)),
      updatesPerClient: {
        mean: updates.reduce((a, b) => a + b, 0) / updates.length,
        max: Math.max(...updates),
        maxPerSecond: Math.max(...perSecond),
      },
      server: {
        cpuPercent:
          (100 * (cpu1.cpu.user - cpu0.cpu.user + cpu1.cpu.system - cpu0.cpu.system)) / 1e6 / Math.max(wall, 1e-9),
        rssMaxMiB: Number(mib(Math.max(...memory.map((m) => m.rss), cpu1.memory.rss))),
        heapUsedMaxMiB: Number(mib(Math.max(...memory.map((m) => m.heapUsed), cpu1.memory.heapUsed))),
        rssAfterMiB: Number(mib(cpu1.memory.rss)),
      },
      client: {
        cpuPercent: (100 * (clientCpu.user + clientCpu.system)) / 1e6 / wall,
        eventLoopDelayP99: loop.percentile(99) / 1e6,
      },
    };
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ rebuild

/** A day of 20 conferences, appended until `total` events. */
async function generate(file: string, total: number): Promise<{ events: number; appends: number; bytes: number }> {
  const store = SqliteEventStore.open(file);
  let events = 0;
  let appends = 0;
  const append = async (stream: string, batch: { type: string; data: unknown }[]) => {
    const room = Math.min(batch.length, total - events);
    if (room <= 0) return;
    const data: EventData[] = batch.slice(0, room).map((e) => ({
      id: randomUUID(),
      type: e.type,
      data: e.data,
      metadata: { actor: { deviceId: 'bench', role: null }, deviceId: 'bench', correlationId: randomUUID() },
    }));
    await store.appendToStream(stream, data);
    events += data.length;
    appends += 1;
  };
  const conferences = 20;
  // About 2.6 events per registration (itself, its admission, some refusals,
  // undos and payments): a little more than enough, cut at `total`.
  const perConference = Math.ceil(total / conferences / 2.5);
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 15, 8, 0) + minutes * 60_000).toISOString();
  try {
    for (let c = 0; c < conferences && events < total; c++) {
      const conferenceId = randomUUID();
      await append(`conference-${conferenceId}`, [
        {
          type: 'ConferenceScheduled',
          data: {
            conferenceId,
            name: `Conférence ${c}`,
            venue: 'Paris',
            startsAt: at(30),
            endsAt: at(540),
            timezone: 'Europe/Paris',
            capacity: perConference,
            idCheckRequired: true,
            lunch: { priceCents: 1500, currency: 'EUR' },
            doors: ['Accueil A', 'Accueil B'],
            scheduledAt: at(-100_000),
          },
        },
      ]);
      const people = Array.from({ length: perConference }, (_, i) => ({ registrationId: randomUUID(), i }));
      for (let k = 0; k < people.length; k += 1000) {
        await append(
          `conference-${conferenceId}`,
          people.slice(k, k + 1000).map(({ registrationId, i }) => ({
            type: 'PersonRegistered',
            data: {
              conferenceId,
              registrationId,
              ticketCode: randomUUID().replace(/-/g, ''),
              person: {
                firstName: `Prénom${i}`,
                lastName: `Nom${i}`,
                email: `p${i}.${c}@example.org`,
                organisation: `Structure ${i % 300}`,
              },
              category: CATEGORIES[i % CATEGORIES.length],
              lunch: i % 3 !== 0,
              photoConsent: false,
              source: 'import',
              registeredAt: at(-50_000),
            },
          })),
        );
      }
      for (const { registrationId, i } of people) {
        if (events >= total) break;
        const scan = (n: number) => ({
          conferenceId,
          registrationId,
          scanId: randomUUID(),
          door: n % 2 ? 'Accueil A' : 'Accueil B',
          deviceId: 'bench',
          scannedAt: at(30 + ((i * 7 + n) % 240)),
          idCheck: { document: 'national_id', nameMatches: true },
        });
        const first = scan(i);
        const ticket: { type: string; data: unknown }[] = [{ type: 'AttendeeAdmitted', data: first }];
        if (i % 5 === 0) {
          ticket.push({
            type: 'EntryRefused',
            data: { ...scan(i + 1), reason: 'already_checked_in', previous: { at: first.scannedAt, door: first.door } },
          });
        }
        if (i % 50 === 0) {
          ticket.push({
            type: 'AdmissionUndone',
            data: {
              conferenceId,
              registrationId,
              scanId: first.scanId,
              reason: 'wrong ticket',
              deviceId: 'bench',
              undoneAt: at(300),
            },
          });
          ticket.push({ type: 'AttendeeAdmitted', data: scan(i + 2) });
        }
        if (i % 3 === 0) {
          ticket.push({
            type: 'LunchPaid',
            data: {
              conferenceId,
              registrationId,
              paymentId: randomUUID(),
              amountCents: 1500,
              currency: 'EUR',
              method: 'card',
              deviceId: 'bench',
              paidAt: at(200),
            },
          });
        }
        await append(`ticket-${registrationId}`, ticket);
      }
      const charterId = randomUUID();
      await append(`charter-${charterId}`, [
        {
          type: 'CharterPublished',
          data: {
            charterId,
            conferenceId,
            title: 'Charte',
            text: '# Charte',
            textSha256: '0'.repeat(64),
            publishedAt: at(0),
          },
        },
        ...people
          .filter(({ i }) => i % CATEGORIES.length === 7)
          .slice(0, 100)
          .map(({ registrationId, i }, k) => ({
            type: 'CharterSigned',
            data: {
              charterId,
              conferenceId,
              sequence: k + 1,
              signatureId: randomUUID(),
              registrationId,
              name: `Prénom${i} Nom${i}`,
              nameSalt: 'salt',
              nameSha256: '1'.repeat(64),
              onBehalfOf: `Structure ${i % 300}`,
              admission: { scanId: null, at: at(60), door: 'Accueil A' },
              textSha256: '0'.repeat(64),
              consent: { wording: 'Je signe.', givenAt: at(400) },
              strokes: [[{ x: 1, y: 2, time: 0 }]],
              canvas: { width: 600, height: 240, devicePixelRatio: 2 },
              strokesSha256: '2'.repeat(64),
              image: `data:image/png;base64,${'A'.repeat(2000)}`,
              imageSha256: '3'.repeat(64),
              signedAt: at(400 + k),
              deviceSignedAt: null,
              kiosk: 'Tablette',
              userAgent: null,
              previousHash: '4'.repeat(64),
              hash: '5'.repeat(64),
            },
          })),
      ]);
    }
  } finally {
    await store.close();
  }
  if (events < total) throw new Error(`generated only ${events} events`);
  return { events, appends, bytes: statSync(file).size };
}

interface RebuildResult {
  events: number;
  storeMiB: number;
  generateSeconds: number;
  catchUpSeconds: number;
  /** CPU (user + system) of this process over the bare catch-up: steadier than the wall clock on a busy machine. */
  catchUpCpuSeconds: number;
  rebuildSeconds: number;
  rebuildCpuSeconds: number;
  eventsPerSecond: number;
  rssAfterMiB: number;
  readModelsMiB: number;
}

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

async function rebuild(root: string): Promise<RebuildResult> {
  const total = int('events', 1_000_000);
  const genRoot = args.get('gen-dir') ?? (existsSync('/dev/shm') ? '/dev/shm' : root);
  const genDir = mkdtempSync(join(genRoot, 'emargement-bench-events-'));
  const outDir = mkdtempSync(join(root, 'emargement-bench-rebuild-'));
  // --store=<file>: generate into that file and keep it, or reuse it if it is there.
  const kept = args.get('store');
  try {
    const file = kept ?? join(genDir, 'events.sqlite');
    let t = performance.now();
    let generated: { events: number; appends: number; bytes: number };
    if (kept && existsSync(kept)) {
      const store = SqliteEventStore.open(kept);
      const events = (await store.readAll({ direction: 'backwards', maxCount: 1 }))[0]?.position ?? 0n;
      await store.close();
      generated = { events: Number(events), appends: 0, bytes: statSync(kept).size };
      console.log(`rebuild: reusing ${kept} (${generated.events} events)`);
    } else {
      console.log(`rebuild: generating ${total} events into ${file}`);
      generated = await generate(file, total);
      console.log(
        `generated ${generated.events} events in ${generated.appends} appends, ${mib(generated.bytes)} MiB, ` +
          `in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    const generateSeconds = (performance.now() - t) / 1000;
    console.log(`load average before: ${loadavg()}`);

    const store = SqliteEventStore.open(file);
    try {
      // The bare subscription over the same file, for scale.
      t = performance.now();
      let cpu = process.cpuUsage();
      let seen = 0;
      const sub = store.subscribeToAll();
      for await (const m of sub) {
        if (m.kind === 'caughtUp') break;
        seen += 1;
      }
      await sub.unsubscribe();
      const catchUpSeconds = (performance.now() - t) / 1000;
      const catchUpCpuSeconds = cpuSeconds(process.cpuUsage(cpu));
      console.log(`bare catch-up: ${seen} events in ${catchUpSeconds.toFixed(1)} s`);

      const out = join(outDir, 'read-models.sqlite');
      t = performance.now();
      cpu = process.cpuUsage();
      const [result] = await rebuildProjections(store, out);
      const rebuildSeconds = (performance.now() - t) / 1000;
      const rebuildCpuSeconds = cpuSeconds(process.cpuUsage(cpu));
      if (!result || result.events !== generated.events) {
        throw new Error(`rebuilt ${result?.events} events of ${generated.events}`);
      }
      return {
        events: result.events,
        storeMiB: Number(mib(generated.bytes)),
        generateSeconds,
        catchUpSeconds,
        catchUpCpuSeconds,
        rebuildSeconds,
        rebuildCpuSeconds,
        eventsPerSecond: result.events / rebuildSeconds,
        rssAfterMiB: Number(mib(process.memoryUsage().rss)),
        readModelsMiB: Number(mib(statSync(out).size)),
      };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(genDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

// --------------------------------------------------------------------- main

async function main(): Promise<void> {
  if (args.has('serve')) return serve();
  const root = args.get('dir') ?? os.tmpdir();
  const only = (args.get('only') ?? 'feed,rebuild').split(',');
  console.log(`machine: ${machine()}`);
  const results: { feed?: FeedResult; rebuild?: RebuildResult } = {};
  if (only.includes('feed')) {
    const f = await feed(root);
    results.feed = f;
    console.log(`load average after: ${loadavg()}`);
    console.log(`
| figure | value | target |
|---|--:|---|
| clients, admissions (rate × seconds) | ${f.clients}, ${f.admissions} (${f.rate}/s × ${f.seconds} s, sent in ${f.sendSeconds.toFixed(1)} s) | |
| scan acknowledgement p50 / p99 / max | ${ms(f.ackLatency.p50)} / ${ms(f.ackLatency.p99)} / ${ms(f.ackLatency.max)} ms | |
| ack → client delay p50 | ${ms(f.delay.p50)} ms | |
| ack → client delay p99 | ${ms(f.delay.p99)} ms | < 250 ms |
| ack → client delay max | ${ms(f.delay.max)} ms | |
| (admission, client) pairs measured; arrived before the ack | ${f.delay.samples}; ${f.delay.beforeAck} | |
| lost updates | ${f.lost} | 0 |
| clients whose last message ≠ GET snapshot | ${f.mismatched} | 0 |
| updates per client: mean / max; most in one second | ${f.updatesPerClient.mean.toFixed(1)} / ${f.updatesPerClient.max}; ${f.updatesPerClient.maxPerSecond} | a few a second |
| size of one message (the snapshot as JSON) | ${f.snapshotBytes} bytes | |
| server CPU (of one core), RSS max / after, heap used max | ${f.server.cpuPercent.toFixed(0)} %, ${f.server.rssMaxMiB} / ${f.server.rssAfterMiB} MiB, ${f.server.heapUsedMaxMiB} MiB | |
| client process (1,000 sockets + load) CPU, event-loop delay p99 | ${f.client.cpuPercent.toFixed(0)} %, ${ms(f.client.eventLoopDelayP99)} ms | |`);
  }
  if (only.includes('rebuild')) {
    const r = await rebuild(root);
    results.rebuild = r;
    console.log(`load average after: ${loadavg()}`);
    console.log(`
| figure | value | target |
|---|--:|---|
| events in the store (file size) | ${r.events} (${r.storeMiB} MiB) | 1,000,000 |
| bare subscription catch-up | ${r.catchUpSeconds.toFixed(1)} s (${Math.round(r.events / r.catchUpSeconds)} events/s) | |
| bare catch-up, CPU of this process (user + system) | ${r.catchUpCpuSeconds.toFixed(1)} s | |
| rebuild of the projections | ${r.rebuildSeconds.toFixed(1)} s | |
| rebuild, CPU of this process (user + system) | ${r.rebuildCpuSeconds.toFixed(1)} s (${Math.round(r.events / r.rebuildCpuSeconds)} events per CPU second) | |
| rebuild rate | ${Math.round(r.eventsPerSecond)} events/s | ≥ 150,000 events/s |
| read-models file; process RSS after | ${r.readModelsMiB} MiB; ${r.rssAfterMiB} MiB | |`);
  }
  const out = args.get('json');
  if (out) writeFileSync(out, JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
