/**
 * Backups of the embedded store at scale (issue 28): a day of N registrations
 * (one CSV import) and 1,000 admissions, then, with the server running,
 *
 *   1. `takeBackup` (the online backup API in a worker thread, hashes, fsync)
 *      while the event loop's delay is sampled (the door must not wait);
 *   2. the server stopped, `restoreBackup` into an empty folder (hashes,
 *      integrity check, count) and the first start on it until `/health/ready`
 *      (the read models rebuilt from the restored events).
 *
 *   npm run bench:backup -- [--sizes=100000]
 *
 * Prints one JSON object per size; results and the machine's load go to BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { createApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { restoreBackup } from '../apps/server/src/backup/restore.js';
import { takeBackup } from '../apps/server/src/backup/snapshot.js';
import { BENCH_TOKEN, benchConference, json } from './support.js';

const args = new Map(
  process.argv.slice(2).flatMap((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    return m ? [[m[1]!, m[2]!] as const] : [];
  }),
);
const sizes = (args.get('sizes') ?? '100000').split(',').map(Number);
const ms = (x: number): number => Number(x.toFixed(1));

async function serve(dataDir: string) {
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN: BENCH_TOKEN }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, base, api: `${base}/api` };
}

async function runSize(registrations: number): Promise<unknown> {
  const work = mkdtempSync(join(os.tmpdir(), 'emargement-bench-backup-'));
  try {
    const dataDir = join(work, 'data');
    let server = await serve(dataDir);
    const { conferenceId: cid } = await json<{ conferenceId: string }>('POST', `${server.api}/conferences`, {
      ...benchConference(registrations),
      idCheckRequired: false,
    });
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from(
        { length: registrations },
        (_, i) => `Prénom${i},Nom${i},p${i}@example.org,Org ${i % 300},participant,true,false`,
      ),
    ].join('\n');
    await json('POST', `${server.api}/conferences/${cid}/registrations/import`, csv, 'text/csv');
    const list = await json<{ items: { ticketCode?: string; registrationId: string }[] }>(
      'GET',
      `${server.api}/conferences/${cid}/registrations?limit=1000`,
    );
    for (const r of list.items.slice(0, 1000)) {
      await json('POST', `${server.api}/conferences/${cid}/scans`, {
        scanId: randomUUID(),
        registrationId: r.registrationId,
        door: 'Accueil principal',
      });
    }

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    let t = performance.now();
    const taken = await takeBackup({ dataDir, to: join(work, 'backups') });
    const backupMs = performance.now() - t;
    delay.disable();
    await server.app.close();

    const restored = join(work, 'restored');
    t = performance.now();
    const report = await restoreBackup({ from: join(work, 'backups'), dataDir: restored });
    const restoreMs = performance.now() - t;
    t = performance.now();
    server = await serve(restored);
    for (;;) {
      const res = await fetch(`${server.base}/health/ready`);
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - t;
    const attendance = await json<{ registered: number; admitted: number }>(
      'GET',
      `${server.api}/conferences/${cid}/attendance`,
    );
    await server.app.close();
    if (attendance.registered !== registrations || attendance.admitted !== 1000) {
      throw new Error(`restored figures differ: ${JSON.stringify(attendance)}`);
    }
    return {
      registrations,
      events: taken.manifest.eventCount,
      bytes: Object.fromEntries(Object.entries(taken.manifest.files).map(([k, v]) => [k, v.bytes])),
      backupMs: ms(backupMs),
      eventLoopDelayDuringBackupMs: { p99: ms(delay.percentile(99) / 1e6), max: ms(delay.max / 1e6) },
      restoreMs: ms(restoreMs),
      restoredFrom: report.from.split('/').pop(),
      firstStartUntilReadyMs: ms(readyMs),
      figuresAfterRestore: { registered: attendance.registered, admitted: attendance.admitted },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

for (const size of sizes) console.log(JSON.stringify(await runSize(size)));
console.log(JSON.stringify({ node: process.version, load: os.loadavg().map((x) => Number(x.toFixed(2))) }));
