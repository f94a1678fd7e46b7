/**
 * The contract wants times with their offset (`2014-09-19T09:30:00+02:00`),
 * and organisers think in the conference's wall clock, not the laptop's. These
 * turn a `datetime-local` value into an instant in the conference's zone and
 * back, with Intl only.
 */

/** Minutes east of UTC that `timeZone` is at the instant `utcMs`. */
function offsetMinutes(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utcMs) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2014-09-19T09:30` in `Europe/Paris` → `2014-09-19T09:30:00+02:00`; null if unreadable. */
export function localToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let offset: number;
  try {
    // Twice: the offset at the guessed instant may differ from the one at the real instant around a DST change.
    offset = offsetMinutes(timeZone, wall);
    offset = offsetMinutes(timeZone, wall - offset * 60_000);
  } catch {
    return null;
  }
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant → the `datetime-local` value of the conference's wall clock. */
export function isoToLocal(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  try {
    const d = new Date(ms + offsetMinutes(timeZone, ms) * 60_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  } catch {
    return iso.slice(0, 16);
  }
}
