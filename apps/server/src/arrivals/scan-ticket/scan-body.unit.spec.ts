import 'reflect-metadata';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../shared/api-error.js';
import { strictValidationPipe } from '../../shared/validation.js';
import { ScanDto } from './scan-ticket.js';

/**
 * A scan's body, offline decisions included, through the server's own
 * validation (issue 20): random and half-right bodies give a scan or a 400
 * validation_failed naming the fields, never another error.
 */
const TIME_BOX = { interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false } as const;
const pipe = strictValidationPipe();
const odd = fc.oneof(
  fc.anything(),
  fc.string({ maxLength: 600 }),
  fc.constantFrom('\u202e', '\u200b', 'é\u0301', '🙂', ''),
);

const body = fc.record(
  {
    scanId: fc.oneof(fc.constant(randomUUID()), odd),
    ticketCode: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), odd),
    registrationId: fc.oneof(fc.constant(randomUUID()), odd),
    door: fc.oneof(fc.constant('Accueil'), odd),
    idCheck: fc.oneof(
      fc.record({ document: fc.constantFrom('passport', 'id_card', 'other'), nameMatches: fc.boolean() }),
      odd,
    ),
    scannedAt: fc.oneof(fc.constant('2014-09-19T09:30:00+02:00'), odd),
    offline: fc.oneof(
      fc.record(
        {
          result: fc.constantFrom('admitted', 'refused', 'maybe'),
          reason: fc.oneof(fc.constantFrom('already_admitted', 'not_found'), odd),
        },
        { requiredKeys: ['result'] },
      ),
      odd,
    ),
    __proto__: odd,
    constructor: odd,
  },
  { requiredKeys: [] },
);

describe('a scan body on random input (issue 20)', () => {
  test('a scan, or 400 validation_failed (invalid_time when times are the only faults), never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, fc.anything()), async (value) => {
        try {
          const dto = await pipe.transform(value, { type: 'body', metatype: ScanDto, data: '' });
          expect(dto).toBeInstanceOf(ScanDto);
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect(['validation_failed', 'invalid_time']).toContain((error as ApiError).code);
          expect((error as ApiError).getStatus()).toBe(400);
        }
      }),
      { numRuns: 500, ...TIME_BOX },
    );
  });
});
