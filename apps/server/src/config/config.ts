import { resolve } from 'node:path';

export type EventStoreKind = 'sqlite' | 'eventstoredb';

export interface AppConfig {
  port: number;
  dataDir: string;
  eventStore: EventStoreKind;
  eventStoreConnectionString: string | undefined;
}

/** A configuration error names the variable at fault, so the fix is obvious from the log. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const portText = env.PORT?.trim() || '3000';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new ConfigError('PORT', `must be a TCP port number (0-65535), got ${JSON.stringify(env.PORT)}`);
  }
  const dataDirText = env.DATA_DIR?.trim() || './data';
  const eventStore = (env.EVENT_STORE?.trim() || 'sqlite') as EventStoreKind;
  if (eventStore !== 'sqlite' && eventStore !== 'eventstoredb') {
    throw new ConfigError('EVENT_STORE', `must be 'sqlite' or 'eventstoredb', got ${JSON.stringify(env.EVENT_STORE)}`);
  }
  const connection = env.EVENTSTORE_CONNECTION_STRING?.trim() || undefined;
  if (eventStore === 'eventstoredb') {
    if (!connection) {
      throw new ConfigError('EVENTSTORE_CONNECTION_STRING', "is required when EVENT_STORE is 'eventstoredb'");
    }
    if (!/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/./.test(connection)) {
      throw new ConfigError(
        'EVENTSTORE_CONNECTION_STRING',
        `must look like esdb://host:2113?tls=false, got ${JSON.stringify(connection)}`,
      );
    }
  }
  return {
    port: Number(portText),
    dataDir: resolve(dataDirText),
    eventStore,
    eventStoreConnectionString: connection,
  };
}
