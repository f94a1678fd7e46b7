import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@emargement/event-store';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/** Injection token for the event-store port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** Chooses the adapter from the configuration; the rest of the server sees only the port. */
export async function openEventStore(config: AppConfig): Promise<EventStore> {
  if (config.eventStore === 'eventstoredb') {
    return EventStoreDbEventStore.connect(config.eventStoreConnectionString!);
  }
  return Promise.resolve(SqliteEventStore.open(join(config.dataDir, 'events.sqlite')));
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
