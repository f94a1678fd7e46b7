import { describe, expect, test } from '@jest/globals';
import { insideSeries, SLOT_MS } from './timeline';

const ms = (hhmm: string) => Date.parse(`2014-09-19T${hhmm}:00Z`);
const iso = (hhmm: string) => new Date(ms(hhmm)).toISOString();

describe('a space’s curve across the day', () => {
  const day = { from: ms('10:00'), to: ms('10:30') };

  test('carries the level on through slots without a movement, from the level before the window', () => {
    const { start, series } = insideSeries(day, [
      { at: iso('09:40'), entered: 3, inside: 3 },
      { at: iso('09:50'), entered: 1, inside: 2 },
      { at: iso('10:05'), entered: 2, inside: 4 },
      { at: iso('10:20'), entered: 0, inside: 1 },
    ]);
    expect(start).toBe(2);
    expect(series).toEqual([
      { at: ms('10:00'), count: 0, total: 2 },
      { at: ms('10:05'), count: 2, total: 4 },
      { at: ms('10:10'), count: 0, total: 4 },
      { at: ms('10:15'), count: 0, total: 4 },
      { at: ms('10:20'), count: 0, total: 1 },
      { at: ms('10:25'), count: 0, total: 1 },
    ]);
    expect(series).toHaveLength((day.to - day.from) / SLOT_MS);
  });

  test('a space nobody entered is flat at zero', () => {
    expect(insideSeries(day, []).series.every((s) => s.total === 0 && s.count === 0)).toBe(true);
  });
});
