// The one conformance suite for the event-store port. Every adapter runs it:
// see sqlite.int.spec.ts and eventstoredb.int.spec.ts beside this file.
//
// The suite may run against a shared server whose `$all` holds other events,
// so every test writes to streams with a fresh unique prefix and reads `$all`
// through a stream-name filter or from a position it noted itself.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  eventTypes,
  InvalidEventStoreArgumentError,
  readStreamOrNull,
  StreamNotFoundError,
  WrongExpectedRevisionError,
  type EventData,
  type EventStore,
  type RecordedEvent,
  type Subscription,
  type SubscriptionMessage,
} from '../src/index.js';

export interface ConformanceTarget {
  /** Opens a store on the target (a fresh or shared one: tests use unique stream names). */
  open(): Promise<EventStore>;
  /**
   * Closes `store` and opens the same data again (SQLite: the same file; a
   * server: a new client). Used by the close-and-reopen test.
   */
  reopen(store: EventStore): Promise<EventStore>;
  /** Removes what `open` created, after the suite. */
  dispose?(): Promise<void>;
}

const SAFETY_TIMEOUT_MS = 20_000;

function ev(type = 'SomethingHappened', data: unknown = { n: 1 }): EventData {
  return { id: randomUUID(), type, data, metadata: { actor: 'conformance' } };
}

function prefix(): string {
  // Stream names in the `category-id` form, unique per test.
  return `conf${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** Collects messages until `until` says stop; bounded by a safety timeout, never a sleep. */
async function collect(
  sub: Subscription,
  until: (messages: SubscriptionMessage[]) => boolean,
  onCaughtUp?: () => Promise<void>,
): Promise<SubscriptionMessage[]> {
  const messages: SubscriptionMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  const safety = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void sub.unsubscribe();
      reject(new Error(`subscription did not deliver in time; got ${messages.length} messages`));
    }, SAFETY_TIMEOUT_MS);
  });
  const run = (async () => {
    for await (const m of sub) {
      messages.push(m);
      if (m.kind === 'caughtUp' && onCaughtUp) await onCaughtUp();
      if (until(messages)) break;
    }
    return messages;
  })();
  try {
    return await Promise.race([run, safety]);
  } finally {
    clearTimeout(timer);
    await sub.unsubscribe();
  }
}

const eventsOf = (ms: SubscriptionMessage[]): RecordedEvent[] =>
  ms.flatMap((m) => (m.kind === 'event' ? [m.event] : []));

export function runConformanceSuite(name: string, target: ConformanceTarget): void {
  describe(`event-store conformance: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store.close();
      await target.dispose?.();
    });

    describe('appendToStream with an expected revision', () => {
      test("'no_stream' creates a stream and refuses an existing one", async () => {
        const s = `${prefix()}-1`;
        const first = await store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' });
        expect(first.nextExpectedRevision).toBe(0n);
        const error = await store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).expectedRevision).toBe('no_stream');
        expect((error as WrongExpectedRevisionError).actualRevision).toBe(0n);
      });

      test("'stream_exists' refuses a missing stream and accepts an existing one", async () => {
        const s = `${prefix()}-1`;
        const error = await store
          .appendToStream(s, [ev()], { expectedRevision: 'stream_exists' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actualRevision).toBe('no_stream');
        await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);
        // The same answer as a value, through the adapter's own method or the fallback.
        expect(await readStreamOrNull(store, s)).toBeNull();
        await store.appendToStream(s, [ev()]);
        expect((await readStreamOrNull(store, s))?.map((e) => e.revision)).toEqual([0n]);
        const r = await store.appendToStream(s, [ev()], { expectedRevision: 'stream_exists' });
        expect(r.nextExpectedRevision).toBe(1n);
      });

      test("'any' appends whatever the stream's state", async () => {
        const s = `${prefix()}-1`;
        expect((await store.appendToStream(s, [ev()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store.appendToStream(s, [ev()])).nextExpectedRevision).toBe(1n);
      });

      test('an exact revision must match the last event, and the error carries both revisions', async () => {
        const s = `${prefix()}-1`;
        await store.appendToStream(s, [ev(), ev(), ev()]);
        const ok = await store.appendToStream(s, [ev()], { expectedRevision: 2n });
        expect(ok.nextExpectedRevision).toBe(3n);
        const stale = await store.appendToStream(s, [ev()], { expectedRevision: 2n }).catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
        expect((stale as WrongExpectedRevisionError).expectedRevision).toBe(2n);
        expect((stale as WrongExpectedRevisionError).actualRevision).toBe(3n);
        const missing = await store
          .appendToStream(`${prefix()}-2`, [ev()], { expectedRevision: 0n })
          .catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(WrongExpectedRevisionError);
        expect((missing as WrongExpectedRevisionError).actualRevision).toBe('no_stream');
      });
    });

    describe('atomic appends', () => {
      test('a multi-event append is stored whole, with consecutive revisions and increasing positions', async () => {
        const s = `${prefix()}-1`;
        const batch = [ev('A'), ev('B'), ev('C')];
        const r = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const read = await store.readStream(s);
        expect(read.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read[2]!.position).toBe(r.position);
        expect(read[0]!.position < read[1]!.position && read[1]!.position < read[2]!.position).toBe(true);
      });

      test('a refused append writes nothing', async () => {
        const s = `${prefix()}-1`;
        await store.appendToStream(s, [ev()]);
        const before = await store.readAll({ direction: 'backwards', maxCount: 1 });
        await expect(
          store.appendToStream(s, [ev(), ev(), ev()], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(s)).toHaveLength(1);
        const after = await store.readAll({
          fromPosition: before[0]!.position,
          filter: { filterOn: 'streamName', prefixes: [s] },
        });
        expect(after).toHaveLength(0);
      });

      test('malformed input is refused before anything is written', async () => {
        const s = `${prefix()}-1`;
        await expect(store.appendToStream(s, [{ id: 'not-a-uuid', type: 'X', data: {} }])).rejects.toBeInstanceOf(
          InvalidEventStoreArgumentError,
        );
        const dup = ev();
        await expect(store.appendToStream(s, [dup, { ...dup }])).rejects.toBeInstanceOf(InvalidEventStoreArgumentError);
        await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('idempotent re-appends', () => {
      test('the same events at the same place write nothing and answer as the first time', async () => {
        const s = `${prefix()}-1`;
        const batch = [ev(), ev()];
        const first = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const anyAgain = await store.appendToStream(s, batch, { expectedRevision: 'any' });
        expect(anyAgain).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      test('a retry with an exact revision is recognised after later appends', async () => {
        const s = `${prefix()}-1`;
        await store.appendToStream(s, [ev()]);
        const retry = [ev()];
        const first = await store.appendToStream(s, retry, { expectedRevision: 0n });
        await store.appendToStream(s, [ev()], { expectedRevision: 1n });
        const again = await store.appendToStream(s, retry, { expectedRevision: 0n });
        expect(again).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(3);
      });
    });

    describe('readStream', () => {
      let s: string;
      let ids: string[];
      beforeAll(async () => {
        s = `${prefix()}-1`;
        const batch = Array.from({ length: 10 }, (_, i) => ev('Numbered', { i }));
        ids = batch.map((e) => e.id);
        await store.appendToStream(s, batch);
      });

      test('forwards from the start, everything in order with data and metadata', async () => {
        const all = await store.readStream(s);
        expect(all.map((e) => e.id)).toEqual(ids);
        expect(all[3]!.data).toEqual({ i: 3 });
        expect(all[3]!.metadata).toMatchObject({ actor: 'conformance' });
        expect(all[3]!.streamName).toBe(s);
        expect(all[3]!.type).toBe('Numbered');
        expect(all[3]!.created).toBeInstanceOf(Date);
      });

      test('forwards from a revision with a maximum count', async () => {
        const page = await store.readStream(s, { fromRevision: 4n, maxCount: 3 });
        expect(page.map((e) => e.revision)).toEqual([4n, 5n, 6n]);
      });

      test('backwards from the end, and from a revision', async () => {
        const last = await store.readStream(s, { direction: 'backwards', maxCount: 2 });
        expect(last.map((e) => e.revision)).toEqual([9n, 8n]);
        const mid = await store.readStream(s, { direction: 'backwards', fromRevision: 2n });
        expect(mid.map((e) => e.revision)).toEqual([2n, 1n, 0n]);
      });

      test('past the end is empty; a missing stream is its own error', async () => {
        expect(await store.readStream(s, { fromRevision: 10n })).toEqual([]);
        const error = await store.readStream(`${prefix()}-none`).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamNotFoundError);
      });

      test('revisions and positions are bigint at run time', async () => {
        const [e] = await store.readStream(s, { maxCount: 1 });
        expect(typeof e!.revision).toBe('bigint');
        expect(typeof e!.position).toBe('bigint');
        const r = await store.appendToStream(`${prefix()}-1`, [ev()]);
        expect(typeof r.nextExpectedRevision).toBe('bigint');
        expect(typeof r.position).toBe('bigint');
      });
    });

    describe('readAll', () => {
      let p: string;
      let appended: string[];
      let start: bigint;
      beforeAll(async () => {
        p = prefix();
        appended = [];
        // Interleave streams so that $all order differs from per-stream order.
        for (let i = 0; i < 6; i++) {
          const e = ev(i % 2 === 0 ? 'EvenHappened' : 'OddHappened', { i });
          appended.push(e.id);
          const r = await store.appendToStream(`${p}-${i % 3}`, [e]);
          if (i === 0) start = r.position;
        }
      });

      test('forwards in commit order, filtered by stream-name prefix', async () => {
        const all = await store.readAll({ filter: { filterOn: 'streamName', prefixes: [p] } });
        expect(all.map((e) => e.id)).toEqual(appended);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
      });

      test('fromPosition is exclusive', async () => {
        const rest = await store.readAll({ fromPosition: start, filter: { filterOn: 'streamName', prefixes: [p] } });
        expect(rest.map((e) => e.id)).toEqual(appended.slice(1));
      });

      test('backwards from a position, exclusive, with a maximum count', async () => {
        const all = await store.readAll({ filter: { filterOn: 'streamName', prefixes: [p] } });
        const back = await store.readAll({
          direction: 'backwards',
          fromPosition: all[4]!.position,
          maxCount: 2,
          filter: { filterOn: 'streamName', prefixes: [p] },
        });
        expect(back.map((e) => e.id)).toEqual([appended[3], appended[2]]);
      });

      test('filtered by event-type prefix', async () => {
        const t = `T${randomUUID().slice(0, 8)}`;
        const a = ev(`${t}Alpha`);
        const b = ev(`${t}Beta`);
        const c = ev(`Other${t}`);
        await store.appendToStream(`${p}-9`, [a, b, c]);
        const onlyT = await store.readAll({ filter: { filterOn: 'eventType', prefixes: [t] } });
        expect(onlyT.map((e) => e.id)).toEqual([a.id, b.id]);
        const alpha = await store.readAll({ filter: { filterOn: 'eventType', prefixes: [`${t}Alpha`, `Other${t}`] } });
        expect(alpha.map((e) => e.id)).toEqual([a.id, c.id]);
      });

      test('filtered by whole event-type names (exact): a type that only starts like one is not it (issue 20)', async () => {
        const t = `T${randomUUID().slice(0, 8)}`;
        const admitted = ev(`${t}Admitted`);
        const elsewhere = ev(`${t}AdmittedSomewhereElse`);
        const refused = ev(`${t}Refused`);
        const dotted = ev(`${t}.x`);
        await store.appendToStream(`${p}-10`, [admitted, elsewhere, refused, dotted]);
        const filter = eventTypes(`${t}Admitted`, `${t}Refused`, `${t}.`);
        const read = await store.readAll({ filter });
        expect(read.map((e) => e.id)).toEqual([admitted.id, refused.id]);
        const [last] = await store.readAll({ direction: 'backwards', maxCount: 1, filter });
        expect(last?.id).toBe(refused.id);
        const sub = store.subscribeToAll({ filter });
        const messages = await collect(sub, (ms) => ms.some((m) => m.kind === 'caughtUp'));
        expect(eventsOf(messages).map((e) => e.id)).toEqual([admitted.id, refused.id]);
      });

      test('maxCount bounds a forward read', async () => {
        const two = await store.readAll({ maxCount: 2, filter: { filterOn: 'streamName', prefixes: [p] } });
        expect(two.map((e) => e.id)).toEqual(appended.slice(0, 2));
      });
    });

    describe('subscribeToAll', () => {
      test('catches up, signals it once, then delivers live events with no gap and no duplicate', async () => {
        const p = prefix();
        const history = [ev(), ev(), ev()];
        await store.appendToStream(`${p}-a`, history);
        const live: string[] = [];
        const sub = store.subscribeToAll({ filter: { filterOn: 'streamName', prefixes: [p] } });
        const messages = await collect(
          sub,
          (ms) => eventsOf(ms).length === 3 + 40,
          async () => {
            // Two concurrent writers append while the subscriber is live.
            const writer = async (stream: string) => {
              for (let i = 0; i < 20; i++) {
                const e = ev();
                live.push(e.id);
                await store.appendToStream(stream, [e]);
              }
            };
            void Promise.all([writer(`${p}-b`), writer(`${p}-c`)]);
            await Promise.resolve();
          },
        );
        const events = eventsOf(messages);
        const caughtUpAt = messages.findIndex((m) => m.kind === 'caughtUp');
        expect(messages.filter((m) => m.kind === 'caughtUp')).toHaveLength(1);
        expect(caughtUpAt).toBeGreaterThanOrEqual(3);
        expect(events.slice(0, 3).map((e) => e.id)).toEqual(history.map((e) => e.id));
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        expect(new Set(events.slice(3).map((e) => e.id))).toEqual(new Set(live));
        for (let i = 1; i < events.length; i++) expect(events[i]!.position > events[i - 1]!.position).toBe(true);
      });

      test('fromPosition is exclusive and catches up from there', async () => {
        const p = prefix();
        const batch = [ev(), ev(), ev(), ev()];
        await store.appendToStream(`${p}-a`, batch);
        const read = await store.readStream(`${p}-a`);
        const sub = store.subscribeToAll({
          fromPosition: read[1]!.position,
          filter: { filterOn: 'streamName', prefixes: [p] },
        });
        const messages = await collect(sub, (ms) => ms.some((m) => m.kind === 'caughtUp'));
        expect(eventsOf(messages).map((e) => e.id)).toEqual([batch[2]!.id, batch[3]!.id]);
      });

      test('event-type filters apply to live delivery too', async () => {
        const p = prefix();
        const t = `Live${randomUUID().slice(0, 8)}`;
        const wanted = ev(`${t}Wanted`);
        const sub = store.subscribeToAll({ filter: { filterOn: 'eventType', prefixes: [t] } });
        const messages = await collect(
          sub,
          (ms) => eventsOf(ms).length === 1,
          async () => {
            await store.appendToStream(`${p}-a`, [ev('NotWanted'), wanted]);
          },
        );
        expect(eventsOf(messages).map((e) => e.id)).toEqual([wanted.id]);
      });

      test('unsubscribe ends the iteration and nothing more is delivered', async () => {
        const p = prefix();
        await store.appendToStream(`${p}-a`, [ev()]);
        const sub = store.subscribeToAll({ filter: { filterOn: 'streamName', prefixes: [p] } });
        const seen: SubscriptionMessage[] = [];
        let ended = false;
        const loop = (async () => {
          for await (const m of sub) {
            seen.push(m);
            if (m.kind === 'caughtUp') await sub.unsubscribe();
          }
          ended = true;
        })();
        await loop;
        await store.appendToStream(`${p}-a`, [ev()]);
        expect(ended).toBe(true);
        expect(eventsOf(seen)).toHaveLength(1);
        await sub.unsubscribe(); // idempotent
      });
    });

    describe('close and reopen', () => {
      test('everything is intact after the store is closed and reopened', async () => {
        const p = prefix();
        const batch = Array.from({ length: 5 }, (_, i) => ev('Kept', { i }));
        await store.appendToStream(`${p}-a`, batch.slice(0, 3));
        await store.appendToStream(`${p}-b`, batch.slice(3));
        const before = await store.readAll({ filter: { filterOn: 'streamName', prefixes: [p] } });
        store = await target.reopen(store);
        const after = await store.readAll({ filter: { filterOn: 'streamName', prefixes: [p] } });
        expect(after).toEqual(before);
        const next = await store.appendToStream(`${p}-a`, [ev()], { expectedRevision: 2n });
        expect(next.nextExpectedRevision).toBe(3n);
        expect(next.position > before[before.length - 1]!.position).toBe(true);
      });
    });
  });
}
