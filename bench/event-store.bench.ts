/**
 * Event-store benchmark: the embedded SQLite event store (libs/event-store)
 * beside
 *   - a raw better-sqlite3 ceiling: same file settings (WAL, synchronous=FULL),
 *     the same table, one `BEGIN IMMEDIATE` transaction per append, plain
 *     prepared INSERTs with revisions kept in memory, plain SELECTs for reads;
 *   - @event-driven-io/emmett-sqlite, the nearest published peer, through its
 *     public API (getSQLiteEventStore, readMessagesBatch, consumer()).
 *
 * Every round opens fresh files in a temporary folder (by default the OS temp
 * folder; it must be on the same disk as the repository, which is checked)
 * and runs every subject through every phase; the write phases interleave the
 * subjects chunk by chunk, the read phases rotate their order (see runRound).
 * The table reports the median of the rounds; ratios are of those medians.
 *
 *   npx tsx bench/event-store.bench.ts [--single=2000] [--batches=2000]
 *     [--batch-size=100] [--page=10000] [--sub-batch=1000] [--rounds=3]
 *     [--peer-catch-up=50000] [--dir=/path] [--only=ours,raw,peer] [--json=out.json]
 *
 * bench/adapter-variants.bench.ts holds the measurements behind the changes
 * suggested for the adapter (insert without RETURNING, read-path breakdown).
 */
import { getSQLiteEventStore, readMessagesBatch, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import type { SQLiteConnection } from '@event-driven-io/emmett-sqlite';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, join, resolve } from 'node:path';
import { SqliteEventStore, type RecordedEvent } from '../libs/event-store/src/index.js';

// ------------------------------------------------------------------ config

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const int = (name: string, def: number): number => {
  const v = args.get(name) ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const n = v === undefined ? def : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

const config = {
  single: int('single', 2000),
  batches: int('batches', 2000),
  batchSize: int('batch-size', 100),
  page: int('page', 10_000),
  subBatch: int('sub-batch', 1000),
  rounds: int('rounds', 3),
  /** emmett's consumer checkpoints every message (~7k events/s): cap it to keep the run short. */
  peerCatchUp: int('peer-catch-up', 50_000),
  singleStreams: 100,
  batchStreams: 200,
  dir: resolve(args.get('dir') ?? process.env['BENCH_DIR'] ?? os.tmpdir()),
  only: (args.get('only') ?? 'ours,raw,peer').split(','),
  json: args.get('json'),
};

// ----------------------------------------------------------------- payload

type CheckInData = {
  registrationId: string;
  eventCode: string;
  attendee: { name: string; email: string };
  document: { kind: string; lastDigits: string };
  checkedInAt: string;
  desk: number;
};
type CheckInMetadata = { correlationId: string; causationId: string; actor: string };

/** Assignable both to our `EventData` and to emmett's `Event<type, data, metadata>`. */
interface Payload {
  id: string;
  type: 'AttendeeCheckedIn';
  data: CheckInData;
  metadata: CheckInMetadata;
}

function makePayload(i: number): Payload {
  const correlationId = randomUUID();
  return {
    id: randomUUID(),
    type: 'AttendeeCheckedIn',
    data: {
      registrationId: randomUUID(),
      eventCode: 'spring-assembly-2026',
      attendee: { name: `Attendee ${i}`, email: `attendee.${i}@example.org` },
      document: { kind: 'id-card', lastDigits: String(1000 + (i % 9000)) },
      checkedInAt: new Date(1_780_000_000_000 + i * 1000).toISOString(),
      desk: i % 8,
    },
    metadata: { correlationId, causationId: correlationId, actor: `desk-${i % 8}` },
  };
}

// ---------------------------------------------------------------- subjects

interface Session {
  appendOne(stream: string, event: Payload): Promise<void>;
  appendBatch(stream: string, events: readonly Payload[]): Promise<void>;
  /**
   * A cursor over `$all` forwards in pages of `page`: each call reads the
   * next page and returns how many events it held (fewer than `page`: done).
   * With `useData`, the reader also takes each event's `data` as an object
   * (the raw ceiling then parses its JSON; ours decodes it on that first read).
   */
  pagedReader(page: number, useData?: boolean): () => Promise<number>;
  readAllOnce(): Promise<number>;
  /**
   * Subscribes from the start and counts events until caught up (or, for a
   * subject with no notion of "caught up", until it has seen `events`).
   */
  catchUp(events: number): Promise<number>;
  close(): Promise<void>;
}

interface Subject {
  key: 'ours' | 'raw' | 'peer';
  label: string;
  open(file: string): Promise<Session>;
}

/** The adapter's schema (v1), for the raw ceiling. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    created     INTEGER NOT NULL,
    UNIQUE (stream_name, revision),
    UNIQUE (stream_name, id)
  );`;

const ours: Subject = {
  key: 'ours',
  label: 'SqliteEventStore (ours)',
  open(file) {
    const store = SqliteEventStore.open({ filename: file, batchSize: config.subBatch });
    const session: Session = {
      async appendOne(stream, event) {
        await store.appendToStream(stream, [event]);
      },
      async appendBatch(stream, events) {
        await store.appendToStream(stream, events);
      },
      pagedReader(page, useData) {
        let from: bigint | 'start' = 'start';
        return async () => {
          const events: RecordedEvent[] = await store.readAll({ fromPosition: from, maxCount: page });
          if (useData) for (const e of events) sink(e.data);
          from = events[events.length - 1]?.position ?? from;
          return events.length;
        };
      },
      async readAllOnce() {
        return (await store.readAll()).length;
      },
      async catchUp() {
        let n = 0;
        const sub = store.subscribeToAll({ fromPosition: 'start' });
        for await (const message of sub) {
          if (message.kind === 'caughtUp') break;
          n += 1;
        }
        await sub.unsubscribe();
        return n;
      },
      close: () => store.close(),
    };
    return Promise.resolve(session);
  },
};

const raw: Subject = {
  key: 'raw',
  label: 'raw better-sqlite3 (ceiling)',
  open(file) {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    const insert = db.prepare<[string, number, string, string, string, string, number]>(
      'INSERT INTO events (stream_name, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const page = db.prepare<[number, number], { position: number; data: unknown }>(
      'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
    );
    const upTo = db.prepare<[number, number, number], { position: number }>(
      'SELECT * FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?',
    );
    const head = db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events');
    const all = db.prepare<[], { position: number }>('SELECT * FROM events ORDER BY position');
    const heads = new Map<string, number>();
    const tx = db.transaction((stream: string, events: readonly Payload[]) => {
      let revision = heads.get(stream) ?? -1;
      const created = Date.now();
      for (const e of events) {
        revision += 1;
        insert.run(stream, revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), created);
      }
      heads.set(stream, revision);
    });
    const session: Session = {
      appendOne(stream, event) {
        tx.immediate(stream, [event]);
        return Promise.resolve();
      },
      appendBatch(stream, events) {
        tx.immediate(stream, events);
        return Promise.resolve();
      },
      pagedReader(size, useData) {
        let after = 0;
        return () => {
          const rows = page.all(after, size);
          // Decoded in place: like any reader of a page of events, it keeps
          // them (and their data) until it is done with the page.
          if (useData) for (const row of rows) sink((row.data = JSON.parse(row.data as string) as unknown));
          after = rows[rows.length - 1]?.position ?? after;
          return Promise.resolve(rows.length);
        };
      },
      readAllOnce() {
        return Promise.resolve(all.all().length);
      },
      async catchUp() {
        // What a catch-up subscription minimally does: fix the head, then
        // read batches up to it, handing each row to the consumer.
        const last = head.get()?.position ?? 0;
        let n = 0;
        let after = 0;
        const consume = (_row: unknown): void => {
          n += 1;
        };
        while (after < last) {
          const rows = upTo.all(after, last, config.subBatch);
          for (const row of rows) consume(row);
          const tail = rows[rows.length - 1];
          if (tail === undefined) break;
          after = tail.position;
          await Promise.resolve();
        }
        return n;
      },
      close() {
        db.close();
        return Promise.resolve();
      },
    };
    return Promise.resolve(session);
  },
};

const peer: Subject = {
  key: 'peer',
  label: '@event-driven-io/emmett-sqlite',
  async open(file) {
    const store = getSQLiteEventStore({ fileName: file });
    // A connection of our own for the `$all` reads (the store itself opens and
    // closes one per call and exposes no `$all` read).
    let reader: SQLiteConnection | undefined;
    const readerConnection = (): SQLiteConnection => (reader ??= sqliteConnection({ fileName: file }));
    const session: Session = {
      async appendOne(stream, event) {
        await busyRetry(() => store.appendToStream(stream, [event]));
      },
      async appendBatch(stream, events) {
        await busyRetry(() => store.appendToStream(stream, [...events]));
      },
      pagedReader(page, useData) {
        const conn = readerConnection();
        let after = 0n;
        return async () => {
          const batch = await readMessagesBatch(conn, { after, batchSize: page });
          // Decoded already (emmett parses every message as it reads it).
          if (useData) for (const m of batch.messages) sink(m.data);
          after = batch.currentGlobalPosition;
          return batch.messages.length;
        };
      },
      async readAllOnce() {
        const batch = await readMessagesBatch(readerConnection(), { after: 0n, batchSize: 2 ** 31 - 1 });
        return batch.messages.length;
      },
      async catchUp(events) {
        // Its catch-up mechanism: a consumer with one processor, pulling
        // batches as fast as allowed, stopped after `events` events (it has
        // no "caught up" signal: a consumer polls forever).
        // (Its processors also store a checkpoint per message, in a transaction
        // per batch: that is part of how it consumes.)
        // A failed batch (see `busyRetry`) stops its consumer early: start
        // over, within the timing, and count it.
        for (let attempt = 0; ; attempt++) {
          let n = 0;
          const consumer = store.consumer({
            pulling: { batchSize: config.subBatch, pullingFrequencyInMs: 0 },
          });
          consumer.processor({
            processorId: `bench-${randomUUID()}`,
            startFrom: 'BEGINNING',
            eachMessage: () => {
              n += 1;
            },
            stopAfter: () => n >= events,
          });
          try {
            await consumer.start();
          } finally {
            // `close()` sleeps 250 ms after closing; keep that out of the timing.
            void consumer.close();
          }
          if (n >= events || attempt >= 3) return n;
          peerFailures.catchUp += 1;
        }
      },
      async close() {
        reader?.close();
        reader = undefined;
        await sleep(300);
      },
    };
    // Check (and report) the durability the peer gets by default.
    const probe = sqliteConnection({ fileName: file });
    const sync = await probe.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    peerSynchronous = sync?.synchronous ?? -1;
    probe.close();
    return session;
  },
};
let peerSynchronous = -1;

/**
 * emmett-sqlite runs `PRAGMA journal_mode = WAL` without awaiting it on every
 * connection it opens (one per call), and node-sqlite3 runs un-serialised
 * statements of one connection concurrently: now and then a COMMIT meets the
 * unfinished PRAGMA and fails with "SQLITE_BUSY: cannot commit transaction -
 * SQL statements in progress" (the transaction is rolled back). Retry, within
 * the timing, and count it.
 */
const peerFailures = { append: 0, catchUp: 0 };
async function busyRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 3 || (error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
      peerFailures.append += 1;
    }
  }
}

const subjects = [ours, raw, peer].filter((s) => config.only.includes(s.key));

// ------------------------------------------------------------------ phases

type Metric =
  'singleOps' | 'singleP50' | 'singleP99' | 'batchEvents' | 'readPaged' | 'readPagedData' | 'readOnce' | 'catchUp';

/** Counts the objects a reader took as `data`: used (not optimised away), and checked. */
let dataObjects = 0;
const sink = (value: unknown): void => {
  if (typeof value === 'object' && value !== null) dataObjects += 1;
};
type RoundResult = Record<Metric, number> & { events: number };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();
// A full GC between phases, so that one phase's garbage is not collected on
// the next one's time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function median(values: readonly number[]): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * One round: every subject gets a fresh file, all open at once. The write
 * phases are interleaved chunk by chunk (subject order rotated per chunk), so
 * that disk and CPU noise from the rest of the machine falls on all subjects
 * alike; each subject's rate is its events over the time spent in its own
 * calls. The read phases, CPU-bound, run one subject after the other, in an
 * order rotated per round (reads: two passes, mirrored).
 */
async function runRound(dir: string, round: number): Promise<Map<Subject['key'], RoundResult>> {
  const sessions = new Map<Subject['key'], Session>();
  const rotate = <T>(xs: readonly T[], k: number): T[] => xs.map((_, i) => xs[(i + k) % xs.length]!);
  const singles = Array.from({ length: config.single }, (_, i) => makePayload(i));
  const warmup = Array.from({ length: 20 }, (_, i) => makePayload(i));
  const batches = Array.from({ length: config.batches }, (_, b) =>
    Array.from({ length: config.batchSize }, (_, i) => makePayload(b * config.batchSize + i)),
  );
  const events = warmup.length + config.single + config.batches * config.batchSize;
  // The peer closes a connection after each call without waiting for the
  // close (and its WAL checkpoint) to finish: let that settle before timing
  // another subject.
  const settle = (key: Subject['key']) => (key === 'peer' ? sleep(20) : Promise.resolve());
  const out = new Map<Subject['key'], RoundResult>();
  try {
    for (const subject of subjects) {
      const session = await subject.open(join(dir, `${subject.key}-${round}.db`));
      sessions.set(subject.key, session);
      for (const [i, e] of warmup.entries()) await session.appendOne(`warmup-${i % 4}`, e);
      await settle(subject.key);
    }
    const keys = subjects.map((s) => s.key);
    const session = (key: Subject['key']) => sessions.get(key)!;
    gc();

    // 1. Durable single-event appends: one transaction and one fsync each.
    const latencies = new Map(keys.map((k) => [k, new Float64Array(config.single)]));
    const singleChunk = 100;
    for (let from = 0, chunk = 0; from < config.single; from += singleChunk, chunk++) {
      for (const key of rotate(keys, chunk)) {
        const lat = latencies.get(key)!;
        const target = session(key);
        for (let i = from; i < Math.min(from + singleChunk, config.single); i++) {
          const t = now();
          await target.appendOne(`registration-${i % config.singleStreams}`, singles[i]!);
          lat[i] = now() - t;
        }
        await settle(key);
      }
    }
    gc();

    // 2. Batched appends (these also fill the stores for the reads).
    const batchMs = new Map(keys.map((k) => [k, 0]));
    const batchChunk = 10;
    for (let from = 0, chunk = 0; from < config.batches; from += batchChunk, chunk++) {
      for (const key of rotate(keys, chunk)) {
        const target = session(key);
        const t = now();
        for (let b = from; b < Math.min(from + batchChunk, config.batches); b++) {
          await target.appendBatch(`attendee-${b % config.batchStreams}`, batches[b]!);
        }
        batchMs.set(key, batchMs.get(key)! + now() - t);
        await settle(key);
      }
    }
    gc();

    // 3. `$all` forwards, in pages then all at once. CPU-bound, with garbage
    // that the collector must handle on the reader's time: no interleaving
    // here (a subject would pay for another's garbage), but two passes in
    // mirrored order (A B C, C B A) whose mean cancels a linear drift of the
    // machine's load.
    const timed = async (what: string, expected: number, read: () => Promise<number>): Promise<number> => {
      gc();
      const t = now();
      const n = await read();
      const ms = now() - t;
      if (n !== expected) throw new Error(`${what} saw ${n} events, expected ${expected}`);
      return (n / ms) * 1000;
    };
    const readPaged = async (key: Subject['key'], useData = false): Promise<number> => {
      const next = session(key).pagedReader(config.page, useData);
      const objectsBefore = dataObjects;
      let total = 0;
      for (;;) {
        const n = await next();
        total += n;
        if (n < config.page) break;
      }
      if (useData && dataObjects - objectsBefore !== total) throw new Error(`${key}: data not read for every event`);
      return total;
    };
    const reads = new Map(
      keys.map((k) => [k, { paged: [] as number[], pagedData: [] as number[], once: [] as number[] }]),
    );
    const order = rotate(keys, round);
    for (const key of [...order, ...[...order].reverse()]) {
      const r = reads.get(key)!;
      r.paged.push(await timed(`${key} paged read`, events, () => readPaged(key)));
      r.pagedData.push(await timed(`${key} paged read with data`, events, () => readPaged(key, true)));
      r.once.push(await timed(`${key} read`, events, () => session(key).readAllOnce()));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

    // 4. Catch-up subscription from the start, one subject after the other.
    for (const key of order) {
      const subEvents = key === 'peer' ? Math.min(events, config.peerCatchUp) : events;
      const sorted = Array.from(latencies.get(key)!).sort((a, b) => a - b);
      const singleMs = sorted.reduce((a, b) => a + b, 0);
      out.set(key, {
        events,
        singleOps: (config.single / singleMs) * 1000,
        singleP50: percentile(sorted, 0.5),
        singleP99: percentile(sorted, 0.99),
        batchEvents: ((config.batches * config.batchSize) / batchMs.get(key)!) * 1000,
        readPaged: mean(reads.get(key)!.paged),
        readPagedData: mean(reads.get(key)!.pagedData),
        readOnce: mean(reads.get(key)!.once),
        catchUp: await timed(`${key} catch-up`, subEvents, () => session(key).catchUp(subEvents)),
      });
    }
    return out;
  } finally {
    for (const session of sessions.values()) await session.close();
    for (const subject of subjects) {
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(join(dir, `${subject.key}-${round}.db${suffix}`), { force: true });
    }
  }
}

// ----------------------------------------------------------------- report

function machine(dir: string): Record<string, string> {
  const require = createRequire(import.meta.url);
  const version = (pkg: string): string => {
    // Some packages do not export their package.json: look beside the entry point.
    try {
      let d = dirname(require.resolve(pkg));
      while (d !== dirname(d) && !existsSync(join(d, 'package.json'))) d = dirname(d);
      for (;;) {
        const manifest = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as {
          name?: string;
          version: string;
        };
        if (manifest.name === pkg || d === dirname(d)) return manifest.version;
        d = dirname(d);
        while (d !== dirname(d) && !existsSync(join(d, 'package.json'))) d = dirname(d);
      }
    } catch {
      return '?';
    }
  };
  const sh = (cmd: string, argv: string[]): string => {
    try {
      return execFileSync(cmd, argv, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const mem = new Database(':memory:');
  const sqliteVersion = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  mem.close();
  const df = sh('df', ['-hT', dir]).split('\n').pop() ?? '?';
  return {
    cpus: `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? '?'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    'better-sqlite3': `${version('better-sqlite3')} (SQLite ${sqliteVersion})`,
    '@event-driven-io/emmett-sqlite': `${version('@event-driven-io/emmett-sqlite')} on sqlite3 ${version('sqlite3')}`,
    'bench folder': `${dir} — ${df.replace(/\s+/g, ' ')}`,
    'load average at start (1, 5, 15 min)': os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
  };
}

const fmtRate = (v: number): string =>
  Number.isNaN(v) ? 'n/a' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
const fmtMs = (v: number): string => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(3)} ms`);
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : 'n/a');
const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');

interface Row {
  metric: Metric;
  label: string;
  unit: 'rate' | 'ms';
  /** `vsRaw` is the median of the per-round ratios ours / raw. */
  target?: { describe: string; met: (ours: number, vsRaw: number) => boolean };
}

const rowsSpec: Row[] = [
  {
    metric: 'singleOps',
    label: 'single durable append, appends/s',
    unit: 'rate',
    target: { describe: '≥ 60 % of raw', met: (_, vsRaw) => vsRaw >= 0.6 },
  },
  { metric: 'singleP50', label: 'single durable append, p50 latency', unit: 'ms' },
  { metric: 'singleP99', label: 'single durable append, p99 latency', unit: 'ms' },
  {
    metric: 'batchEvents',
    label: `${config.batchSize}-event batch appends, events/s`,
    unit: 'rate',
    target: { describe: '≥ 90 % of raw', met: (_, vsRaw) => vsRaw >= 0.9 },
  },
  {
    metric: 'readPaged',
    label: `readAll forwards, pages of ${config.page.toLocaleString('en-US')}, events/s`,
    unit: 'rate',
    target: { describe: '≥ 90 % of raw', met: (_, vsRaw) => vsRaw >= 0.9 },
  },
  {
    metric: 'readPagedData',
    label: `readAll forwards, pages of ${config.page.toLocaleString('en-US')}, each event's data read, events/s`,
    unit: 'rate',
  },
  {
    metric: 'readOnce',
    label: 'readAll forwards, all at once, events/s',
    unit: 'rate',
    target: { describe: '≥ 90 % of raw', met: (_, vsRaw) => vsRaw >= 0.9 },
  },
  {
    metric: 'catchUp',
    label: 'subscribeToAll catch-up from start, events/s',
    unit: 'rate',
    target: { describe: '≥ 80 % of raw', met: (_, vsRaw) => vsRaw >= 0.8 },
  },
];

function table(results: Map<string, RoundResult[]>): string {
  const med = (key: string, m: Metric): number => median((results.get(key) ?? []).map((r) => r[m]));
  // Ratios are taken inside each round (same machine state), then the median.
  const ratio = (a: string, b: string, m: Metric): number => {
    const other = results.get(b) ?? [];
    return median((results.get(a) ?? []).map((r, i) => (other[i] ? r[m] / other[i][m] : NaN)));
  };
  const lines = [
    '| figure | ours | raw ceiling | emmett-sqlite | ours / raw | ours / emmett | target | met |',
    '|---|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const row of rowsSpec) {
    const o = med('ours', row.metric);
    const r = med('raw', row.metric);
    const p = med('peer', row.metric);
    const fmt = row.unit === 'ms' ? fmtMs : fmtRate;
    // For latencies the ratio is how many times longer ours takes.
    const qRaw = ratio('ours', 'raw', row.metric);
    const qPeer = ratio('ours', 'peer', row.metric);
    const vsRaw = row.unit === 'ms' ? times(qRaw) : pct(qRaw);
    const vsPeer = times(qPeer);
    const aheadOfPeer = Number.isNaN(qPeer) ? true : row.unit === 'ms' ? qPeer <= 1 : qPeer >= 1;
    const targets = [row.target?.describe, 'ahead of emmett'].filter(Boolean).join('; ');
    const met = [row.target ? (row.target.met(o, qRaw) ? 'yes' : '**no**') : undefined, aheadOfPeer ? 'yes' : '**no**']
      .filter(Boolean)
      .join('; ');
    lines.push(`| ${row.label} | ${fmt(o)} | ${fmt(r)} | ${fmt(p)} | ${vsRaw} | ${vsPeer} | ${targets} | ${met} |`);
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------- main

async function main(): Promise<void> {
  const repoDev = statSync(process.cwd()).dev;
  const dir = mkdtempSync(join(config.dir, 'event-store-bench-'));
  if (statSync(dir).dev !== repoDev) {
    console.warn(`warning: ${dir} is not on the same device as ${process.cwd()}`);
  }
  const info = machine(dir);
  console.log('# Event-store benchmark\n');
  for (const [k, v] of Object.entries(info)) console.log(`- ${k}: ${v}`);
  console.log(
    `- config: ${config.single} single appends over ${config.singleStreams} streams; ` +
      `${config.batches} × ${config.batchSize}-event batches over ${config.batchStreams} streams; ` +
      `reads over ${(20 + config.single + config.batches * config.batchSize).toLocaleString('en-US')} events; ` +
      `catch-up batches of ${config.subBatch}; ${config.rounds} rounds (median); writes interleaved ` +
      'across subjects in chunks of 100 appends / 10 batches; reads one subject at a time, ' +
      'order rotated per round, two mirrored passes (mean)',
  );
  console.log(
    `- emmett-sqlite catch-up measured over the first ${config.peerCatchUp.toLocaleString('en-US')} events ` +
      '(its consumer has no caught-up signal and checkpoints every message); full GC between phases\n',
  );

  const results = new Map<Subject['key'], RoundResult[]>();
  const started = now();
  try {
    for (let round = 0; round < config.rounds; round++) {
      const t = now();
      const round_ = await runRound(dir, round);
      for (const [key, r] of round_) {
        (results.get(key) ?? results.set(key, []).get(key)!).push(r);
        console.error(
          `round ${round + 1}/${config.rounds} ${key.padEnd(4)}: ` +
            `single ${fmtRate(r.singleOps)}/s p50 ${fmtMs(r.singleP50)} p99 ${fmtMs(r.singleP99)} | ` +
            `batch ${fmtRate(r.batchEvents)} ev/s | read paged ${fmtRate(r.readPaged)} | ` +
            `with data ${fmtRate(r.readPagedData)} | ` +
            `once ${fmtRate(r.readOnce)} | catch-up ${fmtRate(r.catchUp)}`,
        );
      }
      console.error(`round ${round + 1} took ${((now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(table(results));
  console.log(
    '\nValues: median of the rounds. Ratios: median of the per-round ratios (ours / other; for latencies, ' +
      'how many times as long ours takes). emmett-sqlite has no `$all` read on its store object nor a ' +
      'subscription: its exported `readMessagesBatch` and its `consumer()` stand in for them.',
  );
  if (results.has('peer')) {
    console.log(
      `\nemmett-sqlite connection default: PRAGMA synchronous = ${peerSynchronous} ` +
        `(${['OFF', 'NORMAL', 'FULL', 'EXTRA'][peerSynchronous] ?? '?'}), journal_mode = WAL; ` +
        `SQLITE_BUSY retries: ${peerFailures.append} append(s), ${peerFailures.catchUp} catch-up restart(s)`,
    );
  }
  console.log('\nPer round (events/s unless stated):\n');
  console.log(
    '| subject | round | appends/s | p50 | p99 | batch ev/s | read paged | paged, data read | read once | catch-up |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const [key, rs] of results) {
    rs.forEach((r, i) =>
      console.log(
        `| ${key} | ${i + 1} | ${fmtRate(r.singleOps)} | ${fmtMs(r.singleP50)} | ${fmtMs(r.singleP99)} | ` +
          `${fmtRate(r.batchEvents)} | ${fmtRate(r.readPaged)} | ${fmtRate(r.readPagedData)} | ${fmtRate(r.readOnce)} | ` +
          `${fmtRate(r.catchUp)} |`,
      ),
    );
  }
  console.log(
    `\nTotal ${((now() - started) / 1000).toFixed(0)} s; load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}.`,
  );
  if (config.json) {
    writeFileSync(
      config.json,
      JSON.stringify({ info, config, results: Object.fromEntries(results), peerSynchronous, peerFailures }, null, 2),
    );
  }
}

await main();
