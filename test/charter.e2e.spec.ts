// The charter over real HTTP, on a real store: publish, sign, refuse, void,
// close, verify, the signed PDF; then a stored event altered underneath the
// server, which `verify` must catch.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { attachments, pdfText } from './support/pdf.js';
import type { EventStore } from '../libs/event-store/src/index.js';
import { readFixture } from '../libs/testing/src/fixtures.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { signaturePng, strokes } from './support/data.js';
import { dataUrlOf, notZlibPng } from '../libs/charter/test/hostile-png.js';
import { call, e2eEventStore, startTestServer, type TestServer, ADMIN_TOKEN } from './support/server.js';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const charterText = readFixture('ptce-2014/charter.md');

const conferenceBody = {
  name: '2ème Journée Nationale des PTCE',
  venue: 'Centre de Conférences Pierre Mendès France, Paris',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 100,
  idCheckRequired: true,
  doors: ['Accueil principal', 'Accueil presse'],
};

const person = (firstName: string, lastName: string, organisation: string, category = 'signatory') => ({
  firstName,
  lastName,
  email: `${randomUUID()}@example.org`,
  organisation,
  category,
  lunch: false,
  photoConsent: false,
});

const CONSENT = {
  given: true,
  wording: 'J’ai lu la charte en entier et je la signe au nom de l’organisation indiquée.',
  givenAt: '2014-09-19T16:00:30+02:00',
};

describe('the charter over HTTP', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let chid: string;
  const people: Record<string, string> = {};
  const signed: Record<string, { signatureId: string; sequence: number; hash: string; previousHash: string }> = {};

  const sign = (who: string, overrides: Record<string, unknown> = {}) =>
    call(api, 'POST', `/conferences/${cid}/charters/${chid}/signatures`, {
      signatureId: randomUUID(),
      registrationId: people[who],
      onBehalfOf: 'Organisation',
      consent: CONSENT,
      textSha256: sha256(charterText),
      strokes: strokes(1),
      canvas: { width: 600, height: 240, devicePixelRatio: 2 },
      image: signaturePng(1),
      kiosk: 'Tablette 1',
      deviceSignedAt: '2014-09-19T16:01:00+02:00',
      ...overrides,
    });

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    const conference = await call(api, 'POST', '/conferences', conferenceBody);
    expect(conference.status).toBe(201);
    cid = conference.body.conferenceId;
    const registrations: [string, ReturnType<typeof person>, boolean][] = [
      ['claude', person('Claude', 'Alphandéry', 'Le Labo de l’ESS'), true],
      ['hugues', person('Hugues', 'Sibille', "LE LABO DE L'ÉSS"), true],
      ['genevieve', person('Geneviève', 'Cœur', 'PTCE Fabrique Pays Basque'), true],
      ['absent', person('Thierry', 'Du Bouëtiez', 'Coopérative Côte d’Opale'), false],
      ['press', person('Colin', 'Lemaître', 'Le Monde', 'press'), true],
      ['anne', person('Anne', 'Zeller', 'Réseau Cocagne'), true],
      ['bruno', person('Bruno', 'Zola', 'Réseau Cocagne'), true],
    ];
    for (const [key, body, admit] of registrations) {
      const r = await call(api, 'POST', `/conferences/${cid}/registrations`, body);
      expect(r.status).toBe(201);
      people[key] = r.body.registrationId;
      if (!admit) continue;
      const scan = await call(api, 'POST', `/conferences/${cid}/scans`, {
        scanId: randomUUID(),
        registrationId: r.body.registrationId,
        door: 'Accueil principal',
        idCheck: { document: 'national_id', nameMatches: true },
      });
      expect(scan.body.result).toBe('admitted');
    }
  });

  afterAll(async () => {
    await server.close();
  });

  test('the fixture charter is published with the SHA-256 of its exact text', async () => {
    chid = randomUUID();
    const body = { charterId: chid, title: 'Charte des PTCE', text: charterText };
    const res = await call(api, 'POST', `/conferences/${cid}/charters`, body);
    expect(res).toEqual({ status: 201, body: { charterId: chid, textSha256: sha256(charterText) } });
    // The same body again: the same answer, nothing new.
    expect(await call(api, 'POST', `/conferences/${cid}/charters`, body)).toEqual(res);
    const other = await call(api, 'POST', `/conferences/${cid}/charters`, {
      ...body,
      text: `${charterText}\n9. Ajout.`,
    });
    expect(other).toMatchObject({ status: 409, body: { code: 'charter_exists' } });
    const got = await call(api, 'GET', `/conferences/${cid}/charters/${chid}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      title: 'Charte des PTCE',
      text: charterText,
      textSha256: sha256(charterText),
      status: 'open',
      signatures: [],
      count: 0,
    });
    expect(got.body.head).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the tablet lists the admitted signatories, by last name, names only', async () => {
    const res = await call(api, 'GET', `/conferences/${cid}/charters/${chid}/signatories`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        registrationId: people['claude'],
        firstName: 'Claude',
        lastName: 'Alphandéry',
        name: 'Claude Alphandéry',
        organisation: 'Le Labo de l’ESS',
        organisationSigned: false,
      },
      expect.objectContaining({ name: 'Geneviève Cœur', organisationSigned: false }),
      expect.objectContaining({ name: 'Hugues Sibille', organisationSigned: false }),
      expect.objectContaining({ name: 'Anne Zeller', organisation: 'Réseau Cocagne' }),
      expect.objectContaining({ name: 'Bruno Zola', organisation: 'Réseau Cocagne' }),
    ]);
  });

  test('an admitted signatory signs: 201 with the sequence and the chain link', async () => {
    const charter = await call(api, 'GET', `/conferences/${cid}/charters/${chid}`);
    const signatureId = randomUUID();
    const res = await sign('claude', { signatureId, onBehalfOf: 'Le Labo de l’ESS' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ signatureId, sequence: 1, previousHash: charter.body.head });
    expect(res.body.hash).toMatch(/^[0-9a-f]{64}$/);
    signed['claude'] = res.body;

    // A tablet that did not hear the answer sends it again: the same answer, nothing written.
    const again = await sign('claude', { signatureId, onBehalfOf: 'Le Labo de l’ESS' });
    expect(again).toEqual(res);
    const after = await call(api, 'GET', `/conferences/${cid}/charters/${chid}`);
    expect(after.body.signatures).toEqual([
      expect.objectContaining({
        sequence: 1,
        signatureId,
        name: 'Claude Alphandéry',
        onBehalfOf: 'Le Labo de l’ESS',
        hash: res.body.hash,
        voided: null,
      }),
    ]);
    expect(after.body.head).toBe(res.body.hash);
  });

  test('the stored signature keeps its evidence, and its metadata names the kiosk', async () => {
    const store = server.app.get<EventStore>(EVENT_STORE);
    const events = await store.readStream(`charter-${chid}`);
    const event = events.find((e) => e.type === 'CharterSigned')!;
    const data = event.data as Record<string, unknown>;
    expect(data).toMatchObject({
      sequence: 1,
      registrationId: people['claude'],
      name: 'Claude Alphandéry',
      admission: { door: 'Accueil principal', scanId: expect.any(String), at: expect.any(String) },
      textSha256: sha256(charterText),
      consent: { wording: CONSENT.wording, givenAt: CONSENT.givenAt },
      strokes: strokes(1),
      canvas: { width: 600, height: 240, devicePixelRatio: 2 },
      image: signaturePng(1),
      imageSha256: sha256(Buffer.from(signaturePng(1).split(',')[1]!, 'base64')),
      deviceSignedAt: '2014-09-19T16:01:00+02:00',
      kiosk: 'Tablette 1',
    });
    expect(event.metadata).toMatchObject({ kiosk: 'Tablette 1', correlationId: expect.any(String) });
  });

  test('the list drops the signer and flags the organisation that has signed', async () => {
    const res = await call(api, 'GET', `/conferences/${cid}/charters/${chid}/signatories`);
    expect(res.body.map((s: { name: string; organisationSigned: boolean }) => [s.name, s.organisationSigned])).toEqual([
      ['Geneviève Cœur', false],
      ['Hugues Sibille', true],
      ['Anne Zeller', false],
      ['Bruno Zola', false],
    ]);
  });

  describe('each refusal, with its code and status', () => {
    test('already_signed: the same person again (409)', async () => {
      const res = await sign('claude', { onBehalfOf: 'Une autre association' });
      expect(res).toMatchObject({ status: 409, body: { code: 'already_signed', scope: 'person', sequence: 1 } });
    });

    test('already_signed: another admitted person for the same organisation, spelt differently (409)', async () => {
      const res = await sign('hugues', { onBehalfOf: "LE LABO DE L'ÉSS" });
      expect(res).toMatchObject({
        status: 409,
        body: { code: 'already_signed', scope: 'organisation', sequence: 1, onBehalfOf: 'Le Labo de l’ESS' },
      });
    });

    test('not_admitted: registered but never scanned in (409)', async () => {
      const res = await sign('absent', { onBehalfOf: 'Coopérative Côte d’Opale' });
      expect(res).toMatchObject({ status: 409, body: { code: 'not_admitted' } });
    });

    test('not_a_signatory: admitted, but as press (409)', async () => {
      const res = await sign('press', { onBehalfOf: 'Le Monde' });
      expect(res).toMatchObject({ status: 409, body: { code: 'not_a_signatory', category: 'press' } });
    });

    test('text_changed: the tablet showed another text (409, with the charter’s hash)', async () => {
      const res = await sign('genevieve', { onBehalfOf: 'PTCE Fabrique Pays Basque', textSha256: sha256('autre') });
      expect(res).toMatchObject({ status: 409, body: { code: 'text_changed', textSha256: sha256(charterText) } });
    });

    test.each([
      ['not ticked', { ...CONSENT, given: false }],
      ['absent', undefined],
      ['false', false],
    ])('consent_missing: %s (400)', async (_, consent) => {
      const res = await sign('genevieve', { onBehalfOf: 'PTCE Fabrique Pays Basque', consent });
      expect(res).toMatchObject({ status: 400, body: { code: 'consent_missing' } });
    });

    test.each([
      ['no stroke', { strokes: [] }],
      ['only a tap', { strokes: [[{ x: 5, y: 5, time: 1411135200000 }]] }],
      ['no image', { image: undefined }],
    ])('empty_signature: %s (400)', async (_, overrides) => {
      const res = await sign('genevieve', { onBehalfOf: 'PTCE Fabrique Pays Basque', ...overrides });
      expect(res).toMatchObject({ status: 400, body: { code: 'empty_signature' } });
    });

    test('a picture that is not a PNG, or a broken one, is refused before anything is stored', async () => {
      const gif = await sign('genevieve', { image: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' });
      expect(gif).toMatchObject({ status: 400, body: { code: 'invalid_image', errors: [{ field: 'image' }] } });
      const bytes = Buffer.from(signaturePng(1).split(',')[1]!, 'base64');
      bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
      const broken = await sign('genevieve', { image: `data:image/png;base64,${bytes.toString('base64')}` });
      expect(broken).toMatchObject({ status: 400, body: { code: 'invalid_image' } });
      const big = await sign('genevieve', {
        image: `data:image/png;base64,${Buffer.concat([bytes, Buffer.alloc(300 * 1024)]).toString('base64')}`,
      });
      expect(big).toMatchObject({ status: 413, body: { code: 'image_too_large', errors: [{ field: 'image' }] } });
    });

    test('a PNG with sound chunks and CRCs whose image data is not zlib is refused 400 invalid_image, nothing stored (issue 20)', async () => {
      const store = server.app.get<EventStore>(EVENT_STORE);
      const last = async (): Promise<bigint | undefined> =>
        (await store.readAll({ direction: 'backwards', maxCount: 1 }))[0]?.position;
      const before = await last();
      const res = await sign('genevieve', { image: dataUrlOf(notZlibPng()) });
      expect(res).toMatchObject({
        status: 400,
        body: { code: 'invalid_image', errors: [{ field: 'image', message: 'undecodable' }] },
      });
      expect(await last()).toBe(before);
    });

    test('malformed strokes are refused field by field', async () => {
      const res = await sign('genevieve', { strokes: [[{ x: 'a', y: 1, time: 1 }]] });
      expect(res).toMatchObject({
        status: 400,
        body: { code: 'validation_failed', errors: [{ field: 'strokes.0.0' }] },
      });
    });

    test('an unknown charter or registration is a 404 with its code', async () => {
      const unknownCharter = await call(api, 'POST', `/conferences/${cid}/charters/${randomUUID()}/signatures`, {
        signatureId: randomUUID(),
        registrationId: people['genevieve'],
        onBehalfOf: 'X',
        textSha256: sha256(charterText),
        kiosk: 'Tablette 1',
      });
      expect(unknownCharter).toMatchObject({ status: 404, body: { code: 'unknown_charter' } });
      const unknownPerson = await sign('genevieve', { registrationId: randomUUID() });
      expect(unknownPerson).toMatchObject({ status: 404, body: { code: 'unknown_registration' } });
    });

    test('nothing refused was written', async () => {
      const res = await call(api, 'GET', `/conferences/${cid}/charters/${chid}`);
      expect(res.body.count).toBe(1);
    });
  });

  test('a second organisation signs; a voided signature stays in the chain and frees the organisation', async () => {
    const first = await sign('genevieve', {
      onBehalfOf: 'PTCE Fabrique Pays Basque',
      strokes: strokes(2),
      image: signaturePng(2),
    });
    expect(first).toMatchObject({ status: 201, body: { sequence: 2, previousHash: signed['claude']!.hash } });

    const voided = await call(
      api,
      'POST',
      `/conferences/${cid}/charters/${chid}/signatures/${first.body.signatureId}/void`,
      { reason: 'Signé sur la mauvaise ligne' },
    );
    expect(voided).toMatchObject({ status: 200, body: { sequence: 2, previousHash: first.body.hash } });
    const blank = await call(
      api,
      'POST',
      `/conferences/${cid}/charters/${chid}/signatures/${first.body.signatureId}/void`,
      { reason: ' ' },
    );
    // Already voided: the first answer, whatever the new reason.
    expect(blank).toEqual(voided);

    const again = await sign('genevieve', {
      onBehalfOf: 'PTCE Fabrique Pays Basque',
      strokes: strokes(3),
      image: signaturePng(3),
    });
    expect(again).toMatchObject({ status: 201, body: { sequence: 3, previousHash: voided.body.hash } });
    signed['genevieve'] = again.body;

    const charter = await call(api, 'GET', `/conferences/${cid}/charters/${chid}`);
    expect(charter.body).toMatchObject({ count: 3, voided: 1, head: again.body.hash });
    expect(charter.body.signatures[1]).toMatchObject({
      sequence: 2,
      voided: { reason: 'Signé sur la mauvaise ligne' },
    });
  });

  test('two tablets at once for one organisation: exactly one signature, the chain unbroken', async () => {
    const [anne, bruno] = await Promise.all([
      sign('anne', { onBehalfOf: 'Réseau Cocagne', kiosk: 'Tablette 1' }),
      sign('bruno', { onBehalfOf: 'réseau cocagne', kiosk: 'Tablette 2' }),
    ]);
    expect([anne.status, bruno.status].sort()).toEqual([201, 409]);
    const [won, lost] = anne.status === 201 ? [anne, bruno] : [bruno, anne];
    expect(won.body).toMatchObject({ sequence: 4, previousHash: signed['genevieve']!.hash });
    expect(lost.body).toMatchObject({ code: 'already_signed', scope: 'organisation', sequence: 4 });
    signed['last'] = won.body;
  });

  test('verify recomputes the chain from the stored events: valid', async () => {
    const res = await call(api, 'GET', `/conferences/${cid}/charters/${chid}/verify`);
    expect(res).toEqual({
      status: 200,
      body: { valid: true, count: 4, voided: 1, head: signed['last']!.hash, status: 'open' },
    });
  });

  test('closing fixes the head; nothing is signed or voided after it', async () => {
    const closed = await call(api, 'POST', `/conferences/${cid}/charters/${chid}/close`);
    expect(closed).toMatchObject({ status: 200, body: { count: 4, voided: 1, head: signed['last']!.hash } });
    expect(await call(api, 'POST', `/conferences/${cid}/charters/${chid}/close`)).toEqual(closed);

    const late = await sign('hugues', { onBehalfOf: 'Une organisation qui n’a pas signé' });
    expect(late).toMatchObject({ status: 409, body: { code: 'charter_closed' } });
    const lateVoid = await call(
      api,
      'POST',
      `/conferences/${cid}/charters/${chid}/signatures/${signed['claude']!.signatureId}/void`,
      { reason: 'Trop tard' },
    );
    expect(lateVoid).toMatchObject({ status: 409, body: { code: 'charter_closed' } });

    const verified = await call(api, 'GET', `/conferences/${cid}/charters/${chid}/verify`);
    expect(verified.body).toMatchObject({ valid: true, status: 'closed', head: closed.body.head });
  });

  test('document.pdf: the text, every signature, the fingerprint on every page, the evidence attached', async () => {
    const res = await fetch(`${api}/conferences/${cid}/charters/${chid}/document.pdf`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('filename="charte-charte-des-ptce.pdf"');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const text = await pdfText(pdf);
    const head = signed['last']!.hash;
    expect(text).toContain('Charte des Pôles Territoriaux de Coopération Économique');
    expect(text).toContain('Coopérer plutôt que concurrencer.');
    expect(text).toContain('N° 1 — Claude Alphandéry');
    expect(text).toContain('Pour : Le Labo de l’ESS');
    expect(text).toContain('N° 3 — Geneviève Cœur');
    expect(text).toContain('ANNULÉE');
    expect(text).toContain(`Empreinte : ${signed['claude']!.hash.slice(0, 16)}`);
    const footers = text.split(`Empreinte de la charte (SHA-256, tête de chaîne) : ${head}`).length - 1;
    const pages = Number(/page \d+ \/ (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(footers).toBe(pages);
    expect(text).not.toContain('ATTENTION');

    const { names, contents } = attachments(pdf);
    expect(names).toContain('preuves-signatures.json');
    expect(contents).toHaveLength(1);
    const evidence = JSON.parse(contents[0]!);
    expect(evidence).toMatchObject({
      format: 'emargement/charter-evidence@1',
      charter: { charterId: chid, textSha256: sha256(charterText) },
      verification: { valid: true, head },
    });
    const signedEvents = evidence.events.filter((e: { type: string }) => e.type === 'CharterSigned');
    expect(signedEvents.map((e: { data: { sequence: number; hash: string } }) => e.data.hash)).toEqual([
      signed['claude']!.hash,
      expect.any(String),
      signed['genevieve']!.hash,
      head,
    ]);
    expect(signedEvents[0].data).toMatchObject({
      name: 'Claude Alphandéry',
      image: signaturePng(1),
      strokes: strokes(1),
    });
    // Closed: sealed (test/charter-seal.e2e.spec.ts reads the seal with pdfsig and the verifier).
    expect(pdf.toString('latin1')).toContain('/SubFilter /ETSI.CAdES.detached');
    // The first seal makes the organisation's root and signing keys (two RSA keys) on a shared machine.
  }, 60_000);

  test('after a restart the charter is rebuilt from the store alone', async () => {
    server = await server.restart();
    api = `${server.base}/api`;
    const charter = await call(api, 'GET', `/conferences/${cid}/charters/${chid}`);
    expect(charter.body).toMatchObject({ status: 'closed', count: 4, head: signed['last']!.hash });
    const verified = await call(api, 'GET', `/conferences/${cid}/charters/${chid}/verify`);
    expect(verified.body).toMatchObject({ valid: true, head: signed['last']!.hash });
  });

  if (e2eEventStore() === 'sqlite') {
    describe('when a stored event is altered underneath the server', () => {
      test('verify is invalid and names the sequence; the PDF says so', async () => {
        const file = join(server.dataDir, 'events.sqlite');
        expect(existsSync(file)).toBe(true);
        const db = new Database(file);
        try {
          const row = db
            .prepare(
              "SELECT position, data FROM events WHERE stream_name = ? AND type = 'CharterSigned' ORDER BY position",
            )
            .all(`charter-${chid}`)[0] as { position: number; data: string };
          const data = JSON.parse(row.data) as Record<string, unknown>;
          expect(data['sequence']).toBe(1);
          // The name is sealed (ADR 007): the row holds no name to edit, so the
          // forger changes whom the signature was made for.
          expect(row.data).not.toContain('Alphandéry');
          data['onBehalfOf'] = 'Une tout autre organisation';
          db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), row.position);
        } finally {
          db.close();
        }

        const res = await call(api, 'GET', `/conferences/${cid}/charters/${chid}/verify`);
        expect(res).toMatchObject({
          status: 200,
          body: {
            valid: false,
            count: 4,
            firstInvalidSequence: 1,
            problem: { code: 'hash_mismatch', entry: 'CharterSigned', sequence: 1 },
          },
        });

        const pdf = Buffer.from(
          await (
            await fetch(`${api}/conferences/${cid}/charters/${chid}/document.pdf`, {
              headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
            })
          ).arrayBuffer(),
        );
        const text = await pdfText(pdf);
        expect(text).toContain('ATTENTION : la vérification de la chaîne des signatures a échoué à la signature n° 1');
      });
    });
  } else {
    console.log(
      'charter.e2e: the tamper test edits the SQLite file under the server; ' +
        `this run is on ${e2eEventStore()}, which has no such file, so it did not run here (it runs on the SQLite run).`,
    );
  }
});
