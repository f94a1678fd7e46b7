// Like append-child.ts in 'crash' mode, but with many appends in flight at
// once, so that they are committed in groups: `tsx group-append-child.ts <file> <inFlight>`.
// Prints `ack <batch> <position> <commits so far>` as each append is acknowledged.
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/index.js';

const [file, inFlightArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: group-append-child <file> [inFlight]\n');
  process.exit(2);
}
const store = SqliteEventStore.open(file);
const inFlight = Number(inFlightArg ?? 16);
const count = 100_000;
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.stdout.write('ready\n');

let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    const n = next++;
    const events = [0, 1, 2].map((k) => ({ id: randomUUID(), type: 'CrashProbe', data: { batch: n, k } }));
    const r = await store.appendToStream(`probe-${n % 7}`, events);
    // Written only after the append returned, i.e. after its group's commit was durable.
    process.stdout.write(`ack ${n} ${r.position} ${store.commitCount}\n`);
  }
}
await Promise.all(Array.from({ length: inFlight }, () => worker()));
await store.close();
process.stdin.destroy();
