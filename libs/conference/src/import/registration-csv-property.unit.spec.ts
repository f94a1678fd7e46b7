import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseRegistrationCsv, ROW_REJECTION_REASONS } from './registration-csv.js';

/**
 * The registration file's reader on random and mutated files (issue 20): a
 * list of rows and stable row refusals, or a stable file refusal, never an
 * exception, never a hang (time-boxed).
 */
const TIME_BOX = { interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false } as const;
const header = 'first_name,last_name,email,organisation,category,lunch,photo_consent';
const row = 'Claude,Alphandéry,claude@example.org,"Le Labo, de l\'ESS",speaker,yes,no';

const expectStable = (text: string): void => {
  const result = parseRegistrationCsv(text);
  if (!result.ok) {
    expect(['empty_file', 'missing_column']).toContain(result.reason);
    return;
  }
  for (const r of result.rejected) expect(ROW_REJECTION_REASONS).toContain(r.reason);
  for (const r of result.rows) expect(r.line).toBeGreaterThan(1);
};

describe('the registration file on random input (issue 20)', () => {
  test('any text: rows and stable refusals, never an exception', () => {
    const pieces = fc.constantFrom(
      ',',
      ';',
      '"',
      '""',
      '\n',
      '\r\n',
      '\r',
      ' ',
      'a',
      'é',
      '\uFEFF',
      '@',
      'yes',
      'speaker',
      '=1+1',
      '\u0000',
      '𝐀',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.array(pieces, { maxLength: 200 }).map((a) => a.join('')),
        ),
        (body) => {
          expectStable(body);
          expectStable(`${header}\n${body}`);
        },
      ),
      { numRuns: 1_000, ...TIME_BOX },
    );
  });

  test('a sound file with bytes changed, cut or repeated: rows and stable refusals', () => {
    const file = `${header}\r\n${Array.from({ length: 6 }, () => row).join('\r\n')}\r\n`;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat(file.length),
            kind: fc.constantFrom('cut', 'insert', 'delete'),
            char: fc.constantFrom('"', ',', ';', '\n', '\r', 'x'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (changes) => {
          let text = file;
          for (const c of changes) {
            const at = c.at % (text.length + 1);
            text =
              c.kind === 'cut'
                ? text.slice(0, at)
                : c.kind === 'insert'
                  ? text.slice(0, at) + c.char + text.slice(at)
                  : text.slice(0, at) + text.slice(at + 1);
          }
          expectStable(text);
        },
      ),
      { numRuns: 1_000, ...TIME_BOX },
    );
  });
});
