// Excel files as France saves them: a semicolon CSV in Windows-1252 imports
// « François Çelik » with its accents (before: « Fran�ois �elik », silently, and
// onto the tickets), the report says which encoding it read and names the
// people it rejected or found already registered; a file in neither UTF-8 nor
// Windows-1252 is refused (`unsupported_encoding`) and nothing is imported.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, launchBrowser, ptceConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1440, height: 900 };

/** French Excel's « CSV (séparateur : point-virgule) »: Windows-1252, CRLF; é, ç, Ç, è are one byte each. */
const excelCsv = Buffer.from(
  [
    'Prénom;Nom;E-mail;Organisme;Catégorie;Déjeuner;Droit à l’image'.replace('’', "'"),
    'François;Çelik;francois.celik@example.org;Coopérative d’Île-de-France;signataire;oui;non'.replace('’', "'"),
    'Hélène;Mercier;helene.mercier@example.org;PTCE Sud;intervenant;non;oui',
    'Jérôme;Bèze;pas-une-adresse;PTCE Sud;signataire;oui;oui',
    'François;Çelik;FRANCOIS.CELIK@example.org;Coopérative;signataire;oui;non',
    '',
  ].join('\r\n'),
  'latin1',
);

describe('CSV import: UTF-8 or Windows-1252, said, with names in the report', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const work = mkdtempSync(join(tmpdir(), 'emargement-import-'));
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call('POST', '/api/conferences', { conferenceId, ...ptceConference() });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
    await page.goto(`${base}/admin/#conference=${conferenceId}&token=${adminToken}`);
    await page.getByRole('button', { name: 'Import CSV' }).click();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function upload(name: string, bytes: Buffer) {
    const file = join(work, name);
    writeFileSync(file, bytes);
    await page.getByLabel('Fichier CSV').setInputFiles(file);
    const answered = page.waitForResponse((r) => r.url().endsWith('/registrations/import'));
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    return answered;
  }

  test('a Windows-1252 file from Excel keeps its accents, says so, and names the people it set aside', async () => {
    const response = await upload('inscrits-excel.csv', excelCsv);
    expect(response.status()).toBe(200);
    const report = page.getByTestId('import-report');
    await expect(report.getByTestId('import-encoding').textContent()).resolves.toBe(
      'Fichier lu en Windows-1252 (Excel)',
    );
    await report.getByText('Rejetées : 1').first().click();
    await report.getByText(/^Ligne 4 — Jérôme Bèze — /).waitFor();
    await report.getByText('Doublons : 1').first().click();
    await report.getByText('Ligne 5 — François Çelik').waitFor();
    await expectAccessible(page, 'organisers, import report');

    const list = await call<{ items: { firstName: string; lastName: string; organisation: string | null }[] }>(
      'GET',
      `/api/conferences/${conferenceId}/registrations`,
    );
    expect(list.items.map((r) => `${r.firstName} ${r.lastName} (${r.organisation})`).sort()).toEqual([
      "François Çelik (Coopérative d'Île-de-France)",
      'Hélène Mercier (PTCE Sud)',
    ]);
  }, 60_000);

  test('a UTF-8 file with a BOM is read as UTF-8', async () => {
    const utf8 = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'first_name,last_name,email,organisation,category,lunch,photo_consent\nZoé,Núñez,zoe.nunez@example.org,,signatory,no,no\n',
        'utf8',
      ),
    ]);
    expect((await upload('inscrits-utf8.csv', utf8)).status()).toBe(200);
    await expect(page.getByTestId('import-encoding').textContent()).resolves.toBe('Fichier lu en UTF-8');
  }, 60_000);

  test('a file in neither encoding is refused with a stable code, and nothing is imported', async () => {
    const before = await call<{ items: unknown[] }>('GET', `/api/conferences/${conferenceId}/registrations`);
    // 0x81 is not UTF-8 and means nothing in Windows-1252.
    const bad = Buffer.concat([
      Buffer.from('first_name;last_name;email;organisation;category;lunch;photo_consent\r\nA', 'latin1'),
      Buffer.from([0x81]),
      Buffer.from(';B;ab@example.org;;signatory;no;no\r\n', 'latin1'),
    ]);
    const response = await upload('inscrits-abimes.csv', bad);
    expect(response.status()).toBe(400);
    await page.getByRole('alert').filter({ hasText: 'ni UTF-8 ni Windows-1252' }).waitFor();
    // The same bytes straight to the API: the stable code.
    const direct = await fetch(`${base}/api/conferences/${conferenceId}/registrations/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      body: bad,
    });
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { code: string }).code).toBe('unsupported_encoding');
    const after = await call<{ items: unknown[] }>('GET', `/api/conferences/${conferenceId}/registrations`);
    expect(after.items).toHaveLength(before.items.length);
  }, 60_000);
});
