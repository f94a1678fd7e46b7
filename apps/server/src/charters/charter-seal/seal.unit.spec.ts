import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { receiptCode, verify, verifySealedPdf, type VerifyEnv } from '@emargement/charter';
import type { RecordedEvent } from '@emargement/event-store';
import { close, history, publish, signed } from '../../../../../libs/charter/test/examples.js';
import { charterPdf } from '../charter-document/charter-pdf.js';
import { ensureSealKeys, sealFiles, type SealKeys } from './seal-keys.js';
import { sealPdf } from './seal-pdf.js';

const env: VerifyEnv = {
  sha256: (bytes) => Promise.resolve(createHash('sha256').update(bytes).digest()),
  inflate: (bytes) => Promise.resolve(inflateSync(bytes)),
};

const recorded = (events: readonly { type: string; data: unknown }[]): RecordedEvent[] =>
  events.map((e, i) => ({
    id: `e${i}`,
    type: e.type,
    data: e.data,
    metadata: {},
    streamName: 'charter-x',
    revision: BigInt(i),
    position: BigInt(i + 1),
    created: new Date('2014-09-19T15:00:00Z'),
  }));

const bytesOf = (doc: PDFKit.PDFDocument): Promise<Buffer> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
  });

async function draftOf(events: readonly { type: string; data: unknown }[]): Promise<Buffer> {
  return bytesOf(
    charterPdf({
      conference: { conferenceId: 'c', name: 'Rencontres du Labo', venue: 'Paris', timezone: 'Europe/Paris' },
      events: recorded(events),
      verification: verify(events),
      generatedAt: new Date('2014-09-19T15:30:00Z'),
    }),
  );
}

const seal = (pdf: Buffer, keys: SealKeys) =>
  sealPdf(pdf, keys, {
    reason: 'test',
    location: 'Paris',
    name: 'Émargement',
    contact: 'test',
    signingTime: SIGNED_AT,
  });
// The keys are made now: the seal's time must fall within their validity.
const SIGNED_AT = new Date(Math.floor(Date.now() / 1000) * 1000);

// RSA keys and PDFs on a machine shared with other work.
jest.setTimeout(60_000);

const closedHistory = history(publish(), signed(1), signed(2), close());

describe('the sealed charter', () => {
  let keys: SealKeys;
  let foreign: SealKeys;
  let sealedPdf: Buffer;
  let draftPdf: Buffer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seal-'));
    keys = ensureSealKeys(join(dir, 'ours'), 'Le Labo');
    foreign = ensureSealKeys(join(dir, 'theirs'), 'Le Labo');
    draftPdf = await draftOf(closedHistory);
    sealedPdf = await seal(draftPdf, keys);
  }, 120_000);

  test('the generated keys are kept, mode 0600, and used again', () => {
    const files = sealFiles(join(dir, 'ours'));
    expect(statSync(files.rootKey).mode & 0o777).toBe(0o600);
    expect(statSync(files.signingKey).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'ours')).mode & 0o777).toBe(0o700);
    expect(ensureSealKeys(join(dir, 'ours'), 'Le Labo').rootPem).toBe(keys.rootPem);
  });

  test('the draft’s bytes are kept: the seal is an incremental update', () => {
    // Every byte of the draft begins the sealed file.
    expect(sealedPdf.subarray(0, draftPdf.length).equals(draftPdf)).toBe(true);
    expect(sealedPdf.toString('latin1')).toContain('/SubFilter /ETSI.CAdES.detached');
  });

  test('a good file: every check holds, with the root given', async () => {
    const report = await verifySealedPdf(sealedPdf, { rootPem: keys.rootPem }, env);
    expect(report).toMatchObject({
      ok: true,
      rootSource: 'given',
      count: 2,
      signedAt: SIGNED_AT.toISOString(),
      signer: 'Le Labo — sceau des chartes',
    });
    expect(report.head).toBe(closedHistory.at(-1)?.data && (closedHistory.at(-1)!.data as { head: string }).head);
  });

  test('a receipt in the chain is found, by its short code or its JSON', async () => {
    const entry = closedHistory[1]!.data as { hash: string };
    const byCode = await verifySealedPdf(sealedPdf, { receipt: receiptCode(entry.hash) }, env);
    expect(byCode).toMatchObject({ ok: true, receipt: { sequence: 1, hash: entry.hash } });
    const json = JSON.stringify(byCode.receipt);
    expect(await verifySealedPdf(sealedPdf, { receipt: json }, env)).toMatchObject({ ok: true });
    const altered = JSON.stringify({ ...byCode.receipt, signedAt: '2014-09-19T18:00:00+02:00' });
    expect(await verifySealedPdf(sealedPdf, { receipt: altered }, env)).toMatchObject({
      ok: false,
      fault: 'receipt_mismatch',
    });
  });

  test('a receipt not in the chain: receipt_not_found', async () => {
    const report = await verifySealedPdf(sealedPdf, { receipt: 'DEAD-BEEF-0000' }, env);
    expect(report).toMatchObject({ ok: false, fault: 'receipt_not_found' });
  });

  test('a changed byte: digest_mismatch', async () => {
    const altered = Buffer.from(sealedPdf);
    const at = altered.indexOf('Rencontres du Labo');
    altered[at] = 'X'.charCodeAt(0);
    expect(await verifySealedPdf(altered, { rootPem: keys.rootPem }, env)).toMatchObject({
      ok: false,
      fault: 'digest_mismatch',
    });
  });

  test('bytes appended after the seal: not_total_document', async () => {
    const altered = Buffer.concat([sealedPdf, Buffer.from('\n% more\n')]);
    expect(await verifySealedPdf(altered, {}, env)).toMatchObject({ ok: false, fault: 'not_total_document' });
  });

  test('the signature removed (the draft alone): not_sealed', async () => {
    const draft = await draftOf(closedHistory);
    expect(await verifySealedPdf(draft, {}, env)).toMatchObject({ ok: false, fault: 'not_sealed' });
  });

  test('a foreign certificate (another root, same names): untrusted_certificate', async () => {
    const theirs = await seal(await draftOf(closedHistory), foreign);
    expect(await verifySealedPdf(theirs, { rootPem: keys.rootPem }, env)).toMatchObject({
      ok: false,
      fault: 'untrusted_certificate',
    });
    // Alone, it holds against its own embedded root: why the root must come from the organiser (ADR 010).
    expect(await verifySealedPdf(theirs, {}, env)).toMatchObject({ ok: true, rootSource: 'embedded' });
  });

  test('a changed evidence entry, sealed anyway: chain_invalid names the entry', async () => {
    const events = closedHistory.map((e) => ({ type: e.type, data: { ...e.data } }));
    (events[2]!.data as Record<string, unknown>)['onBehalfOf'] = 'Une autre organisation';
    // The document is drawn (and sealed) from the altered events: the seal holds, the chain does not.
    const pdf = await seal(await draftOf(events), keys);
    expect(await verifySealedPdf(pdf, { rootPem: keys.rootPem }, env)).toMatchObject({
      ok: false,
      fault: 'chain_invalid',
      detail: 'hash_mismatch at n° 2',
    });
  });

  test('an open charter: its draft says so on every page, and is not sealed', async () => {
    const open = history(publish(), signed(1));
    const draft = await draftOf(open);
    expect(await verifySealedPdf(draft, {}, env)).toMatchObject({ ok: false, fault: 'not_sealed' });
  });
});
