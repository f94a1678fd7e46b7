/**
 * The peer's in-memory database: one transaction log (`$all`) and the streams
 * it indexes. No gRPC here; `peer.ts` translates requests into these calls.
 * The semantics, and where they come from, are listed at the top of `peer.ts`.
 */

export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export interface ProposedEvent {
  /** Lower-case, hyphenated UUID. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface StoredEvent {
  readonly streamName: string;
  readonly revision: bigint;
  /**
   * Log offset of the event's record. The event's `$all` position is
   * `{ commit: position, prepare: position }` (see the assumptions in peer.ts).
   */
  readonly position: bigint;
  readonly id: string;
  readonly type: string;
  /** The server keeps only an "is JSON" flag, not the content type itself. */
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server's "created" metadata. */
  readonly created: bigint;
}

/** A `$all` position; the peer's own events always have `commit === prepare`. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export type AppendOutcome =
  /** Written now. `events` is empty for an append without events. */
  | {
      readonly kind: 'written';
      readonly events: readonly StoredEvent[];
      readonly currentRevision: bigint;
      readonly position: bigint;
    }
  /** Every proposed event is already in the stream at that place: nothing written. */
  | { readonly kind: 'idempotent'; readonly currentRevision: bigint; readonly position: bigint }
  /** `currentRevision` is -1 when the stream does not exist. */
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: bigint };

/** Where a fresh log's first record goes: a virtual epoch record occupies [0, 128). */
export const FIRST_LOG_POSITION = 128n;

const utf8 = new TextEncoder();

/** Bytes taken by a .NET BinaryWriter string: 7-bit encoded length prefix, then UTF-8. */
function dotnetStringSize(value: string): number {
  const bytes = utf8.encode(value).length;
  let prefix = 1;
  for (let n = bytes >>> 7; n > 0; n >>>= 7) prefix += 1;
  return prefix + bytes;
}

/**
 * An approximation of the on-disk size of a LogV2 prepare record (length
 * prefix and suffix, fixed header fields, stream id, event type, data and
 * metadata), so that consecutive positions advance like the real server's
 * byte offsets do: increasing, never contiguous.
 */
export function prepareRecordSize(
  streamName: string,
  type: string,
  dataLength: number,
  metadataLength: number,
): bigint {
  const fixed = 4 + 1 + 1 + 8 + 2 + 8 + 4 + 8 + 16 + 16 + 8 + 4 + 4 + 4;
  return BigInt(fixed + dotnetStringSize(streamName) + dotnetStringSize(type) + dataLength + metadataLength);
}

/** Orders `$all` positions as the server's TFPos does: commit first, then prepare. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function positionOf(event: StoredEvent): LogPosition {
  return { commit: event.position, prepare: event.position };
}

const TICKS_PER_MILLISECOND = 10_000n;

export class PeerStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Event id → the event last written with it (the server's committed-events cache, unbounded here). */
  private readonly byId = new Map<string, StoredEvent>();
  private readonly listeners = new Set<(events: readonly StoredEvent[]) => void>();
  private writerPosition = FIRST_LOG_POSITION;

  /** Revision of the last event of the stream, or -1 when it has none. */
  currentRevision(streamName: string): bigint {
    const stream = this.streams.get(streamName);
    return stream === undefined ? -1n : BigInt(stream.length - 1);
  }

  streamEvents(streamName: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamName);
  }

  allEvents(): readonly StoredEvent[] {
    return this.log;
  }

  /** Where the next record would be written. */
  get headPosition(): bigint {
    return this.writerPosition;
  }

  /** Called synchronously, after the events are in the log, for every write. */
  onAppended(listener: (events: readonly StoredEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets every event (a restart on an empty database). Listeners stay. */
  clear(): void {
    this.log.length = 0;
    this.streams.clear();
    this.byId.clear();
    this.writerPosition = FIRST_LOG_POSITION;
  }

  append(streamName: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName);
    const current = this.currentRevision(streamName);
    const check = this.checkCommit(streamName, stream, current, expected, proposed);
    if (check !== 'ok') return check;
    return this.write(streamName, current, proposed);
  }

  /** The server's IndexWriter.CheckCommit, without soft deletes and transactions. */
  private checkCommit(
    streamName: string,
    stream: readonly StoredEvent[] | undefined,
    current: bigint,
    expected: ExpectedRevision,
    proposed: readonly ProposedEvent[],
  ): AppendOutcome | 'ok' {
    const wrong: AppendOutcome = { kind: 'wrong_expected_version', currentRevision: current };
    if (expected.kind === 'stream_exists' && current < 0n) return wrong;

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      let last: StoredEvent | undefined;
      for (const [index, event] of proposed.entries()) {
        const prior = this.byId.get(event.id);
        if (prior === undefined || prior.streamName !== streamName) {
          // The first event is new: a plain write. A later one is new while earlier ones
          // were already written: "corrupted idempotency", answered as wrong expected version.
          return index === 0 ? 'ok' : wrong;
        }
        last = prior;
      }
      if (last === undefined) return 'ok';
      return { kind: 'idempotent', currentRevision: last.revision, position: last.position };
    }

    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      let revision = expectedRevision;
      let last: StoredEvent | undefined;
      for (const event of proposed) {
        revision += 1n;
        const atRevision = stream?.[Number(revision)];
        if (atRevision === undefined || atRevision.id !== event.id) return wrong;
        last = atRevision;
      }
      if (last === undefined) return wrong;
      return { kind: 'idempotent', currentRevision: last.revision, position: last.position };
    }
    if (expectedRevision > current) return wrong;
    return 'ok';
  }

  private write(streamName: string, current: bigint, proposed: readonly ProposedEvent[]): AppendOutcome {
    const created = BigInt(Date.now()) * TICKS_PER_MILLISECOND;
    if (proposed.length === 0) {
      // The server still writes an (empty) prepare record and reports its position.
      const position = this.writerPosition;
      this.writerPosition += prepareRecordSize(streamName, '', 0, 0);
      return { kind: 'written', events: [], currentRevision: current, position };
    }
    let stream = this.streams.get(streamName);
    if (stream === undefined) {
      stream = [];
      this.streams.set(streamName, stream);
    }
    const written: StoredEvent[] = [];
    for (const event of proposed) {
      const stored: StoredEvent = {
        streamName,
        revision: BigInt(stream.length),
        position: this.writerPosition,
        id: event.id,
        type: event.type,
        isJson: event.contentType === 'application/json',
        data: event.data,
        customMetadata: event.customMetadata,
        created,
      };
      this.writerPosition += prepareRecordSize(streamName, event.type, event.data.length, event.customMetadata.length);
      stream.push(stored);
      this.log.push(stored);
      this.byId.set(stored.id, stored);
      written.push(stored);
    }
    const last = written[written.length - 1]!;
    for (const listener of [...this.listeners]) listener(written);
    return { kind: 'written', events: written, currentRevision: last.revision, position: last.position };
  }
}
