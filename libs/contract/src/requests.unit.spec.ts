// The request bodies of the contract (issue 26): what a door, a kiosk and the
// organisers' page send validates; what the server refuses does not; and the
// limits written in the contract are the domain's.
import { describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import { MAX_IMAGE_BYTES } from '@emargement/charter/png.js';
import { MAX_IMAGE_PIXELS } from '@emargement/charter/png-decode.js';
import {
  CONTRACT_REQUESTS,
  ConferenceRequestSchema,
  RegisterRequestSchema,
  ScanRequestSchema,
  SIGNATURE_IMAGE_LIMITS,
  SignRequestSchema,
  SpaceRequestSchema,
} from './index.js';

const ajv = new Ajv({ strict: false, validateFormats: false });
const SCAN = '7b0d1c3e-5a4f-4e2b-9c1d-0f6e8a2b4c6d';

describe('request bodies', () => {
  test('a door scan, an offline one, a movement, a walk-in, a day with its spaces and a signature validate', () => {
    expect(ajv.validate(ScanRequestSchema, { scanId: SCAN, ticketCode: 'abc', door: 'Accueil' })).toBe(true);
    expect(
      ajv.validate(ScanRequestSchema, {
        scanId: SCAN,
        registrationId: SCAN,
        door: 'Accueil',
        idCheck: { document: 'passport', nameMatches: true },
        scannedAt: '2014-09-19T09:00:00+02:00',
        offline: { result: 'refused', reason: 'already_checked_in' },
      }),
    ).toBe(true);
    expect(ajv.validate(ScanRequestSchema, { scanId: SCAN, ticketCode: 'x', space: 'Buffet', direction: 'auto' })).toBe(
      true,
    );
    expect(
      ajv.validate(RegisterRequestSchema, {
        registrationId: SCAN,
        firstName: 'Ada',
        lastName: 'Lovelace',
        category: 'participant',
        lunch: true,
        photoConsent: false,
      }),
    ).toBe(true);
    const space = { name: 'Buffet', opens: '12:30', closes: '14:00', capacity: 150, requiresLunch: true };
    expect(ajv.validate(SpaceRequestSchema, space)).toBe(true);
    expect(
      ajv.validate(ConferenceRequestSchema, {
        name: 'PTCE',
        venue: 'Bercy',
        startsAt: '2014-09-19T09:00:00+02:00',
        endsAt: '2014-09-19T18:00:00+02:00',
        timezone: 'Europe/Paris',
        capacity: 400,
        idCheckRequired: true,
        lunch: { priceCents: 2000, currency: 'EUR' },
        doors: ['Accueil'],
        programme: [{ at: '16:00', title: 'Signature de la charte' }],
        spaces: [space],
      }),
    ).toBe(true);
    expect(
      ajv.validate(SignRequestSchema, {
        signatureId: SCAN,
        registrationId: SCAN,
        onBehalfOf: 'Coop',
        consent: { given: true, wording: 'Je signe', givenAt: '2014-09-19T16:00:00+02:00' },
        textSha256: 'ab',
        strokes: [[{ x: 1, y: 2, time: 3 }]],
        canvas: { width: 600, height: 200, devicePixelRatio: 2 },
        image: 'data:image/png;base64,AA==',
        kiosk: 'Tablette 1',
        deviceSignedAt: '2014-09-19T16:01:00+02:00',
      }),
    ).toBe(true);
  });

  test('what the server refuses does not: a field it does not know, a wrong word, a missing field, a bad hour', () => {
    expect(ajv.validate(ScanRequestSchema, { scanId: SCAN, ticketCode: 'a', door: 'A', gate: 'B' })).toBe(false);
    expect(ajv.validate(ScanRequestSchema, { scanId: SCAN, ticketCode: 'a', space: 'S', direction: 'sideways' })).toBe(
      false,
    );
    expect(ajv.validate(ScanRequestSchema, { ticketCode: 'a', door: 'A' })).toBe(false);
    expect(ajv.validate(SpaceRequestSchema, { name: 'Buffet', opens: '24:00', closes: '14:00' })).toBe(false);
    expect(
      ajv.validate(RegisterRequestSchema, {
        firstName: 'A',
        lastName: 'B',
        category: 'vip',
        lunch: true,
        photoConsent: true,
      }),
    ).toBe(false);
  });

  test('every request schema is a closed object, as the server is (forbidNonWhitelisted)', () => {
    for (const schema of Object.values(CONTRACT_REQUESTS)) expect(schema.additionalProperties).toBe(false);
  });

  test("the signature image's limits in the contract are the charter's own", () => {
    expect(SIGNATURE_IMAGE_LIMITS).toEqual({ bytes: MAX_IMAGE_BYTES, pixels: MAX_IMAGE_PIXELS });
  });
});
