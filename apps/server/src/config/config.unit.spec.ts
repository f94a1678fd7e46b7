import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  test('defaults to port 3000, ./data and the embedded store', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.eventStore).toBe('sqlite');
  });

  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'postgres' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING'],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://x' }, 'EVENTSTORE_CONNECTION_STRING'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ ADMIN_TOKEN: 'a token with spaces in it, long enough' }, 'ADMIN_TOKEN'],
    [{ CORS_ORIGINS: 'evil.example' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ok.example/path' }, 'CORS_ORIGINS'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ AUTH_FAILURES_PER_MINUTE: '0' }, 'AUTH_FAILURES_PER_MINUTE'],
  ])('%j is refused naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });

  test('security defaults: no ADMIN_TOKEN (one is generated), CORS closed, no proxy trusted', () => {
    const c = loadConfig({});
    expect(c.adminToken).toBeUndefined();
    expect(c.corsOrigins).toEqual([]);
    expect(c.trustProxy).toBe(false);
    expect(c.authFailuresPerMinute).toBe(30);
  });

  test('reads a fixed ADMIN_TOKEN and a list of CORS origins', () => {
    const c = loadConfig({
      ADMIN_TOKEN: 'fixed-organiser-token-0123456789',
      CORS_ORIGINS: 'https://a.example, http://b.example:8080',
    });
    expect(c.adminToken).toBe('fixed-organiser-token-0123456789');
    expect(c.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });

  test('accepts an EventStoreDB connection string', () => {
    const c = loadConfig({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
    });
    expect(c.eventStore).toBe('eventstoredb');
    expect(c.eventStoreConnectionString).toBe('esdb://localhost:2113?tls=false');
  });
});
