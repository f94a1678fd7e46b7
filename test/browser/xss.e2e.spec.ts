// Hostile text on every page: people whose names and organisations are HTML
// and script payloads, a conference and devices named the same way, and a
// charter whose Markdown carries markup and a `javascript:` link. Each page is
// visited in real Chromium with the Content-Security-Policy bypassed, so that
// what is checked is the pages' own rendering (text, never HTML) and not the
// server's second line of defence: no dialog, no `window.__xss`, no element
// made from a payload, no `javascript:` href, and the payload shown as typed.
// Then the signer is erased, and every page calls him « Personne effacée ».
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertWebBuilt,
  enrolDevice,
  enrolmentUrl,
  launchBrowser,
  ptceConference,
  signaturePng,
  signatureStrokes,
} from '../support/browser.js';
import { bearer, call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 900 };

/** Each sets `window.__xss` and opens a dialog if it ever runs. */
const IMG = '<img src=x onerror="window.__xss=1;alert(1)">';
const SCRIPT = '<script>window.__xss=2;alert(2)</script>';
const SVG = '"><svg onload="window.__xss=3;alert(3)">';

const CONFERENCE_NAME = 'Journée <img src=x onerror="window.__xss=8;alert(8)">';
const CHARTER_TITLE = 'Charte <svg onload="window.__xss=9;alert(9)">';
const CHARTER_TEXT = [
  '# Charte <img src=x onerror="window.__xss=4;alert(4)">',
  '',
  'Lisez [x](javascript:alert(5)) puis <script>window.__xss=6;alert(6)</script>.',
  '',
  '- **<b>gras</b>** et *<i onmouseover="window.__xss=7">italique</i>*',
  '',
].join('\n');

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** What a page did that it must not: dialogs opened, console lines about the payloads. */
interface Watch {
  dialogs: string[];
  console: string[];
}

describe('hostile names and Markdown render as text on every page', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const charterId = randomUUID();
  const tag = randomUUID().slice(0, 8);
  /** Three people, each name and organisation a payload; `signer` is admitted and signs, `other` is admitted. */
  const signer = { registrationId: randomUUID(), firstName: IMG, lastName: SCRIPT, organisation: SVG, ticketCode: '' };
  const walker = { registrationId: randomUUID(), firstName: SCRIPT, lastName: SVG, organisation: IMG };
  const other = { registrationId: randomUUID(), firstName: SVG, lastName: IMG, organisation: SCRIPT };
  const people = [signer, walker, other];
  const fullName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`;
  const tokens = { door: '', kiosk: '', display: '' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, bearer(adminToken));
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  /** A browser of its own, CSP bypassed, every dialog and console line recorded. */
  async function visit(url: string, viewport = LAPTOP): Promise<{ page: Page; watch: Watch }> {
    const context = await browser.newContext({ viewport, bypassCSP: true, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    const watch: Watch = { dialogs: [], console: [] };
    page.on('dialog', (dialog) => {
      watch.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => watch.console.push(message.text()));
    page.on('pageerror', (error) => watch.console.push(error.message));
    await page.goto(url);
    return { page, watch };
  }

  /** Nothing ran, nothing was made of the payloads. */
  async function expectClean(page: Page, watch: Watch): Promise<void> {
    // (Evaluated as text: the test's TypeScript has no DOM types.)
    const state = await page.evaluate(`(() => ({
      xss: typeof window.__xss === 'undefined' ? null : String(window.__xss),
      images: document.querySelectorAll('img[src="x"]').length,
      scripts: document.querySelectorAll('#root script').length,
      handlers: document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
      svgs: document.querySelectorAll('svg[onload]').length,
      markup: document.querySelectorAll('#root b, #root i').length,
      javascriptLinks: Array.from(document.querySelectorAll('a[href]')).filter((a) =>
        /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
    }))()`);
    expect(state).toEqual({ xss: null, images: 0, scripts: 0, handlers: 0, svgs: 0, markup: 0, javascriptLinks: 0 });
    expect(watch.dialogs).toEqual([]);
    expect(watch.console.filter((line) => /__xss|alert\(/.test(line))).toEqual([]);
  }

  /** The texts of every element matching `selector`, as the page shows them. */
  const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    const fixture = ptceConference();
    await call('POST', '/api/conferences', { conferenceId, ...fixture, name: CONFERENCE_NAME });
    for (const [i, p] of people.entries()) {
      const { ticketCode } = await call<{ ticketCode: string }>(
        'POST',
        `/api/conferences/${conferenceId}/registrations`,
        {
          registrationId: p.registrationId,
          firstName: p.firstName,
          lastName: p.lastName,
          email: `xss.${i}.${tag}@example.org`,
          organisation: p.organisation,
          category: 'signatory',
          lunch: false,
          photoConsent: false,
        },
      );
      if (p === signer) signer.ticketCode = ticketCode;
    }
    for (const p of [signer, other]) {
      const scan = await call<{ result: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
        scanId: randomUUID(),
        registrationId: p.registrationId,
        door: fixture.doors[0],
        idCheck: { document: 'national_id', nameMatches: true },
      });
      expect(scan.result).toBe('admitted');
    }
    await call('POST', `/api/conferences/${conferenceId}/charters`, {
      charterId,
      title: CHARTER_TITLE,
      text: CHARTER_TEXT,
    });
    await call('POST', `/api/conferences/${conferenceId}/charters/${charterId}/signatures`, {
      signatureId: randomUUID(),
      registrationId: signer.registrationId,
      onBehalfOf: signer.organisation,
      consent: {
        given: true,
        wording: `J’ai lu la charte et je la signe au nom de ${SVG}`,
        givenAt: new Date().toISOString(),
      },
      textSha256: sha256(CHARTER_TEXT),
      strokes: signatureStrokes(1),
      canvas: { width: 120, height: 48, devicePixelRatio: 1 },
      image: signaturePng(1),
      kiosk: `Tablette ${IMG}`.slice(0, 60),
      deviceSignedAt: new Date().toISOString(),
    });
    // Devices named like payloads too: their names show in every top bar and in the organisers' list.
    tokens.door = (await enrolDevice(base, adminToken, { name: IMG, role: 'door', conferenceId })).token;
    tokens.kiosk = (await enrolDevice(base, adminToken, { name: SVG, role: 'kiosk', conferenceId })).token;
    tokens.display = (await enrolDevice(base, adminToken, { name: SCRIPT, role: 'display', conferenceId })).token;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('door: search results and the person panel show the names as typed', async () => {
    const { page, watch } = await visit(enrolmentUrl(base, 'door', tokens.door, conferenceId), PHONE);
    await page
      .getByTestId('device-name')
      .filter({ hasText: `Appareil : ${IMG} (accueil)` })
      .waitFor();
    // The title is the app's until the conference has loaded: wait for it, then compare it whole.
    await page.locator('.topbar h1').filter({ hasText: 'Journée' }).waitFor();
    await expect(page.locator('.topbar h1').textContent()).resolves.toBe(CONFERENCE_NAME);
    await page.getByRole('button', { name: 'Accueil principal' }).click();

    await page.getByRole('searchbox', { name: 'Rechercher un nom' }).fill(`xss.1.${tag}`);
    const results = page.getByRole('list', { name: 'Rechercher un nom' });
    await results.getByRole('button').first().waitFor();
    expect(await texts(page, '.result-name')).toContain(fullName(walker));
    expect((await texts(page, '.result-detail')).join(' ')).toContain(walker.organisation);
    await expectClean(page, watch);

    await results.getByText(fullName(walker), { exact: true }).click();
    await page.getByTestId('person-name').waitFor();
    await expect(page.getByTestId('person-name').textContent()).resolves.toBe(fullName(walker));
    await expect(page.locator('.person-org').textContent()).resolves.toBe(walker.organisation);
    await expectClean(page, watch);
  }, 60_000);

  test('organisers: registrations and devices show the names as typed', async () => {
    const { page, watch } = await visit(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    await page.locator('.registration-name').nth(2).waitFor();
    expect((await texts(page, '.registration-name')).sort()).toEqual(people.map(fullName).sort());
    const details = (await texts(page, '.registration-detail')).join('\n');
    for (const p of people) expect(details).toContain(p.organisation);
    await expectClean(page, watch);

    await page.getByRole('button', { name: 'Appareils', exact: true }).click();
    await page.locator('.device-name').nth(2).waitFor();
    expect((await texts(page, '.device-name')).sort()).toEqual([IMG, SCRIPT, SVG].sort());
    await expectClean(page, watch);
  }, 60_000);

  test('kiosk: the signatory list, the confirmation and the charter’s Markdown are text', async () => {
    const { page, watch } = await visit(
      enrolmentUrl(base, 'kiosk', tokens.kiosk, conferenceId, { charter: charterId }),
    );
    const list = page.getByRole('list', { name: 'Qui signe ?' });
    await list.getByRole('button').first().waitFor();
    expect(await texts(page, '.signatory-name')).toContain(fullName(other));
    await expect(page.getByTestId('charter-title').textContent()).resolves.toBe(CHARTER_TITLE);
    await page.getByText(`Tablette : ${SVG}`).waitFor();
    await expectClean(page, watch);

    await list.getByText(fullName(other), { exact: true }).click();
    await expect(page.getByTestId('signer-name').textContent()).resolves.toBe(fullName(other));
    await expect(page.getByLabel('Vous signez au nom de').inputValue()).resolves.toBe(other.organisation);
    await page.getByRole('button', { name: 'Lire la charte' }).click();
    const text = page.locator('.charter-text');
    await text.waitFor();
    const shown = (await text.textContent()) ?? '';
    expect(shown).toContain('Charte <img src=x onerror="window.__xss=4;alert(4)">');
    // The link is not a link: the Markdown is kept as the text it is.
    expect(shown).toContain('[x](javascript:alert(5))');
    expect(shown).toContain('<script>window.__xss=6;alert(6)</script>');
    expect(shown).toContain('<b>gras</b>');
    await expect(page.locator('.charter-text strong').first().textContent()).resolves.toBe('<b>gras</b>');
    await expect(page.locator('.charter-text a').count()).resolves.toBe(0);
    await page.getByTestId('charter-end').scrollIntoViewIfNeeded();
    await page.getByTestId('consent-wording').waitFor();
    await expect(page.getByTestId('consent-wording').textContent()).resolves.toContain(other.organisation);
    await page.locator('.charter-text li').hover();
    await expectClean(page, watch);
  }, 60_000);

  test('charter page: the signature’s name and organisation are text', async () => {
    const { page, watch } = await visit(
      enrolmentUrl(base, 'charter', adminToken, conferenceId, { charter: charterId }),
    );
    await page.getByTestId('verification').filter({ hasText: 'Intègre' }).waitFor();
    await expect(page.locator('#charter-name').textContent()).resolves.toBe(CHARTER_TITLE);
    const name = (await page.locator('.signature-name').first().textContent()) ?? '';
    expect(name).toContain(signer.firstName);
    expect(name).toContain(signer.lastName);
    await page.getByRole('cell', { name: signer.organisation, exact: true }).waitFor();
    await expectClean(page, watch);
  }, 60_000);

  test('dashboard: the conference’s name and the display’s are text', async () => {
    const { page, watch } = await visit(enrolmentUrl(base, 'dashboard', tokens.display, conferenceId));
    await page.getByTestId('connection-state').filter({ hasText: 'En direct' }).waitFor();
    await page.getByTestId('dash-admitted').filter({ hasText: /^2$/ }).waitFor();
    // The title is the app's until the conference has loaded: wait for it, then compare it whole.
    await page.locator('.topbar h1').filter({ hasText: 'Journée' }).waitFor();
    await expect(page.locator('.topbar h1').textContent()).resolves.toBe(CONFERENCE_NAME);
    await page
      .getByTestId('device-name')
      .filter({ hasText: `Appareil : ${SCRIPT} (écran)` })
      .waitFor();
    await expectClean(page, watch);
  }, 60_000);

  test('erased, the signer is « Personne effacée » at the door, on the organisers’ page and on the charter page', async () => {
    const erased = await request(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations/${signer.registrationId}/erase`,
      { reason: 'Demande de la personne (droit à l’effacement)' },
      bearer(adminToken),
    );
    expect(erased.status).toBe(200);

    // At the door, his ticket (already used) is looked up and refused: the person panel has no name left.
    const door = await visit(enrolmentUrl(base, 'door', tokens.door, conferenceId), PHONE);
    await door.page.getByRole('button', { name: 'Accueil principal' }).click();
    const field = door.page.getByRole('textbox', { name: 'Code du billet (douchette)' });
    await field.fill(signer.ticketCode);
    await field.press('Enter');
    await door.page.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await expect(door.page.getByTestId('person-name').textContent()).resolves.toBe('Personne effacée');
    await expectClean(door.page, door.watch);

    const admin = await visit(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await admin.page.locator('.registration-name').nth(2).waitFor();
    expect((await texts(admin.page, '.registration-name')).sort()).toEqual(
      ['Personne effacée', fullName(walker), fullName(other)].sort(),
    );

    const charter = await visit(enrolmentUrl(base, 'charter', adminToken, conferenceId, { charter: charterId }));
    await charter.page.getByTestId('verification').filter({ hasText: 'Intègre' }).waitFor();
    await expect(charter.page.locator('.signature-name').first().textContent()).resolves.toBe('Personne effacée');
  }, 60_000);
});
