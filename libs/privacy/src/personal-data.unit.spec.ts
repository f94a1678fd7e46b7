import { describe, expect, test } from '@jest/globals';
import { InvalidEventStoreArgumentError } from '@emargement/event-store';
import { randomBytes } from 'node:crypto';
import { open, SealedDataError, type Sealed } from './envelope.js';
import { protect, reveal, sealedSubjectOf, SEALED_FIELD, subjectToSeal, withoutPersonalData } from './personal-data.js';

const rid = '00000000-0000-4000-8000-000000000001';
const stream = 'conference-c0nf';
const charter = 'charter-c4a7';
const key = randomBytes(32);
const keyOf = (): Buffer => key;

const person = { firstName: 'Claude', lastName: 'Alphandéry', email: 'claude@example.org', organisation: 'Labo' };
const registered = {
  type: 'PersonRegistered',
  data: {
    conferenceId: 'c0nf',
    registrationId: rid,
    ticketCode: 'tk-secret-0001',
    ticketSha256: 'ee',
    person,
    category: 'signatory',
    lunch: true,
  },
};
const signed = {
  type: 'CharterSigned',
  data: {
    charterId: 'c4a7',
    sequence: 1,
    registrationId: rid,
    name: 'Claude Alphandéry',
    nameSalt: 'salt-1',
    nameSha256: 'aa',
    onBehalfOf: 'Labo',
    strokes: [[{ x: 1, y: 2, time: 3 }]],
    strokesSha256: 'bb',
    image: 'data:image/png;base64,iVBORw0KGgo=',
    imageSha256: 'cc',
    hash: 'dd',
  },
};

/** As a store gives it back: written as JSON and parsed again. */
const stored = <T>(event: T): T => JSON.parse(JSON.stringify(event)) as T;
interface Data {
  [key: string]: unknown;
  person: { [key: string]: unknown; sealed: { [key: string]: unknown } };
}
const dataOf = (event: { data: unknown }): Data => event.data as Data;

describe('protect', () => {
  test('seals a registration’s name, e-mail and ticket code under person.sealed; the organisation and the code’s digest stay in clear', () => {
    const p = protect(stream, registered, keyOf);
    expect(dataOf(p).person).toEqual({ organisation: 'Labo', sealed: expect.any(Object) });
    expect(dataOf(p).registrationId).toBe(rid);
    expect(dataOf(p)).not.toHaveProperty('ticketCode');
    expect(dataOf(p).ticketSha256).toBe('ee');
    expect(JSON.stringify(p)).not.toContain('Claude');
    expect(JSON.stringify(p)).not.toContain('claude@example.org');
    expect(JSON.stringify(p)).not.toContain('tk-secret-0001');
    const sealed = dataOf(p).person.sealed as unknown as Sealed;
    expect(sealed.subject).toBe(rid);
    expect(open(key, { streamName: stream, eventType: 'PersonRegistered', subject: rid }, sealed)).toEqual({
      firstName: 'Claude',
      lastName: 'Alphandéry',
      email: 'claude@example.org',
      $data: { ticketCode: 'tk-secret-0001' },
    });
  });

  test('seals a signature’s name, salt, strokes and image under data.sealed; digests and hashes stay', () => {
    const p = protect(charter, signed, keyOf);
    expect(Object.keys(dataOf(p)).sort()).toEqual(
      [
        'charterId',
        'sequence',
        'registrationId',
        'nameSha256',
        'onBehalfOf',
        'strokesSha256',
        'imageSha256',
        'hash',
        SEALED_FIELD,
      ].sort(),
    );
  });

  test('never changes the event it is given', () => {
    const before = structuredClone(registered);
    protect(stream, registered, keyOf);
    expect(registered).toEqual(before);
  });

  test('leaves other event types, and events with nothing to seal, as they are', () => {
    const other = { type: 'RegistrationCancelled', data: { registrationId: rid, person } };
    expect(protect(stream, other, keyOf)).toBe(other);
    const noPerson = { type: 'PersonRegistered', data: { registrationId: rid } };
    expect(protect(stream, noPerson, keyOf)).toBe(noPerson);
    expect(subjectToSeal(other)).toBeNull();
  });

  test('refuses personal data it cannot key, or clear data next to an envelope', () => {
    const noSubject = { type: 'PersonRegistered', data: { person } };
    expect(() => protect(stream, noSubject, keyOf)).toThrow(InvalidEventStoreArgumentError);
    const both = { type: 'PersonRegistered', data: { registrationId: rid, person: { ...person, sealed: {} } } };
    expect(() => protect(stream, both, keyOf)).toThrow(InvalidEventStoreArgumentError);
  });

  test('withoutPersonalData drops the fields and seals nothing', () => {
    expect(dataOf(withoutPersonalData(registered)).person).toEqual({ organisation: 'Labo' });
    expect(dataOf(withoutPersonalData(signed))).not.toHaveProperty('name');
    expect(dataOf(withoutPersonalData(signed))).not.toHaveProperty(SEALED_FIELD);
  });
});

describe('reveal', () => {
  test('puts the fields back exactly, through a JSON round trip', () => {
    for (const [s, event] of [
      [stream, registered],
      [charter, signed],
    ] as const) {
      const recorded = stored(protect(s, event, keyOf));
      expect(sealedSubjectOf(recorded)).toBe(rid);
      expect(reveal(s, recorded, keyOf)).toEqual(event);
    }
  });

  test('an erased registration reads with empty strings and person.erased', () => {
    const recorded = stored(protect(stream, registered, keyOf));
    const r = reveal(stream, recorded, () => 'erased');
    expect(dataOf(r).person).toEqual({ firstName: '', lastName: '', email: '', organisation: 'Labo', erased: true });
    expect(dataOf(r).registrationId).toBe(rid);
    // The code is gone with the key; its digest stays, so the door still finds the ticket, and refuses it.
    expect(dataOf(r).ticketCode).toBe('');
    expect(dataOf(r).ticketSha256).toBe('ee');
    expect(dataOf(r).lunch).toBe(true);
  });

  test('an erased signature reads with nulls (what the chain’s verify skips) and personalDataErased', () => {
    const recorded = stored(protect(charter, signed, keyOf));
    const r = dataOf(reveal(charter, recorded, () => 'erased'));
    expect(r).toMatchObject({ name: null, nameSalt: null, strokes: null, image: null, personalDataErased: true });
    expect(r).not.toHaveProperty(SEALED_FIELD);
    expect(r.nameSha256).toBe('aa');
    expect(r.hash).toBe('dd');
  });

  test('a missing key (never erased) reads as erased too', () => {
    const recorded = stored(protect(stream, registered, keyOf));
    expect(dataOf(reveal(stream, recorded, () => null)).person.erased).toBe(true);
  });

  test('legacy events (no envelope) and other types pass untouched', () => {
    const legacy = stored(registered);
    expect(reveal(stream, legacy, keyOf)).toBe(legacy);
    expect(sealedSubjectOf(legacy)).toBeNull();
    const other = stored({ type: 'TicketScanned', data: { registrationId: rid, sealed: 'not ours' } });
    expect(reveal(stream, other, keyOf)).toBe(other);
    const notAnObject = stored({ type: 'CharterSigned', data: null });
    expect(reveal(charter, notAnObject, keyOf)).toBe(notAnObject);
  });

  test('an envelope moved to another stream, another type or another subject does not open', () => {
    const recorded = stored(protect(stream, registered, keyOf));
    expect(() => reveal('conference-other', recorded, keyOf)).toThrow(SealedDataError);
    expect(() => reveal(stream, { ...recorded, type: 'PersonWaitlisted' }, keyOf)).toThrow(SealedDataError);
    const relabelled = stored(recorded);
    dataOf(relabelled).registrationId = 'someone-else';
    expect(() => reveal(stream, relabelled, keyOf)).toThrow(SealedDataError);
    dataOf(relabelled).person.sealed.subject = 'someone-else';
    expect(() => reveal(stream, relabelled, keyOf)).toThrow(SealedDataError);
  });

  test('an envelope sealed before the ticket code was (the code still in clear beside it) reads as written', () => {
    // Sealed with the person's fields only, as stores written before this change hold it.
    const { ticketCode, ...rest } = registered.data;
    const before = stored(protect(stream, { type: 'PersonRegistered', data: rest }, keyOf));
    const recorded = { ...before, data: { ...before.data, ticketCode } };
    expect(reveal(stream, recorded, keyOf)).toEqual(registered);
    // Erased, the clear code stays as the log holds it (so the door still finds, and refuses, that ticket).
    expect(dataOf(reveal(stream, recorded, () => 'erased')).ticketCode).toBe(ticketCode);
  });

  test('a malformed envelope is an error, not legacy data', () => {
    const recorded = stored(protect(stream, registered, keyOf));
    dataOf(recorded).person.sealed = { v: 1 };
    expect(() => reveal(stream, recorded, keyOf)).toThrow(SealedDataError);
  });
});

describe('a registration corrected', () => {
  const correction = {
    type: 'RegistrationCorrected',
    data: {
      conferenceId: 'c0nf',
      registrationId: rid,
      changes: { lastName: 'Alphandéri', category: 'speaker' },
      correctedAt: '2014-09-19T09:00:00+02:00',
    },
  };

  test('seals the corrected names under changes.sealed; what is not personal stays in clear', () => {
    const p = stored(protect(stream, correction, keyOf));
    expect(JSON.stringify(p)).not.toContain('Alphandéri');
    expect((p.data.changes as Record<string, unknown>).category).toBe('speaker');
    expect(reveal(stream, p, keyOf)).toEqual(correction);
  });

  test('erased with the person’s key: the corrected name reads as erased, nowhere in clear', () => {
    const p = stored(protect(stream, correction, keyOf));
    const erased = reveal(stream, p, () => 'erased');
    expect(JSON.stringify(erased)).not.toContain('Alphandéri');
    expect(erased.data.changes).toEqual({ firstName: '', lastName: '', email: '', category: 'speaker', erased: true });
  });
});
