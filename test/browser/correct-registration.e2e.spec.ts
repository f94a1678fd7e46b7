// Mistakes can be corrected: an organiser fixes a registration (a name typo, a
// category) from the person's page, as one event (`RegistrationCorrected`,
// only what changed); the door's list, the search, the ticket, the
// registrations list and its export read the corrected values; and an erasure
// erases the corrected name too (sealed with the person's key, never in clear
// in any file under DATA_DIR).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const MAIN_DOOR = 'Accueil principal';
/** The corrected surname: never in any file in clear, and gone everywhere after the erasure. */
const CORRECTED = 'Lefèvre-Østergård';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
const filesContaining = (dir: string, needle: string): string[] =>
  filesUnder(dir).filter((file) => readFileSync(file).includes(Buffer.from(needle, 'utf8')));

describe('correcting a registration', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const registrationId = randomUUID();
  let ticketCode = '';
  let server: TestServer;
  let base = '';
  let browser: Browser;
  let laptop: BrowserContext;
  let page: Page;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }
  const text = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const C = `/api/conferences/${conferenceId}`;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        name: 'Journée des corrections',
        venue: 'Halle',
        doors: [MAIN_DOOR],
      }),
    );
    ({ ticketCode } = await call<{ ticketCode: string }>('POST', `${C}/registrations`, {
      registrationId,
      firstName: 'Anne',
      lastName: 'Lefevre-Ostergard',
      email: 'anne.l@example.org',
      organisation: 'Labo',
      category: 'participant',
      lunch: false,
      photoConsent: false,
    }));
    browser = await launchBrowser();
    laptop = await browser.newContext({ viewport: LAPTOP });
    page = await laptop.newPage();
  }, 120_000);

  afterAll(async () => {
    await laptop?.close();
    await browser?.close();
    await server?.close();
  });

  /** The door list's cursor before the correction: a door that had the list then gets the corrected row by delta. */
  let cursorBefore = '';
  /** The ticket as printed before the correction: the one printed after must differ (the name is drawn on it). */
  let pngBefore = Buffer.alloc(0);
  const bytes = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  test('the organiser corrects the surname and the category from the person’s page', async () => {
    ({ cursor: cursorBefore } = await call<{ cursor: string }>('GET', `${C}/door-dataset`));
    pngBefore = await bytes(`${C}/registrations/${registrationId}/ticket.png`);
    // Drawn the same each time: a difference after the correction is the correction's.
    expect((await bytes(`${C}/registrations/${registrationId}/ticket.png`)).equals(pngBefore)).toBe(true);
    await page.goto(`${base}/admin/?registration=${registrationId}#conference=${conferenceId}&token=${adminToken}`);
    await page.getByRole('heading', { name: 'Anne Lefevre-Ostergard' }).waitFor();
    await page.getByRole('button', { name: 'Corriger…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Corriger l’inscription de Anne Lefevre-Ostergard' });
    await dialog.getByLabel('Nom', { exact: true }).fill(CORRECTED);
    await dialog.getByLabel('Catégorie').selectOption('speaker');
    await expectAccessible(page, 'organisers, person page, correction form (fr)');
    await page.screenshot({ path: '/tmp/correct-registration-fr.png' });
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await dialog.getByRole('button', { name: 'Enregistrer la correction' }).click();
    const answer = await saved;
    expect(answer.status()).toBe(200);
    // Only what changed is recorded.
    expect(await answer.json()).toMatchObject({ registrationId, changed: ['lastName', 'category'] });
    await page.getByRole('heading', { name: `Anne ${CORRECTED}` }).waitFor();
    await page
      .getByTestId('history-entry')
      .filter({ hasText: 'Inscription corrigée' })
      .filter({ hasText: 'Nom, Catégorie' })
      .waitFor();
  }, 60_000);

  test('the door list, the search, the ticket, the list and its export read the corrected values', async () => {
    const [ticket, search, list, csv] = await Promise.all([
      call<{ attendee: { lastName: string; category: string } }>(
        'GET',
        `${C}/tickets/${encodeURIComponent(ticketCode)}`,
      ),
      call<{ items: { lastName: string }[] }>('GET', `${C}/attendees?q=${encodeURIComponent('ostergard')}`),
      call<{ items: { lastName: string; category: string }[] }>('GET', `${C}/registrations`),
      text(`${C}/registrations.csv`),
    ]);
    expect(ticket.attendee).toMatchObject({ lastName: CORRECTED, category: 'speaker' });
    expect(search.items.map((a) => a.lastName)).toEqual([CORRECTED]);
    expect(list.items[0]).toMatchObject({ lastName: CORRECTED, category: 'speaker' });
    expect(csv).toContain(CORRECTED);
    expect(csv).not.toContain('Lefevre-Ostergard');
    // The ticket is drawn again with the corrected name (the same code, so the same QR: only the name moved).
    expect((await bytes(`${C}/registrations/${registrationId}/ticket.png`)).equals(pngBefore)).toBe(false);
    const delta = await call<{ complete: boolean; tickets: { lastName: string; category: string }[] }>(
      'GET',
      `${C}/door-dataset?since=${encodeURIComponent(cursorBefore)}`,
    );
    expect(delta.complete).toBe(false);
    expect(delta.tickets).toEqual([expect.objectContaining({ lastName: CORRECTED, category: 'speaker' })]);

    // The door phone's list, downloaded now, has the corrected name and category; its search finds it.
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId });
    const phone = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    try {
      const door = await phone.newPage();
      await door.goto(enrolmentUrl(base, 'door', token, conferenceId));
      await door.getByRole('button', { name: MAIN_DOOR }).click();
      await door
        .getByTestId('door-status')
        .filter({ hasText: /1 billets/ })
        .waitFor();
      await door.getByRole('searchbox', { name: 'Rechercher un nom' }).fill('ostergard');
      await door.getByRole('button', { name: new RegExp(`^Anne ${CORRECTED}`) }).waitFor();
      await door.getByText('Intervenant·e').first().waitFor();
    } finally {
      await phone.close();
    }
    // Sealed like the first name: never in clear in a file of the data directory.
    expect(filesContaining(server.dataDir, CORRECTED)).toEqual([]);
  }, 60_000);

  test('in English, the correction form is accessible too', async () => {
    await page.evaluate("localStorage.setItem('emargement.lang', 'en')");
    await page.reload();
    await page.getByRole('button', { name: 'Correct…' }).click();
    await page.getByRole('dialog', { name: `Correct the registration of Anne ${CORRECTED}` }).waitFor();
    await expectAccessible(page, 'organisers, person page, correction form (en)');
    await page.screenshot({ path: '/tmp/correct-registration-en.png' });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  }, 60_000);

  test('an erasure erases the corrected name too; a correction after it is refused', async () => {
    await call('POST', `${C}/registrations/${registrationId}/erase`, { reason: 'Demande de la personne' });
    const [ticket, search, list, csv, history] = await Promise.all([
      call<{ attendee: { lastName: string } }>('GET', `${C}/tickets/${encodeURIComponent(ticketCode)}`).catch(
        () => null,
      ),
      call<{ items: unknown[] }>('GET', `${C}/attendees?q=${encodeURIComponent('ostergard')}`),
      call<{ items: { lastName: string }[] }>('GET', `${C}/registrations`),
      text(`${C}/registrations.csv`),
      text(`${C}/registrations/${registrationId}/history`),
    ]);
    expect(JSON.stringify(ticket)).not.toContain('Østergård');
    expect(search.items).toEqual([]);
    expect(JSON.stringify(list)).not.toContain('Østergård');
    expect(csv).not.toContain('Østergård');
    expect(history).not.toContain('Østergård');
    expect(filesContaining(server.dataDir, CORRECTED)).toEqual([]);
    const again = await request<{ code: string }>(
      base,
      'PATCH',
      `${C}/registrations/${registrationId}`,
      { lastName: CORRECTED },
      { Authorization: `Bearer ${adminToken}` },
    );
    expect([again.status, again.body.code]).toEqual([409, 'registration_erased']);
  }, 60_000);
});
