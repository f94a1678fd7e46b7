export * from './port.js';
export * from './errors.js';
export { readStreamOrNull } from './read-stream-or-null.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export {
  EventStoreDbEventStore,
  UnmappablePositionError,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store.js';
