import type { StrokePoint, Strokes } from '@emargement/charter';
import type { FieldError } from '../../shared/api-error.js';

/**
 * Bounds on signature_pad's point groups. A real signature is a few strokes
 * of a few hundred points; these limits are far above that and keep a body
 * (with its image) under the server's 1 MB limit.
 */
export const STROKE_LIMITS = {
  strokes: 200,
  pointsPerStroke: 5_000,
  points: 10_000,
  /** CSS pixels; a point may fall a little outside the canvas while the pen leaves it. */
  coordinate: 20_000,
  /** Milliseconds since the epoch (signature_pad's `time` is `Date.now()`). */
  time: 1e14,
} as const;

const POINT_KEYS = new Set(['x', 'y', 'time', 'pressure']);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * `[[{x, y, time, pressure?}]]`, checked point by point. Stops at the first
 * few errors: a body of ten thousand bad points gets a short answer.
 */
export function parseStrokes(
  value: unknown,
): { strokes: Strokes; errors: [] } | { strokes: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    if (errors.length < 5) errors.push({ field, message });
  };
  if (value === undefined || value === null) return { strokes: [], errors: [] };
  if (!Array.isArray(value))
    return { strokes: null, errors: [{ field: 'strokes', message: 'must be an array of strokes' }] };
  if (value.length > STROKE_LIMITS.strokes) fail('strokes', `at most ${STROKE_LIMITS.strokes} strokes`);
  let total = 0;
  const strokes: StrokePoint[][] = [];
  value.forEach((stroke: unknown, s) => {
    if (!Array.isArray(stroke)) return fail(`strokes.${s}`, 'must be an array of points');
    if (stroke.length > STROKE_LIMITS.pointsPerStroke)
      fail(`strokes.${s}`, `at most ${STROKE_LIMITS.pointsPerStroke} points per stroke`);
    total += stroke.length;
    const points: StrokePoint[] = [];
    stroke.forEach((point: unknown, p) => {
      const field = `strokes.${s}.${p}`;
      if (typeof point !== 'object' || point === null || Array.isArray(point))
        return fail(field, 'must be {x, y, time, pressure?}');
      const { x, y, time, pressure } = point as Record<string, unknown>;
      const extra = Object.keys(point).filter((k) => !POINT_KEYS.has(k));
      if (extra.length > 0) return fail(field, `unknown field ${extra[0]}`);
      if (!finite(x) || !finite(y) || Math.abs(x) > STROKE_LIMITS.coordinate || Math.abs(y) > STROKE_LIMITS.coordinate)
        return fail(field, `x and y must be numbers within ±${STROKE_LIMITS.coordinate}`);
      if (!finite(time) || time < 0 || time > STROKE_LIMITS.time) return fail(field, 'time must be a time in ms');
      if (pressure !== undefined && (!finite(pressure) || pressure < 0 || pressure > 1))
        return fail(field, 'pressure must be between 0 and 1');
      // Rebuilt key by key, so that the stored (and hashed) point holds nothing else.
      points.push(pressure === undefined ? { x, y, time } : { x, y, time, pressure });
    });
    strokes.push(points);
  });
  if (total > STROKE_LIMITS.points) fail('strokes', `at most ${STROKE_LIMITS.points} points in all`);
  return errors.length > 0 ? { strokes: null, errors } : { strokes, errors: [] };
}
