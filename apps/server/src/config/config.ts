import { resolve } from 'node:path';

export type EventStoreKind = 'sqlite' | 'eventstoredb';

export interface AppConfig {
  port: number;
  dataDir: string;
  eventStore: EventStoreKind;
  eventStoreConnectionString: string | undefined;
  /** The first organiser token; when unset, one is generated at first start and kept in `DATA_DIR`. */
  adminToken: string | undefined;
  /** Origins allowed to call the API from a browser page served elsewhere; none by default (CORS closed). */
  corsOrigins: string[];
  /** Whether the server sits behind a reverse proxy whose `X-Forwarded-For` is to be believed (rate limits key on the client address). */
  trustProxy: boolean;
  /** Failed authentications allowed per client address and minute before it is answered 429. */
  authFailuresPerMinute: number;
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
  const adminToken = env.ADMIN_TOKEN?.trim() || undefined;
  if (
    adminToken !== undefined &&
    (adminToken.length < 24 || adminToken.length > 512 || !/^[\x21-\x7e]+$/.test(adminToken))
  ) {
    throw new ConfigError(
      'ADMIN_TOKEN',
      'must be 24 to 512 printable ASCII characters without spaces (e.g. `openssl rand -hex 32`)',
    );
  }
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be a comma-separated list of origins like https://example.org, got ${JSON.stringify(origin)}`,
      );
    }
  }
  const trustProxyText = env.TRUST_PROXY?.trim() || 'false';
  if (trustProxyText !== 'true' && trustProxyText !== 'false') {
    throw new ConfigError('TRUST_PROXY', `must be 'true' or 'false', got ${JSON.stringify(env.TRUST_PROXY)}`);
  }
  const failuresText = env.AUTH_FAILURES_PER_MINUTE?.trim() || '30';
  if (!/^\d{1,6}$/.test(failuresText) || Number(failuresText) < 1) {
    throw new ConfigError(
      'AUTH_FAILURES_PER_MINUTE',
      `must be a whole number from 1, got ${JSON.stringify(env.AUTH_FAILURES_PER_MINUTE)}`,
    );
  }
  return {
    port: Number(portText),
    dataDir: resolve(dataDirText),
    eventStore,
    eventStoreConnectionString: connection,
    adminToken,
    corsOrigins,
    trustProxy: trustProxyText === 'true',
    authFailuresPerMinute: Number(failuresText),
  };
}
