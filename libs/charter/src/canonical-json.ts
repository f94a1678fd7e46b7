import { createHash } from 'node:crypto';

/**
 * Canonical JSON, so that a hash over a value does not depend on how it was
 * written: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as `JSON.stringify` writes them (ECMAScript's shortest round-trip
 * form), keys whose value is `undefined` left out, as JSON itself drops them.
 * For the values stored here (no lone surrogates, finite numbers) this is RFC
 * 8785 (JCS), so a verifier in another language can recompute every hash.
 *
 * It is the stored value that is hashed: a value read back from the event
 * store (JSON parsed) gives the same text as the value before it was written,
 * which is what lets `verify` recompute the chain from stored events.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Canonical JSON has no form for ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value
          .map((item: unknown) => {
            if (item === undefined) throw new TypeError('Canonical JSON has no form for undefined in an array');
            return canonicalJson(item);
          })
          .join(',')}]`;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null)
        throw new TypeError('Canonical JSON takes plain objects only');
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`Canonical JSON has no form for a ${typeof value}`);
  }
}

/** SHA-256, lower-case hex, of a UTF-8 string or of bytes. */
export const sha256Hex = (input: string | Uint8Array): string => createHash('sha256').update(input).digest('hex');
