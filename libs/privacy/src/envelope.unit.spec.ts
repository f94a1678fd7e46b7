import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { aadOf, isSealed, open, seal, SealedDataError, type SealContext, type Sealed } from './envelope.js';

const key = randomBytes(32);
const context: SealContext = {
  streamName: 'conference-c0nf',
  eventType: 'PersonRegistered',
  subject: '00000000-0000-4000-8000-000000000001',
};
const value = { firstName: 'Geneviève', lastName: 'Cœur', email: 'genevieve@example.org', nested: [1, { a: null }] };

/** Flips one bit of a base64 field. */
const flip = (b64: string): string => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64');
};

describe('the sealed envelope', () => {
  test('opens to the value sealed, deep-equal', () => {
    const sealed = seal(key, context, value);
    expect(open(key, context, sealed)).toEqual(value);
  });

  test('has the documented shape and hides the value', () => {
    const sealed = seal(key, context, value);
    expect(sealed).toEqual({
      v: 1,
      alg: 'A256GCM',
      subject: context.subject,
      iv: expect.any(String),
      ct: expect.any(String),
      tag: expect.any(String),
    });
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain('Geneviève');
    expect(JSON.stringify(sealed)).not.toContain('genevieve@example.org');
    expect(isSealed(sealed)).toBe(true);
  });

  test('uses a fresh IV every time', () => {
    const a = seal(key, context, value);
    const b = seal(key, context, value);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  test('binds the ciphertext to stream, event type and subject as associated data', () => {
    expect(aadOf(context)).toBe('conference-c0nf\nPersonRegistered\n00000000-0000-4000-8000-000000000001');
  });

  describe('does not open, with a clear error, when', () => {
    const sealed = seal(key, context, value);
    const cases: [string, () => unknown][] = [
      ['the ciphertext was altered', () => open(key, context, { ...sealed, ct: flip(sealed.ct) })],
      ['the tag was altered', () => open(key, context, { ...sealed, tag: flip(sealed.tag) })],
      ['the IV was altered', () => open(key, context, { ...sealed, iv: flip(sealed.iv) })],
      ['it is read in another stream', () => open(key, { ...context, streamName: 'conference-other' }, sealed)],
      ['it is read as another event type', () => open(key, { ...context, eventType: 'PersonWaitlisted' }, sealed)],
      [
        'it is read for another subject (envelope relabelled too)',
        () => open(key, { ...context, subject: 'someone-else' }, { ...sealed, subject: 'someone-else' }),
      ],
      ['it is read for another subject', () => open(key, { ...context, subject: 'someone-else' }, sealed)],
      ['the key is another one', () => open(randomBytes(32), context, sealed)],
      ['the tag is truncated', () => open(key, context, { ...sealed, tag: sealed.tag.slice(0, 8) })],
    ];
    test.each(cases)('%s', (_, attempt) => {
      expect(attempt).toThrow(SealedDataError);
      try {
        attempt();
      } catch (error) {
        expect((error as SealedDataError).code).toBe('sealed_data_unreadable');
        expect((error as Error).message).not.toContain('Geneviève');
        expect((error as Error).message).not.toContain(key.toString('hex'));
        expect((error as Error).message).not.toContain(key.toString('base64'));
      }
    });
  });

  test('refuses an unknown version or algorithm', () => {
    const sealed = seal(key, context, value);
    expect(() => open(key, context, { ...sealed, v: 2 } as unknown as Sealed)).toThrow(SealedDataError);
    expect(() => open(key, context, { ...sealed, alg: 'A128GCM' } as unknown as Sealed)).toThrow(SealedDataError);
  });

  test('refuses a key that is not 32 bytes', () => {
    expect(() => seal(randomBytes(16), context, value)).toThrow(TypeError);
  });
});
