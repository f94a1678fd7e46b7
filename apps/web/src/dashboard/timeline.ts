/** The stretch of time the arrival curve and the replay slider cover. */
export interface DayWindow {
  from: number;
  to: number;
}

export const SLOT_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;
/** Beyond this, a window is not "the day" any more (a demo replaying 2014 with scans made today). */
const LONGEST_MS = 36 * HOUR_MS;

const floorSlot = (ms: number) => Math.floor(ms / SLOT_MS) * SLOT_MS;
const ceilSlot = (ms: number) => Math.ceil(ms / SLOT_MS) * SLOT_MS;

const parse = (iso: string | undefined | null): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

/**
 * The conference's day (an hour before it opens to its end), stretched to
 * the arrivals recorded; when the arrivals lie far from the programmed day
 * (a rehearsal, a demo), the arrivals alone decide.
 */
export function dayWindow(
  conference: { startsAt?: string; endsAt?: string } | null,
  slots: readonly { at: string }[],
  now: number,
): DayWindow {
  const times = slots.map((s) => parse(s.at)).filter((ms): ms is number => ms !== null);
  const first = times.length > 0 ? Math.min(...times) : null;
  const last = times.length > 0 ? Math.max(...times) + SLOT_MS : null;
  const starts = parse(conference?.startsAt);
  const ends = parse(conference?.endsAt);
  const planned = starts !== null && ends !== null && ends > starts ? { from: starts - HOUR_MS, to: ends } : null;

  let from: number;
  let to: number;
  if (first !== null && last !== null) {
    from = first;
    to = last;
    if (planned && Math.max(to, planned.to) - Math.min(from, planned.from) <= LONGEST_MS) {
      from = Math.min(from, planned.from);
      to = Math.max(to, planned.to);
    } else {
      from = first - HOUR_MS / 2;
      // Still arriving: the window runs to now.
      if (now > to && now - from <= LONGEST_MS) to = now;
    }
  } else if (planned && (now < planned.from || now - planned.from > LONGEST_MS)) {
    ({ from, to } = planned);
  } else if (planned) {
    from = planned.from;
    to = Math.max(planned.to, now);
  } else {
    from = now - 4 * HOUR_MS;
    to = now;
  }
  return { from: floorSlot(from), to: Math.max(ceilSlot(to), floorSlot(from) + SLOT_MS) };
}

/** Arrivals per slot across the window, empty slots included, and the running total. */
export function slotSeries(
  window: DayWindow,
  slots: readonly { at: string; count: number }[],
): { at: number; count: number; total: number }[] {
  const counts = new Map<number, number>();
  let before = 0;
  for (const s of slots) {
    const ms = parse(s.at);
    if (ms === null) continue;
    const slot = floorSlot(ms);
    if (slot < window.from) before += s.count;
    else counts.set(slot, (counts.get(slot) ?? 0) + s.count);
  }
  const series: { at: number; count: number; total: number }[] = [];
  let total = before;
  for (let at = window.from; at < window.to; at += SLOT_MS) {
    const count = counts.get(at) ?? 0;
    total += count;
    series.push({ at, count, total });
  }
  return series;
}

/**
 * A space's curve across the window (issue 23): people who came in per slot
 * (`count`, the bars) and inside at the end of each slot (`total`, the line),
 * carried on through slots without a movement; `start` is the level when the
 * window opens. The server sends the slots with a movement only.
 */
export function insideSeries(
  window: DayWindow,
  slots: readonly { at: string; entered: number; inside: number }[],
): { start: number; series: { at: number; count: number; total: number }[] } {
  const bySlot = new Map<number, { entered: number; inside: number }>();
  let start = 0;
  let startAt = -Infinity;
  for (const s of slots) {
    const ms = parse(s.at);
    if (ms === null) continue;
    const slot = floorSlot(ms);
    if (slot < window.from) {
      if (slot > startAt) [start, startAt] = [s.inside, slot];
    } else bySlot.set(slot, s);
  }
  const series: { at: number; count: number; total: number }[] = [];
  let level = start;
  for (let at = window.from; at < window.to; at += SLOT_MS) {
    const s = bySlot.get(at);
    if (s !== undefined) level = s.inside;
    series.push({ at, count: s?.entered ?? 0, total: level });
  }
  return { start, series };
}
