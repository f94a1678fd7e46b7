import { canonicalJson, sha256Hex } from './canonical-json.js';
import { pngBytesOf } from './png.js';
import type { CharterPublishedData, CharterSignedData, SignatureVoidedData, Strokes } from './events.js';

/**
 * The hash chain
 * ==============
 *
 * Every entry of the chain (`CharterSigned`, `SignatureVoided`) stores
 * `previousHash` and `hash`, where
 *
 *   hash = SHA-256 hex of canonicalJson({ entry: <event type>, ...sealed fields })
 *
 * `canonicalJson` is RFC 8785-style (sorted keys, no whitespace). The sealed
 * fields are listed below, `previousHash` among them, so each hash covers its
 * entry's content and, through `previousHash`, every entry before it.
 *
 * The first entry's `previousHash` is the publication's hash (the genesis):
 *
 *   publicationHash = SHA-256 hex of canonicalJson({ entry: 'CharterPublished',
 *                       charterId, conferenceId, title, textSha256, publishedAt })
 *
 * so the chain is bound to this charter and to the exact text (`textSha256` is
 * the SHA-256 of the text's UTF-8 bytes). The head is the last entry's hash,
 * or the genesis before the first signature; `CharterClosed` records it.
 *
 * A person's data is sealed through digests, never by value: `nameSha256`
 * (of canonicalJson({ name, salt: nameSalt })), `strokesSha256` (of
 * canonicalJson(strokes)) and `imageSha256` (of the PNG bytes). Once these
 * fields are erased (crypto-shredding), the chain still verifies; while they
 * are there, `verify` checks them against their digests too.
 *
 * A voiding is an entry of the chain, so that deleting it from the store (to
 * bring a voided signature back) breaks the chain like any other change.
 */

export const textSha256 = (text: string): string => sha256Hex(text);
export const strokesSha256 = (strokes: Strokes): string => sha256Hex(canonicalJson(strokes));
export const nameSha256 = (name: string, salt: string): string => sha256Hex(canonicalJson({ name, salt }));
/** Of the PNG bytes; `null` when the data URL is not a base64 PNG one. */
export const imageSha256 = (dataUrl: string): string | null => {
  const bytes = pngBytesOf(dataUrl);
  return bytes === null ? null : sha256Hex(bytes);
};

export const PUBLICATION_SEALED_FIELDS = ['charterId', 'conferenceId', 'title', 'textSha256', 'publishedAt'] as const;

export const SIGNATURE_SEALED_FIELDS = [
  'charterId',
  'conferenceId',
  'sequence',
  'signatureId',
  'registrationId',
  'nameSha256',
  'onBehalfOf',
  'admission',
  'textSha256',
  'consent',
  'canvas',
  'strokesSha256',
  'imageSha256',
  'signedAt',
  'deviceSignedAt',
  'kiosk',
  'userAgent',
  'previousHash',
] as const satisfies readonly (keyof CharterSignedData)[];

export const VOID_SEALED_FIELDS = [
  'charterId',
  'conferenceId',
  'signatureId',
  'sequence',
  'registrationId',
  'reason',
  'voidedBy',
  'voidedAt',
  'previousHash',
] as const satisfies readonly (keyof SignatureVoidedData)[];

const seal = (entry: string, fields: readonly string[], data: object): string => {
  const record = data as Record<string, unknown>;
  const sealed: Record<string, unknown> = { entry };
  for (const field of fields) sealed[field] = record[field];
  return sha256Hex(canonicalJson(sealed));
};

export const publicationHash = (p: Pick<CharterPublishedData, (typeof PUBLICATION_SEALED_FIELDS)[number]>): string =>
  seal('CharterPublished', PUBLICATION_SEALED_FIELDS, p);

export const signatureHash = (d: Pick<CharterSignedData, (typeof SIGNATURE_SEALED_FIELDS)[number]>): string =>
  seal('CharterSigned', SIGNATURE_SEALED_FIELDS, d);

export const voidHash = (d: Pick<SignatureVoidedData, (typeof VOID_SEALED_FIELDS)[number]>): string =>
  seal('SignatureVoided', VOID_SEALED_FIELDS, d);

/** The first 16 hex digits: what a receipt and the PDF print. */
export const shortHash = (hash: string): string => hash.slice(0, 16);

// ---------------------------------------------------------------- verify

export const VERIFICATION_PROBLEMS = [
  'not_published',
  'text_changed',
  'publication_changed',
  'wrong_charter',
  'sequence_mismatch',
  'hash_mismatch',
  'previous_hash_mismatch',
  'name_digest_mismatch',
  'strokes_digest_mismatch',
  'image_digest_mismatch',
  'duplicate_signature',
  'unknown_signature',
  'entry_after_closure',
  'closure_mismatch',
  'unexpected_event',
  'malformed_event',
] as const;
export type VerificationProblemCode = (typeof VERIFICATION_PROBLEMS)[number];

export interface VerificationProblem {
  code: VerificationProblemCode;
  /** The event at fault, as stored. */
  entry: string;
  /** 0 is the publication; a voiding is reported under the sequence of the signature it voids. */
  sequence?: number;
}

export interface Verification {
  valid: boolean;
  /** `CharterSigned` events in the stream, voided ones included. */
  count: number;
  voided: number;
  /** The last stored entry's hash (the publication's hash before any); recomputed and equal when valid. */
  head: string | null;
  status: 'not_published' | 'open' | 'closed';
  firstInvalidSequence?: number;
  problem?: VerificationProblem;
}

/** Thrown inside `verify` to stop at the first problem. */
class Invalid extends Error {
  constructor(readonly problem: VerificationProblem) {
    super(problem.code);
  }
}

type Stored = { readonly type: string; readonly data: unknown };

const record = (event: Stored): Record<string, unknown> => {
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))
    throw new Invalid({ code: 'malformed_event', entry: event.type });
  return event.data as Record<string, unknown>;
};

const sequenceOf = (data: Record<string, unknown>): number | undefined =>
  typeof data['sequence'] === 'number' ? data['sequence'] : undefined;

/**
 * Recomputes the chain from stored events (a charter stream, in stream order)
 * and names the first entry that does not match. Nothing is taken on trust:
 * the text against `textSha256`, every entry's hash against its content, every
 * link against the entry before, every personal field still present against
 * its digest, the closing against the chain it closed.
 *
 * What a chain cannot show: the removal of the very last entries of a charter
 * that is still open (nothing after them links to them). Closing fixes that:
 * `CharterClosed` records the count and the head.
 */
export function verify(events: readonly Stored[]): Verification {
  const count = events.filter((e) => e.type === 'CharterSigned').length;
  const voided = events.filter((e) => e.type === 'SignatureVoided').length;
  const lastEntry = [...events].reverse().find((e) => e.type === 'CharterSigned' || e.type === 'SignatureVoided');
  const storedHead = (): string | null => {
    if (lastEntry !== undefined) {
      const hash = (lastEntry.data as Record<string, unknown> | null)?.['hash'];
      return typeof hash === 'string' ? hash : null;
    }
    try {
      return events[0]?.type === 'CharterPublished' ? publicationHash(events[0].data as CharterPublishedData) : null;
    } catch {
      return null;
    }
  };
  const status = events.some((e) => e.type === 'CharterClosed')
    ? 'closed'
    : events[0]?.type === 'CharterPublished'
      ? 'open'
      : 'not_published';
  try {
    const head = walk(events);
    return { valid: true, count, voided, head, status };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const { problem } = error;
    return {
      valid: false,
      count,
      voided,
      head: storedHead(),
      status,
      ...(problem.sequence !== undefined ? { firstInvalidSequence: problem.sequence } : {}),
      problem,
    };
  }
}

/** The recomputed head, or throws `Invalid` at the first problem. */
function walk(events: readonly Stored[]): string {
  const [first, ...rest] = events;
  if (first === undefined || first.type !== 'CharterPublished')
    throw new Invalid({ code: 'not_published', entry: first?.type ?? 'none', sequence: 0 });
  const publication = record(first);
  const at0 = (code: VerificationProblemCode): Invalid => new Invalid({ code, entry: first.type, sequence: 0 });
  if (typeof publication['text'] !== 'string' || textSha256(publication['text']) !== publication['textSha256'])
    throw at0('text_changed');
  const sealedOrMalformed = (entry: string, sequence: number | undefined, compute: () => string): string => {
    try {
      return compute();
    } catch {
      throw new Invalid({ code: 'malformed_event', entry, ...(sequence !== undefined ? { sequence } : {}) });
    }
  };
  let head = sealedOrMalformed(first.type, 0, () => publicationHash(publication as unknown as CharterPublishedData));
  let entries = 0;
  let signed = 0;
  let voided = 0;
  let closed = false;
  const signatures = new Map<string, { sequence: number; voided: boolean }>();

  for (const event of rest) {
    const data = record(event);
    const sequence = sequenceOf(data);
    const fail = (code: VerificationProblemCode, at = sequence): Invalid =>
      new Invalid({ code, entry: event.type, ...(at !== undefined ? { sequence: at } : {}) });
    if (closed) throw fail('entry_after_closure');
    if (
      (event.type === 'CharterSigned' || event.type === 'SignatureVoided') &&
      (data['charterId'] !== publication['charterId'] || data['conferenceId'] !== publication['conferenceId'])
    )
      throw fail('wrong_charter');
    switch (event.type) {
      case 'CharterSigned': {
        const expected = signed + 1;
        if (sequence !== expected) throw fail('sequence_mismatch', expected);
        const hash = sealedOrMalformed(event.type, sequence, () => signatureHash(data as unknown as CharterSignedData));
        if (hash !== data['hash']) throw fail('hash_mismatch');
        if (data['previousHash'] !== head)
          throw entries === 0 ? at0('publication_changed') : fail('previous_hash_mismatch');
        if (data['textSha256'] !== publication['textSha256']) throw fail('text_changed');
        checkPersonalDigests(data, fail);
        const signatureId = String(data['signatureId']);
        if (signatures.has(signatureId)) throw fail('duplicate_signature');
        signatures.set(signatureId, { sequence, voided: false });
        signed = expected;
        head = hash;
        break;
      }
      case 'SignatureVoided': {
        const target = signatures.get(String(data['signatureId']));
        if (target === undefined || target.sequence !== sequence || target.voided) throw fail('unknown_signature');
        const hash = sealedOrMalformed(event.type, sequence, () => voidHash(data as unknown as SignatureVoidedData));
        if (hash !== data['hash']) throw fail('hash_mismatch');
        if (data['previousHash'] !== head) throw fail('previous_hash_mismatch');
        target.voided = true;
        voided += 1;
        head = hash;
        break;
      }
      case 'CharterClosed':
        if (
          data['charterId'] !== publication['charterId'] ||
          data['head'] !== head ||
          data['count'] !== signed ||
          data['voided'] !== voided
        )
          throw new Invalid({ code: 'closure_mismatch', entry: event.type });
        closed = true;
        continue;
      default:
        throw fail('unexpected_event');
    }
    entries += 1;
  }
  return head;
}

/** Personal fields still present must match the digests the chain sealed; erased ones are not checked. */
function checkPersonalDigests(data: Record<string, unknown>, fail: (code: VerificationProblemCode) => Invalid): void {
  const { name, nameSalt, strokes, image } = data;
  if (typeof name === 'string' || typeof nameSalt === 'string') {
    if (typeof name !== 'string' || typeof nameSalt !== 'string' || nameSha256(name, nameSalt) !== data['nameSha256'])
      throw fail('name_digest_mismatch');
  }
  if (strokes !== undefined && strokes !== null) {
    let digest: string | undefined;
    try {
      digest = Array.isArray(strokes) ? strokesSha256(strokes as Strokes) : undefined;
    } catch {
      digest = undefined;
    }
    if (digest !== data['strokesSha256']) throw fail('strokes_digest_mismatch');
  }
  if (image !== undefined && image !== null) {
    if (typeof image !== 'string' || imageSha256(image) !== data['imageSha256']) throw fail('image_digest_mismatch');
  }
}
