/**
 * Arrival slots: five minutes of the conference's local time.
 *
 * A slot is keyed by the epoch milliseconds of its start, floored in UTC.
 * Every time zone in use today is offset from UTC by a whole number of
 * quarter hours, so a UTC five-minute boundary is a local one as well and no
 * zone lookup is needed per event (a fold over a million events would spend
 * most of its time in `Intl` otherwise). Only the label is local.
 */
export const SLOT_MINUTES = 5;
const SLOT_MS = SLOT_MINUTES * 60_000;

/** The start of the slot `iso` falls in, in epoch ms; `null` for a time that does not parse. */
export const slotOf = (iso: string): number | null => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / SLOT_MS) * SLOT_MS;
};

const formatters = new Map<string, Intl.DateTimeFormat | null>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat | null => {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      f = null; // not an IANA zone this runtime knows: labels fall back to UTC
    }
    formatters.set(timeZone, f);
  }
  return f;
};

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

/**
 * `ms` as ISO-8601 in `timeZone`, with its offset: `2014-09-19T09:50:00+02:00`
 * (`Z` when the zone is unknown), so that a dashboard shows the
 * room's clock whatever the browser's zone.
 */
export const localIso = (ms: number, timeZone: string | null): string => {
  const f = timeZone === null ? null : formatterFor(timeZone);
  if (f === null) return new Date(ms).toISOString().replace('.000Z', 'Z');
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMinutes = Math.round((wallMs - Math.floor(ms / 1000) * 1000) / 60_000);
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`;
};
