// The server over real HTTP on a real SQLite file: starts, answers health, publishes its OpenAPI document.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';

describe('server health', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'emargement-e2e-'));
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('GET /health/live answers ok', async () => {
    const res = await fetch(`${base}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('GET /health/ready answers once the embedded store answers, and the store is a file under DATA_DIR', async () => {
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
    expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(true);
  });

  test('GET /api/docs-json publishes the OpenAPI document', async () => {
    const res = await fetch(`${base}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/health/live');
  });
});
