import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseStrokes, STROKE_LIMITS } from './signature-input.js';

/** The strokes a tablet sends, on random input (issue 20): strokes or at most five field errors, never an exception. */
const TIME_BOX = { interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false } as const;

const point = fc.record(
  {
    x: fc.oneof(fc.double({ min: -30_000, max: 30_000 }), fc.constant(Number.NaN), fc.string(), fc.constant(null)),
    y: fc.oneof(fc.double({ min: -30_000, max: 30_000 }), fc.constant(Infinity)),
    time: fc.oneof(fc.double({ min: -1, max: 2e14 }), fc.string()),
    pressure: fc.oneof(fc.double({ min: -1, max: 2 }), fc.constant(undefined), fc.object()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('strokes on random input (issue 20)', () => {
  test('anything: strokes, or at most five errors naming a field', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.array(fc.array(fc.oneof(point, fc.anything()), { maxLength: 20 }), { maxLength: 10 }),
        ),
        (value) => {
          const result = parseStrokes(value);
          if (result.strokes === null) {
            expect(result.errors.length).toBeGreaterThan(0);
            expect(result.errors.length).toBeLessThanOrEqual(5);
            for (const e of result.errors) expect(e.field).toMatch(/^strokes/);
          } else {
            expect(result.errors).toEqual([]);
            for (const p of result.strokes.flat()) expect(Math.abs(p.x)).toBeLessThanOrEqual(STROKE_LIMITS.coordinate);
          }
        },
      ),
      { numRuns: 1_000, ...TIME_BOX },
    );
  });

  test('sound strokes come back as they were sent, nothing else kept', () => {
    const sound = fc.array(
      fc.array(
        fc.record(
          {
            x: fc.integer({ min: -100, max: 2000 }),
            y: fc.integer({ min: -100, max: 2000 }),
            time: fc.integer({ min: 0, max: 2e12 }),
            pressure: fc.double({ min: 0, max: 1, noNaN: true }),
          },
          { requiredKeys: ['x', 'y', 'time'] },
        ),
        { maxLength: 20 },
      ),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(sound, (strokes) => {
        expect(parseStrokes(JSON.parse(JSON.stringify(strokes)))).toEqual({
          strokes: JSON.parse(JSON.stringify(strokes)),
          errors: [],
        });
      }),
      { numRuns: 300, ...TIME_BOX },
    );
  });
});
