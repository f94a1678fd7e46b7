// Group commit in the SQLite adapter: appends issued in the same turn share
// one transaction (one fsync), each in its own savepoint.
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  EventStoreClosedError,
  SqliteEventStore,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventData,
  type SubscriptionMessage,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'emargement-group-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
const open = () => SqliteEventStore.open(join(dir, `store-${++fileNo}.sqlite`));
const ev = (data: unknown = {}, id: string = randomUUID()): EventData => ({ id, type: 'Probe', data });

/** Test-only view of the adapter's internals, for fault injection. */
interface Internals {
  stmts: { commit: { run(): unknown } };
  appendInSavepoint: (...args: unknown[]) => AppendResult;
  db: { exec(sql: string): unknown };
}

describe('sqlite group commit', () => {
  test('200 concurrent appends to 200 streams land in one transaction, in call order', async () => {
    const store = open();
    try {
      const before = store.commitCount;
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.appendToStream(`s-${i}`, [ev({ i })], { expectedRevision: 'no_stream' }),
        ),
      );
      expect(store.commitCount - before).toBe(1);
      for (let i = 1; i < results.length; i++) expect(results[i]!.position > results[i - 1]!.position).toBe(true);
      const all = await store.readAll();
      expect(all.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(all.map((e) => e.position)).toEqual(results.map((r) => r.position));
    } finally {
      await store.close();
    }
  });

  test('a group is bounded: 600 appends take more than one commit, all stored', async () => {
    const store = open();
    try {
      const before = store.commitCount;
      await Promise.all(Array.from({ length: 600 }, (_, i) => store.appendToStream(`s-${i}`, [ev({ i })])));
      const commits = store.commitCount - before;
      expect(commits).toBeGreaterThanOrEqual(3);
      expect(commits).toBeLessThanOrEqual(10);
      expect(await store.readAll()).toHaveLength(600);
    } finally {
      await store.close();
    }
  });

  test('a lone append commits on the next turn, without a timer', async () => {
    const store = open();
    try {
      const t0 = performance.now();
      await store.appendToStream('lone', [ev()]);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(store.commitCount).toBe(1);
    } finally {
      await store.close();
    }
  });

  test('a wrong expected revision fails alone; the rest of its group is stored', async () => {
    const store = open();
    try {
      await store.appendToStream('existing', [ev()]);
      const before = store.commitCount;
      const outcomes = await Promise.allSettled([
        store.appendToStream('a', [ev({ n: 'a' })], { expectedRevision: 'no_stream' }),
        store.appendToStream('existing', [ev({ n: 'bad' }), ev({ n: 'bad2' })], { expectedRevision: 5n }),
        store.appendToStream('c', [ev({ n: 'c' })]),
        store.appendToStream('existing', [ev({ n: 'bad3' })], { expectedRevision: 'no_stream' }),
        store.appendToStream('existing', [ev({ n: 'ok' })], { expectedRevision: 0n }),
      ]);
      expect(store.commitCount - before).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      const bad = (outcomes[1] as PromiseRejectedResult).reason as WrongExpectedRevisionError;
      expect(bad).toBeInstanceOf(WrongExpectedRevisionError);
      expect(bad.message).toBe('Stream existing: expected revision 5, actual 0');
      expect(bad.actualRevision).toBe(0n);
      const bad3 = (outcomes[3] as PromiseRejectedResult).reason as WrongExpectedRevisionError;
      expect(bad3).toBeInstanceOf(WrongExpectedRevisionError);
      expect(bad3.message).toBe('Stream existing: expected revision no_stream, actual 0');
      const all = await store.readAll();
      expect(all.map((e) => (e.data as { n?: string }).n)).toEqual([undefined, 'a', 'c', 'ok']);
      expect((await store.readStream('existing')).map((e) => e.revision)).toEqual([0n, 1n]);
    } finally {
      await store.close();
    }
  });

  test('two appends to one stream in one group behave as if sequential', async () => {
    const store = open();
    try {
      const before = store.commitCount;
      const [first, second] = await Promise.all([
        store.appendToStream('seq', [ev({ n: 1 })], { expectedRevision: 'no_stream' }),
        store.appendToStream('seq', [ev({ n: 2 }), ev({ n: 3 })], { expectedRevision: 0n }),
      ]);
      expect(store.commitCount - before).toBe(1);
      expect(first.nextExpectedRevision).toBe(0n);
      expect(second.nextExpectedRevision).toBe(2n);
      expect(second.position > first.position).toBe(true);

      const racers = await Promise.allSettled([
        store.appendToStream('race', [ev({ n: 'x' })], { expectedRevision: 'no_stream' }),
        store.appendToStream('race', [ev({ n: 'y' })], { expectedRevision: 'no_stream' }),
      ]);
      expect(racers.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
      const err = (racers[1] as PromiseRejectedResult).reason as WrongExpectedRevisionError;
      expect(err).toBeInstanceOf(WrongExpectedRevisionError);
      expect(err.actualRevision).toBe(0n);
      expect((await store.readStream('race')).map((e) => e.data)).toEqual([{ n: 'x' }]);
    } finally {
      await store.close();
    }
  });

  test('an idempotent retry inside a group writes nothing and answers as the first append', async () => {
    const store = open();
    try {
      const events = [ev({ n: 1 }), ev({ n: 2 })];
      const [first, retry, exactRetry] = await Promise.all([
        store.appendToStream('idem', events, { expectedRevision: 'no_stream' }),
        store.appendToStream('idem', events, { expectedRevision: 'no_stream' }),
        store.appendToStream(
          'idem',
          events.map((e) => ({ ...e, id: e.id.toUpperCase() })),
        ),
      ]);
      expect(retry).toEqual(first);
      expect(exactRetry).toEqual(first);
      expect(await store.readAll()).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  test('the event is taken when appendToStream is called; mutating it afterwards changes nothing', async () => {
    const store = open();
    try {
      const data = { n: 1 };
      const events = [ev(data)];
      const pending = store.appendToStream('snap', events);
      data.n = 2;
      events.push(ev({ n: 3 }));
      await pending;
      expect((await store.readStream('snap')).map((e) => e.data)).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
    }
  });

  test('a failed COMMIT rejects every append of the group and stores none', async () => {
    const store = open();
    try {
      await store.appendToStream('before', [ev()]);
      const internals = store as unknown as Internals;
      const commit = internals.stmts.commit;
      internals.stmts.commit = {
        run: () => {
          internals.stmts.commit = commit;
          throw new Error('disk on fire');
        },
      };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => store.appendToStream(`f-${i}`, [ev({ i })])),
      );
      expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
      expect(outcomes.map((o) => ((o as PromiseRejectedResult).reason as Error).message)).toEqual(
        Array(5).fill('disk on fire'),
      );
      expect(await store.readAll()).toHaveLength(1);
      // The store is usable afterwards.
      await store.appendToStream('after', [ev()]);
      expect((await store.readAll()).map((e) => e.streamName)).toEqual(['before', 'after']);
    } finally {
      await store.close();
    }
  });

  test('when SQLite drops the whole transaction, earlier appends reject and later ones are retried', async () => {
    const store = open();
    try {
      const internals = store as unknown as Internals;
      const original = internals.appendInSavepoint;
      let calls = 0;
      internals.appendInSavepoint = (...args) => {
        calls += 1;
        if (calls === 3) {
          // What SQLITE_FULL or an I/O error does: the transaction is gone.
          internals.db.exec('ROLLBACK');
          throw new Error('database or disk is full');
        }
        return original(...args);
      };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => store.appendToStream(`t-${i}`, [ev({ i })])),
      );
      internals.appendInSavepoint = original;
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
      expect(((outcomes[0] as PromiseRejectedResult).reason as Error).message).toBe('database or disk is full');
      expect((await store.readAll()).map((e) => e.streamName)).toEqual(['t-3', 't-4']);
    } finally {
      await store.close();
    }
  });

  test('subscribers are woken after the commit and see the whole group', async () => {
    const store = open();
    try {
      const sub = store.subscribeToAll();
      const received: SubscriptionMessage[] = [];
      let appended: Promise<AppendResult[]> | undefined;
      let commitsAtFirstEvent = -1;
      for await (const m of sub) {
        if (m.kind === 'caughtUp') {
          appended = Promise.all(Array.from({ length: 50 }, (_, i) => store.appendToStream(`w-${i}`, [ev({ i })])));
          continue;
        }
        if (commitsAtFirstEvent < 0) commitsAtFirstEvent = store.commitCount;
        received.push(m);
        if (received.length === 50) break;
      }
      await sub.unsubscribe();
      await appended;
      expect(commitsAtFirstEvent).toBe(1);
      expect(received.map((m) => (m.kind === 'event' ? (m.event.data as { i: number }).i : -1))).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
    } finally {
      await store.close();
    }
  });

  test('close() commits the appends still queued, then refuses new ones', async () => {
    const file = join(dir, 'close.sqlite');
    const store = SqliteEventStore.open(file);
    const pending = Array.from({ length: 10 }, (_, i) => store.appendToStream(`c-${i}`, [ev({ i })]));
    await store.close();
    const results = await Promise.all(pending);
    expect(results).toHaveLength(10);
    await expect(store.appendToStream('late', [ev()])).rejects.toBeInstanceOf(EventStoreClosedError);
    const reopened = SqliteEventStore.open(file);
    try {
      expect(await reopened.readAll()).toHaveLength(10);
    } finally {
      await reopened.close();
    }
  });

  test('every acknowledged grouped append survives SIGKILL, whole, at its position', async () => {
    const file = join(dir, 'group-crash.sqlite');
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'support', 'group-append-child.ts'), file, '16'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    const acks: { batch: number; position: bigint }[] = [];
    let commits = 0;
    for await (const line of createInterface({ input: proc.stdout })) {
      const [word, batch, position, commitsSoFar] = line.split(' ');
      if (word !== 'ack') continue;
      acks.push({ batch: Number(batch), position: BigInt(position!) });
      commits = Number(commitsSoFar);
      if (acks.length === 1000) proc.kill('SIGKILL');
    }
    expect({ signal: await exited, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });

    const store = SqliteEventStore.open(file);
    try {
      const all = await store.readAll();
      const byBatch = new Map<number, { ks: number[]; last: bigint }>();
      for (const e of all) {
        const { batch, k } = e.data as { batch: number; k: number };
        const entry = byBatch.get(batch) ?? { ks: [], last: -1n };
        entry.ks.push(k);
        entry.last = e.position;
        byBatch.set(batch, entry);
      }
      for (const ack of acks) {
        expect(byBatch.get(ack.batch)).toEqual({ ks: [0, 1, 2], last: ack.position });
      }
      for (const { ks } of byBatch.values()) expect(ks).toEqual([0, 1, 2]);
      // Acknowledgements come in commit order: positions increase with them.
      for (let i = 1; i < acks.length; i++) expect(acks[i]!.position > acks[i - 1]!.position).toBe(true);
      // Fewer commits than acknowledged appends: the child's appends really were grouped.
      expect(commits).toBeGreaterThan(0);
      expect(commits).toBeLessThan(acks.length / 2);
    } finally {
      await store.close();
    }
  }, 60_000);
});
