// The server over real HTTP on a real SQLite file: starts, answers health, publishes its OpenAPI document.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { ADMIN_TOKEN, e2eEventStore, startTestServer, type TestServer } from './support/server.js';

describe('server health', () => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer();
    base = server.base;
  });
  afterAll(async () => {
    await server.close();
  });

  test('GET /health/live answers ok', async () => {
    const res = await fetch(`${base}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('GET /health/ready answers once the event store answers', async () => {
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
    // On the embedded default, the store is one file under DATA_DIR.
    expect(existsSync(join(server.dataDir, 'events.sqlite'))).toBe(server.eventStore === 'sqlite');
  });

  // The embedded store proves it can write (`probeWrite`, a row outside the
  // log); EventStoreDB runs as its own server with its own health, and is
  // not probed (that would add an event per probe).
  if (e2eEventStore() === 'sqlite') {
    test('GET /health/ready is 503 event_store_not_writable while the store cannot write, and ready again after', async () => {
      // The store's own connection turned read-only: what a read-only file or
      // mount does to it (a full disk fails the same commit, SQLITE_FULL).
      const store = server.app.get<{ inner: { db: Database.Database } }>(EVENT_STORE);
      store.inner.db.pragma('query_only = ON');
      try {
        const res = await fetch(`${base}/health/ready`);
        expect(res.status).toBe(503);
        const body = (await res.json()) as { code: string; detail?: { error?: string } };
        expect(body.code).toBe('event_store_not_writable');
        expect(body.detail?.error).toMatch(/readonly|read-only/i);
      } finally {
        store.inner.db.pragma('query_only = OFF');
      }
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    });
  }

  test('DATA_DIR is 0700 and the files in it 0600, put right at every start (issue 21)', async () => {
    chmodSync(server.dataDir, 0o755);
    server = await server.restart();
    base = server.base;
    // Something written: a device enrolled, its activity, the read models.
    const res = await fetch(`${base}/api/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Porte', role: 'door' }),
    });
    expect(res.status).toBe(201);
    expect((statSync(server.dataDir).mode & 0o777).toString(8)).toBe('700');
    const files = readdirSync(server.dataDir, { withFileTypes: true });
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['read-models.sqlite', 'keys.sqlite']));
    for (const f of files) {
      const mode = (statSync(join(server.dataDir, f.name)).mode & 0o777).toString(8);
      expect([f.name, mode]).toEqual([f.name, f.isDirectory() ? '700' : '600']);
    }
  }, 60_000);

  test('GET /api/docs-json publishes the OpenAPI document', async () => {
    const res = await fetch(`${base}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/health/live');
  });
});
