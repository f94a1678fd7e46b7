// The sealed charter end to end: a charter signed, its draft (open), then
// closed and sealed; poppler's pdfsig and the offline verifier (`npm run
// verify`, spawned) read the file and altered copies of it.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { attachments, pdfText } from './support/pdf.js';
import { admitted, CHARTER_TEXT, conferenceWithCharter, expectStatus, signatureBody } from './support/data.js';
import { ensureSealKeys } from '../apps/server/src/charters/charter-seal/seal-keys.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { imageSha256, signatureHash, type CharterSignedData } from '../libs/charter/src/index.js';
import { dataUrlOf, notZlibPng } from '../libs/charter/test/hostile-png.js';

const run = promisify(execFile);
jest.setTimeout(120_000);

/** pdfsig exits 0 whatever it finds: its text is the answer. */
async function pdfsig(file: string, nssdir: string): Promise<string> {
  const { stdout, stderr } = await run('pdfsig', ['-nssdir', nssdir, file]).catch(
    (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
  return `${stdout}${stderr}`;
}

/** `npm run verify -- ...`, as an organiser would run it: tsx on apps/verify/main.ts. */
async function verifyCli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'apps/verify/main.ts', ...args], { cwd: process.cwd() });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const download = async (base: string, path: string): Promise<Response> =>
  fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

describe('the sealed charter', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let chid: string;
  let dir: string;
  let nssdir: string;
  let sealedFile: string;
  let rootFile: string;
  let receipt: { charterId: string; signatureId: string; sequence: number; hash: string; previousHash: string };
  let draft: Buffer;
  let sealed: Buffer;

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    ({ cid, chid } = await conferenceWithCharter(api));
    const first = await admitted(api, cid, { organisation: 'Le Labo de l’ESS' });
    const second = await admitted(api, cid, { organisation: 'PTCE Pays Basque' });
    const one = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/charters/${chid}/signatures`, signatureBody(first.registrationId)),
      201,
    ) as { signatureId: string };
    // The plain form of consent: the box beside the text, ticked.
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/charters/${chid}/signatures`,
        signatureBody(second.registrationId, { onBehalfOf: 'PTCE Pays Basque', consent: true }),
      ),
      201,
    );
    receipt = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/charters/${chid}/signatures/${one.signatureId}/receipt`),
      200,
    ) as typeof receipt;
    draft = Buffer.from(
      await (await download(server.base, `/conferences/${cid}/charters/${chid}/document.pdf`)).arrayBuffer(),
    );
    expectStatus(await call(api, 'POST', `/conferences/${cid}/charters/${chid}/close`), 200);
    const res = await download(server.base, `/conferences/${cid}/charters/${chid}/document.pdf`);
    expect(res.status).toBe(200);
    sealed = Buffer.from(await res.arrayBuffer());

    dir = mkdtempSync(join(tmpdir(), 'charter-seal-e2e-'));
    sealedFile = join(dir, 'charte.pdf');
    writeFileSync(sealedFile, sealed);
    const root = await call<string>(api, 'GET', '/charter-seal/root.crt');
    expect(root.status).toBe(200);
    rootFile = join(dir, 'root.crt');
    writeFileSync(rootFile, root.body);
    // An NSS database trusting the organisation's root, for pdfsig.
    nssdir = join(dir, 'nss');
    mkdirSync(nssdir);
    await run('certutil', ['-N', '-d', `sql:${nssdir}`, '--empty-password']);
    await run('certutil', ['-A', '-d', `sql:${nssdir}`, '-n', 'charter-root', '-t', 'C,C,C', '-i', rootFile]);
  });

  afterAll(async () => {
    await server?.close();
  });

  test('a charter’s language: French unless published otherwise, one of fr or en', async () => {
    expect((await call(api, 'GET', `/conferences/${cid}/charters/${chid}`)).body).toMatchObject({ lang: 'fr' });
    const english = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/charters`, { title: 'Charter', text: '# Charter\n', lang: 'en' }),
      201,
    ) as { charterId: string };
    expect((await call(api, 'GET', `/conferences/${cid}/charters/${english.charterId}`)).body).toMatchObject({
      lang: 'en',
    });
    const german = await call(api, 'POST', `/conferences/${cid}/charters`, { title: 'C', text: '# C\n', lang: 'de' });
    expect(german.status).toBe(400);
  });

  test('the receipt is the chain entry’s own fields', () => {
    expect(receipt).toMatchObject({ charterId: chid, sequence: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Object.keys(receipt).sort()).toEqual(
      ['charterId', 'previousHash', 'sequence', 'signatureId', 'signedAt', 'hash'].sort(),
    );
  });

  test('an open charter gives an unsealed draft, marked on every page', async () => {
    expect(draft.toString('latin1')).not.toContain('/ByteRange');
    const text = await pdfText(draft);
    const pages = (text.match(/page \d+ \/ (\d+)/) ?? [])[1];
    const marks = text.split('BROUILLON — non scellé').length - 1;
    expect(Number(pages)).toBeGreaterThan(0);
    expect(marks).toBeGreaterThanOrEqual(Number(pages));
  });

  test('the closed charter is PDF/A-3b, sealed, the evidence attached with its AFRelationship', async () => {
    const text = sealed.toString('latin1');
    expect(text).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(text).toContain('/AFRelationship /Data');
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(await pdfText(sealed)).not.toContain('BROUILLON');
    const { names, contents } = attachments(sealed);
    expect(names).toContain('preuves-signatures.json');
    const evidence = JSON.parse(contents[0]!) as { events: { type: string; data: Record<string, unknown> }[] };
    const entry = evidence.events.find((e) => e.data['signatureId'] === receipt.signatureId);
    // The receipt, unchanged, in the sealed evidence.
    for (const [field, value] of Object.entries(receipt)) expect(entry?.data[field]).toEqual(value);
    const plain = evidence.events.filter((e) => e.type === 'CharterSigned')[1]!;
    expect(plain.data['consent']).toMatchObject({ wording: expect.stringContaining('consent: true') });
  });

  test('pdfsig: the signature is valid and covers the whole document', async () => {
    const out = await pdfsig(sealedFile, nssdir);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('ETSI.CAdES.detached');
  });

  test('pdfsig: one byte changed gives Digest Mismatch.', async () => {
    const altered = Buffer.from(sealed);
    const at = altered.indexOf('/Type /Catalog');
    altered[at + 1] = 'X'.charCodeAt(0);
    const file = join(dir, 'altered.pdf');
    writeFileSync(file, altered);
    expect(await pdfsig(file, nssdir)).toContain('Digest Mismatch.');
    const result = await verifyCli([file, '--root', rootFile]);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('digest_mismatch');
  });

  test('npm run verify: everything holds, and the signer’s receipt is found', async () => {
    const code = receipt.hash
      .slice(0, 12)
      .toUpperCase()
      .replace(/(.{4})(?=.)/g, '$1-');
    const result = await verifyCli([sealedFile, '--root', rootFile, '--receipt', code]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain('OK');
    expect(result.out).toContain('n° 1');
  });

  test('npm run verify: a receipt not in the chain, the draft, bytes appended, another root', async () => {
    expect((await verifyCli([sealedFile, '--receipt', '0000-0000-0000'])).out).toContain('receipt_not_found');
    const draftFile = join(dir, 'draft.pdf');
    writeFileSync(draftFile, draft);
    expect(await verifyCli([draftFile])).toMatchObject({ code: 1, out: expect.stringContaining('not_sealed') });
    const appended = join(dir, 'appended.pdf');
    writeFileSync(appended, Buffer.concat([sealed, Buffer.from('\n% later\n')]));
    expect((await verifyCli([appended])).out).toContain('not_total_document');
    expect(await pdfsig(appended, nssdir)).toContain('Not total document signed');
    const other = join(dir, 'other-root.crt');
    writeFileSync(other, ensureSealKeys(join(dir, 'other'), 'Émargement').rootPem);
    expect((await verifyCli([sealedFile, '--root', other])).out).toContain('untrusted_certificate');
  });

  describe('a charter already holding a picture that does not decode (issue 20)', () => {
    // Written straight into the store, as a version before the fix (or another one) could have: sound PNG
    // chunks around image data that is not zlib. pdfkit once decoded it in a zlib callback and the process died.
    test('its PDF renders (the strokes drawn instead), it closes, seals (pdfsig) and verifies', async () => {
      const { charterId: charter } = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/charters`, { title: 'Charte bis', text: CHARTER_TEXT }),
        201,
      ) as { charterId: string };
      const one = await admitted(api, cid, { organisation: 'Coopérative Une' });
      const two = await admitted(api, cid, { organisation: 'Coopérative Deux' });
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/charters/${charter}/signatures`,
          signatureBody(one.registrationId, { onBehalfOf: 'Coopérative Une' }),
        ),
        201,
      );
      const store = server.app.get<EventStore>(EVENT_STORE);
      const stream = `charter-${charter}`;
      const stored = await store.readStream(stream);
      const first = stored.find((e) => e.type === 'CharterSigned')!;
      const image = dataUrlOf(notZlibPng());
      const data: Record<string, unknown> = {
        ...(first.data as Record<string, unknown>),
        sequence: 2,
        signatureId: randomUUID(),
        registrationId: two.registrationId,
        onBehalfOf: 'Coopérative Deux',
        image,
        imageSha256: imageSha256(image),
        previousHash: (first.data as { hash: string }).hash,
      };
      data['hash'] = signatureHash(data as unknown as CharterSignedData);
      await store.appendToStream(
        stream,
        [{ id: randomUUID(), type: 'CharterSigned', data, metadata: first.metadata }],
        {
          expectedRevision: stored[stored.length - 1]!.revision,
        },
      );

      const open = await download(server.base, `/conferences/${cid}/charters/${charter}/document.pdf`);
      expect(open.status).toBe(200);
      const openText = await pdfText(Buffer.from(await open.arrayBuffer()));
      expect(openText).toContain('Image illisible : tracé redessiné');

      expectStatus(await call(api, 'POST', `/conferences/${cid}/charters/${charter}/close`), 200);
      const res = await download(server.base, `/conferences/${cid}/charters/${charter}/document.pdf`);
      expect(res.status).toBe(200);
      const file = join(dir, 'charte-illisible.pdf');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      expect(await pdfsig(file, nssdir)).toContain('Signature is Valid.');
      const verified = await call(api, 'GET', `/conferences/${cid}/charters/${charter}/verify`);
      expect(verified).toMatchObject({ status: 200, body: { valid: true, count: 2 } });
      // Still serving.
      expect((await call(api, 'GET', `/conferences/${cid}/charters/${charter}`)).status).toBe(200);
    });
  });
});

describe('a configured sealing key the server cannot open', () => {
  // The configuration only reads CHARTER_SIGNING_P12; the seal opens it when the
  // application is built, so a wrong file still stops the start, the variable named.
  test('stops the start, naming CHARTER_SIGNING_P12', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'seal-missing-')), 'seal.p12');
    await expect(startTestServer({ CHARTER_SIGNING_P12: missing })).rejects.toMatchObject({
      name: 'ConfigError',
      variable: 'CHARTER_SIGNING_P12',
    });
  });
});
