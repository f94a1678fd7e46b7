/**
 * Times that cross the wire: RFC 3339 date-times with an offset, and nothing
 * else. One parser, used by the server (every DTO time, `?asOf`) and by the
 * door phone (which bundles this library with the arrivals decider), so a
 * time one accepts the other can read. ISO 8601 allows far more than
 * `Date.parse` reads (`2026-W49-1`, `20261207T093000Z`, `2026-12-07T09`,
 * `2026-12-07T09:30:00,5Z`): such strings, once stored, compared as NaN and
 * let a person in twice. Accepted times are normalised before they are
 * stored: `T` and `Z` upper-case, a fraction cut to milliseconds (three
 * digits, none when absent); the offset is kept as sent (the door's local
 * time stays readable).
 *
 * Refused: no offset, `-00:00` (RFC 3339's « offset unknown »), a leap second
 * (`:60`, which `Date.parse` cannot read), a day the month does not have,
 * years outside 0000–9999 (the regular expression's four digits).
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

export interface Instant {
  /** The normalised text, as stored. */
  text: string;
  /** Milliseconds since the epoch. */
  ms: number;
}

/** The instant, or `null` when `value` is not an RFC 3339 date-time with an offset. */
export function parseInstant(value: unknown): Instant | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const m = RFC3339.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = m as unknown as (string | undefined)[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offset = 'Z';
  if (zulu === undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    if (sign === '-' && offsetHours === 0 && offsetMinutes === 0) return null;
    offset = `${sign}${oh}:${om}`;
  }
  const millis = fraction === undefined ? '' : `.${fraction.slice(0, 3).padEnd(3, '0')}`;
  const text = `${y}-${mo}-${d}T${h}:${mi}:${s}${millis}${offset}`;
  const ms = Date.parse(text);
  // A defect net: what the expression accepts, the engine must read.
  if (Number.isNaN(ms)) return null;
  return { text, ms };
}

/**
 * Milliseconds since the epoch of a stored time. A time stored before this
 * check (what `@IsISO8601` let through) is read as `Date.parse` reads it, as
 * it always was: history is read as it was decided.
 */
export const instantMs = (value: string): number => parseInstant(value)?.ms ?? Date.parse(value);
