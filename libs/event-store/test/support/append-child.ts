// A separate process that appends to an SQLite event store file and reports
// each acknowledged append on stdout. Used by the crash-safety and
// cross-process tests: `tsx append-child.ts <file> <mode> <count>`.
//   mode 'crash':  appends 3-event batches until killed, printing `ack <batch> <position>`
//   mode 'writer': appends <count> single events, printing `ack <n> <position>`, then exits
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/index.js';

const [file, mode, countArg] = process.argv.slice(2);
if (!file || (mode !== 'crash' && mode !== 'writer')) {
  process.stderr.write('usage: append-child <file> crash|writer [count]\n');
  process.exit(2);
}
const store = SqliteEventStore.open(file);
// Bounded even in crash mode, and gone with its parent: if the test runner
// dies without killing us, our stdin closes and we stop.
const count = Number(countArg ?? 100_000);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.stdout.write('ready\n');

for (let n = 0; n < count; n++) {
  const events =
    mode === 'crash'
      ? [0, 1, 2].map((k) => ({ id: randomUUID(), type: 'CrashProbe', data: { batch: n, k } }))
      : [{ id: randomUUID(), type: 'WriterProbe', data: { n } }];
  const r = await store.appendToStream(`probe-${n % 7}`, events);
  // Written only after the append returned, i.e. after the commit was durable.
  process.stdout.write(`ack ${n} ${r.position}\n`);
}
await store.close();
// stdin is held open to notice the parent's death; let go of it to exit.
process.stdin.destroy();
