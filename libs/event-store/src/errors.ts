import type { ExpectedRevision } from './port.js';

/** Base class so callers can tell the port's errors from anything else. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/**
 * The stream was not where the caller expected it. `actualRevision` is the
 * revision of the stream's last event, or `'no_stream'` when it has none.
 */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'wrong_expected_revision';
  constructor(
    readonly streamName: string,
    readonly expectedRevision: ExpectedRevision,
    readonly actualRevision: bigint | 'no_stream',
  ) {
    super(`Stream ${streamName}: expected revision ${String(expectedRevision)}, actual ${String(actualRevision)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'stream_not_found';
  constructor(readonly streamName: string) {
    super(`Stream ${streamName} not found`);
    this.name = 'StreamNotFoundError';
  }
}

/** The event store cannot be reached (for now); the operation may be retried. */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'event_store_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** Malformed input to the port (bad stream name, non-UUID id, ...). */
export class InvalidEventStoreArgumentError extends EventStoreError {
  readonly code = 'invalid_argument';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventStoreArgumentError';
  }
}

export class EventStoreClosedError extends EventStoreError {
  readonly code = 'event_store_closed';
  constructor() {
    super('The event store is closed');
    this.name = 'EventStoreClosedError';
  }
}
