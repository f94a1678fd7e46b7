// The request log's line over real HTTP (issue 27): given a request and how
// its answer ends (answered, 429, 5xx, aborted by the client), then the one
// line written, byte for byte but for the clock, the process and the port.
// Pinned against pino-http's line before our own middleware replaced it, so
// that operators' queries and collectors read the same fields as before.
import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Level } from 'pino';
import { createLogger, httpLogger } from './logger.js';

interface Line {
  level: number;
  msg: string;
  correlationId: string;
  deviceId?: string;
  role?: string;
  req: { id: string; method: string; url: string; remoteAddress?: string; headers: Record<string, string> };
  res: { statusCode: number | null };
  err?: { type: string; message: string; stack: string };
  responseTime: number;
}

/** What the routes of the test server do with a request, after the log's middleware. */
function answer(req: IncomingMessage & { device?: { deviceId: string; role: string } }, res: ServerResponse): void {
  // The auth guard, later in the chain: the device is known once the request got past it.
  if (req.headers['x-test-device'] !== undefined) req.device = { deviceId: 'door-phone-1', role: 'door' };
  const path = (req.url ?? '/').split('?')[0]!;
  if (path.endsWith('/hang')) {
    arrived();
    return; // never answered: the client gives up
  }
  res.statusCode = path.endsWith('/limited') ? 429 : path.endsWith('/boom') ? 503 : 200;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ correlationIdSent: res.getHeader('x-correlation-id') }));
}

let arrived: () => void = () => undefined;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

/** A server with the request log in front, at `level`; its lines, and a way to wait for the line of an id. */
async function start(level: Level | 'silent') {
  const written: string[] = [];
  const log = createLogger(
    { logLevel: level, logFormat: 'json' },
    { write: (chunk: string) => void written.push(chunk) },
  );
  const middleware = httpLogger(log);
  server = createServer((req, res) => middleware(req, res, () => answer(req, res)));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const lineOf = async (id: string): Promise<{ raw: string; line: Line }> => {
    for (;;) {
      const raw = written.find((l) => l.includes(`"correlationId":"${id}"`));
      if (raw !== undefined) return { raw, line: JSON.parse(raw) as Line };
      await new Promise((r) => setImmediate(r));
    }
  };
  return { written, port, lineOf };
}

/** A request with exactly these headers (no agent: `connection: close`), and its answer's status, headers and body. */
function call(port: number, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, headers: { host: 'door.test', connection: 'close', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** The line with what changes from run to run (clock, process, host) replaced by placeholders. */
const normalised = (raw: string): string =>
  raw
    .replace(/"time":"[^"]+"/, '"time":"T"')
    .replace(/"pid":\d+/, '"pid":0')
    .replace(/"hostname":"[^"]*"/, '"hostname":"H"')
    .replace(/"responseTime":\d+/, '"responseTime":0')
    .replace(/ \d+ ms"/, ' 0 ms"')
    .replace(/"stack":"(?:[^"\\]|\\.)*"/, '"stack":"S"');

describe('the request line', () => {
  test('an answered request of a device: the same line as pino-http wrote, secrets redacted, the id sent back', async () => {
    const { port, lineOf } = await start('info');
    const res = await call(port, '/api/conferences/c1/tickets/SECRET-CODE?q=Dupont&limit=2', {
      authorization: 'Bearer a-device-token-0123456789',
      cookie: 'session=s3cr3t',
      'x-correlation-id': 'scan-0001',
      'x-test-device': '1',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-correlation-id']).toBe('scan-0001');
    // Set on arrival, so that what answers can already read it.
    expect(JSON.parse(res.body)).toEqual({ correlationIdSent: 'scan-0001' });
    const { raw, line } = await lineOf('scan-0001');
    expect(normalised(raw)).toBe(
      '{"level":30,"time":"T","pid":0,"hostname":"H",' +
        '"req":{"id":"scan-0001","method":"GET","url":"/api/conferences/c1/tickets/[redacted]?q=[redacted]&limit=2",' +
        '"remoteAddress":"127.0.0.1","headers":{"host":"door.test","connection":"close",' +
        '"authorization":"[redacted]","cookie":"[redacted]","x-correlation-id":"scan-0001","x-test-device":"1"}},' +
        '"correlationId":"scan-0001","deviceId":"door-phone-1","role":"door",' +
        '"res":{"statusCode":200},"responseTime":0,' +
        '"msg":"GET /api/conferences/c1/tickets/[redacted]?q=[redacted]&limit=2 200 0 ms"}\n',
    );
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
    expect(line.msg).toBe(
      `GET /api/conferences/c1/tickets/[redacted]?q=[redacted]&limit=2 200 ${line.responseTime} ms`,
    );
    for (const secret of ['SECRET-CODE', 'Dupont', 'a-device-token', 's3cr3t']) expect(raw).not.toContain(secret);
  });

  test('a request refused before any device is known: no deviceId nor role; a malformed id is replaced', async () => {
    const { port, written } = await start('info');
    const res = await call(port, '/api/me', { 'x-correlation-id': 'a b","level":60' });
    const id = res.headers['x-correlation-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    for (;;) {
      if (written.some((l) => l.includes(id))) break;
      await new Promise((r) => setImmediate(r));
    }
    const line = JSON.parse(written.find((l) => l.includes(id))!) as Line;
    expect(line).toMatchObject({ level: 30, correlationId: id, req: { id, url: '/api/me' }, res: { statusCode: 200 } });
    expect(Object.keys(line)).not.toContain('deviceId');
    expect(Object.keys(line)).not.toContain('role');
  });

  test('a 429 is written at warn, with the time taken', async () => {
    const { port, lineOf } = await start('info');
    await call(port, '/api/conferences/c1/limited', { 'x-correlation-id': 'limited-1' });
    const { raw, line } = await lineOf('limited-1');
    expect(line.level).toBe(40);
    expect(normalised(raw)).toContain(
      '"correlationId":"limited-1","res":{"statusCode":429},"responseTime":0,"msg":"GET /api/conferences/c1/limited 429 0 ms"}',
    );
    expect(line.err).toBeUndefined();
  });

  test('a 5xx is written at error, with an error naming the status and the message saying "failed"', async () => {
    const { port, lineOf } = await start('info');
    await call(port, '/api/conferences/c1/boom', { 'x-correlation-id': 'boom-1' });
    const { raw, line } = await lineOf('boom-1');
    expect(line.level).toBe(50);
    expect(normalised(raw)).toContain(
      '"correlationId":"boom-1","res":{"statusCode":503},' +
        '"err":{"type":"Error","message":"failed with status code 503","stack":"S"},' +
        '"responseTime":0,"msg":"GET /api/conferences/c1/boom 503 failed"}',
    );
    expect(line.err!.stack).toMatch(/^Error: failed with status code 503\n/);
  });

  test('an answer the client gave up on is written once, when the connection closes, its status not sent', async () => {
    const { port, written, lineOf } = await start('info');
    const reached = new Promise<void>((r) => (arrived = r));
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/api/conferences/c1/hang',
      agent: false,
      headers: { 'x-correlation-id': 'gave-up-1' },
    });
    req.on('error', () => undefined); // the client's own socket hang up
    req.end();
    await reached;
    req.destroy();
    const { raw, line } = await lineOf('gave-up-1');
    // As pino-http wrote it: no status was sent (null), and the message says Node's default status.
    expect(line.level).toBe(30);
    expect(line.req.remoteAddress).toBe('127.0.0.1');
    expect(normalised(raw)).toContain(
      '"correlationId":"gave-up-1","res":{"statusCode":null},"responseTime":0,"msg":"GET /api/conferences/c1/hang 200 0 ms"}',
    );
    // Another request's line written after it: the aborted one is not written twice.
    await call(port, '/api/me', { 'x-correlation-id': 'after-1' });
    await lineOf('after-1');
    expect(written.filter((l) => l.includes('gave-up-1'))).toHaveLength(1);
  });

  test.each([
    ['warn', ['limited-2', 'boom-2']],
    ['error', ['boom-2']],
    ['silent', []],
  ] as const)('at level %s, only the lines of that level or above', async (level, expected) => {
    const { port, written } = await start(level);
    await call(port, '/api/me', { 'x-correlation-id': 'ok-2' });
    await call(port, '/api/conferences/c1/limited', { 'x-correlation-id': 'limited-2' });
    const res = await call(port, '/api/conferences/c1/boom', { 'x-correlation-id': 'boom-2' });
    // The id is sent back whatever the level.
    expect(res.headers['x-correlation-id']).toBe('boom-2');
    // The lines are written when the answer finishes, before the client has read it: none is still to come.
    const ids = written.map((l) => (JSON.parse(l) as Line).correlationId);
    expect(ids).toEqual(expected);
  });
});
