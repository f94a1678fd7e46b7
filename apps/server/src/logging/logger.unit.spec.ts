// What the request log costs a request whose line is not written (issue 27):
// pino-http made a child logger per request that serialised the whole
// request (every header, the client address, redaction) on arrival, even at
// LOG_LEVEL=silent. Counted, not timed: given a level, when a request is
// answered, then how often its headers were walked, its client address
// computed and a child logger made.
import { describe, expect, jest, test } from '@jest/globals';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Level } from 'pino';
import { createLogger, httpLogger } from './logger.js';

/** A request whose serialisation is counted: its headers walked (what JSON and redaction do), its `ip` read. */
function countedRequest(headers: Record<string, string>) {
  const counts = { headersWalked: 0, ipRead: 0 };
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/api/conferences/c1/scans';
  const walked = new Proxy(headers, {
    ownKeys: (target) => {
      counts.headersWalked += 1;
      return Reflect.ownKeys(target);
    },
  });
  Object.defineProperty(req, 'headers', { value: walked });
  Object.defineProperty(req, 'ip', {
    get: () => {
      counts.ipRead += 1;
      return '192.0.2.7';
    },
  });
  return { req, counts };
}

/** One request through the middleware at `level`, answered with `status` (the answer's end signalled as Node does). */
function oneRequest(level: Level | 'silent', status: number) {
  const written: string[] = [];
  const log = createLogger(
    { logLevel: level, logFormat: 'json' },
    { write: (chunk: string) => void written.push(chunk) },
  );
  const middleware = httpLogger(log);
  const children = jest.spyOn(log, 'child');
  const { req, counts } = countedRequest({ authorization: 'Bearer door-token-0123456789', 'x-correlation-id': 'c-1' });
  const res = new ServerResponse(req);
  let nexts = 0;
  middleware(req, res, () => (nexts += 1));
  const sentBack = res.getHeader('x-correlation-id');
  res.statusCode = status;
  res.emit('finish');
  res.emit('close');
  return { written, counts, children: children.mock.calls.length, nexts, sentBack, res };
}

describe('the request log, per request', () => {
  test.each([
    ['silent', 200],
    ['silent', 500],
    ['warn', 200],
    ['error', 429],
  ] as const)(
    'at level %s, an answer %d whose line is not written: nothing serialised, no child logger',
    (level, status) => {
      const { written, counts, children, nexts, sentBack } = oneRequest(level, status);
      expect(written).toEqual([]);
      expect({ ...counts, children }).toEqual({ headersWalked: 0, ipRead: 0, children: 0 });
      // What the request needs still happens: its id, sent back, and the next handler.
      expect(sentBack).toBe('c-1');
      expect(nexts).toBe(1);
    },
  );

  test('at level info: the request serialised once, at the end, into one line; no child logger', () => {
    const { written, counts, children } = oneRequest('info', 200);
    expect(written).toHaveLength(1);
    expect({ ...counts, children }).toEqual({ headersWalked: 1, ipRead: 1, children: 0 });
    const line = JSON.parse(written[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      correlationId: 'c-1',
      req: {
        id: 'c-1',
        method: 'POST',
        url: '/api/conferences/c1/scans',
        remoteAddress: '192.0.2.7',
        headers: { authorization: '[redacted]', 'x-correlation-id': 'c-1' },
      },
    });
  });

  test('an error on the answer is written once, at error, with that error', () => {
    const written: string[] = [];
    const log = createLogger(
      { logLevel: 'info', logFormat: 'json' },
      { write: (chunk: string) => void written.push(chunk) },
    );
    const { req } = countedRequest({ 'x-correlation-id': 'c-2' });
    const res = new ServerResponse(req);
    httpLogger(log)(req, res, () => undefined);
    res.emit('error', new Error('socket hang up'));
    res.emit('close');
    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0]!) as { level: number; msg: string; err: { message: string } };
    expect(line).toMatchObject({ level: 50, msg: 'POST /api/conferences/c1/scans 200 failed' });
    expect(line.err.message).toBe('socket hang up');
  });
});
