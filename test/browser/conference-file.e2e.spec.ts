// Issue 22, item 10, as an organiser on a 1440×900 laptop: a conference made
// from a file shaped like the fixture's conference.json, its printed programme
// kept, and a rehearsal of the 2014 day on today's date (so that the doors'
// offline list is not wiped as for a day long past); the programme marks the
// dashboard's curve of the day.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixturePath, readFixture } from '@emargement/testing';
import { assertWebBuilt, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { expectAccessible } from '../support/axe.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1440, height: 900 };
const SHOTS = process.env.SCREENSHOT_DIR;

describe('a conference from its file, and a rehearsal today', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR' })).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('conference.json fills the form, the rehearsal is on today’s date, the programme is kept and shown', async () => {
    const fixture = JSON.parse(readFixture('ptce-2014/conference.json')) as {
      name: string;
      programme: { at: string; title: string }[];
    };
    await page.goto(enrolmentUrl(server.base, 'admin', ADMIN_TOKEN));
    await page.getByRole('heading', { name: 'Nouvelle conférence' }).waitFor();
    await page.getByLabel('Répétition : la même journée, aujourd’hui').check();
    await page.getByLabel('Charger un fichier de conférence').setInputFiles(fixturePath('ptce-2014/conference.json'));
    await page.getByText('conference.json chargé').waitFor();
    await expect(page.getByLabel('Nom de la conférence').inputValue()).resolves.toBe(`${fixture.name} (répétition)`);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    await expect(page.getByLabel('Début').inputValue()).resolves.toBe(`${today}T09:30`);
    await expect(page.getByLabel('Programme').inputValue()).resolves.toContain('16:00 Signature de la charte');
    await expectAccessible(page, 'the new conference form, loaded from its file');
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'conference-file.png'), fullPage: true });
    }
    await page.getByRole('button', { name: 'Créer la conférence' }).click();
    await page.getByRole('button', { name: 'Inscriptions' }).first().waitFor();

    const list = (await call(`${server.base}/api`, 'GET', '/conferences')).body as {
      items: { conferenceId: string; name: string; startsAt: string; programme?: { at: string; title: string }[] }[];
    };
    const created = list.items.find((c) => c.name.endsWith('(répétition)'))!;
    expect(created.startsAt.slice(0, 16)).toBe(`${today}T09:30`);
    expect(created.programme).toEqual(fixture.programme);

    // The curve of the day carries the programme.
    await page.goto(enrolmentUrl(server.base, 'dashboard', ADMIN_TOKEN, created.conferenceId));
    await page.locator('.chart-programme').first().waitFor();
    await expect(page.locator('.chart-programme').count()).resolves.toBe(fixture.programme.length);
  }, 60_000);
});
