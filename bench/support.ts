// What the HTTP benchmarks share: the organiser token their server starts
// with (every /api call needs one), a JSON call that fails loudly, an
// in-process server on a fresh data folder, and the day they schedule.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';

export const BENCH_TOKEN = 'bench-organiser-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };

export async function json<T>(
  method: string,
  url: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? AUTH : { ...AUTH, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Runs `run` against a server started in this process on a fresh `DATA_DIR` (SQLite), then stops it and deletes the folder. */
export async function withBenchServer<T>(name: string, run: (server: { base: string; api: string }) => Promise<T>) {
  const dataDir = mkdtempSync(join(os.tmpdir(), `emargement-bench-${name}-`));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN: BENCH_TOKEN }), {
    logger: false,
  });
  try {
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return await run({ base, api: `${base}/api` });
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The PTCE day's shape (ID check, lunch, two doors) with room for `capacity` people. */
export const benchConference = (capacity: number) => ({
  name: 'Bench',
  venue: 'Bercy',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity,
  idCheckRequired: true,
  lunch: { priceCents: 2000, currency: 'EUR' },
  doors: ['Accueil principal', 'Accueil presse'],
});
