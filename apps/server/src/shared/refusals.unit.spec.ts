import { describe, expect, test } from '@jest/globals';
import { CHARTER_REFUSAL_REASONS } from '@emargement/charter';
import { ARRIVAL_REFUSAL_REASONS, CONFERENCE_REFUSAL_REASONS } from '@emargement/conference';
import { DEVICE_REFUSAL_REASONS } from '@emargement/devices';
import { refusalFieldErrors, refusalStatus } from './refusals.js';

const every = [
  ...CONFERENCE_REFUSAL_REASONS,
  ...ARRIVAL_REFUSAL_REASONS,
  ...CHARTER_REFUSAL_REASONS,
  ...DEVICE_REFUSAL_REASONS,
];

describe('the HTTP status of each refusal code', () => {
  test('every code a decider declares has a status of the 4xx kind', () => {
    for (const code of every) expect([code, refusalStatus(code)]).toEqual([code, expect.any(Number)]);
    for (const code of every) expect(refusalStatus(code)).toBeGreaterThanOrEqual(400);
    for (const code of every) expect(refusalStatus(code)).toBeLessThan(500);
  });

  test.each([
    ['unknown_scan', 404],
    ['unknown_door', 400],
    ['invalid_image', 400],
    ['image_too_large', 413],
    ['already_checked_in_is_not_a_refusal', 400],
    ['device_not_found', 404],
    ['duplicate_email', 409],
    ['toString', 400],
  ])('%s: %i', (code, status) => expect(refusalStatus(code)).toBe(status));

  test('the refusals about one field name it, as a validation error does', () => {
    expect(refusalFieldErrors('unknown_door', { doors: 'A, B' })).toEqual([{ field: 'door', message: 'unknown door' }]);
    expect(refusalFieldErrors('invalid_image', { problem: 'bad_crc' })).toEqual([
      { field: 'image', message: 'bad_crc' },
    ]);
    expect(refusalFieldErrors('image_too_large', { maxBytes: 262144 })).toEqual([
      { field: 'image', message: 'at most 262144 bytes decoded' },
    ]);
    expect(refusalFieldErrors('duplicate_email', {})).toBeUndefined();
  });
});
