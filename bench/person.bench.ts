/**
 * A person's page at scale (issue 27): after one import of N registrations and
 * one admission, the time of `GET …/registrations/:rid/history` and `…/export`
 * for people picked across the list, and the longest wait of `/health/live`
 * polled meanwhile (how long the event loop was held: every door waits that long).
 *
 *   npm run bench:person -- [--sizes=100000] [--people=20]
 *
 * Prints one JSON object per size; results and the machine's load go to BENCHMARKS.md.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { AUTH, benchConference, json, withBenchServer } from './support.js';

const args = new Map(
  process.argv.slice(2).flatMap((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    return m ? [[m[1]!, m[2]!] as const] : [];
  }),
);
const sizes = (args.get('sizes') ?? '100000').split(',').map(Number);
const people = Number(args.get('people') ?? 20);
const ms = (x: number): number => Number(x.toFixed(1));
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Polls `/health/live` back to back until stopped; returns the longest answer time. */
function livePoller(base: string): { stop: () => Promise<number> } {
  let running = true;
  let longest = 0;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${base}/health/live`).then((r) => r.arrayBuffer());
      longest = Math.max(longest, performance.now() - t);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return longest;
    },
  };
}

async function runSize(registrations: number): Promise<unknown> {
  return withBenchServer('person', async ({ base, api }) => {
    const { conferenceId: cid } = await json<{ conferenceId: string }>('POST', `${api}/conferences`, {
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
    await json('POST', `${api}/conferences/${cid}/registrations/import`, csv, 'text/csv');
    const picks: string[] = [];
    for (let k = 0; k < people; k++) {
      const offset = Math.floor((k * registrations) / people);
      const page = await json<{ items: { registrationId: string }[] }>(
        'GET',
        `${api}/conferences/${cid}/registrations?limit=1&offset=${offset}`,
      );
      picks.push(page.items[0]!.registrationId);
    }
    await json('POST', `${api}/conferences/${cid}/scans`, {
      scanId: randomUUID(),
      registrationId: picks[0],
      door: 'Accueil principal',
    });
    const timings: Record<string, number[]> = { history: [], export: [], conferences: [], charters: [] };
    const poller = livePoller(base);
    const timed = async (kind: string, url: string): Promise<void> => {
      const t = performance.now();
      const res = await fetch(url, { headers: AUTH });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${kind}: ${res.status}`);
      timings[kind]!.push(performance.now() - t);
    };
    for (const rid of picks) {
      for (const kind of ['history', 'export'] as const) {
        await timed(kind, `${api}/conferences/${cid}/registrations/${rid}/${kind}`);
      }
      // The organisers' other pages that used to read the whole log on every call (issue 27).
      await timed('conferences', `${api}/conferences`);
      await timed('charters', `${api}/conferences/${cid}/charters`);
    }
    const longestLive = await poller.stop();
    return {
      registrations,
      people,
      historyMs: {
        first: ms(timings.history![0]!),
        p50: ms(percentile(timings.history!, 50)),
        max: ms(Math.max(...timings.history!)),
      },
      exportMs: { p50: ms(percentile(timings.export!, 50)), max: ms(Math.max(...timings.export!)) },
      conferencesListMs: { p50: ms(percentile(timings.conferences!, 50)), max: ms(Math.max(...timings.conferences!)) },
      chartersListMs: { p50: ms(percentile(timings.charters!, 50)), max: ms(Math.max(...timings.charters!)) },
      longestHealthLiveMs: ms(longestLive),
    };
  });
}

for (const size of sizes) console.log(JSON.stringify(await runSize(size)));
console.log(JSON.stringify({ node: process.version, load: os.loadavg().map((x) => Number(x.toFixed(2))) }));
