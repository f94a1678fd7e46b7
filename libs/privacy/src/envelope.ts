import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The sealed envelope: one AES-256-GCM ciphertext of a JSON value, with a
 * random 12-byte IV per seal, bound by its associated data (AAD) to the place
 * it was written for: `${streamName}\n${eventType}\n${subject}`. An envelope
 * copied into another stream, another event type or under another subject
 * does not open, and neither does one whose ciphertext, IV or tag was changed.
 *
 * The event id is deliberately left out of the AAD: ids are stable across
 * retries, but leaving them out keeps an envelope readable after a copy of
 * the log that re-identifies events, and adds nothing the stream, type and
 * subject do not already pin down for the events this library protects.
 */

export const SEALED_VERSION = 1;
export const SEALED_ALGORITHM = 'A256GCM';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  v: 1;
  alg: 'A256GCM';
  /** Whose key sealed it (in clear: a pseudonymous id such as a registration id, never a name). */
  subject: string;
  /** base64 */
  iv: string;
  /** base64 */
  ct: string;
  /** base64 */
  tag: string;
}

/** Where a sealed value belongs; what the AAD binds it to. */
export interface SealContext {
  streamName: string;
  eventType: string;
  subject: string;
}

/** The associated data for a context: `${streamName}\n${eventType}\n${subject}`. */
export const aadOf = ({ streamName, eventType, subject }: SealContext): string =>
  `${streamName}\n${eventType}\n${subject}`;

/**
 * A sealed value cannot be opened: it was altered, it belongs to another
 * stream, event type or subject, or the key is not the one it was sealed with.
 * The message never carries the key or any plaintext.
 */
export class SealedDataError extends Error {
  readonly code = 'sealed_data_unreadable';
  constructor(
    message: string,
    readonly context: SealContext,
  ) {
    super(`${message} (stream ${context.streamName}, event type ${context.eventType}, subject ${context.subject})`);
    this.name = 'SealedDataError';
  }
}

/** Whether `value` has the shape of an envelope (it says nothing of whether it opens). */
export function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    v['v'] === SEALED_VERSION &&
    v['alg'] === SEALED_ALGORITHM &&
    typeof v['subject'] === 'string' &&
    typeof v['iv'] === 'string' &&
    typeof v['ct'] === 'string' &&
    typeof v['tag'] === 'string'
  );
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new TypeError(`A personal-data key is ${KEY_BYTES} bytes`);
  }
}

/** Encrypts `JSON.stringify(value)` for `context`. */
export function seal(key: Buffer, context: SealContext, value: unknown): Sealed {
  assertKey(key);
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('Only a JSON value can be sealed');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aadOf(context), 'utf8'));
  const ct = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return {
    v: SEALED_VERSION,
    alg: SEALED_ALGORITHM,
    subject: context.subject,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Decrypts an envelope sealed for `context`; throws `SealedDataError` if it does not open. */
export function open(key: Buffer, context: SealContext, sealed: Sealed): unknown {
  assertKey(key);
  if (!isSealed(sealed)) throw new SealedDataError('Not a sealed envelope of a known version', context);
  if (sealed.subject !== context.subject) {
    throw new SealedDataError('The envelope was sealed for another subject', context);
  }
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealedDataError('The envelope is malformed', context);
  }
  let json: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aadOf(context), 'utf8'));
    decipher.setAuthTag(tag);
    json = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedDataError(
      'Sealed personal data does not open: altered, moved to another stream, event type or subject, or sealed with another key',
      context,
    );
  }
  return JSON.parse(json) as unknown;
}
