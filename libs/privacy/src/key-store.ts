/**
 * Where the per-person keys live: outside the event log, so that forgetting a
 * key (erasure) makes every ciphertext sealed with it unreadable for good,
 * while the events themselves stay untouched.
 *
 * A subject is a pseudonymous id (a registration id), never a name. Keys are
 * 32 random bytes (AES-256); implementations never log them.
 */
export interface PersonalKeyStore {
  /**
   * The subject's key, created (32 random bytes) if it has none; durable
   * before the promise resolves. Throws `SubjectErasedError` if the subject
   * was erased: a tombstone refuses a new key instead of silently starting over.
   */
  keyFor(subject: string): Promise<Buffer>;
  /** `keyFor` for several subjects at once (one transaction); throws `SubjectErasedError` if any was erased, creating none. */
  keysFor(subjects: Iterable<string>): Promise<Map<string, Buffer>>;
  /** The key, `'erased'`, or `null` when the subject never had one. Never creates a key. */
  find(subject: string): Promise<Buffer | null | 'erased'>;
  /** `find` for several subjects at once; a subject with no key and no tombstone is absent from the map. */
  findMany(subjects: Iterable<string>): Promise<Map<string, Buffer | 'erased'>>;
  /**
   * Forgets the subject's key and leaves a tombstone (also for a subject that
   * never had a key). `erased` is false when it was already erased. The reason
   * is kept with the tombstone: it must not itself hold personal data.
   */
  erase(subject: string, reason?: string): Promise<{ erased: boolean }>;
  /** Resolves when the store answers a query (readiness); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const PERSONAL_KEY_BYTES = 32;

/** The subject was erased: its key is gone and no new one will be made. */
export class SubjectErasedError extends Error {
  readonly code = 'subject_erased';
  constructor(readonly subject: string) {
    super(`The personal data of subject ${subject} was erased`);
    this.name = 'SubjectErasedError';
  }
}

export class PersonalKeyStoreClosedError extends Error {
  readonly code = 'key_store_closed';
  constructor() {
    super('The personal key store is closed');
    this.name = 'PersonalKeyStoreClosedError';
  }
}

export function assertSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new TypeError('A personal-data subject is a non-empty string');
  }
}

export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
