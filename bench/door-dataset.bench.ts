/**
 * The door's list (issue 11): how big the whole list is for a large
 * conference, compressed and not, and how long the server takes to build it;
 * then a delta after a hundred changes.
 *
 *   npm run bench:door-dataset -- [--registrations=50000] [--runs=5]
 *
 * The server is the real one (createApp, SQLite store, fresh DATA_DIR), in
 * this process: the requests are made one at a time, so nothing competes
 * with the server's event loop but the measuring fetch itself. Steps:
 *   1. schedule a conference and import the registrations as one CSV;
 *   2. wait until the door projections have caught up (/health/ready);
 *   3. GET the whole list `--runs` times: wall time per answer, bytes, gzip bytes;
 *   4. cancel 100 registrations, GET the delta since the first cursor.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { AUTH, benchConference, json, withBenchServer } from './support.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const registrations = Number(args.get('registrations') ?? 50_000);
const runs = Number(args.get('runs') ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  return withBenchServer('dataset', async ({ base, api }) => {
    const { conferenceId: cid } = await json<{ conferenceId: string }>(
      'POST',
      `${api}/conferences`,
      benchConference(registrations),
    );
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from(
        { length: registrations },
        (_, i) =>
          `Prénom${i},Nom-de-famille${i},p${i}@example.org,Organisation ${i % 400},participant,${i % 2 === 0},false`,
      ),
    ].join('\n');
    let t = performance.now();
    const report = await json<{ created: number }>(
      'POST',
      `${api}/conferences/${cid}/registrations/import`,
      csv,
      'text/csv',
    );
    const importSeconds = (performance.now() - t) / 1000;
    if (report.created !== registrations) throw new Error(`imported ${report.created}`);
    t = performance.now();
    for (;;) {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const catchUpSeconds = (performance.now() - t) / 1000;

    const times: number[] = [];
    let bytes = new ArrayBuffer(0);
    // The server runs in this process: the loop's longest delay while the lists are built and sent is how long
    // any other request (a door's scan) would have waited. The bodies are kept as bytes meanwhile (decoding 30 MB
    // here would be the client's stall, not the server's) and decoded after.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      const res = await fetch(`${api}/conferences/${cid}/door-dataset`, { headers: AUTH });
      bytes = await res.arrayBuffer();
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${res.status} ${Buffer.from(bytes).toString('utf8', 0, 200)}`);
    }
    loop.disable();
    const body = Buffer.from(bytes).toString('utf8');
    const full = JSON.parse(body) as { cursor: string; tickets: { registrationId: string }[] };
    if (full.tickets.length !== registrations) throw new Error(`list of ${full.tickets.length}`);

    for (const { registrationId } of full.tickets.slice(0, 100)) {
      await json('POST', `${api}/conferences/${cid}/registrations/${registrationId}/cancel`, {});
    }
    t = performance.now();
    const deltaRes = await fetch(`${api}/conferences/${cid}/door-dataset?since=${full.cursor}`, { headers: AUTH });
    const delta = await deltaRes.text();
    const deltaMs = performance.now() - t;
    const deltaTickets = (JSON.parse(delta) as { tickets: unknown[] }).tickets.length;

    const result = {
      registrations,
      importSeconds: Number(importSeconds.toFixed(2)),
      projectionCatchUpSeconds: Number(catchUpSeconds.toFixed(2)),
      fullList: {
        bytes: Buffer.byteLength(body),
        gzipBytes: gzipSync(body).length,
        bytesPerTicket: Math.round(Buffer.byteLength(body) / registrations),
        msMedian: Number(median(times).toFixed(1)),
        msRuns: times.map((x) => Number(x.toFixed(1))),
        eventLoopDelayMs: {
          p99: Number((loop.percentile(99) / 1e6).toFixed(1)),
          max: Number((loop.max / 1e6).toFixed(1)),
        },
      },
      deltaAfter100Changes: { tickets: deltaTickets, bytes: Buffer.byteLength(delta), ms: Number(deltaMs.toFixed(1)) },
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0]?.toFixed(2)}`,
      node: process.version,
    };
    console.log(JSON.stringify(result, null, 2));
  });
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
