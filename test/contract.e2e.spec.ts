// One contract (libs/contract): the OpenAPI document names a schema for every
// operation's success answer, and the answers of a real server through a
// whole day validate against what the document says, read two ways: as
// published (open objects: a client must accept a field added later) and
// strictly (no field the document does not name). A required field missing
// or of another type fails both.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import {
  AttendanceSnapshotSchema,
  closeObjects,
  CONTRACT_REQUESTS,
  publish,
  type AttendanceSnapshot,
} from '@emargement/contract';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from './support/server.js';
import { CHARTER_TEXT, conferenceBody, expectStatus, personBody, signatureBody } from './support/data.js';
import { startSmtpSink, type SmtpSink } from './support/smtp.js';
import { ticketLinkToken } from '../apps/server/src/conferences/tickets/mail/ticket-link.js';

type Json = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
  requestBody?: { content?: Record<string, { schema?: Json }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];
const MAIN = 'Accueil principal';
const PRESS = 'Accueil presse';
const at = (time: string): string => `2014-09-19T${time}+02:00`;

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });

/** Replaces every `$ref` into the document's components by the schema it names. */
function resolve(doc: OpenApi, schema: unknown, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolve(doc, s, seen));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as Json)['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`$ref to a missing component: ${ref}`);
    if (seen.includes(name)) throw new Error(`recursive schema ${name}`);
    return resolve(doc, target, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolve(doc, v, seen)]));
}

const successOf = (op: Operation): string[] => Object.keys(op.responses ?? {}).filter((s) => /^2\d\d$/.test(s));

describe('one contract: the OpenAPI document and the answers', () => {
  let server: TestServer;
  let doc: OpenApi;
  /** `METHOD /path/{param}` of every operation an answer was checked for. */
  const exercised = new Set<string>();
  /** `METHOD /path/{param}` of every operation whose JSON request body was checked against the document. */
  const requestsChecked = new Set<string>();
  const validators = new Map<string, { open: ValidateFunction; strict: ValidateFunction }>();

  let sink: SmtpSink;

  beforeAll(async () => {
    // A real SMTP server to send tickets to (POST tickets/send answers 202 only with SMTP_URL set).
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url, MAIL_FROM: 'billets@example.org' });
    doc = expectStatus(await call(server.base, 'GET', '/api/docs-json'), 200) as OpenApi;
  });
  afterAll(async () => {
    await server.close();
    await sink.close();
  });

  const operations = (): { key: string; op: Operation }[] =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  const documented = (method: string, template: string, status: number) => {
    const key = `${method} ${template}`;
    const op = doc.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`${key} is not in the document`);
    const response = op.responses?.[String(status)];
    if (!response) throw new Error(`${key} documents no ${status} answer`);
    const [mediaType, content] = Object.entries(response.content ?? {})[0] ?? [];
    if (!mediaType || !content?.schema) throw new Error(`${key} ${status} has no schema`);
    return { key, mediaType, schema: content.schema };
  };

  const validatorsFor = (id: string, schema: Json) => {
    let v = validators.get(id);
    if (!v) {
      const open = resolve(doc, schema) as Json;
      v = { open: ajv.compile(open), strict: ajv.compile(closeObjects(open) as Json) };
      validators.set(id, v);
    }
    return v;
  };

  /** The problems of `body` against the documented answer (empty: it conforms, read both ways). */
  const problems = (method: string, template: string, status: number, body: unknown): string[] => {
    const { key, mediaType, schema } = documented(method, template, status);
    if (mediaType !== 'application/json') throw new Error(`${key} ${status} answers ${mediaType}, not JSON`);
    const { open, strict } = validatorsFor(`${key} ${status}`, schema);
    const out: string[] = [];
    if (!open(body)) out.push(`${key} ${status}: ${ajv.errorsText(open.errors)}`);
    else if (!strict(body))
      out.push(`${key} ${status} (a field the document does not name): ${ajv.errorsText(strict.errors)}`);
    return out;
  };

  /**
   * The problems of a request `body` the server took, against the operation's
   * documented request body (libs/contract: published closed, as the server
   * refuses a field it does not know). Empty when the operation documents none.
   */
  const requestProblems = (method: string, template: string, body: unknown): string[] => {
    const key = `${method} ${template}`;
    const schema = doc.paths[template]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
    if (!schema) return [];
    requestsChecked.add(key);
    const { open } = validatorsFor(`${key} request`, schema);
    return open(body) ? [] : [`${key} request: ${ajv.errorsText(open.errors)}`];
  };

  /**
   * Calls the API, expects `status`, and checks the answer against the
   * document; `params` fill the template's `{name}`s. A request the server
   * took (2xx, or 409 on its rules) is checked against the documented request body too: the
   * bodies sent here are the web apps' (same fields, built the same way).
   */
  async function checked<T = Json>(
    method: string,
    template: string,
    params: Record<string, string>,
    status: number,
    body?: unknown,
    headers: Record<string, string | null> = {},
    query = '',
  ): Promise<T> {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `{${name}}`));
    const res = await call(server.base, method, `${path}${query}`, body, headers);
    expect([`${method} ${template}`, res.status]).toEqual([`${method} ${template}`, status]);
    expect(problems(method, template, status, res.body)).toEqual([]);
    // Taken (2xx), or refused by the rules after the body was read (409): either way a well-formed body.
    if (body !== undefined && (status < 300 || status === 409)) {
      expect(requestProblems(method, template, body)).toEqual([]);
    }
    exercised.add(`${method} ${template}`);
    return res.body as T;
  }

  /** A file answer: the status and the documented media type. */
  async function checkedFile(template: string, params: Record<string, string>, headers: Record<string, string> = {}) {
    const { key, mediaType, schema } = documented('GET', template, 200);
    expect(schema).toMatchObject({ type: 'string' });
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
    const res = await fetch(`${server.base}${path}`, { headers: { ...bearer(ADMIN_TOKEN), ...headers } });
    expect([key, res.status]).toEqual([key, 200]);
    expect(res.headers.get('content-type') ?? '').toContain(mediaType);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    exercised.add(key);
  }

  test('the published document is valid OpenAPI 3.0 for a standard validator', () => {
    // swagger-parser validates against the OpenAPI 3.0 schema, then resolves every $ref (issue 26: it refused
    // `required: []`, which OpenAPI 3.0 forbids). In a Node of its own: it loads an ES module through require(),
    // which Node does and Jest's module sandbox does not.
    const validated = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import p from '@apidevtools/swagger-parser'; let s = ''; for await (const c of process.stdin) s += c;" +
          ' const api = await p.validate(JSON.parse(s)); console.log(api.openapi);',
      ],
      { input: JSON.stringify(doc), encoding: 'utf8', timeout: 60_000 },
    );
    expect([validated.status, validated.stderr.split('\n').slice(0, 6).join('\n')]).toEqual([0, '']);
    expect(validated.stdout.trim()).toMatch(/^3\.0\.\d+$/);
  });

  test('every operation documents a schema for its success answer, and every error answer is the one error body', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(40);
    const missing: string[] = [];
    for (const { key, op } of ops) {
      const success = successOf(op);
      if (success.length === 0) missing.push(`${key}: no success answer`);
      for (const status of success) {
        const content = Object.values(op.responses?.[status]?.content ?? {});
        if (content.length === 0 || content.some((c) => !c.schema)) missing.push(`${key} ${status}: no schema`);
        else resolve(doc, content[0]!.schema); // every $ref names a component
      }
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const schema = response.content?.['application/json']?.schema;
        if (schema?.['$ref'] !== '#/components/schemas/ApiError') missing.push(`${key} ${status}: not ApiError`);
      }
    }
    expect(missing).toEqual([]);
    // The document publishes objects open, so that a generated client accepts a field added later.
    expect(JSON.stringify(doc.components.schemas['Conference'])).not.toContain('"additionalProperties":false');
  });

  test('the check can fail: a required field missing, or of another type, or a field the document does not name', () => {
    const good = { conflictId: randomUUID(), acknowledged: true };
    const template = '/api/conferences/{cid}/conflicts/{conflictId}/acknowledge';
    expect(problems('POST', template, 200, good)).toEqual([]);
    expect(problems('POST', template, 200, { conflictId: good.conflictId })).toHaveLength(1);
    expect(problems('POST', template, 200, { ...good, acknowledged: 'yes' })).toHaveLength(1);
    expect(problems('POST', template, 200, { ...good, extra: 1 })[0]).toContain('does not name');
    const nullable = '/api/conferences/{cid}/registrations/{rid}/cancel';
    const cancelled = { registrationId: randomUUID(), status: 'cancelled', promoted: null };
    expect(problems('POST', nullable, 200, cancelled)).toEqual([]);
    expect(problems('POST', nullable, 200, { ...cancelled, promoted: 3 })).toHaveLength(1);
    expect(problems('POST', nullable, 200, { ...cancelled, status: 'registered' })).toHaveLength(1);
  });

  // ------------------------------------------------------------- the day
  const day = {
    cid: '',
    chid: '',
    tokens: {} as Record<'door' | 'press' | 'kiosk' | 'display', { deviceId: string; token: string }>,
    people: [] as { registrationId: string; ticketCode: string }[],
    scanIds: [] as string[],
    conflictId: '',
    signatureId: '',
  };
  const C = '/api/conferences/{cid}';

  test('morning: health, the conference, its devices and its registrations', async () => {
    await checked('GET', '/health/live', {}, 200, undefined, { authorization: null });
    await checked('GET', '/health/ready', {}, 200, undefined, { authorization: null });
    // Backups off on this server: the organisers' page says so (issue 28).
    await checked('GET', '/api/backups', {}, 200);
    const { conferenceId } = await checked<{ conferenceId: string }>(
      'POST',
      '/api/conferences',
      {},
      201,
      conferenceBody({ capacity: 3, name: 'Rencontres des PTCE' }),
    );
    day.cid = conferenceId;
    const p = { cid: day.cid };
    await checked('GET', '/api/conferences', {}, 200);
    await checked('GET', C, p, 200);

    for (const [key, name, role] of [
      ['door', 'Porte A', 'door'],
      ['press', 'Porte presse', 'door'],
      ['kiosk', 'Tablette 1', 'kiosk'],
      ['display', 'Grand écran', 'display'],
    ] as const) {
      day.tokens[key] = await checked('POST', '/api/devices', {}, 201, { name, role, conferenceId: day.cid });
    }
    await checked('GET', '/api/me', {}, 200, undefined, bearer(day.tokens.door.token));
    await checked('GET', '/api/me', {}, 200);

    const people = [
      personBody({ firstName: 'Aïcha', lastName: 'Benali', organisation: 'Coopérative A' }),
      personBody({ firstName: 'Bruno', lastName: 'Carré', organisation: 'Coopérative B', category: 'speaker' }),
      personBody({ firstName: 'Chloé', lastName: 'Dupont', organisation: 'Coopérative C', lunch: false }),
      personBody({ firstName: 'Denis', lastName: 'Étienne', organisation: 'Coopérative D' }), // waitlisted
    ];
    for (const person of people) day.people.push(await checked('POST', `${C}/registrations`, p, 201, person));
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      `Élise,Fabre,${randomUUID()}@example.org,Coopérative E,participant,yes,no`,
      `Élise,Fabre,${String(people[0]!['email'])},Coopérative E,participant,yes,no`,
      `Gaston,,${randomUUID()}@example.org,,participant,yes,no`,
    ].join('\n');
    const report = await checked<{ lines: unknown[] }>('POST', `${C}/registrations/import`, p, 200, csv, {
      'content-type': 'text/csv',
    });
    expect(report.lines).toHaveLength(3);
    // The organisers' walk-in rule, turned on and off again (the rest of the day runs without it).
    for (const beyondCapacity of [true, false]) {
      const policy = await checked('PUT', `${C}/walk-in-policy`, p, 200, { beyondCapacity });
      expect(policy).toEqual({ conferenceId: day.cid, beyondCapacity });
    }
    // Raising the capacity promotes the waiting list.
    const revised = await checked<{ promoted: string[] }>('PUT', C, p, 200, conferenceBody({ capacity: 5 }));
    expect(revised.promoted.length).toBeGreaterThan(0);
  });

  test('at the doors: previews, scans admitted and refused, an undo, lunch, the offline list and a conflict', async () => {
    const p = { cid: day.cid };
    const door = { ...bearer(day.tokens.door.token), 'x-door-pending': '2' };
    const [aicha, bruno, chloe, denis] = day.people as [
      (typeof day.people)[0],
      (typeof day.people)[0],
      (typeof day.people)[0],
      (typeof day.people)[0],
    ];
    await checked('GET', `${C}/tickets/{ticketCode}`, { ...p, ticketCode: aicha.ticketCode }, 200);
    const scan = (ticketCode: string, extra: Json = {}) => ({
      scanId: randomUUID(),
      ticketCode,
      door: MAIN,
      idCheck: { document: 'passport', nameMatches: true },
      ...extra,
    });
    for (const person of [aicha, bruno, chloe]) {
      const answer = await checked<{ result: string; scanId: string }>(
        'POST',
        `${C}/scans`,
        p,
        200,
        scan(person.ticketCode),
        door,
      );
      expect(answer.result).toBe('admitted');
      day.scanIds.push(answer.scanId);
    }
    await checked('GET', `${C}/tickets/{ticketCode}`, { ...p, ticketCode: aicha.ticketCode }, 200);
    const again = await checked<{ reason: string }>('POST', `${C}/scans`, p, 200, scan(aicha.ticketCode), door);
    expect(again.reason).toBe('already_checked_in');
    const noId = await checked<{ reason: string }>(
      'POST',
      `${C}/scans`,
      p,
      200,
      { scanId: randomUUID(), ticketCode: denis.ticketCode, door: PRESS },
      door,
    );
    expect(noId.reason).toBe('id_not_checked');
    const unknown = await checked<{ reason: string }>('POST', `${C}/scans`, p, 200, scan('NO-SUCH-CODE'), door);
    expect(unknown.reason).toBe('unknown_ticket');

    // The press door worked without network: it let Aïcha in again, later, on its own list.
    const list = await checked<{ cursor: string }>(
      'GET',
      `${C}/door-dataset`,
      p,
      200,
      undefined,
      bearer(day.tokens.press.token),
    );
    const offline = await checked<{ conflict?: { conflictId: string } }>(
      'POST',
      `${C}/scans`,
      p,
      200,
      scan(aicha.ticketCode, { door: PRESS, scannedAt: new Date().toISOString(), offline: { result: 'admitted' } }),
      bearer(day.tokens.press.token),
    );
    expect(offline.conflict).toBeDefined();
    day.conflictId = offline.conflict!.conflictId;
    await checked(
      'GET',
      `${C}/door-dataset`,
      p,
      200,
      undefined,
      bearer(day.tokens.press.token),
      `?since=${list.cursor}`,
    );
    const conflicts = await checked<unknown[]>('GET', `${C}/conflicts`, p, 200);
    expect(conflicts).toHaveLength(1);
    await checked('POST', `${C}/conflicts/{conflictId}/acknowledge`, { ...p, conflictId: day.conflictId }, 200, {
      note: 'Vue à la porte presse, sortie puis revenue',
    });
    await checked('GET', `${C}/conflicts`, p, 200);

    await checked('POST', `${C}/scans/{scanId}/undo`, { ...p, scanId: day.scanIds[2]! }, 200, {
      reason: 'Scannée par erreur',
    });
    // Any admission undone by registration: Denis was never let in, so the undo is recorded and refused.
    const nothing = await checked<{ code: string }>(
      'POST',
      `${C}/registrations/{rid}/undo-admission`,
      { ...p, rid: denis.registrationId },
      409,
      { undoId: randomUUID(), reason: 'Par erreur' },
    );
    expect(nothing.code).toBe('nothing_to_undo');
    const lunchPaymentId = randomUUID();
    await checked('POST', `${C}/registrations/{rid}/lunch-payment`, { ...p, rid: aicha.registrationId }, 201, {
      paymentId: lunchPaymentId,
      amountCents: 2000,
      method: 'cash',
    });
    await checked(
      'POST',
      `${C}/registrations/{rid}/lunch-payment/{paymentId}/reverse`,
      { ...p, rid: aicha.registrationId, paymentId: lunchPaymentId },
      200,
      { reason: 'Ne déjeune pas' },
    );
    await checked('POST', `${C}/registrations/{rid}/lunch-payment`, { ...p, rid: aicha.registrationId }, 201, {
      paymentId: randomUUID(),
      amountCents: 2000,
      method: 'card',
    });
    await checked('GET', `${C}/attendees`, p, 200, undefined, door, '?q=benali');
    await checked('GET', `${C}/registrations`, p, 200);
    await checked('GET', `${C}/registrations`, p, 200, undefined, {}, '?arrival=refused');
    // A name typo corrected by an organiser: only what changed is recorded and answered.
    const correction = await checked<{ changed: string[] }>(
      'PATCH',
      `${C}/registrations/{rid}`,
      { ...p, rid: denis.registrationId },
      200,
      { firstName: 'Denys', category: 'press' },
    );
    expect(correction.changed).toEqual(['firstName', 'category']);
    await checked('PATCH', `${C}/registrations/{rid}`, { ...p, rid: denis.registrationId }, 400, { firstName: ' ' });
    await checked('POST', `${C}/registrations/{rid}/cancel`, { ...p, rid: denis.registrationId }, 200, {
      reason: 'Désistement',
    });
    await checked('GET', '/api/devices', {}, 200);
  });

  test('the spaces: defined, a movement in and out, who is on site, a roll call', async () => {
    const p = { cid: day.cid };
    const door = bearer(day.tokens.door.token);
    const aicha = day.people[0]!;
    const { spaceId } = await checked<{ spaceId: string }>('POST', `${C}/spaces`, p, 201, {
      name: 'Salle plénière',
      opens: '00:00',
      closes: '23:59',
      capacity: 400,
      exitScan: true,
    });
    expect(spaceId).toMatch(/^[0-9a-f-]{36}$/);
    const into = (direction: string) => ({
      scanId: randomUUID(),
      ticketCode: aicha.ticketCode,
      space: 'Salle plénière',
      direction,
    });
    expect(await checked('POST', `${C}/scans`, p, 200, into('in'), door)).toMatchObject({ direction: 'in' });
    await checked('GET', `${C}/spaces`, p, 200, undefined, door);
    expect(await checked('POST', `${C}/scans`, p, 200, into('out'), door)).toMatchObject({ direction: 'out' });
    // With the curve of the day, as the dashboard asks for it.
    const withCurve = await checked<{ items: { curve?: { slots: unknown[] } }[] }>(
      'GET',
      `${C}/spaces`,
      p,
      200,
      undefined,
      door,
      '?curve=true',
    );
    expect(withCurve.items.some((s) => (s.curve?.slots.length ?? 0) > 0)).toBe(true);
    expect(await checked('POST', `${C}/scans`, p, 200, into('out'), door)).toMatchObject({ reason: 'not_inside' });
    await checked('GET', `${C}/on-site`, p, 200, undefined, door);
    await checkedFile(`${C}/on-site.pdf`, p);
    const { rollCallId } = await checked<{ rollCallId: string }>('POST', `${C}/roll-calls`, p, 201, {}, door);
    await checked(
      'POST',
      `${C}/roll-calls/{rollCallId}/marks`,
      { ...p, rollCallId },
      201,
      { markId: randomUUID(), registrationId: aicha.registrationId },
      door,
    );
    await checked('GET', `${C}/roll-calls/{rollCallId}`, { ...p, rollCallId }, 200, undefined, door);
  });

  test('the charter: published, signed, voided, signed again, closed, verified', async () => {
    const p = { cid: day.cid };
    const kiosk = bearer(day.tokens.kiosk.token);
    const { charterId } = await checked<{ charterId: string }>('POST', `${C}/charters`, p, 201, {
      title: 'Charte des PTCE',
      text: CHARTER_TEXT,
    });
    day.chid = charterId;
    const q = { ...p, chid: charterId };
    await checked('GET', `${C}/charters`, p, 200);
    const signatories = await checked<{ registrationId: string; organisation: string }[]>(
      'GET',
      `${C}/charters/{chid}/signatories`,
      q,
      200,
      undefined,
      kiosk,
    );
    const aicha = signatories.find((s) => s.registrationId === day.people[0]!.registrationId)!;
    const body = signatureBody(aicha.registrationId, { onBehalfOf: aicha.organisation });
    const signed = await checked<{ signatureId: string }>(
      'POST',
      `${C}/charters/{chid}/signatures`,
      q,
      201,
      body,
      kiosk,
    );
    await checked(
      'GET',
      `${C}/charters/{chid}/signatures/{signatureId}/receipt`,
      { ...q, signatureId: signed.signatureId },
      200,
      undefined,
      kiosk,
    );
    await checked(
      'POST',
      `${C}/charters/{chid}/signatures/{signatureId}/void`,
      { ...q, signatureId: signed.signatureId },
      200,
      {
        reason: 'Signature illisible',
      },
    );
    await checked('POST', `${C}/charters/{chid}/signatures`, q, 201, { ...body, signatureId: randomUUID() }, kiosk);
    await checked('GET', `${C}/charters/{chid}`, q, 200);
    await checked('POST', `${C}/charters/{chid}/close`, q, 200);
    await checked('GET', `${C}/charters/{chid}/verify`, q, 200);
    await checked('GET', `${C}/charters/{chid}`, q, 200);
  });

  test('the figures: now, as of a past moment, and on the live feed', async () => {
    const p = { cid: day.cid };
    await checked('GET', `${C}/attendance`, p, 200, undefined, bearer(day.tokens.display.token));
    await checked('GET', `${C}/attendance`, p, 200, undefined, {}, `?asOf=${encodeURIComponent(at('09:00:00'))}`);

    // socket.io `/attendance`: the first message is a snapshot, the contract's AttendanceSnapshot.
    const validate = ajv.compile(closeObjects(publish(AttendanceSnapshotSchema)) as Json);
    const socket = io(`${server.base}/attendance`, {
      auth: { token: day.tokens.display.token, conferenceId: day.cid },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const snapshot = await new Promise<AttendanceSnapshot>((resolve, reject) => {
        socket.once('snapshot', resolve);
        socket.once('connect_error', reject);
      });
      expect(validate(snapshot) ? [] : ajv.errorsText(validate.errors)).toEqual([]);
      expect(snapshot.conflicts).toEqual({ open: 0, total: 1 });
      // A new admission is pushed as an `update` with the same body.
      const update = new Promise<AttendanceSnapshot>((resolve) => socket.once('update', resolve));
      const person = await checked<{ ticketCode: string }>('POST', `${C}/registrations`, p, 201, personBody());
      await checked('POST', `${C}/scans`, p, 200, {
        scanId: randomUUID(),
        ticketCode: person.ticketCode,
        door: MAIN,
        idCheck: { document: 'national_id', nameMatches: true },
      });
      const pushed = await update;
      expect(validate(pushed) ? [] : ajv.errorsText(validate.errors)).toEqual([]);
    } finally {
      socket.disconnect();
    }
  });

  test('a person: history, right of access, files, erasure; a device revoked', async () => {
    const p = { cid: day.cid };
    const aicha = { ...p, rid: day.people[0]!.registrationId };
    await checked('GET', `${C}/registrations/{rid}/history`, aicha, 200);
    await checked('GET', `${C}/registrations/{rid}/export`, aicha, 200);
    await checkedFile(`${C}/registrations/{rid}/ticket.png`, aicha);
    await checkedFile(`${C}/registrations/{rid}/ticket.pdf`, aicha);
    await checkedFile(`${C}/tickets.pdf`, p);
    await checkedFile(`${C}/registrations/{rid}/badge.pdf`, aicha);
    await checkedFile(`${C}/badges.pdf`, p);
    await checked('POST', `${C}/registrations/{rid}/badge-prints`, aicha, 201, {
      printId: randomUUID(),
      layout: 'cr80',
    });
    await checked('PUT', `${C}/badge-printers`, p, 200, { door: MAIN, queue: 'badges-accueil' });
    await checked('GET', `${C}/badge-printers`, p, 200);
    await checked('POST', `${C}/tickets/send`, p, 202, { registrationIds: [aicha.rid] });
    await sink.untilReceived(1);
    await checked('GET', `${C}/ticket-mail`, p, 200);
    const token = ticketLinkToken(day.cid, aicha.rid, day.people[0]!.ticketCode);
    await checkedFile('/billet/{cid}/{rid}/{token}', { ...aicha, token }, { authorization: '' });
    await checkedFile(`${C}/registrations.csv`, p);
    await checkedFile(`${C}/charters/{chid}/document.pdf`, { ...p, chid: day.chid });
    await checkedFile('/api/charter-seal/root.crt', {});
    await checked('POST', `${C}/registrations/{rid}/erase`, aicha, 200, { reason: 'Demande de la personne' });
    await checked('GET', `${C}/registrations/{rid}/history`, aicha, 200);
    await checked('GET', `${C}/registrations/{rid}/export`, aicha, 200);
    await checked('GET', `${C}/charters/{chid}`, { ...p, chid: day.chid }, 200);
    await checked('GET', `${C}/door-dataset`, p, 200);
    await checked('DELETE', '/api/devices/{deviceId}', { deviceId: day.tokens.display.deviceId }, 200);
  });

  test('errors are the one error body, as documented', async () => {
    const p = { cid: day.cid };
    const unknown = { cid: randomUUID() };
    const error = async (
      method: string,
      template: string,
      params: Record<string, string>,
      status: number,
      body?: unknown,
      headers = {},
    ) => {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
      const res = await call(server.base, method, path, body, headers);
      expect([template, res.status]).toEqual([template, status]);
      expect(problems(method, template, status, res.body)).toEqual([]);
      return res.body as { code: string };
    };
    expect((await error('GET', C, unknown, 404)).code).toBe('conference_not_found');
    expect((await error('POST', `${C}/registrations`, p, 400, { firstName: '' })).code).toBe('validation_failed');
    expect((await error('GET', '/api/conferences', {}, 401, undefined, { authorization: null })).code).toBe(
      'unauthorized',
    );
    expect((await error('GET', `${C}/registrations`, p, 403, undefined, bearer(day.tokens.door.token))).code).toBe(
      'forbidden',
    );
    const twice = personBody();
    await checked('POST', `${C}/registrations`, p, 201, twice);
    expect((await error('POST', `${C}/registrations`, p, 409, twice)).code).toBe('duplicate_email');
  });

  test('every operation of the document was answered and checked above', () => {
    const all = operations().map((o) => o.key);
    expect(all.filter((key) => !exercised.has(key))).toEqual([]);
  });

  test('every request body the contract declares is documented on its operation and was sent and checked above', () => {
    const declared = operations()
      .filter(({ op }) => {
        const ref = op.requestBody?.content?.['application/json']?.schema?.['$ref'];
        return typeof ref === 'string' && Object.keys(CONTRACT_REQUESTS).includes(ref.split('/').at(-1)!);
      })
      .map((o) => o.key);
    // Every request body of the contract is some operation's.
    expect(declared.length).toBeGreaterThanOrEqual(Object.keys(CONTRACT_REQUESTS).length);
    expect(declared.filter((key) => !requestsChecked.has(key))).toEqual([]);
  });

  test('the request check can fail: a field the document does not name, a wrong word', () => {
    const template = '/api/conferences/{cid}/scans';
    expect(requestProblems('POST', template, { scanId: randomUUID(), ticketCode: 'x', door: MAIN })).toEqual([]);
    expect(requestProblems('POST', template, { scanId: randomUUID(), ticketCode: 'x', gate: MAIN })).not.toEqual([]);
    expect(
      requestProblems('POST', template, { scanId: randomUUID(), ticketCode: 'x', space: 'S', direction: 'up' }),
    ).not.toEqual([]);
  });
});
