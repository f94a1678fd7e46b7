/**
 * Evidence for two changes suggested to the SQLite adapter, measured inside
 * the real adapter (patched at run time, libs/ untouched), interleaved, with
 * the median of the rounds:
 *
 * A. Batched appends: `INSERT … RETURNING position` read with `.get()` versus
 *    a plain INSERT with `.run()` and `lastInsertRowid` (the same value: the
 *    rowid is the AUTOINCREMENT `position`). Measured with synchronous=FULL
 *    (the real setting) and synchronous=OFF (CPU only, far less disk noise).
 * B. Reads: the cost of `readAll` page size (objects of one page survive the
 *    young generation when pages are large).
 * C. Reads, step by step on the same file and pages: bare SELECT, + bigint,
 *    + JSON.parse, + RecordedEvent objects (= `readAll`), and the suggested
 *    alternative: rows as arrays (`.raw(true)`), `created` read as REAL.
 *
 *   npx tsx bench/adapter-variants.bench.ts [--batches=500] [--rounds=5]
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SqliteEventStore, type EventData, type RecordedEvent } from '../libs/event-store/src/index.js';

const arg = (name: string, def: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : def;
};
const BATCHES = arg('batches', 500);
const ROUNDS = arg('rounds', 5);
const BATCH = 100;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function payload(i: number): EventData {
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

interface Internals {
  db: Database.Database;
  stmts: { insert: unknown };
}

/** The suggested change, applied to a live adapter: INSERT without RETURNING, position from lastInsertRowid. */
function useRunForInsert(store: SqliteEventStore): void {
  const internals = store as unknown as Internals;
  const plain = internals.db.prepare<unknown[]>(
    `INSERT INTO events (stream_name, revision, id, type, data, metadata, created)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  internals.stmts.insert = {
    get: (...params: unknown[]) => ({ position: plain.run(...params).lastInsertRowid }),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const dir = mkdtempSync(join(os.tmpdir(), 'event-store-variants-'));
let fileNo = 0;

async function appendRun(variant: 'RETURNING + get()' | 'run() + lastInsertRowid', sync: 'FULL' | 'OFF') {
  const file = join(dir, `a-${fileNo++}.db`);
  const store = SqliteEventStore.open(file);
  (store as unknown as Internals).db.pragma(`synchronous = ${sync}`);
  if (variant === 'run() + lastInsertRowid') useRunForInsert(store);
  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => payload(b * BATCH + i)),
  );
  gc();
  const t = performance.now();
  let last = 0n;
  for (let b = 0; b < BATCHES; b++) {
    last = (await store.appendToStream(`attendee-${b % 200}`, batches[b]!)).position;
  }
  const rate = ((BATCHES * BATCH) / (performance.now() - t)) * 1000;
  const check = await store.readAll({ direction: 'backwards', maxCount: 1 });
  if (check[0]?.position !== last) throw new Error(`position mismatch: ${String(check[0]?.position)} vs ${last}`);
  await store.close();
  return rate;
}

async function main(): Promise<void> {
  try {
    console.log(`# Adapter variants (${BATCHES} × ${BATCH}-event appends per trial, ${ROUNDS} rounds, median)\n`);
    console.log(
      `load average at start: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    const results = new Map<string, number[]>();
    for (let r = 0; r < ROUNDS; r++) {
      const order =
        r % 2
          ? (['run() + lastInsertRowid', 'RETURNING + get()'] as const)
          : (['RETURNING + get()', 'run() + lastInsertRowid'] as const);
      for (const sync of ['OFF', 'FULL'] as const) {
        for (const variant of order) {
          const key = `${sync}|${variant}`;
          (results.get(key) ?? results.set(key, []).get(key)!).push(await appendRun(variant, sync));
        }
      }
    }
    console.log('| synchronous | insert | events/s (median) | µs per event | rounds |');
    console.log('|---|---|--:|--:|---|');
    for (const [key, rates] of results) {
      const [sync, variant] = key.split('|');
      const m = median(rates);
      console.log(
        `| ${sync} | ${variant} | ${Math.round(m).toLocaleString('en-US')} | ${(1e6 / m).toFixed(2)} | ${rates
          .map((x) => Math.round(x / 1000) + 'k')
          .join(' ')} |`,
      );
    }

    // B. Page size of readAll over the same 100,000 events.
    const file = join(dir, 'read.db');
    const writer = SqliteEventStore.open(file);
    (writer as unknown as Internals).db.pragma('synchronous = OFF');
    for (let b = 0; b < 1000; b++) {
      await writer.appendToStream(
        `attendee-${b % 200}`,
        Array.from({ length: BATCH }, (_, i) => payload(b * BATCH + i)),
      );
    }
    const pages = [1000, 10_000, 100_000];
    const reads = new Map<number, number[]>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const page of pages) {
        gc();
        const t = performance.now();
        let n = 0;
        let from: bigint | 'start' = 'start';
        for (;;) {
          const events = await writer.readAll({ fromPosition: from, maxCount: page });
          n += events.length;
          const last = events[events.length - 1];
          if (!last || events.length < page) break;
          from = last.position;
        }
        (reads.get(page) ?? reads.set(page, []).get(page)!).push((n / (performance.now() - t)) * 1000);
      }
    }
    await writer.close();
    console.log('\n| readAll page size | events/s (median) | rounds |\n|--:|--:|---|');
    for (const [page, rates] of reads) {
      console.log(
        `| ${page.toLocaleString('en-US')} | ${Math.round(median(rates)).toLocaleString('en-US')} | ${rates
          .map((x) => Math.round(x / 1000) + 'k')
          .join(' ')} |`,
      );
    }

    // C. Where the read time goes.
    const steps = readPathSteps(file);
    const stepRates = new Map<string, Map<number, number[]>>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const page of [1000, 10_000]) {
        for (const [label, read] of steps) {
          gc();
          const t = performance.now();
          const n = read(page);
          if (n !== 100_000) throw new Error(`${label}: read ${n}`);
          const perPage = stepRates.get(label) ?? stepRates.set(label, new Map()).get(label)!;
          (perPage.get(page) ?? perPage.set(page, []).get(page)!).push((n / (performance.now() - t)) * 1000);
        }
      }
    }
    console.log('\n| read path step (100,000 events) | pages of 1,000 | pages of 10,000 |\n|---|--:|--:|');
    for (const [label, perPage] of stepRates) {
      const cell = (page: number) => Math.round(median(perPage.get(page) ?? [NaN])).toLocaleString('en-US');
      console.log(`| ${label} | ${cell(1000)} | ${cell(10_000)} |`);
    }
    console.log(
      `\nload average at end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

type Row = {
  position: bigint;
  stream_name: string;
  revision: bigint;
  id: string;
  type: string;
  data: string;
  metadata: string;
  created: bigint;
};

/** Reads the whole file page by page; `fetch` returns a page and the last position in it. */
function paged(page: number, fetch: (after: bigint, limit: bigint) => { n: number; last: bigint | undefined }): number {
  let n = 0;
  for (let after = 0n; ;) {
    const got = fetch(after, BigInt(page));
    n += got.n;
    if (got.last === undefined || got.n < page) return n;
    after = got.last;
  }
}

function readPathSteps(file: string): Array<[string, (page: number) => number]> {
  const db = new Database(file, { readonly: true });
  const sql = 'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?';
  const plain = db.prepare<[bigint, bigint], { position: number }>(sql);
  const safe = db.prepare<[bigint, bigint], Row>(sql).safeIntegers(true);
  const arrays = db.prepare<[bigint, bigint], unknown[]>(sql).safeIntegers(true).raw(true);
  const arraysReal = db
    .prepare<[bigint, bigint], unknown[]>(
      `SELECT position, stream_name, revision, id, type, data, metadata, CAST(created AS REAL)
       FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    )
    .safeIntegers(true)
    .raw(true);
  const toRecorded = (row: Row): RecordedEvent => ({
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    streamName: row.stream_name,
    revision: row.revision,
    position: row.position,
    created: new Date(Number(row.created)),
  });
  const fromArray = (r: unknown[]): RecordedEvent => ({
    id: r[3] as string,
    type: r[4] as string,
    data: JSON.parse(r[5] as string) as unknown,
    metadata: JSON.parse(r[6] as string) as Record<string, unknown>,
    streamName: r[1] as string,
    revision: r[2] as bigint,
    position: r[0] as bigint,
    created: new Date(typeof r[7] === 'number' ? r[7] : Number(r[7])),
  });
  const lastOf = <T extends { position: bigint }>(xs: T[]) => xs[xs.length - 1]?.position;
  return [
    [
      'bare SELECT, rows as objects, numbers',
      (page) =>
        paged(page, (after, limit) => {
          const rows = plain.all(after, limit);
          const last = rows[rows.length - 1];
          return { n: rows.length, last: last === undefined ? undefined : BigInt(last.position) };
        }),
    ],
    [
      '+ safe integers (bigint)',
      (page) =>
        paged(page, (after, limit) => {
          const rows = safe.all(after, limit);
          return { n: rows.length, last: lastOf(rows) };
        }),
    ],
    [
      '+ JSON.parse(data), JSON.parse(metadata), results dropped',
      (page) =>
        paged(page, (after, limit) => {
          const rows = safe.all(after, limit);
          for (const r of rows) {
            JSON.parse(r.data);
            JSON.parse(r.metadata);
          }
          return { n: rows.length, last: lastOf(rows) };
        }),
    ],
    [
      '+ RecordedEvent objects kept for the page (= `readAll` today)',
      (page) =>
        paged(page, (after, limit) => {
          const events = safe.all(after, limit).map(toRecorded);
          return { n: events.length, last: lastOf(events) };
        }),
    ],
    [
      'suggested: rows as arrays (`.raw(true)`)',
      (page) =>
        paged(page, (after, limit) => {
          const events = arrays.all(after, limit).map(fromArray);
          return { n: events.length, last: lastOf(events) };
        }),
    ],
    [
      'suggested: arrays + `CAST(created AS REAL)`',
      (page) =>
        paged(page, (after, limit) => {
          const events = arraysReal.all(after, limit).map(fromArray);
          return { n: events.length, last: lastOf(events) };
        }),
    ],
  ];
}
