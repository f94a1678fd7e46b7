import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@emargement/event-store';
import { PostgresKeyStore, ProtectedEventStore, SqliteKeyStore, type PersonalKeyStore } from '@emargement/privacy';
import { privateDir, privateSqliteFile } from '../shared/private-files.js';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import { ConfigError, type AppConfig } from '../config/config.js';
import { applyErasures, journalsFor, readErasures } from '../backup/erasure-journal.js';
import { LogFollowers } from '../shared/log-followers.js';

/** Injection token for the event-store port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** The file of per-person keys (ADR 007): outside the event log, whichever store holds the log. */
export const keyStorePath = (config: AppConfig): string => join(config.dataDir, 'keys.sqlite');

/**
 * The key store: PostgreSQL when PERSONAL_KEYS_URL is given (several
 * instances share it), else `DATA_DIR/keys.sqlite`. A database that cannot
 * be used stops the start with the variable named.
 */
export async function openKeyStore(config: AppConfig): Promise<PersonalKeyStore> {
  if (config.personalKeysUrl === undefined) {
    privateDir(config.dataDir);
    privateSqliteFile(keyStorePath(config));
    return SqliteKeyStore.open(keyStorePath(config));
  }
  try {
    return await PostgresKeyStore.connect(config.personalKeysUrl);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('PERSONAL_KEYS_URL', `cannot be used (the key store's database refused): ${reason}`);
  }
}

/**
 * Chooses the adapter from the configuration, behind the personal-data
 * protection (personal fields sealed with a per-person key kept in
 * `DATA_DIR/keys.sqlite` or PostgreSQL); the rest of the server sees only the port.
 */
export async function openEventStore(config: AppConfig): Promise<EventStore> {
  privateDir(config.dataDir);
  if (config.eventStore !== 'eventstoredb') privateSqliteFile(join(config.dataDir, 'events.sqlite'));
  const keys = await openKeyStore(config);
  try {
    // Before anything reads the store: a person erased after the backup this
    // DATA_DIR was restored from stays unreadable (issue 28).
    const erasures = await readErasures(journalsFor(config.dataDir, config.backup?.dir));
    if (erasures.length > 0) await applyErasures(keys, erasures);
  } catch (error) {
    await keys.close();
    throw error;
  }
  let inner: EventStore;
  try {
    inner =
      config.eventStore === 'eventstoredb'
        ? EventStoreDbEventStore.connect(config.eventStoreConnectionString!)
        : SqliteEventStore.open(join(config.dataDir, 'events.sqlite'));
  } catch (error) {
    await keys.close();
    throw error;
  }
  return new ProtectedEventStore(inner, keys);
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
    LogFollowers,
  ],
  exports: [EVENT_STORE, LogFollowers],
})
export class EventStoreModule {}
