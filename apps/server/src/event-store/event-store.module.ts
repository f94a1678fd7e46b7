import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@emargement/event-store';
import { ProtectedEventStore, SqliteKeyStore } from '@emargement/privacy';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/** Injection token for the event-store port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** The file of per-person keys (ADR 007): outside the event log, whichever store holds the log. */
export const keyStorePath = (config: AppConfig): string => join(config.dataDir, 'keys.sqlite');

/**
 * Chooses the adapter from the configuration, behind the personal-data
 * protection (personal fields sealed with a per-person key kept in
 * `DATA_DIR/keys.sqlite`); the rest of the server sees only the port.
 */
export async function openEventStore(config: AppConfig): Promise<EventStore> {
  mkdirSync(config.dataDir, { recursive: true });
  const inner =
    config.eventStore === 'eventstoredb'
      ? EventStoreDbEventStore.connect(config.eventStoreConnectionString!)
      : SqliteEventStore.open(join(config.dataDir, 'events.sqlite'));
  try {
    return new ProtectedEventStore(inner, SqliteKeyStore.open(keyStorePath(config)));
  } catch (error) {
    await inner.close();
    throw error;
  }
}

@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openEventStore(config) },
    EventStoreCloser,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
