/**
 * Registrations at scale (issue 16): the CSV import, the door's search as the
 * staff type, and the organisers' list, at 1,000, 20,000 and 100,000
 * registrations.
 *
 *   npm run bench:registrations -- [--sizes=1000,20000,100000] [--searches=200]
 *
 * The server is the real one, built (createApp from dist/, SQLite store,
 * personal data sealed, a fresh DATA_DIR per size), in this process: the
 * requests are made one at a time, so nothing competes with the server's
 * event loop but the measuring fetch itself. Per size:
 *   1. schedule a conference and import the registrations as one CSV
 *      (wall time of the one request), then the same file again (idempotence:
 *      nothing created);
 *   2. wait until /health/ready (every projection caught up);
 *   3. search as the door types: for random people, each prefix of their last
 *      name from 3 letters, then the whole name with one typo, then
 *      "first last" (`GET .../attendees?q=`), every request timed;
 *   4. the organisers' list: the old call (everything at once), then pages
 *      of 50 (`?limit=50&offset=`, sorted by name or by arrival as the
 *      organisers' table asks), time and bytes.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { AUTH, benchConference, json, withBenchServer } from './support.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const sizes = (args.get('sizes') ?? '1000,20000,100000').split(',').map(Number);
const searchPeople = Number(args.get('searches') ?? 40);

// A deterministic generator, so that every run searches the same names.
let seed = 42;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const SYLLABLES = ['ma', 'ri', 'lo', 'dé', 'ber', 'chan', 'tou', 'vel', 'gar', 'ni', 'mon', 'sé', 'lu', 'cor', 'fa'];
const FIRST = ['Jeanne', 'Paul', 'Zoé', 'Étienne', 'Chloé', 'Mathéo', 'Inès', 'Hugo', 'Léa', 'Noël', 'Anaïs', 'Yves'];
const ORGS = ['Mairie de Lille', 'Coop Nord', 'CGT', 'Université Paris 8', 'Le Monde', 'Emmaüs', 'Attac', 'CFDT'];
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const lastName = (): string =>
  capital(Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join(''));

interface Person {
  first: string;
  last: string;
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number): number => Number(x.toFixed(1));

/** The word with one letter replaced (not the first: staff rarely miss it). */
const typo = (word: string): string => {
  const i = 1 + Math.floor(random() * (word.length - 1));
  return word.slice(0, i) + (word[i] === 'x' ? 'z' : 'x') + word.slice(i + 1);
};

async function timed(url: string): Promise<{ ms: number; bytes: number; body: string }> {
  const t = performance.now();
  const res = await fetch(url, { headers: AUTH });
  const body = await res.text();
  const took = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
  return { ms: took, bytes: Buffer.byteLength(body), body };
}

async function runSize(registrations: number): Promise<unknown> {
  return withBenchServer('registrations', async ({ base, api }) => {
    const { conferenceId: cid } = await json<{ conferenceId: string }>(
      'POST',
      `${api}/conferences`,
      benchConference(registrations),
    );
    const people: Person[] = Array.from({ length: registrations }, () => ({ first: pick(FIRST), last: lastName() }));
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...people.map(
        (p, i) =>
          `${p.first},${p.last},p${i}@example.org,${pick(ORGS)},${i % 20 === 0 ? 'press' : 'participant'},${i % 2 === 0},false`,
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
    const again = await json<{ created: number; duplicates: number }>(
      'POST',
      `${api}/conferences/${cid}/registrations/import`,
      csv,
      'text/csv',
    );
    const reimportSeconds = (performance.now() - t) / 1000;
    if (again.created !== 0 || again.duplicates !== registrations) {
      throw new Error(`second import: ${JSON.stringify({ created: again.created, duplicates: again.duplicates })}`);
    }
    t = performance.now();
    for (;;) {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const readySeconds = (performance.now() - t) / 1000;

    // BENCH_PROFILE=<file>: a CPU profile of the reads only (search and list), after the import.
    const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }

    // The door types a name letter by letter.
    const queries: string[] = [];
    for (let i = 0; i < searchPeople; i++) {
      const p = pick(people);
      const word = p.last.toLowerCase();
      for (let n = 3; n <= word.length; n++) queries.push(word.slice(0, n));
      queries.push(typo(word), `${p.first} ${p.last}`);
    }
    const times: number[] = [];
    let found = 0;
    for (const q of queries) {
      const r = await timed(`${api}/conferences/${cid}/attendees?q=${encodeURIComponent(q)}`);
      times.push(r.ms);
      found += (JSON.parse(r.body) as { total: number }).total > 0 ? 1 : 0;
    }
    if (found !== queries.length) throw new Error(`${queries.length - found} searches found nobody`);

    const list = `${api}/conferences/${cid}/registrations`;
    const whole = await timed(list);
    const first = await timed(`${list}?limit=50`);
    const middle = await timed(`${list}?limit=50&offset=${Math.floor(registrations / 2)}`);
    // What the organisers' table asks for: a page of fifty by name, and one by arrival.
    const byName = await timed(`${list}?limit=50&offset=${Math.floor(registrations / 2)}&sort=name&order=asc`);
    const byArrival = await timed(`${list}?limit=50&offset=0&sort=arrival&order=asc`);
    if ((JSON.parse(byName.body) as { items: unknown[] }).items.length !== 50) throw new Error('short page');

    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(`${process.env.BENCH_PROFILE}-${registrations}.cpuprofile`, JSON.stringify(profile));
      profiler.disconnect();
    }

    return {
      registrations,
      importSeconds: Number(importSeconds.toFixed(2)),
      importMsPerRow: Number(((importSeconds * 1000) / registrations).toFixed(3)),
      reimportSeconds: Number(reimportSeconds.toFixed(2)),
      readySecondsAfterImport: Number(readySeconds.toFixed(2)),
      search: {
        requests: times.length,
        p50: ms(percentile(times, 50)),
        p95: ms(percentile(times, 95)),
        p99: ms(percentile(times, 99)),
        max: ms(Math.max(...times)),
      },
      list: {
        whole: { ms: ms(whole.ms), bytes: whole.bytes },
        firstPage50: { ms: ms(first.ms), bytes: first.bytes },
        middlePage50: { ms: ms(middle.ms), bytes: middle.bytes },
        middlePage50ByName: { ms: ms(byName.ms), bytes: byName.bytes },
        firstPage50ByArrival: { ms: ms(byArrival.ms), bytes: byArrival.bytes },
      },
    };
  });
}

async function main(): Promise<void> {
  const results = [];
  for (const size of sizes) {
    const r = await runSize(size);
    console.log(JSON.stringify(r));
    results.push(r);
  }
  console.log(
    JSON.stringify(
      {
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0]?.toFixed(2)}`,
        node: process.version,
        results,
      },
      null,
      2,
    ),
  );
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
