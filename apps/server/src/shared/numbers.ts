/**
 * Numbers from a query string, read strictly: decimal digits only (no sign,
 * exponent, hex, blanks or fraction, which `Number()` would all take) and
 * within a range, so that whatever comes in either is a number the code
 * below can use or is answered 400; never a 500 from a store that cannot
 * bind it (a cursor past 2^63 − 1), never a silent `1e3`.
 */
const DIGITS = /^\d{1,20}$/;

/** SQLite's INTEGER and EventStoreDB's positions: signed 64-bit. */
export const MAX_POSITION = 2n ** 63n - 1n;

/** A non-negative position in the store's log, or `null` when `text` is not one. */
export function parsePosition(text: string): bigint | null {
  if (!DIGITS.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_POSITION ? value : null;
}

/** An integer in [min, max] written in decimal digits, or `null`. */
export function parseBoundedInteger(text: string, min: number, max: number): number | null {
  if (!DIGITS.test(text) || text.length > 15) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}
