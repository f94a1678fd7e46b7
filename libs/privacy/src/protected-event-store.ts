/**
 * ProtectedEventStore: crypto-shredding in front of any `EventStore`.
 *
 * Events are immutable, yet a person may ask to be forgotten. So personal
 * data never reaches the event log in clear: `appendToStream` seals the
 * fields the personal-data table names (`personal-data.ts`) with AES-256-GCM
 * under a key per person (per registration id), and the keys live OUTSIDE the
 * log, in a `PersonalKeyStore` (`SqliteKeyStore`: its own file). Reads and
 * subscriptions open the envelopes again, so callers see events exactly as
 * they appended them.
 *
 * Erasure (`erase(subject)`) deletes the key and leaves a tombstone. Every
 * event sealed for that person stays in the log, in its place, with its ids,
 * hashes and non-personal fields, but its personal fields can never be read
 * again: reads return them with erased values and a flag (`person.erased`,
 * `personalDataErased`), so counts, projections, replays and the charter's
 * hash chain stay right. A new append for an erased subject is refused with
 * `SubjectErasedError` (a retry of events already stored is still answered as
 * the store answers a retry).
 *
 * Legacy events (written before this decorator, or of types without personal
 * data) carry no envelope and pass through untouched, in both directions.
 *
 * Store semantics are the inner store's: expected revisions, errors, positions,
 * subscriptions and idempotent re-appends. Both adapters recognise a retry by
 * event ids only (SQLite looks the ids up in the stream; EventStoreDB does the
 * same server-side), never by comparing data, so a retry's fresh random IV
 * changes nothing: the store answers as the first time and keeps the first
 * envelope, sealed under the same per-person key.
 *
 * `close()` closes the inner store, then the key store: the decorator owns both.
 */
import {
  EventStoreClosedError,
  StreamNotFoundError,
  readStreamOrNull,
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeToAllOptions,
  type Subscription,
  type SubscriptionMessage,
} from '@emargement/event-store';
import { assertAppendArguments, assertMultiAppendArguments } from '@emargement/event-store/validation.js';
import { SubjectErasedError, type PersonalKeyStore } from './key-store.js';
import {
  PERSONAL_DATA,
  protect,
  reveal,
  sealedSubjectOf,
  subjectToSeal,
  withoutPersonalData,
  type PersonalDataTable,
} from './personal-data.js';

/** An envelope whose subject has no key and no tombstone: it reads as erased. */
export interface MissingKey {
  subject: string;
  streamName: string;
  eventId: string;
}

export interface ProtectedEventStoreOptions {
  /** Which events hold personal data; defaults to `PERSONAL_DATA`. */
  personalData?: PersonalDataTable;
  /**
   * Called when an envelope's subject has no key although it was never erased
   * (a lost or replaced key file). The event reads as erased either way; this
   * is how to tell the two apart without the library logging anything.
   */
  onMissingKey?: (missing: MissingKey) => void;
}

export class ProtectedEventStore implements EventStore {
  private closed = false;
  private readonly table: PersonalDataTable;
  private readonly onMissingKey: ((missing: MissingKey) => void) | undefined;

  /** Present exactly when the inner store has it: callers tell from it whether they may append across streams. */
  readonly appendToStreams?: (parts: readonly StreamAppend[]) => Promise<AppendResult[]>;

  constructor(
    private readonly inner: EventStore,
    private readonly keys: PersonalKeyStore,
    options: ProtectedEventStoreOptions = {},
  ) {
    this.table = options.personalData ?? PERSONAL_DATA;
    this.onMissingKey = options.onMissingKey;
    if (inner.appendToStreams) this.appendToStreams = (parts) => this.appendSealedToStreams(parts);
  }

  // ---------------------------------------------------------------- append

  async appendToStream(
    streamName: string,
    events: readonly EventData[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    // Refuse malformed input as the inner store would, before making any key.
    assertAppendArguments(streamName, events, options.expectedRevision ?? 'any');
    const subjects = this.subjectsToSeal(events);
    if (subjects.size === 0) return this.inner.appendToStream(streamName, events, options);
    return this.inner.appendToStream(streamName, await this.sealed(streamName, events, subjects), options);
  }

  /** Each part sealed as `appendToStream` seals it, then all of them appended at once by the inner store. */
  private async appendSealedToStreams(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    assertMultiAppendArguments(parts);
    const sealedParts: StreamAppend[] = [];
    for (const part of parts) {
      const subjects = this.subjectsToSeal(part.events);
      sealedParts.push(
        subjects.size === 0 ? part : { ...part, events: await this.sealed(part.streamName, part.events, subjects) },
      );
    }
    return this.inner.appendToStreams!(sealedParts);
  }

  private subjectsToSeal(events: readonly EventData[]): Set<string> {
    const subjects = new Set<string>();
    for (const event of events) {
      const subject = subjectToSeal(event, this.table);
      if (subject !== null) subjects.add(subject);
    }
    return subjects;
  }

  /** The events with their subjects' personal data sealed under the subjects' keys. */
  private async sealed(
    streamName: string,
    events: readonly EventData[],
    subjects: Set<string>,
  ): Promise<readonly EventData[]> {
    let keys: Map<string, Buffer>;
    try {
      keys = await this.keys.keysFor(subjects);
    } catch (error) {
      if (error instanceof SubjectErasedError && (await this.alreadyStored(streamName, events))) {
        // A retry of events stored before the erasure: the inner store answers
        // it from the ids alone and writes nothing; the data sent is moot, so
        // it carries no personal data at all.
        return events.map((e) => withoutPersonalData(e, this.table));
      }
      throw error;
    }
    return events.map((event) => protect(streamName, event, (s) => keys.get(s)!, this.table));
  }

  /** Whether the first of `events` is already in the stream (how both adapters recognise a retry). */
  private async alreadyStored(streamName: string, events: readonly EventData[]): Promise<boolean> {
    const first = events[0]?.id.toLowerCase();
    try {
      const stored = await this.inner.readStream(streamName, { direction: 'backwards' });
      return stored.some((e) => e.id.toLowerCase() === first);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return false;
      throw error;
    }
  }

  // ------------------------------------------------------------------ read

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.revealAll(await this.inner.readStream(streamName, options));
  }

  async readStreamOrNull(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[] | null> {
    this.assertOpen();
    const events = await readStreamOrNull(this.inner, streamName, options);
    return events === null ? null : this.revealAll(events);
  }

  knownStreamHead(streamName: string): bigint | undefined {
    return this.closed ? undefined : this.inner.knownStreamHead?.(streamName);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.revealAll(await this.inner.readAll(options));
  }

  subscribeToAll(options?: SubscribeToAllOptions): Subscription {
    this.assertOpen();
    const inner = this.inner.subscribeToAll(options);
    // A reader that reads no personal field gets the events as stored: no key looked up, no envelope opened.
    if (options?.personalData === false) return inner;
    const revealAll = (events: RecordedEvent[]) => this.revealAll(events);
    return {
      unsubscribe: () => inner.unsubscribe(),
      async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
        for await (const message of inner) {
          if (message.kind !== 'event') yield message;
          else yield { kind: 'event', event: (await revealAll([message.event]))[0]! };
        }
      },
    };
  }

  private async revealAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjects = new Set<string>();
    for (const event of events) {
      const subject = sealedSubjectOf(event, this.table);
      if (subject !== null) subjects.add(subject);
    }
    if (subjects.size === 0) return events;
    const found = await this.keys.findMany(subjects);
    return events.map((event) =>
      reveal(
        event.streamName,
        event,
        (subject) => {
          const key = found.get(subject);
          if (key !== undefined) return key;
          this.onMissingKey?.({ subject, streamName: event.streamName, eventId: event.id });
          return null;
        },
        this.table,
      ),
    );
  }

  // ----------------------------------------------------------------- erase

  /** Forgets the subject's key for good (see `PersonalKeyStore.erase`). */
  async erase(subject: string, reason?: string): Promise<{ erased: boolean }> {
    this.assertOpen();
    return this.keys.erase(subject, reason);
  }

  /** The inner store's write probe, when it has one (readiness). */
  async probeWrite(): Promise<void> {
    this.assertOpen();
    await this.inner.probeWrite?.();
  }

  /** Resolves when the key store answers (readiness: without it no personal data can be read or written). */
  async pingKeys(): Promise<void> {
    this.assertOpen();
    await this.keys.ping();
  }

  // ----------------------------------------------------------------- close

  /** Closes the inner store, then the key store. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.inner.close();
    } finally {
      await this.keys.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}
