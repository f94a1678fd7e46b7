import { describe, expect, test } from '@jest/globals';
import { parseStrokes, STROKE_LIMITS } from './signature-input.js';

const point = (i: number) => ({ x: i, y: i * 2, time: 1411131600000 + i });

describe('signature strokes', () => {
  test('signature_pad point groups are kept, with pressure only when sent', () => {
    expect(parseStrokes([[point(1), { ...point(2), pressure: 0.4 }], []])).toEqual({
      strokes: [[point(1), { ...point(2), pressure: 0.4 }], []],
      errors: [],
    });
  });

  test('no strokes at all is an empty list (the decider calls it an empty signature)', () => {
    expect(parseStrokes(undefined)).toEqual({ strokes: [], errors: [] });
  });

  test.each([
    ['not an array', { a: 1 }, 'strokes'],
    ['a stroke that is not an array', [point(1)], 'strokes.0'],
    ['a point without time', [[{ x: 1, y: 1 }]], 'strokes.0.0'],
    ['a point with a string coordinate', [[{ x: '1', y: 1, time: 1 }]], 'strokes.0.0'],
    ['an infinite-like coordinate', [[{ x: 1e300, y: 1, time: 1 }]], 'strokes.0.0'],
    ['a pressure above 1', [[{ x: 1, y: 1, time: 1, pressure: 2 }]], 'strokes.0.0'],
    ['an unknown field', [[{ x: 1, y: 1, time: 1, colour: 'red' }]], 'strokes.0.0'],
    ['a negative time', [[{ x: 1, y: 1, time: -1 }]], 'strokes.0.0'],
  ])('%s is refused with its field', (_, value, field) => {
    const result = parseStrokes(value);
    expect(result.strokes).toBeNull();
    expect(result.errors[0]?.field).toBe(field);
  });

  test('too many points in all is refused', () => {
    const stroke = Array.from({ length: STROKE_LIMITS.pointsPerStroke }, (_, i) => point(i));
    const result = parseStrokes([stroke, stroke, stroke]);
    expect(result.errors).toEqual([{ field: 'strokes', message: `at most ${STROKE_LIMITS.points} points in all` }]);
  });

  test('a flood of bad points gets a short answer', () => {
    expect(parseStrokes([Array.from({ length: 1000 }, () => ({}))]).errors).toHaveLength(5);
  });
});
