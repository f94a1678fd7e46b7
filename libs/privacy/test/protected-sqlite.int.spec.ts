// ProtectedEventStore over the real SQLite event store and a real key file:
// what is appended reads back exactly; what lands on disk holds no personal
// data; after an erasure, no file holds the key and reads say "erased".
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { verify } from '@emargement/charter';
import {
  SqliteEventStore,
  WrongExpectedRevisionError,
  type EventData,
  type RecordedEvent,
  type SubscriptionMessage,
} from '@emargement/event-store';
import { randomFillSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { withoutAppendToStreams } from '@emargement/testing';
import { history, publish, signed, signer } from '../../charter/test/examples.js';
import { ProtectedEventStore, SqliteKeyStore, SubjectErasedError, type MissingKey } from '../src/index.js';
import { filesContaining, filesIn, keyForms } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'emargement-privacy-'));
const eventsFile = join(dir, 'events.sqlite');
const keysFile = join(dir, 'keys.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rid = signer(1).registrationId;
const otherRid = '00000000-0000-4000-8000-0000000000b2';
const conferenceStream = 'conference-c0nf0000-0000-4000-8000-000000002014';
const charterStream = 'charter-c4a70000-0000-4000-8000-000000000001';

const firstName = 'Zéphyrine';
const lastName = 'Quillebœuf';
const email = 'zephyrine.quilleboeuf@example.org';
const salt = 'sel-8f3a91c2d4e5';
const strokeX = 123.456789;

/** A noisy PNG, so that its base64 is long and found nowhere else. */
function noisyPng(): string {
  const png = new PNG({ width: 64, height: 32 });
  randomFillSync(png.data);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
const image = noisyPng();
const imageSlice = image.slice(2000, 2064);

const registration = (registrationId: string, person: object): EventData => ({
  id: randomUUID(),
  type: 'PersonRegistered',
  data: {
    conferenceId: 'c0nf0000-0000-4000-8000-000000002014',
    registrationId,
    ticketCode: randomUUID(),
    person,
    category: 'signatory',
    lunch: false,
    photoConsent: true,
    source: 'admin',
    registeredAt: '2014-09-19T08:00:00+02:00',
  },
  metadata: { actor: 'spec' },
});

const registered = registration(rid, { firstName, lastName, email, organisation: 'Le Labo de l’ESS' });
const otherRegistered = registration(otherRid, {
  firstName: 'Anselme',
  lastName: 'Vigouroux',
  email: 'anselme@example.org',
  organisation: 'Pays Basque',
});
const charterEvents: EventData[] = history(
  publish(),
  signed(1, {
    signer: signer(1, { name: `${firstName} ${lastName}` }),
    nameSalt: salt,
    image,
    strokes: [
      [
        { x: strokeX, y: 20, time: 1411131600000 },
        { x: 40, y: 22, time: 1411131600016 },
      ],
    ],
  }),
).map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: { actor: 'spec' } }));

const personalNeedles = [firstName, lastName, email, salt, String(strokeX), imageSlice];
const asAppended = (events: readonly RecordedEvent[]) =>
  events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
const expected = (events: readonly EventData[]) => JSON.parse(JSON.stringify(events)) as unknown;

const openStore = (missing?: MissingKey[]) =>
  new ProtectedEventStore(SqliteEventStore.open(eventsFile), SqliteKeyStore.open(keysFile), {
    onMissingKey: (m) => missing?.push(m),
  });

async function untilCaughtUp(store: ProtectedEventStore): Promise<RecordedEvent[]> {
  const sub = store.subscribeToAll({
    filter: { filterOn: 'streamName', prefixes: [conferenceStream, charterStream] },
  });
  const events: RecordedEvent[] = [];
  for await (const m of sub as AsyncIterable<SubscriptionMessage>) {
    if (m.kind === 'caughtUp') break;
    events.push(m.event);
  }
  await sub.unsubscribe();
  return events;
}

describe('ProtectedEventStore over SQLite files', () => {
  let store: ProtectedEventStore;
  let firstAppend: { nextExpectedRevision: bigint; position: bigint };
  let key: Buffer;
  let otherKey: Buffer;

  beforeAll(async () => {
    store = openStore();
    firstAppend = await store.appendToStream(conferenceStream, [registered, otherRegistered], {
      expectedRevision: 'no_stream',
    });
    await store.appendToStream(charterStream, charterEvents, { expectedRevision: 'no_stream' });
  });
  afterAll(() => store.close());

  test('reads back exactly what was appended', async () => {
    expect(asAppended(await store.readStream(conferenceStream))).toEqual(expected([registered, otherRegistered]));
    expect(asAppended(await store.readStream(charterStream))).toEqual(expected(charterEvents));
    const all = await store.readAll({
      filter: { filterOn: 'streamName', prefixes: [conferenceStream, charterStream] },
    });
    expect(asAppended(all)).toEqual(expected([registered, otherRegistered, ...charterEvents]));
  });

  test('subscribeToAll reveals too', async () => {
    expect(asAppended(await untilCaughtUp(store))).toEqual(expected([registered, otherRegistered, ...charterEvents]));
  });

  test('subscribeToAll with personalData: false hands the events over as stored, envelopes closed', async () => {
    const sub = store.subscribeToAll({
      filter: { filterOn: 'streamName', prefixes: [conferenceStream] },
      personalData: false,
    });
    const events: RecordedEvent[] = [];
    for await (const m of sub as AsyncIterable<SubscriptionMessage>) {
      if (m.kind === 'caughtUp') break;
      events.push(m.event);
    }
    await sub.unsubscribe();
    expect(events.map((e) => e.id)).toEqual([registered.id, otherRegistered.id]);
    const [first] = events;
    const data = first!.data as { person: Record<string, unknown>; ticketCode?: unknown; registrationId: string };
    // What a projection reads is there in clear; what it never reads stays sealed.
    expect(data.registrationId).toBe(rid);
    expect(data.person.organisation).toBe('Le Labo de l’ESS');
    expect(data.person.firstName).toBeUndefined();
    expect(data.ticketCode).toBeUndefined();
    expect(data.person.sealed).toEqual(expect.objectContaining({ subject: rid, alg: 'A256GCM' }));
    const seen = JSON.stringify(events.map((e) => e.data));
    for (const needle of personalNeedles) expect(seen).not.toContain(needle);
  });

  test('no file on disk holds the personal data; the inner store holds envelopes', async () => {
    const names = [...filesIn(dir).keys()];
    expect(names).toEqual(expect.arrayContaining(['events.sqlite', 'keys.sqlite']));
    for (const needle of personalNeedles)
      expect({ needle, files: filesContaining(dir, needle) }).toEqual({ needle, files: [] });
    // Sanity: the search does find what is stored in clear.
    expect(filesContaining(dir, 'Le Labo de l’ESS').length).toBeGreaterThan(0);
    const raw = SqliteEventStore.open(eventsFile);
    try {
      const [stored] = await raw.readStream(conferenceStream, { maxCount: 1 });
      expect((stored!.data as { person: object }).person).toEqual({
        organisation: 'Le Labo de l’ESS',
        sealed: {
          v: 1,
          alg: 'A256GCM',
          subject: rid,
          iv: expect.any(String),
          ct: expect.any(String),
          tag: expect.any(String),
        },
      });
    } finally {
      await raw.close();
    }
  });

  test('the key file holds the key before erasure (the later check can fail)', async () => {
    const keys = SqliteKeyStore.open(keysFile);
    try {
      key = (await keys.find(rid)) as Buffer;
      otherKey = (await keys.find(otherRid)) as Buffer;
    } finally {
      await keys.close();
    }
    expect(Buffer.isBuffer(key) && key.length).toBe(32);
    expect(filesContaining(dir, key)).toEqual(['keys.sqlite']);
  });

  test('a retry of an append (same ids, fresh IV) writes nothing and answers as the first time', async () => {
    const again = await store.appendToStream(conferenceStream, [registered, otherRegistered], {
      expectedRevision: 'no_stream',
    });
    expect(again).toEqual(firstAppend);
    expect(await store.readStream(conferenceStream)).toHaveLength(2);
    await expect(
      store.appendToStream(
        conferenceStream,
        [registration(randomUUID(), { firstName: 'X', lastName: 'Y', email: 'x@y.z' })],
        {
          expectedRevision: 0n,
        },
      ),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });

  test('erase forgets the key: reads give the erased markers, the charter still verifies', async () => {
    expect(await store.erase(rid, 'GDPR request #12')).toEqual({ erased: true });
    expect(await store.erase(rid)).toEqual({ erased: false });

    const [reg, other] = await store.readStream(conferenceStream);
    expect((reg!.data as { person: object }).person).toEqual({
      firstName: '',
      lastName: '',
      email: '',
      organisation: 'Le Labo de l’ESS',
      erased: true,
    });
    expect(reg!.data).toMatchObject({ registrationId: rid, photoConsent: true });
    expect(asAppended([other!])).toEqual(expected([otherRegistered]));

    const charter = await store.readStream(charterStream);
    expect(charter[1]!.data).toMatchObject({
      registrationId: rid,
      name: null,
      nameSalt: null,
      strokes: null,
      image: null,
      personalDataErased: true,
      onBehalfOf: (charterEvents[1]!.data as { onBehalfOf: string }).onBehalfOf,
    });
    expect(verify(charter)).toMatchObject({ valid: true, count: 1 });

    const live = await untilCaughtUp(store);
    expect((live[0]!.data as { person: { erased?: boolean } }).person.erased).toBe(true);
    expect((live[2]!.data as { personalDataErased?: boolean }).personalDataErased).toBeUndefined();
    expect((live[3]!.data as { personalDataErased?: boolean }).personalDataErased).toBe(true);
  });

  test('an erased subject gets no new key and no new personal data; a retry is still answered', async () => {
    const keys = SqliteKeyStore.open(keysFile);
    try {
      await expect(keys.keyFor(rid)).rejects.toBeInstanceOf(SubjectErasedError);
    } finally {
      await keys.close();
    }
    await expect(
      store.appendToStream(conferenceStream, [registration(rid, { firstName, lastName, email, organisation: null })]),
    ).rejects.toBeInstanceOf(SubjectErasedError);
    const retry = await store.appendToStream(conferenceStream, [registered, otherRegistered], {
      expectedRevision: 'no_stream',
    });
    expect(retry).toEqual(firstAppend);
    expect(await store.readStream(conferenceStream)).toHaveLength(2);
  });

  test('after closing and reopening, no file holds the erased key; other keys and the tombstone are kept', async () => {
    await store.close();
    for (const form of keyForms(key)) expect({ form, files: filesContaining(dir, form) }).toEqual({ form, files: [] });
    expect(filesContaining(dir, otherKey)).toEqual(['keys.sqlite']);
    expect(existsSync(`${keysFile}-journal`)).toBe(false);
    expect(existsSync(`${keysFile}-wal`)).toBe(false);

    const missing: MissingKey[] = [];
    store = openStore(missing);
    const [reg, other] = await store.readStream(conferenceStream);
    expect((reg!.data as { person: { erased?: boolean } }).person.erased).toBe(true);
    expect(asAppended([other!])).toEqual(expected([otherRegistered]));
    expect(missing).toEqual([]);
    const keys = SqliteKeyStore.open(keysFile);
    try {
      expect(await keys.find(rid)).toBe('erased');
      await expect(keys.keyFor(rid)).rejects.toBeInstanceOf(SubjectErasedError);
      expect((await keys.find(otherRid)) as Buffer).toEqual(otherKey);
    } finally {
      await keys.close();
    }
    for (const needle of personalNeedles) expect(filesContaining(dir, needle)).toEqual([]);
  });

  test('a lost key file reads as erased, and each missing key is reported to onMissingKey', async () => {
    await store.close();
    rmSync(keysFile);
    const missing: MissingKey[] = [];
    store = openStore(missing);
    const [reg, other] = await store.readStream(conferenceStream);
    expect((other!.data as { person: { erased?: boolean } }).person.erased).toBe(true);
    // The tombstone went with the file: the erased subject is now "missing" too.
    expect(missing).toEqual([
      { subject: rid, streamName: conferenceStream, eventId: reg!.id },
      { subject: otherRid, streamName: conferenceStream, eventId: otherRegistered.id },
    ]);
  });
});

describe('ProtectedEventStore: an append across streams', () => {
  const own = mkdtempSync(join(tmpdir(), 'emargement-privacy-multi-'));
  afterAll(() => rmSync(own, { recursive: true, force: true }));

  test('each part is sealed as a single append is, and the parts are stored all or nothing', async () => {
    const store = new ProtectedEventStore(
      SqliteEventStore.open(join(own, 'events.sqlite')),
      SqliteKeyStore.open(join(own, 'keys.sqlite')),
    );
    try {
      const claim: EventData = { id: randomUUID(), type: 'Probe', data: { plain: true }, metadata: {} };
      const [first, second] = await store.appendToStreams!([
        { streamName: 'claim-1', events: [claim], expectedRevision: 'no_stream' },
        { streamName: conferenceStream, events: [registered], expectedRevision: 'no_stream' },
      ]);
      expect(second!.position > first!.position).toBe(true);
      expect(asAppended(await store.readAll())).toEqual(expected([claim, registered]));
      for (const needle of personalNeedles.slice(0, 3))
        expect({ needle, files: filesContaining(own, needle) }).toEqual({ needle, files: [] });
      // A part refused leaves nothing of the others.
      await expect(
        store.appendToStreams!([
          { streamName: 'claim-2', events: [{ ...claim, id: randomUUID() }], expectedRevision: 'no_stream' },
          { streamName: conferenceStream, events: [otherRegistered], expectedRevision: 'no_stream' },
        ]),
      ).rejects.toMatchObject({ streamName: conferenceStream });
      expect((await store.readAll()).map((e) => e.streamName)).toEqual(['claim-1', conferenceStream]);
    } finally {
      await store.close();
    }
  });

  test('over a store that cannot append across streams, it cannot either', () => {
    const inner = SqliteEventStore.open(join(own, 'plain.sqlite'));
    const single = withoutAppendToStreams(inner);
    const store = new ProtectedEventStore(single, SqliteKeyStore.open(join(own, 'plain-keys.sqlite')));
    expect(store.appendToStreams).toBeUndefined();
    return store.close();
  });
});
