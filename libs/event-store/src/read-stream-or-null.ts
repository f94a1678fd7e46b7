import { StreamNotFoundError } from './errors.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from './port.js';

/** A stream's events, or `null` when it has none (see `EventStore.readStreamOrNull`). */
export async function readStreamOrNull(
  store: EventStore,
  streamName: string,
  options?: ReadStreamOptions,
): Promise<RecordedEvent[] | null> {
  if (store.readStreamOrNull) return store.readStreamOrNull(streamName, options);
  try {
    return await store.readStream(streamName, options);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
}
