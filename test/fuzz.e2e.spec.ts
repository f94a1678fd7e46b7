// Every route of the OpenAPI document, fed malformed, mistyped, oversized and
// random input as the organiser (real ids and junk ones): no answer is a 5xx,
// every 4xx has the contract's error body, and not one event is written.
//
// Random input comes from a seeded PRNG: FUZZ_SEED=<n> replays a run (the
// seed is in every failure message). Each request carries
// `X-Correlation-Id: fuzz-<seed>-<n>`, which lands in the metadata of any
// event it causes, so a failure names the request that wrote.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import type { EventStore, RecordedEvent } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20140919);
const TIMEOUT_MS = 120_000;
const CONCURRENCY = 8;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------ the OpenAPI document

interface Schema {
  type?: string;
  $ref?: string;
  allOf?: Schema[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}

interface Operation {
  method: string;
  /** e.g. /api/conferences/{cid}/registrations */
  template: string;
  pathParams: string[];
  queryParams: string[];
  /** The JSON body's schema, resolved; undefined when the operation takes no JSON body. */
  json?: Schema;
  /** The operation takes a body of some kind (JSON or CSV). */
  hasBody: boolean;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema?: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

function operationsOf(doc: OpenApi): Operation[] {
  const resolve = (s: Schema | undefined): Schema | undefined => {
    if (!s) return undefined;
    if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!]);
    if (s.allOf?.length === 1) return resolve(s.allOf[0]);
    return s;
  };
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return {
        method: method.toUpperCase(),
        template,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        json: resolve(content['application/json']?.schema),
        hasBody: op.requestBody !== undefined,
      };
    }),
  );
}

// ------------------------------------------------------------ inputs

const JUNK_IDS = [
  '..%2f',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%00',
  '%',
  '%E0%A4%A',
  '%F0%9F%99%82',
  'x'.repeat(4000),
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  "'%20OR%201%3D1--",
  '%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
];

const JUNK_QUERY_VALUES = ['x'.repeat(300), '%00', '%E0%A4%A', '-1', '1e309', 'NaN', '%3Cscript%3E', '', 'true'];

const MALFORMED_JSON = [
  '{',
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  '{"a":1}}',
  '{"a":"\\x"}',
  'nul',
  '\u0000{}',
  '[1,2',
  '{"a":"' + 'b'.repeat(1000),
];

/** A plausible value for a schema; never sent as such, only mutated. */
function sample(schema: Schema | undefined, name = ''): unknown {
  if (!schema) return 'x';
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return /id$/i.test(name) ? randomUUID() : 'x';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [sample(schema.items)];
    default:
      if (schema.properties) {
        return Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, sample(s, k)]));
      }
      return {};
  }
}

/** A value of another type than the schema's, chosen so that no validator can take it (an array is not an object here). */
function wrongType(schema: Schema | undefined): unknown {
  switch (schema?.type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'NaN';
    case 'boolean':
      return 'yes';
    case 'array':
      return { length: 1 };
    default:
      return 'x';
  }
}

/** `{"a":{"a":...}}`, `depth` levels. */
const deep = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Body {
  label: string;
  payload: Buffer | string;
  headers: Record<string, string>;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** The bodies sent from the roles other than the organiser's (and with no token), to every route. */
const ROLE_BODY_SAMPLE = new Set(['malformed JSON #0', 'an extra field', 'a string']);

/** The bodies sent to a GET route, one or two of each kind. */
const GET_BODY_SAMPLE = new Set([
  'malformed JSON #0',
  '2 MB of JSON',
  'text/plain',
  'gzip',
  'random bytes #0 as application/json',
  'random bytes #1 as text/plain',
  'an array',
  '__proto__',
  'deep nesting',
]);

function unparseableBodies(random: () => number): Body[] {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const json = '{"firstName":"A","lastName":"B"}';
  const bodies: Body[] = [
    ...MALFORMED_JSON.map((payload, i) => ({
      label: `malformed JSON #${i}`,
      payload,
      headers: JSON_TYPE,
    })),
    { label: '2 MB of JSON', payload: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`, headers: JSON_TYPE },
    { label: 'text/plain', payload: json, headers: { 'content-type': 'text/plain' } },
    {
      label: 'form-urlencoded',
      payload: 'firstName=A&lastName=B&__proto__[x]=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    {
      label: 'multipart',
      payload: '--b\r\nContent-Disposition: form-data; name="firstName"\r\n\r\nA\r\n--b--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    },
    { label: 'xml', payload: '<a>1</a>', headers: { 'content-type': 'application/xml' } },
    { label: 'no content type', payload: json, headers: {} },
    {
      label: 'gzip',
      payload: gzipSync(json),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    },
    {
      label: 'JSON as UTF-7',
      payload: json,
      headers: { 'content-type': 'application/json; charset=utf-7' },
    },
  ];
  for (let i = 0; i < 6; i++) {
    const type = ['application/json', 'text/plain', 'application/octet-stream'][i % 3]!;
    // At least 16 random bytes: no chance of forming a JSON document.
    bodies.push({
      label: `random bytes #${i} as ${type}`,
      payload: bytes(16 + Math.floor(random() * 4000)),
      headers: { 'content-type': type },
    });
  }
  return bodies;
}

function parseableBodies(op: Operation): Body[] {
  const json = (label: string, value: unknown): Body => ({
    label,
    payload: typeof value === 'string' ? value : JSON.stringify(value),
    headers: JSON_TYPE,
  });
  const bodies: Body[] = [
    json('an array', '[]'),
    json('an array of objects', '[{}]'),
    json('a string', '"x"'),
    json('a number', '123'),
    json('null', 'null'),
    json('true', 'true'),
    json('deep nesting', `{"a":${deep(5000)}}`),
    json('deep arrays', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`),
  ];
  const schema = op.json;
  if (op.hasBody && !schema) {
    // The CSV import: JSON is the wrong type; CSV without the columns imports nothing.
    bodies.push(json('an object', { first_name: 'A' }));
    bodies.push({
      label: 'CSV without a header',
      payload: '\n\n\n',
      headers: { 'content-type': 'text/csv' },
    });
    bodies.push({
      label: 'CSV with unknown columns only',
      payload: `a,b,c\n${'x,'.repeat(5000)}x\n`,
      headers: { 'content-type': 'text/csv' },
    });
    return bodies;
  }
  if (!schema) return bodies;
  const base = sample(schema) as Record<string, unknown>;
  const properties = Object.entries(schema.properties ?? {});
  if ((schema.required ?? []).length > 0) bodies.push(json('an empty object', {}));
  for (const field of schema.required ?? []) {
    const { [field]: _dropped, ...rest } = base;
    bodies.push(json(`without ${field}`, rest));
  }
  bodies.push(json('an extra field', { ...base, fuzzExtra: 1 }));
  bodies.push(json('__proto__', `{"__proto__":{"isAdmin":true},${JSON.stringify(base).slice(1)}`));
  bodies.push(json('constructor', `{"constructor":{"prototype":{"isAdmin":true}},${JSON.stringify(base).slice(1)}`));
  bodies.push(json('a nested __proto__', { ...base, fuzzExtra: JSON.parse('{"__proto__":{"x":1}}') as unknown }));
  for (const [name, s] of properties) {
    bodies.push(json(`${name} of the wrong type`, { ...base, [name]: wrongType(s) }));
    if (s.type === 'string' && !s.enum)
      bodies.push(json(`${name} 150,000 long`, { ...base, [name]: 'x'.repeat(150_000) }));
    if (s.type === 'array')
      bodies.push(json(`${name} with 100,000 items`, { ...base, [name]: new Array(100_000).fill(0) }));
  }
  return bodies;
}

// ------------------------------------------------------------ HTTP

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Raw HTTP, so that paths reach the server as written (no URL normalisation) and any method may carry a body. */
function send(base: URL, method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
  return new Promise<Answer>((resolve, reject) => {
    // An explicit length: Node sends a GET's body neither chunked nor with a length otherwise.
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(
      { host: base.hostname, port: base.port, method, path, headers: { ...headers, ...length }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `null` when the answer is acceptable, otherwise what is wrong with it. */
function problemWith(answer: Answer): string | null {
  if (answer.status >= 500) return `status ${answer.status}: ${answer.text.slice(0, 200)}`;
  if (answer.status < 400) return null;
  if (!answer.contentType.startsWith('application/json')) {
    return `status ${answer.status} as ${answer.contentType || 'no content type'}: ${answer.text.slice(0, 120)}`;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `status ${answer.status} with a body that is not JSON`;
  }
  if (body.statusCode !== answer.status) return `statusCode ${String(body.statusCode)} ≠ ${answer.status}`;
  if (typeof body.code !== 'string' || !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(body.code))
    return `code ${JSON.stringify(body.code)} is not snake_case`;
  if (typeof body.message !== 'string') return 'no message';
  if (/\n\s+at /.test(answer.text)) return 'a stack trace in the body';
  return null;
}

// ------------------------------------------------------------ setup

/** A real PNG of a drawn line, as a tablet's canvas would export it. */
function signaturePng(): string {
  const png = new PNG({ width: 120, height: 48 });
  for (let x = 10; x < 110; x++) {
    const y = Math.round(24 + 12 * Math.sin(x / 9));
    for (let dy = -1; dy <= 1; dy++) png.data[((y + dy) * png.width + x) * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

describe(`fuzzing every route (seed ${SEED})`, () => {
  let server: TestServer;
  let store: EventStore;
  let operations: Operation[];
  const real: Record<string, string> = {};
  const tokens: Record<'door' | 'kiosk' | 'display', string> = { door: '', kiosk: '', display: '' };

  beforeAll(async () => {
    // Behind a "proxy", so that each request can come from its own address and
    // the registration rate limit does not answer in the routes' stead.
    server = await startTestServer({ TRUST_PROXY: 'true' });
    store = server.app.get<EventStore>(EVENT_STORE);
    const api = `${server.base}/api`;
    const ok = async (method: string, path: string, body: unknown, status: number) => {
      const res = await call(api, method, path, body);
      expect({ path, status: res.status, body: res.body as unknown }).toMatchObject({ path, status });
      return res.body as Record<string, string>;
    };

    // The valid setup, before the count: a conference, a signatory admitted at
    // the door, a charter signed, a device.
    real.cid = (
      await ok(
        'POST',
        '/conferences',
        {
          name: 'Journée fuzz',
          venue: 'Bercy',
          startsAt: '2014-09-19T09:30:00+02:00',
          endsAt: '2014-09-19T16:30:00+02:00',
          timezone: 'Europe/Paris',
          capacity: 100,
          idCheckRequired: false,
          lunch: { priceCents: 2000, currency: 'EUR' },
          doors: ['Accueil'],
        },
        201,
      )
    ).conferenceId!;
    const registration = await ok(
      'POST',
      `/conferences/${real.cid}/registrations`,
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.org',
        organisation: 'Analytical Engines',
        category: 'signatory',
        lunch: true,
        photoConsent: false,
      },
      201,
    );
    real.rid = registration.registrationId!;
    real.ticketCode = registration.ticketCode!;
    real.scanId = randomUUID();
    await ok(
      'POST',
      `/conferences/${real.cid}/scans`,
      { scanId: real.scanId, registrationId: real.rid, door: 'Accueil' },
      200,
    );
    const text = '# Charte\n\nNous signons.';
    real.chid = (await ok('POST', `/conferences/${real.cid}/charters`, { title: 'Charte', text }, 201)).charterId!;
    real.signatureId = randomUUID();
    await ok(
      'POST',
      `/conferences/${real.cid}/charters/${real.chid}/signatures`,
      {
        signatureId: real.signatureId,
        registrationId: real.rid,
        onBehalfOf: 'Analytical Engines',
        consent: { given: true, wording: 'Je signe.', givenAt: '2014-09-19T16:00:30+02:00' },
        textSha256: createHash('sha256').update(text).digest('hex'),
        strokes: [Array.from({ length: 12 }, (_, i) => ({ x: 10 + i * 8, y: 24 + i, time: 1411135200000 + i * 16 }))],
        image: signaturePng(),
        kiosk: 'Tablette 1',
      },
      201,
    );
    const door = await ok('POST', '/devices', { name: 'Porte fuzz', role: 'door' }, 201);
    real.deviceId = door.deviceId!;
    // Every role's token (issue 20): each route is also tried from the door, the tablet, the screen and no one.
    tokens.door = door.token!;
    tokens.kiosk = (await ok('POST', '/devices', { name: 'Tablette fuzz', role: 'kiosk' }, 201)).token!;
    tokens.display = (await ok('POST', '/devices', { name: 'Écran fuzz', role: 'display' }, 201)).token!;

    const doc = await call<OpenApi>(api, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    operations = operationsOf(doc.body);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await server?.close();
  });

  /** Events in the store: a count straight from the SQLite file, and the last event through the store's port. */
  const storeState = async (): Promise<{ fileCount: number | null; last: bigint }> => {
    let fileCount: number | null = null;
    if (server.eventStore === 'sqlite') {
      const db = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
      try {
        fileCount = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
      } finally {
        db.close();
      }
    }
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    return { fileCount, last: last?.position ?? -1n };
  };

  const eventsAfter = async (position: bigint): Promise<RecordedEvent[]> => {
    const events = await store.readAll(
      position < 0n ? { maxCount: 100_000 } : { fromPosition: position, maxCount: 100_000 },
    );
    return events.filter((e) => e.position > position);
  };

  test(
    'no 5xx, every 4xx in the contract shape, and no event written',
    async () => {
      expect(operations.length).toBeGreaterThan(25);
      const unknownParams = new Set(operations.flatMap((op) => op.pathParams).filter((p) => real[p] === undefined));
      // A new path parameter gets a random UUID until a real one is set up above.
      for (const p of unknownParams) real[p] = randomUUID();

      const before = await storeState();
      const random = prng(SEED);
      const base = new URL(server.base);
      const prefix = `fuzz-${SEED}-`;
      const requests: {
        describe: string;
        method: string;
        path: string;
        headers: Record<string, string>;
        body?: Buffer | string;
      }[] = [];
      const add = (op: Operation, path: string, label: string, body?: Body, token: string | null = ADMIN_TOKEN) =>
        requests.push({
          describe: `${op.method} ${path.length > 160 ? `${path.slice(0, 160)}…` : path} [${label}]`,
          method: op.method,
          path,
          headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body?.headers ?? {}) },
          ...(body ? { body: body.payload } : {}),
        });
      const pathWith = (op: Operation, values: Record<string, string>) =>
        op.template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? real[name]!);

      for (const op of operations) {
        const realPath = pathWith(op, {});
        const unparseable = unparseableBodies(random);
        const parseable = parseableBodies(op);
        // With real ids, a route that writes without needing a body (close a charter, revoke a device, cancel
        // with no reason) would act on an empty request, or on any JSON if it has no DTO: it is sent neither,
        // only the bodies that never reach it and, if it has a DTO, the mutations the DTO refuses.
        const needsBody = op.hasBody && (op.json === undefined || (op.json.required ?? []).length > 0);
        const safeWithRealIds = op.method === 'GET' || needsBody;
        if (safeWithRealIds) add(op, realPath, 'no body');
        const mayParse = safeWithRealIds || op.hasBody; // a DTO refuses the mutated bodies even when it needs none
        let bodies = [...unparseable, ...(mayParse ? parseable : [])];
        // A GET's handler never reads a body, and some render (a ticket's PNG takes a fair share of a
        // second): a sample of each kind is enough there.
        if (op.method === 'GET') bodies = bodies.filter((b) => GET_BODY_SAMPLE.has(b.label));
        for (const body of bodies) add(op, realPath, body.label, body);
        for (const param of op.pathParams) {
          for (const junk of [...JUNK_IDS, randomUUID()]) {
            const path = pathWith(op, { [param]: junk });
            add(op, path, `${param}=${junk.slice(0, 20)}`);
            const body = op.hasBody ? parseable.find((b) => b.label === 'an extra field') : undefined;
            if (body) add(op, path, `${param}=${junk.slice(0, 20)}, ${body.label}`, body);
          }
        }
        // From every other role, and with no token: the request without a body where it is safe, and a sample
        // of the bodies (unparseable, mistyped, an extra field). Refused by role, or by the DTO where the role
        // may call the route: never a 5xx, never a write.
        const roleBodies = [...unparseable, ...parseable].filter((b) => ROLE_BODY_SAMPLE.has(b.label));
        for (const [role, token] of [...Object.entries(tokens), ['no token', null] as const]) {
          if (safeWithRealIds) add(op, realPath, `${role}, no body`, undefined, token);
          if (mayParse) for (const body of roleBodies) add(op, realPath, `${role}, ${body.label}`, body, token);
          if (op.method === 'GET')
            add(op, `${realPath}?limit=-1&q=%00&since=abc`, `${role}, odd query`, undefined, token);
        }
        if (op.method === 'GET') {
          for (const name of op.queryParams) {
            for (const value of JUNK_QUERY_VALUES)
              add(op, `${realPath}?${name}=${value}`, `?${name}=${value.slice(0, 12)}`);
            add(op, `${realPath}?${name}=a&${name}=b`, `repeated ${name}`);
            add(op, `${realPath}?${name}[a]=1`, `nested ${name}`);
          }
          // Parameters the route does not declare, all at once.
          add(op, `${realPath}?q=${'x'.repeat(150)}&limit=1e309&asOf=%E0%A4%A&status=%00`, 'undeclared parameters');
          add(op, `${realPath}?q=a&q=b&limit[x]=1`, 'undeclared parameters, repeated and nested');
          add(op, `${realPath}?__proto__[x]=1&constructor=1`, 'prototype keys in the query');
          add(op, `${realPath}?${Array.from({ length: 50 }, (_, i) => `p${i}=1`).join('&')}`, '50 parameters');
        }
      }

      // Some 2,000 requests: if a change to the document or to this file sends far fewer, the fuzz went blind.
      expect(requests.length).toBeGreaterThan(1_500);
      const failures: string[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < requests.length) {
          const n = next++;
          const r = requests[n]!;
          const headers = {
            ...r.headers,
            'x-correlation-id': `${prefix}${n}`,
            // Each request from its own address (the proxy's header is trusted on this server).
            'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          };
          try {
            const answer = await send(base, r.method, r.path, headers, r.body);
            const problem = problemWith(answer);
            if (problem) failures.push(`#${n} ${r.describe}: ${problem}`);
          } catch (error) {
            failures.push(`#${n} ${r.describe}: no answer (${(error as Error).message})`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      expect({ seed: SEED, requests: requests.length, failures: failures.slice(0, 30) }).toEqual({
        seed: SEED,
        requests: requests.length,
        failures: [],
      });

      // Not one event: the store holds exactly what the setup wrote.
      const after = await storeState();
      const written = await eventsAfter(before.last);
      const shared = server.eventStore === 'eventstoredb' && Boolean(process.env.EVENTSTORE_CONNECTION_STRING?.trim());
      const correlationOf = (e: RecordedEvent): string => {
        const id = (e.metadata as { correlationId?: unknown }).correlationId;
        return typeof id === 'string' ? id : '';
      };
      // On a shared EventStoreDB, other test files write at the same time: only this run's events count there.
      const ours = shared ? written.filter((e) => correlationOf(e).startsWith(prefix)) : written;
      const describeEvent = (e: RecordedEvent) => {
        const id = correlationOf(e);
        const n = id.startsWith(prefix) ? Number(id.slice(prefix.length)) : NaN;
        return `${e.type} on ${e.streamName} by ${requests[n]?.describe ?? id}`;
      };
      expect(ours.map(describeEvent)).toEqual([]);
      expect(after.last).toBe(before.last);
      if (before.fileCount !== null) expect(after.fileCount).toBe(before.fileCount);

      // And the server is still well: ready, and still answering a valid request.
      expect((await fetch(`${server.base}/health/ready`)).status).toBe(200);
      expect((await call(`${server.base}/api`, 'GET', `/conferences/${real.cid}/registrations`)).body.total).toBe(1);
    },
    TIMEOUT_MS,
  );

  test(
    'odd Unicode in names goes through every PDF the server makes: bidi overrides, zero-width, combining marks, emoji, letters no font has',
    async () => {
      const api = `${server.base}/api`;
      const names = [
        ['Ada\u202Eecalevol\u202C', 'Bidi'],
        ['A\u200Bd\u200Da\uFEFF', 'Z\u200Cé\u2060ro'],
        ['Z\u0351\u0352\u0353a\u0300\u0301\u0302\u0303l\u0334g\u0335o', 'Combiné'],
        ['🙂 👩‍👩‍👧 🏳️‍🌈', 'Émoji 🇫🇷'],
        ['漢字 ㄅ 𓀀', '\uF8D0\uF8D1 𝔊𝔬𝔱𝔥𝔦𝔠'],
        ['עברית', 'العربية \u0627\u0644'],
      ];
      const ids: string[] = [];
      for (const [i, [firstName, lastName]] of names.entries()) {
        const res = await call(api, 'POST', `/conferences/${real.cid}/registrations`, {
          firstName,
          lastName,
          email: `unicode-${i}@example.org`,
          organisation: `${lastName} & ${firstName}`,
          category: 'signatory',
          lunch: false,
          photoConsent: false,
        });
        expect({ name: `${firstName} ${lastName}`, status: res.status }).toEqual({
          name: `${firstName} ${lastName}`,
          status: 201,
        });
        ids.push((res.body as { registrationId: string }).registrationId);
      }
      // One of them admitted and signing: the charter's PDF draws the name and the organisation.
      const signer = ids[0]!;
      expect(
        (
          await call(api, 'POST', `/conferences/${real.cid}/scans`, {
            scanId: randomUUID(),
            registrationId: signer,
            door: 'Accueil',
          })
        ).status,
      ).toBe(200);
      const charter = (await call(api, 'GET', `/conferences/${real.cid}/charters/${real.chid}`)).body as {
        textSha256: string;
      };
      const signed = await call(api, 'POST', `/conferences/${real.cid}/charters/${real.chid}/signatures`, {
        signatureId: randomUUID(),
        registrationId: signer,
        onBehalfOf: `${names[0]![1]} \u202E🙂 漢字`,
        consent: { given: true, wording: 'Je signe.', givenAt: '2014-09-19T16:00:30+02:00' },
        textSha256: charter.textSha256,
        strokes: [Array.from({ length: 12 }, (_, i) => ({ x: 10 + i * 8, y: 24 + i, time: 1411135200000 + i * 16 }))],
        image: signaturePng(),
        kiosk: 'Tablette \u202E1',
      });
      expect(signed.status).toBe(201);

      const files = [
        // Each name is in the whole list; one ticket of each kind for the hardest two (emoji, no glyph at all).
        ...[ids[3]!, ids[4]!].flatMap((rid) => [
          [`/conferences/${real.cid}/registrations/${rid}/ticket.pdf`, 'application/pdf'],
          [`/conferences/${real.cid}/registrations/${rid}/ticket.png`, 'image/png'],
        ]),
        [`/conferences/${real.cid}/tickets.pdf`, 'application/pdf'],
        [`/conferences/${real.cid}/charters/${real.chid}/document.pdf`, 'application/pdf'],
        [`/conferences/${real.cid}/registrations.csv`, 'text/csv'],
      ] as const;
      for (const [path, type] of files) {
        const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        const bytes = Buffer.from(await res.arrayBuffer());
        expect({ path, status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({
          path,
          status: 200,
          type,
        });
        expect(bytes.length).toBeGreaterThan(100);
      }
      expect((await fetch(`${server.base}/health/ready`)).status).toBe(200);
    },
    TIMEOUT_MS,
  );
});
