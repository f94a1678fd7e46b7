// Every page, at the size of the device its users hold, in French and in
// English, checked by axe-core (test/support/axe.ts): no serious or critical
// violation, colour contrast (WCAG AA) included. The door's result screens are
// checked too, admitted and refused: they are what a volunteer reads four
// hundred times a day. The real server serves the built web app; nothing is
// stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFixture } from '@emargement/testing';
import { expectAccessible as axeCheck } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1024, height: 768 };
const LAPTOP = { width: 1440, height: 900 };
const ROOM_SCREEN = { width: 1920, height: 1080 };
const LANGS = ['fr', 'en'] as const;
/** Set to a folder to keep a screenshot of every page checked (for a human to look at). */
const SCREENSHOT_DIR = process.env.A11Y_SCREENSHOTS;

/** axe on the page as shown, and its picture when asked for. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  await axeCheck(page, where);
  if (SCREENSHOT_DIR) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${where.replace(/[^\w]+/g, '-')}.png`) });
  }
}
type Lang = (typeof LANGS)[number];

/** The door's words the test clicks, in each language (apps/web/src/i18n.tsx). */
const WORDS = {
  fr: {
    document: 'Document présenté',
    nationalId: 'Carte d’identité',
    nameMatches: 'Le nom correspond-il ?',
    yes: 'Oui',
    admit: 'Valider l’entrée',
    admitted: 'ADMIS',
    refused: 'REFUSÉ',
    search: 'Rechercher un nom',
  },
  en: {
    document: 'Document shown',
    nationalId: 'National ID card',
    nameMatches: 'Does the name match?',
    yes: 'Yes',
    admit: 'Admit',
    admitted: 'ADMITTED',
    refused: 'REFUSED',
    search: 'Search by name',
  },
} satisfies Record<Lang, Record<string, string>>;

describe('accessibility (axe-core, WCAG AA) of every page at its users’ size, in French and English', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const charterId = randomUUID();
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const people: Record<Lang, { registrationId: string; ticketCode: string; lastName: string }> = {
    fr: { registrationId: randomUUID(), ticketCode: '', lastName: 'Çelik' },
    en: { registrationId: randomUUID(), ticketCode: '', lastName: 'Øyvind' },
  };
  let doorToken = '';
  let kioskToken = '';
  let displayToken = '';
  const doors = ptceConference().doors;

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
    for (const lang of LANGS) {
      const who = people[lang];
      const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
        registrationId: who.registrationId,
        firstName: 'François',
        lastName: who.lastName,
        email: `francois.${randomUUID().slice(0, 8)}@example.org`,
        organisation: 'Coopérative du Port',
        category: 'signatory',
        lunch: true,
        photoConsent: true,
      });
      who.ticketCode = registered.ticketCode;
    }
    // Someone already in, for the tablet's list and the dashboard's figures.
    const jean = randomUUID();
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: jean,
      firstName: 'Jean',
      lastName: 'Etcheverry',
      email: `jean.${randomUUID().slice(0, 8)}@example.org`,
      organisation: 'Coopérative du Port',
      category: 'signatory',
      lunch: false,
      photoConsent: false,
    });
    await call('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      registrationId: jean,
      door: doors[0],
      idCheck: { document: 'national_id', nameMatches: true },
    });
    await call('POST', `/api/conferences/${conferenceId}/charters`, {
      charterId,
      title: 'Charte des PTCE',
      text: readFixture('ptce-2014/charter.md'),
    });
    ({ token: doorToken } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId }));
    ({ token: kioskToken } = await enrolDevice(base, adminToken, { name: 'Tablette', role: 'kiosk', conferenceId }));
    ({ token: displayToken } = await enrolDevice(base, adminToken, { name: 'Écran', role: 'display', conferenceId }));
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  /** A device of its own at `viewport`, its language chosen as the switch would have stored it. */
  async function device(viewport: { width: number; height: number }, lang: Lang, touch = false): Promise<Page> {
    const context = await browser.newContext({ viewport, hasTouch: touch, isMobile: touch });
    contexts.push(context);
    await context.addInitScript(`localStorage.setItem('emargement.lang', ${JSON.stringify(lang)})`);
    return context.newPage();
  }

  describe.each(LANGS)('in %s', (lang) => {
    const w = WORDS[lang];

    test('the door phone (390×844): door choice, desk, ID check, ADMIS, REFUSÉ, search of someone in', async () => {
      const who = people[lang];
      const page = await device(PHONE, lang, true);
      await page.goto(enrolmentUrl(base, 'door', doorToken, conferenceId));
      await page.getByRole('button', { name: doors[0] }).waitFor();
      await expectAccessible(page, `door choice, ${lang}`);
      await page.getByRole('button', { name: doors[0] }).click();
      await page.getByTestId('ticket-code').waitFor();
      await expectAccessible(page, `door desk, ${lang}`);

      await page.getByTestId('ticket-code').fill(who.ticketCode);
      await page.getByTestId('ticket-code').press('Enter');
      await page.getByRole('group', { name: w.document }).getByRole('button', { name: w.nationalId }).waitFor();
      await expectAccessible(page, `door ID check, ${lang}`);
      await page.getByRole('group', { name: w.document }).getByRole('button', { name: w.nationalId }).click();
      await page.getByRole('group', { name: w.nameMatches }).getByRole('button', { name: w.yes }).click();
      await page.getByRole('button', { name: w.admit }).click();
      await page.getByRole('heading', { name: w.admitted, exact: true }).waitFor();
      // Held (as a touch on it does), so that it stays while axe reads it.
      await page.getByTestId('scan-result').dispatchEvent('pointerdown');
      await expectAccessible(page, `door result ADMIS, ${lang}`);

      await page.getByTestId('ticket-code').fill(who.ticketCode);
      await page.getByTestId('ticket-code').press('Enter');
      await page.getByRole('heading', { name: w.refused, exact: true }).waitFor();
      await page.getByTestId('scan-result').dispatchEvent('pointerdown');
      await expectAccessible(page, `door result REFUSÉ, ${lang}`);

      await page.getByRole('button', { name: lang === 'fr' ? 'Scan suivant' : 'Next scan' }).click();
      await page.getByRole('searchbox', { name: w.search }).fill(who.lastName);
      await page.getByTestId('result-admitted').first().waitFor();
      await expectAccessible(page, `door search with someone in, ${lang}`);
    }, 90_000);

    test('the signing tablet (1024×768): the list of signatories', async () => {
      const page = await device(TABLET, lang);
      await page.goto(enrolmentUrl(base, 'kiosk', kioskToken, conferenceId, { charter: charterId, kiosk: 'T' }));
      await page.getByRole('button', { name: /Jean Etcheverry/ }).waitFor();
      await expectAccessible(page, `signing tablet, ${lang}`);
      await page.getByRole('button', { name: /Jean Etcheverry/ }).click();
      await page.getByTestId('signer-name').waitFor();
      await expectAccessible(page, `signing tablet, signer chosen, ${lang}`);
    }, 60_000);

    test('the organisers (1440×900): every tab, a person’s page, the charter page', async () => {
      const page = await device(LAPTOP, lang);
      await page.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
      const tabs = page.locator('nav.tabs button');
      await tabs.first().waitFor();
      await page.getByText('Etcheverry').first().waitFor();
      await expectAccessible(page, `organisers, registrations, ${lang}`);
      const count = await tabs.count();
      for (let i = 1; i < count; i++) {
        await tabs.nth(i).click();
        await expect(tabs.nth(i).getAttribute('aria-current')).resolves.toBe('page');
        await page.waitForLoadState('networkidle');
        await expectAccessible(page, `organisers, tab ${i}, ${lang}`);
      }
      await page.goto(
        `${base}/admin/?registration=${people.fr.registrationId}#conference=${conferenceId}&token=${adminToken}`,
      );
      await page.getByText('Çelik').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `organisers, person page, ${lang}`);

      await page.goto(enrolmentUrl(base, 'charter', adminToken, conferenceId, { charter: charterId }));
      await page.getByTestId('charter-status').waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `organisers, charter page, ${lang}`);
    }, 90_000);

    test('the room screen (1920×1080)', async () => {
      const page = await device(ROOM_SCREEN, lang);
      await page.goto(enrolmentUrl(base, 'dashboard', displayToken, conferenceId));
      await page.getByTestId('device-name').waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `room screen, ${lang}`);
    }, 60_000);

    test('the public verifier, on a phone and on a laptop', async () => {
      for (const size of [PHONE, LAPTOP]) {
        const page = await device(size, lang);
        await page.goto(`${base}/verify/`);
        await page.getByTestId('verify-file').waitFor({ state: 'attached' });
        await expectAccessible(page, `verifier ${size.width}×${size.height}, ${lang}`);
      }
    }, 60_000);
  });
});
