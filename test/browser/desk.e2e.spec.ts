// The organisers' desk on a 1440×900 laptop (issue 13): the registrations as
// a table that tells who has arrived, when and where; the 412 people of the
// PTCE day in a few screens; a person's page with their whole story and the
// name of each device; against the real server in headless Chromium.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFixture } from '@emargement/testing';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { ADMIN_TOKEN, bearer, call as request, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1440, height: 900 };
const MAIN = 'Accueil principal';
const SHOTS = process.env.SCREENSHOT_DIR;

describe("the organisers' desk", () => {
  const conferenceId = randomUUID();
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let claude: string;
  let christophe: string;

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await request<T>(base, method, path, body, headers);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, name) });
  };

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    base = server.base;
    await call('POST', '/api/conferences', { conferenceId, ...ptceConference() });
    await call(
      'POST',
      `/api/conferences/${conferenceId}/registrations/import`,
      readFixture('ptce-2014/registrations.csv'),
      {
        'content-type': 'text/csv',
      },
    );
    const find = async (q: string) =>
      (
        await call<{ items: { registrationId: string; ticketCode: string }[] }>(
          'GET',
          `/api/conferences/${conferenceId}/registrations?q=${encodeURIComponent(q)}`,
        )
      ).items[0]!;
    const door = await enrolDevice(base, ADMIN_TOKEN, {
      name: 'Porte A — téléphone de Léa',
      role: 'door',
      conferenceId,
    });
    const first = await find('Alphandéry');
    const second = await find('Christophe Chevalier');
    claude = first.registrationId;
    christophe = second.registrationId;
    const scan = (ticketCode: string, idCheck?: unknown) =>
      call(
        'POST',
        `/api/conferences/${conferenceId}/scans`,
        { scanId: randomUUID(), ticketCode, door: MAIN, ...(idCheck ? { idCheck } : {}) },
        bearer(door.token),
      );
    await scan(first.ticketCode);
    await scan(first.ticketCode, { document: 'passport', nameMatches: true });
    await scan(second.ticketCode);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR', acceptDownloads: true });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test("the table shows an admitted person's time and door in their row, and why another was refused", async () => {
    await page.goto(enrolmentUrl(base, 'admin', ADMIN_TOKEN, conferenceId));
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    const row = page.locator('tr.registration').filter({ hasText: 'Claude Alphandéry' });
    await row.waitFor();
    const arrival = await row.getByTestId('arrival').innerText();
    expect(arrival).toMatch(/^\d\d:\d\d · Accueil principal$/);
    await page.getByLabel('Arrivée').selectOption('refused');
    const refused = page.locator('tr.registration').filter({ hasText: 'Christophe Chevalier' });
    await refused.waitFor();
    await expect(refused.getByTestId('arrival').innerText()).resolves.toMatch(
      /Refusé·e à \d\d:\d\d · Pièce d’identité non vérifiée/,
    );
    await page.getByText('1 inscription').waitFor();
    await expect(page.locator('tr.registration').count()).resolves.toBe(1);
    await page.getByLabel('Arrivée').selectOption('');
    await page.locator('tr.registration').nth(49).waitFor();
  }, 60_000);

  test('the 412 people are a few screens tall, fifty a page, and no destructive button on a row', async () => {
    await page.getByText('412 inscriptions').waitFor();
    await expect(page.locator('tr.registration').count()).resolves.toBe(50);
    await shot('desk-registrations-1440.png');
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    expect(height).toBeLessThan(LAPTOP.height * 4);
    await expect(page.locator('tr.registration .btn-danger').count()).resolves.toBe(0);
    await page.getByText('Page 1 sur 9 — 1 à 50 sur 412').waitFor();
    await shot('desk-registrations-1440.png');
    // The row's menu holds the actions; erasing asks first.
    const row = page.locator('tr.registration').first();
    await row.getByRole('button', { name: /^Actions pour/ }).click();
    await row.getByRole('menuitem', { name: 'Effacer les données personnelles…' }).click();
    const dialog = page.getByRole('dialog', { name: /Effacer les données personnelles de/ });
    await dialog.waitFor();
    await shot('desk-erase-dialog-1440.png');
    await dialog.getByRole('button', { name: 'Non' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    // The next page is fetched from the server: fifty rows travel, not the 412.
    const isPage = (offset: number) => (r: { url(): string; request(): { method(): string } }) => {
      const url = new URL(r.url());
      return (
        r.request().method() === 'GET' &&
        url.pathname === `/api/conferences/${conferenceId}/registrations` &&
        url.searchParams.get('offset') === String(offset) &&
        url.searchParams.get('limit') === '50'
      );
    };
    const second = page.waitForResponse(isPage(50));
    await page.getByRole('button', { name: 'Suivante' }).click();
    const secondBody = (await (await second).json()) as { items: { lastName: string }[]; total: number };
    expect(secondBody.total).toBe(412);
    expect(secondBody.items).toHaveLength(50);
    await page.getByText('Page 2 sur 9 — 51 à 100 sur 412').waitFor();
    // The last page holds the remaining twelve, in the same name order as the server's.
    const last = page.waitForResponse(isPage(400));
    await page.getByRole('button', { name: '»' }).click();
    const lastBody = (await (await last).json()) as { items: { lastName: string }[] };
    expect(lastBody.items).toHaveLength(12);
    await page.getByText('Page 9 sur 9 — 401 à 412 sur 412').waitFor();
    await expect(page.locator('tr.registration').count()).resolves.toBe(12);
    // Sorting by arrival puts who is in first (the server sorts, from the first page).
    const sorted = page.waitForResponse((r) => isPage(0)(r) && new URL(r.url()).searchParams.get('sort') === 'arrival');
    await page.getByRole('button', { name: 'Arrivée' }).click();
    await sorted;
    // Read once the table has re-rendered in the new order (a read right after the click can see the old one).
    await page.locator('tr.registration').first().filter({ hasText: 'Claude Alphandéry' }).waitFor();
    await expect(page.locator('tr.registration').first().innerText()).resolves.toContain('Claude Alphandéry');
  }, 60_000);

  test("a person's page lists their scans, oldest first, with the device's name", async () => {
    await page
      .locator('tr.registration')
      .filter({ hasText: 'Claude Alphandéry' })
      .getByRole('button', { name: 'Claude Alphandéry', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Claude Alphandéry' }).waitFor();
    expect(new URL(page.url()).searchParams.get('registration')).toBe(claude);
    const entries = page.getByTestId('history-entry');
    await entries.nth(2).waitFor();
    const texts = await entries.allInnerTexts();
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('Inscription');
    expect(texts[0]).toContain('import CSV');
    expect(texts[1]).toContain('Entrée refusée');
    expect(texts[1]).toContain('Porte A — téléphone de Léa');
    expect(texts[1]).toContain('Pièce d’identité non vérifiée');
    expect(texts[2]).toContain('Entrée admise');
    expect(texts[2]).toContain(MAIN);
    expect(texts[2]).toContain('Porte A — téléphone de Léa');
    expect(texts[2]).toContain('Passeport, nom conforme');
    await page.locator('img.person-ticket').waitFor();
    await shot('desk-person-1440.png');
    // Back returns to the table.
    await page.goBack();
    await page.locator('tr.registration').first().waitFor();
    expect(new URL(page.url()).searchParams.get('registration')).toBeNull();
    expect(christophe).toBeTruthy();
  }, 60_000);

  test('one way around: the header opens the charter by its title; a screen paired in the same browser leaves the organiser signed in', async () => {
    const title = 'Charte des PTCE (essai)';
    const { charterId } = await call<{ charterId: string }>('POST', `/api/conferences/${conferenceId}/charters`, {
      title,
      text: readFixture('ptce-2014/charter.md'),
    });
    await page.goto(`${base}/admin/`);
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    const links = page.getByRole('navigation', { name: 'Pages de la conférence' });
    await links.getByRole('link', { name: `Charte : ${title}` }).click();
    await page.waitForURL((url) => url.pathname === '/charter/' && url.searchParams.get('charter') === charterId);
    await page.getByText(title).first().waitFor();
    await expect(page.getByText('Publier une charte').count()).resolves.toBe(0);

    // The big screen's pairing link, opened on the organiser's laptop to check it.
    const display = await enrolDevice(base, ADMIN_TOKEN, {
      name: 'Grand écran du hall',
      role: 'display',
      conferenceId,
    });
    await page.goto(enrolmentUrl(base, 'dashboard', display.token, conferenceId));
    await page.getByTestId('device-name').filter({ hasText: 'Grand écran du hall' }).waitFor();
    await page.goto(`${base}/admin/`);
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    await page.getByTestId('device-name').filter({ hasText: '(organisation)' }).waitFor();
    await page.locator('tr.registration').first().waitFor();
    await shot('desk-header-1440.png');

    // The tablet's form picks the charter from a list, and warns that 127.0.0.1 is no address for a phone.
    await page.getByRole('button', { name: 'Appareils', exact: true }).click();
    await page.getByLabel('Rôle').selectOption('kiosk');
    const charter = page.getByLabel('Charte à signer');
    await charter.locator('option', { hasText: title }).waitFor({ state: 'attached' });
    await expect(charter.inputValue()).resolves.toBe(charterId);
    await page.getByTestId('localhost-warning').waitFor();
    await shot('desk-devices-1440.png');
  }, 60_000);

  test('the dashboard from five metres: « admis » and « présents » explained; a replay is framed apart from live', async () => {
    const hall = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'fr-FR' });
    try {
      const screen = await hall.newPage();
      const display = await enrolDevice(base, ADMIN_TOKEN, { name: 'Écran du hall', role: 'display', conferenceId });
      await screen.goto(enrolmentUrl(base, 'dashboard', display.token, conferenceId));
      await screen.getByText('admis : entrées validées à une porte depuis le matin').waitFor();
      await screen.getByText('présents : admis dont l’entrée n’a pas été annulée').waitFor();
      if (SHOTS) await screen.screenshot({ path: join(SHOTS, 'desk-dashboard-1920.png') });
      const slider = screen.getByRole('slider', { name: 'Revoir la journée' });
      await slider.focus();
      await slider.press('Home');
      await screen.getByTestId('replay-banner').waitFor();
      await screen.locator('.dash.dash-replaying').waitFor();
      if (SHOTS) await screen.screenshot({ path: join(SHOTS, 'desk-dashboard-replay-1920.png') });
      await screen.getByRole('button', { name: 'Revenir au direct' }).click();
      await screen.locator('.dash.dash-replaying').waitFor({ state: 'detached' });
      await expect(screen.locator('.dash.dash-replaying').count()).resolves.toBe(0);
    } finally {
      await hall.close();
    }
  }, 60_000);
});
