import type { Metadata, RecordedEvent } from '../port.js';

/**
 * A stored event as read: an array, not an object (`.raw(true)`), which reads
 * ~30 % faster over large scans (BENCHMARKS.md). Order of `EVENT_COLUMNS`.
 */
export type EventRow = [
  position: bigint,
  streamName: string,
  revision: bigint,
  id: string,
  type: string,
  data: string,
  metadata: string,
  created: bigint,
];
export const EVENT_COLUMNS = 'position, stream_name, revision, id, type, data, metadata, created';

/** What `data` and `metadata` hold until first read: never a decoded value (those are plain JSON). */
const UNDECODED = Symbol('undecoded');

/**
 * A `RecordedEvent` whose `data` and `metadata` are decoded (`JSON.parse`) on
 * first read, not when the row is read. The two parses are most of the cost
 * of reading an event (BENCHMARKS.md, "The store's read path"), and many
 * readers never look at them: the position of the last event, a type or
 * stream filter applied by the caller, metadata that no projection reads.
 *
 * `data` and `metadata` are *own, enumerable* accessor properties, so the
 * object behaves as the plain one it replaces wherever a caller copies or
 * compares it: `Object.keys`, `{ ...event }`, `JSON.stringify`,
 * `structuredClone` and jest's `toEqual` all read them through the getter.
 * They can be assigned (the new value replaces the stored text for good).
 * Each read of the store gives new objects, as before: decoding is per
 * instance, once.
 *
 * What differs from a plain object: the prototype is this class (an
 * `Object.getPrototypeOf(e) === Object.prototype` test says no), and a
 * malformed stored text would throw at first read of the property rather than
 * when the row is read (the store only ever writes `JSON.stringify` output).
 */
export class StoredEvent implements RecordedEvent {
  declare id: string;
  declare type: string;
  declare data: unknown;
  declare metadata: Metadata;
  declare streamName: string;
  declare revision: bigint;
  declare position: bigint;
  declare created: Date;
  #data: unknown;
  #metadata: Metadata | typeof UNDECODED;
  #dataText: string;
  #metadataText: string;

  constructor(row: EventRow) {
    // Property order as the eager object had it (Object.keys, JSON).
    this.id = row[3];
    this.type = row[4];
    // One runtime call with shared descriptors: the objects keep one shape.
    Object.defineProperties(this, ACCESSORS);
    this.streamName = row[1];
    this.revision = row[2];
    this.position = row[0];
    this.created = new Date(Number(row[7]));
    this.#data = UNDECODED;
    this.#metadata = UNDECODED;
    this.#dataText = row[5];
    this.#metadataText = row[6];
  }

  static readData(e: StoredEvent): unknown {
    if (e.#data === UNDECODED) {
      e.#data = JSON.parse(e.#dataText) as unknown;
      e.#dataText = '';
    }
    return e.#data;
  }

  static writeData(e: StoredEvent, value: unknown): void {
    e.#data = value;
    e.#dataText = '';
  }

  static readMetadata(e: StoredEvent): Metadata {
    if (e.#metadata === UNDECODED) {
      e.#metadata = JSON.parse(e.#metadataText) as Metadata;
      e.#metadataText = '';
    }
    return e.#metadata;
  }

  static writeMetadata(e: StoredEvent, value: Metadata): void {
    e.#metadata = value;
    e.#metadataText = '';
  }
}

const ACCESSORS: PropertyDescriptorMap = {
  data: {
    get(this: StoredEvent) {
      return StoredEvent.readData(this);
    },
    set(this: StoredEvent, value: unknown) {
      StoredEvent.writeData(this, value);
    },
    enumerable: true,
    configurable: true,
  },
  metadata: {
    get(this: StoredEvent) {
      return StoredEvent.readMetadata(this);
    },
    set(this: StoredEvent, value: Metadata) {
      StoredEvent.writeMetadata(this, value);
    },
    enumerable: true,
    configurable: true,
  },
};

export function toRecorded(row: EventRow): RecordedEvent {
  return new StoredEvent(row);
}
