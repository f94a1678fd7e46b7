// Starts the real server (the same createApp as main.ts) on a fresh DATA_DIR,
// on 127.0.0.1 and a free port, for e2e tests. The event store is the
// embedded SQLite file unless E2E_EVENT_STORE=eventstoredb (see eventStoreEnv).
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config/config.js';
import { EsdbPeer } from '../esdb-peer/peer.js';

export interface TestServer {
  app: NestExpressApplication;
  /** e.g. http://127.0.0.1:40123 (https:// when the server runs with TLS) */
  base: string;
  dataDir: string;
  /** The event store the server runs on. */
  eventStore: 'sqlite' | 'eventstoredb';
  /**
   * Closes this app and starts a new one on the same DATA_DIR and the same
   * event store (the same test peer), as when the server process restarts.
   * Close the server it returns (not this one) at the end.
   */
  restart(): Promise<TestServer>;
  /**
   * Closes this app and keeps DATA_DIR (and the test peer): the server is
   * down, as when the venue's network or the machine is. `start` serves the
   * same DATA_DIR again on the same port, so pages and service workers that
   * knew the old address find the server back. Close the server `start`
   * returns at the end; `dispose` cleans up if the test never starts it again.
   */
  stop(): Promise<{ start(): Promise<TestServer>; dispose(): Promise<void> }>;
  /** Closes the app, stops the test peer if one was started, removes DATA_DIR. */
  close(): Promise<void>;
}

/** The store the e2e run is on: E2E_EVENT_STORE, `sqlite` by default. */
export function e2eEventStore(): 'sqlite' | 'eventstoredb' {
  const kind = process.env.E2E_EVENT_STORE?.trim() || 'sqlite';
  if (kind !== 'sqlite' && kind !== 'eventstoredb') {
    throw new Error(`E2E_EVENT_STORE must be 'sqlite' or 'eventstoredb', got ${JSON.stringify(kind)}`);
  }
  return kind;
}

/**
 * The store part of the server's environment. With E2E_EVENT_STORE=eventstoredb
 * the server runs on the EventStoreDB adapter: against EVENTSTORE_CONNECTION_STRING
 * when it is set (a real server, shared: the e2e tests use fresh ids), otherwise
 * against a fresh EventStoreDB test peer (test/esdb-peer) that `stop` shuts down.
 * A caller's own EVENT_STORE wins.
 */
async function eventStoreEnv(
  env: Record<string, string>,
): Promise<{ env: Record<string, string>; kind: 'sqlite' | 'eventstoredb'; stop: () => Promise<void> }> {
  const none = (): Promise<void> => Promise.resolve();
  const requested = env.EVENT_STORE ?? e2eEventStore();
  if (requested !== 'eventstoredb') return { env: {}, kind: 'sqlite', stop: none };
  if (env.EVENTSTORE_CONNECTION_STRING) return { env: {}, kind: 'eventstoredb', stop: none };
  const given = process.env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (given) {
    return {
      env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: given },
      kind: 'eventstoredb',
      stop: none,
    };
  }
  const peer = await EsdbPeer.start();
  return {
    env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: peer.connectionString },
    kind: 'eventstoredb',
    stop: () => peer.stop(),
  };
}

/**
 * The organiser token every test server starts with (ADMIN_TOKEN), and that
 * `call` sends unless told otherwise: tests of a feature act as the organiser;
 * tests of access control pass their own `authorization` header (or `null`).
 */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'emargement-e2e-'));
  let store: Awaited<ReturnType<typeof eventStoreEnv>>;
  try {
    store = await eventStoreEnv(env);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const dispose = async (): Promise<void> => {
    try {
      await store.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    return await serve(dataDir, { ...store.env, ...env }, store.kind, dispose);
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function serve(
  dataDir: string,
  env: Record<string, string>,
  eventStore: 'sqlite' | 'eventstoredb',
  dispose: () => Promise<void>,
  port = 0,
): Promise<TestServer> {
  // PORT is 0 (a free port) unless the test needs to know it beforehand
  // (a PUBLIC_URL with its port); with TLS on, `base` is https://.
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN, ...env });
  const app = await createApp(config, { logger: false });
  try {
    // `port` (the same port again, after `stop`) wins over the configured one.
    await app.listen(port || config.port, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    base,
    dataDir,
    eventStore,
    restart: async () => {
      await app.close();
      return serve(dataDir, env, eventStore, dispose);
    },
    stop: async () => {
      const samePort = Number(new URL(base).port);
      // Keep-alive connections from a browser would hold the port (and the old app) alive.
      app.getHttpServer().closeAllConnections();
      await app.close();
      return { start: () => serve(dataDir, env, eventStore, dispose, samePort), dispose };
    },
    close: async () => {
      try {
        await app.close();
      } finally {
        await dispose();
      }
    },
  };
}

/** `Authorization` for a device token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * JSON over HTTP with the status kept, for asserting on both. Sends the
 * organiser's ADMIN_TOKEN unless `headers` has its own `authorization`;
 * `authorization: null` sends none.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string | null> = {},
): Promise<{ status: number; body: T }> {
  const sent: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) delete sent[name.toLowerCase()];
    else sent[name.toLowerCase()] = value;
  }
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? sent : { 'content-type': 'application/json', ...sent },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T };
}
