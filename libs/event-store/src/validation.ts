import { InvalidEventStoreArgumentError } from './errors.js';
import type { EventData, ExpectedRevision, StreamAppend } from './port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shared by both adapters so that they refuse exactly the same input. */
export function assertAppendArguments(
  streamName: string,
  events: readonly EventData[],
  expectedRevision: ExpectedRevision,
): void {
  if (typeof streamName !== 'string' || streamName.length === 0 || streamName.startsWith('$')) {
    throw new InvalidEventStoreArgumentError(`Invalid stream name: ${JSON.stringify(streamName)}`);
  }
  if (typeof expectedRevision === 'bigint') {
    if (expectedRevision < 0n) throw new InvalidEventStoreArgumentError('expectedRevision must be >= 0');
  } else if (!['any', 'no_stream', 'stream_exists'].includes(expectedRevision)) {
    throw new InvalidEventStoreArgumentError(`Invalid expectedRevision: ${String(expectedRevision)}`);
  }
  if (events.length === 0) throw new InvalidEventStoreArgumentError('An append needs at least one event');
  const seen = new Set<string>();
  for (const e of events) {
    if (!UUID.test(e.id)) throw new InvalidEventStoreArgumentError(`Event id must be a UUID: ${e.id}`);
    const id = e.id.toLowerCase();
    if (seen.has(id)) throw new InvalidEventStoreArgumentError(`Duplicate event id in one append: ${e.id}`);
    seen.add(id);
    if (typeof e.type !== 'string' || e.type.length === 0) {
      throw new InvalidEventStoreArgumentError('Event type must be a non-empty string');
    }
  }
}

/** `appendToStreams`: at least one part, each a valid append, no stream twice, no event id twice. */
export function assertMultiAppendArguments(parts: readonly StreamAppend[]): void {
  if (parts.length === 0) {
    throw new InvalidEventStoreArgumentError('An append across streams needs at least one part');
  }
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const p of parts) {
    assertAppendArguments(p.streamName, p.events, p.expectedRevision ?? 'any');
    if (streams.has(p.streamName)) {
      throw new InvalidEventStoreArgumentError(`Stream ${p.streamName} appears twice in one append`);
    }
    streams.add(p.streamName);
    for (const e of p.events) {
      const id = e.id.toLowerCase();
      if (ids.has(id)) throw new InvalidEventStoreArgumentError(`Duplicate event id in one append: ${e.id}`);
      ids.add(id);
    }
  }
}

export function toCount(maxCount: number | bigint | undefined): bigint | undefined {
  if (maxCount === undefined) return undefined;
  const n = BigInt(maxCount);
  if (n < 0n) throw new InvalidEventStoreArgumentError('maxCount must be >= 0');
  return n;
}
