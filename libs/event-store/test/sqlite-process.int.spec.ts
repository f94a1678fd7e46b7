// What only a real file and real processes can show: acknowledged appends
// survive SIGKILL, and a second process reading the same file sees new events.
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore, type SubscriptionMessage } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'support', 'append-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'emargement-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startChild(file: string, mode: 'crash' | 'writer', count?: number) {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a
  // grandchild that SIGKILL would not reach.
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', child, file, mode, ...(count === undefined ? [] : [String(count)])],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: proc.stdout });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { proc, lines, exited };
}

describe('sqlite event store across processes', () => {
  test('every acknowledged append survives SIGKILL, in order, with no half-written batch', async () => {
    const file = join(dir, 'crash.sqlite');
    const { proc, lines, exited } = startChild(file, 'crash');
    const acks: { batch: number; position: bigint }[] = [];
    for await (const line of lines) {
      const [word, batch, position] = line.split(' ');
      if (word !== 'ack') continue;
      acks.push({ batch: Number(batch), position: BigInt(position!) });
      // Kill mid-stream, while the child is busy appending the next batch.
      if (acks.length === 300) proc.kill('SIGKILL');
    }
    const { signal } = await exited;
    expect(signal).toBe('SIGKILL');

    const store = SqliteEventStore.open(file);
    try {
      const all = await store.readAll();
      const byBatch = new Map<number, number[]>();
      for (const e of all) {
        const { batch, k } = e.data as { batch: number; k: number };
        byBatch.set(batch, [...(byBatch.get(batch) ?? []), k]);
      }
      // Every acknowledged batch is there, whole, at the acknowledged position.
      for (const ack of acks) {
        expect(byBatch.get(ack.batch)).toEqual([0, 1, 2]);
        const last = all.find(
          (e) => (e.data as { batch: number; k: number }).batch === ack.batch && (e.data as { k: number }).k === 2,
        );
        expect(last?.position).toBe(ack.position);
      }
      // Nothing half-written: any batch stored beyond the acks is whole too.
      for (const ks of byBatch.values()) expect(ks).toEqual([0, 1, 2]);
      // Global order is the order of acknowledgement.
      const order = [...new Set(all.map((e) => (e.data as { batch: number }).batch))];
      expect(order.slice(0, acks.length)).toEqual(acks.map((a) => a.batch));
      // The store still accepts appends after the crash, at later positions.
      const r = await store.appendToStream('probe-after', [
        { id: '00000000-0000-4000-8000-000000000001', type: 'AfterCrash', data: {} },
      ]);
      expect(r.position > all[all.length - 1]!.position).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);

  test('a subscriber in this process receives events another process appends', async () => {
    const file = join(dir, 'shared.sqlite');
    const reader = SqliteEventStore.open({ filename: file, pollIntervalMs: 20 });
    const sub = reader.subscribeToAll();
    const received: SubscriptionMessage[] = [];
    const count = 50;
    let childRun: ReturnType<typeof startChild> | undefined;
    const timer = setTimeout(() => void sub.unsubscribe(), 30_000);
    try {
      for await (const m of sub) {
        received.push(m);
        if (m.kind === 'caughtUp') {
          childRun = startChild(file, 'writer', count);
        }
        if (received.filter((x) => x.kind === 'event').length === count) break;
      }
    } finally {
      clearTimeout(timer);
      await sub.unsubscribe();
    }
    const result = await childRun!.exited;
    expect(result.code).toBe(0);
    const ns = received.flatMap((m) => (m.kind === 'event' ? [(m.event.data as { n: number }).n] : []));
    expect(ns).toEqual(Array.from({ length: count }, (_, i) => i));
    await reader.close();
  }, 60_000);
});
