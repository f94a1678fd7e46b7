// The server over real HTTP on a real SQLite file: starts, answers health, publishes its OpenAPI document.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './support/server.js';

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

  test('GET /api/docs-json publishes the OpenAPI document', async () => {
    const res = await fetch(`${base}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/health/live');
  });
});
