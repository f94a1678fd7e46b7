/**
 * The door without network (issue 11), in Debian's Chromium with the page's
 * CPU throttled 4× (CDP `Emulation.setCPUThrottlingRate`), a mid-range
 * phone's pace:
 *
 *   npm run bench:door-offline -- [--tickets=50000] [--decisions=300] [--uploads=1000] [--throttle=4]
 *
 * 1. Local decision. The door page opens on the real server; its list
 *    (`GET .../door-dataset`) is answered by the benchmark with `--tickets`
 *    synthetic tickets (the page stores them in IndexedDB as it would the
 *    server's). Then, `--decisions` times, a random ticket code is decided
 *    on the phone through the page's engine (`preview`: SHA-256 of the code
 *    with crypto.subtle, the look-up, the fold and the decider of
 *    libs/conference), timed in the page with performance.now().
 * 2. Upload. A fresh phone downloads the real list of `--uploads`
 *    registrations; the server is stopped; every registration is scanned on
 *    the phone (decided locally, queued in IndexedDB); the server is started
 *    again on the same port and the phone's outbox goes up by itself, one
 *    scan at a time, oldest first. Timed from the first upload to the empty
 *    outbox (the probe that notices the server is back, every 3 s, is
 *    reported apart). For scale, the same number of offline scans is then
 *    sent one at a time by this process alone (no browser): the server's own
 *    floor on this machine at this moment.
 *
 * The server runs in this process (the same createApp as main.ts, SQLite in
 * a fresh DATA_DIR); only the page is throttled.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { BENCH_TOKEN, json } from './support.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const int = (name: string, def: number): number => {
  const v = args.get(name);
  return v === undefined ? def : Number.parseInt(v, 10);
};
const TICKETS = int('tickets', 50_000);
const DECISIONS = int('decisions', 300);
const UPLOADS = int('uploads', 1_000);
const THROTTLE = int('throttle', 4);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DOOR = 'Porte';
const PHONE = { width: 390, height: 844 };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** The page's engine, as the door exposes it (see apps/web/src/door/DoorApp.tsx). */
interface PageEngine {
  getState(): { pending: number; connectivity: string; listSize: number };
  subscribe(listener: () => void): () => void;
  preview(ref: { ticketCode: string }, idCheck: null): Promise<unknown>;
  scan(ref: { registrationId: string }, idCheck: null): Promise<unknown>;
}
declare const window: { emargementDoor?: PageEngine };

interface Server {
  app: NestExpressApplication;
  base: string;
}

async function serve(dataDir: string, port = 0): Promise<Server> {
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN: BENCH_TOKEN }), {
    logger: false,
  });
  await app.listen(port, '127.0.0.1');
  return { app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

async function stop(server: Server): Promise<void> {
  server.app.getHttpServer().closeAllConnections();
  await server.app.close();
}

async function doorPage(
  browser: Browser,
  base: string,
  cid: string,
  token: string,
  before: (page: Page) => Promise<void> = () => Promise.resolve(),
): Promise<Page> {
  // No service worker: the benchmark answers the list itself, and a worker could take requests past the route.
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  await before(page);
  await page.goto(`${base}/door/#conference=${cid}&token=${token}`);
  await page.getByRole('button', { name: DOOR }).click();
  return page;
}

async function throttle(page: Page, rate: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'emargement-bench-door-'));
  let server = await serve(dataDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const base = server.base;
    const cid = randomUUID();
    const now = Date.now();
    const conference = {
      name: 'Banc d’essai',
      venue: 'Halle',
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 8 * 3_600_000).toISOString(),
      timezone: 'Europe/Paris',
      capacity: UPLOADS + 10,
      idCheckRequired: false,
      doors: [DOOR],
    };
    await json('POST', `${base}/api/conferences`, { conferenceId: cid, ...conference });
    const { token } = await json<{ token: string }>('POST', `${base}/api/devices`, {
      name: 'Porte banc',
      role: 'door',
      conferenceId: cid,
    });

    // ------------------------------------------------ 1. local decision
    const codes = Array.from({ length: TICKETS }, (_, i) => `bench-ticket-${i}-${randomUUID()}`);
    const dataset = {
      cursor: '1',
      complete: true,
      conference: { ...conference, lunch: null },
      tickets: codes.map((code, i) => ({
        registrationId: randomUUID(),
        ticketSha256: sha256(code),
        firstName: `Prénom${i}`,
        lastName: `Nom${i}`,
        organisation: i % 3 === 0 ? `Organisme ${i % 500}` : null,
        category: 'participant',
        status: i % 50 === 0 ? 'cancelled' : 'registered',
        lunch: false,
        lunchPaid: false,
        admitted: i % 10 === 0 ? { at: new Date(now - 60_000).toISOString(), door: DOOR } : null,
      })),
      removed: [],
    };
    const full = JSON.stringify(dataset);
    const empty = JSON.stringify({ ...dataset, complete: false, tickets: [] });
    const loadStart = Date.now();
    const page = await doorPage(browser, base, cid, token, async (p) => {
      await p.route('**/door-dataset*', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: route.request().url().includes('since=') ? empty : full,
        }),
      );
    });
    await page.waitForFunction((n) => window.emargementDoor?.getState().listSize === n, TICKETS, {
      timeout: 300_000,
    });
    const listLoadMs = Date.now() - loadStart;
    await throttle(page, THROTTLE);
    const picks = Array.from({ length: DECISIONS }, () => codes[Math.floor(Math.random() * codes.length)]!);
    const run = await page.evaluate(async (list) => {
      const engine = window.emargementDoor!;
      const out: number[] = [];
      const outcomes: Record<string, number> = {};
      const start = performance.now();
      for (const ticketCode of list) {
        const t0 = performance.now();
        const { outcome } = (await engine.preview({ ticketCode }, null)) as {
          outcome: { result: string; reason?: string };
        };
        out.push(performance.now() - t0);
        const key = outcome.reason ?? outcome.result;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      return { times: out, totalMs: performance.now() - start, outcomes };
    }, picks);
    const times = [...run.times].sort((a, b) => a - b);
    await page.context().close();

    // ------------------------------------------------------- 2. upload
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from(
        { length: UPLOADS },
        (_, i) => `Prénom${i},Nom${i},p${i}.${cid.slice(0, 8)}@example.org,,participant,false,false`,
      ),
    ].join('\n');
    await json('POST', `${base}/api/conferences/${cid}/registrations/import`, csv, 'text/csv');
    const phone = await doorPage(browser, base, cid, token);
    await phone.waitForFunction((n) => window.emargementDoor?.getState().listSize === n, UPLOADS, {
      timeout: 120_000,
    });
    const registrationIds = await phone.evaluate(() =>
      // The list as the phone holds it: every registration of the day.
      [...(window.emargementDoor as unknown as { byRegistration: Map<string, unknown> }).byRegistration.keys()],
    );
    const port = Number(new URL(base).port);
    await stop(server);
    await phone.evaluate(async (ids) => {
      const engine = window.emargementDoor!;
      for (const registrationId of ids) await engine.scan({ registrationId }, null);
    }, registrationIds);
    const queued = await phone.evaluate(() => window.emargementDoor!.getState().pending);
    await throttle(phone, THROTTLE);
    // Watch the phone: when it starts syncing, when its outbox is empty.
    await phone.evaluate(() => {
      const engine = window.emargementDoor!;
      const marks: Record<string, number> = {};
      (globalThis as unknown as { marks: Record<string, number> }).marks = marks;
      engine.subscribe(() => {
        const s = engine.getState();
        if (s.connectivity === 'syncing' && marks.syncing === undefined) marks.syncing = performance.now();
        if (s.pending === 0 && marks.empty === undefined) marks.empty = performance.now();
      });
      marks.restart = performance.now();
      performance.setResourceTimingBufferSize(10_000);
      performance.clearResourceTimings();
    });
    server = await serve(dataDir, port);
    await phone.waitForFunction(
      () => (globalThis as unknown as { marks: Record<string, number> }).marks.empty !== undefined,
      undefined,
      { timeout: 600_000, polling: 200 },
    );
    const marks = await phone.evaluate(() => (globalThis as unknown as { marks: Record<string, number> }).marks);
    // Where the upload's time goes: on the wire (request sent → answer read, as the network layer saw it) or in
    // the page between one answer and the next request.
    const wire = await phone.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.endsWith('/scans'))
        .map((e) => (e as unknown as { responseEnd: number }).responseEnd - e.startTime),
    );
    const wireMs = wire.reduce((a, b) => a + b, 0);
    const attendance = await json<{ admitted: number }>('GET', `${base}/api/conferences/${cid}/attendance`);

    // The floor: the same number of offline scans sent one at a time by this process (no browser), on a second
    // conference, in the same minute, so the door's figure can be read against what the server itself takes.
    const floorCid = randomUUID();
    await json('POST', `${base}/api/conferences`, { conferenceId: floorCid, ...conference });
    await json(
      'POST',
      `${base}/api/conferences/${floorCid}/registrations/import`,
      csv.replaceAll(`.${cid.slice(0, 8)}@`, `.${floorCid.slice(0, 8)}@`),
      'text/csv',
    );
    const floorList = await json<{ tickets: { registrationId: string }[] }>(
      'GET',
      `${base}/api/conferences/${floorCid}/door-dataset`,
    );
    const floorStart = performance.now();
    for (const { registrationId } of floorList.tickets) {
      await json('POST', `${base}/api/conferences/${floorCid}/scans`, {
        scanId: randomUUID(),
        registrationId,
        door: DOOR,
        scannedAt: new Date().toISOString(),
        offline: { result: 'admitted' },
      });
    }
    const floorMs = performance.now() - floorStart;

    const figures = {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0]!.toFixed(2)}`,
      cpuThrottling: THROTTLE,
      decision: {
        tickets: TICKETS,
        samples: times.length,
        p50Ms: +quantile(times, 0.5).toFixed(2),
        p95Ms: +quantile(times, 0.95).toFixed(2),
        p99Ms: +quantile(times, 0.99).toFixed(2),
        maxMs: +times[times.length - 1]!.toFixed(2),
        // performance.now() is coarsened to 0.1 ms outside cross-origin isolation: the mean is total / count.
        meanMs: +(run.totalMs / times.length).toFixed(3),
        outcomes: run.outcomes,
        listLoadMs,
      },
      upload: {
        queued,
        probeMs: Math.round(marks.syncing! - marks.restart!),
        uploadMs: Math.round(marks.empty! - marks.syncing!),
        perScanMs: +((marks.empty! - marks.syncing!) / queued).toFixed(2),
        requests: wire.length,
        onTheWireMs: Math.round(wireMs),
        wirePerScanMs: +(wireMs / Math.max(1, wire.length)).toFixed(2),
        admittedOnServer: attendance.admitted,
        serverFloorSequentialMs: Math.round(floorMs),
        serverFloorPerScanMs: +(floorMs / floorList.tickets.length).toFixed(2),
      },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await browser.close();
    await stop(server).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
