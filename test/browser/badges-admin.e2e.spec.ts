// The organisers' badges (issue 24) on a laptop (1440×900): the section of the conference page, a door's
// printer queue set from it and listed at once, a queue name the server refuses said in words, checked with
// axe and kept as a screenshot. The real server serves the built web app.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus } from '../support/data.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1440, height: 900 };
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp';

describe('the organisers’ badges', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cid: string;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    ({ conferenceId: cid } = expectStatus(
      await call(`${server.base}/api`, 'POST', '/conferences', conferenceBody()),
      201,
    ) as { conferenceId: string });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR' })).newPage();
    await page.goto(enrolmentUrl(server.base, 'admin', ADMIN_TOKEN, cid));
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a door’s printer set from the page is listed; a queue name CUPS would not take is refused in words', async () => {
    await page.getByRole('button', { name: 'Conférence', exact: true }).click();
    const section = page.getByRole('region', { name: 'Badges' });
    await section.getByText('Aucune imprimante : les portes impriment depuis le téléphone.').waitFor();

    await section.getByLabel('Porte').selectOption('Accueil presse');
    await section.getByLabel('File d’impression CUPS (vide : aucune)').fill('-hevil');
    await section.getByRole('button', { name: 'Enregistrer l’imprimante' }).click();
    await section.getByRole('alert').waitFor();
    const none = expectStatus(await call(`${server.base}/api`, 'GET', `/conferences/${cid}/badge-printers`), 200);
    expect(none).toEqual([]);

    await section.getByLabel('File d’impression CUPS (vide : aucune)').fill('badges-presse');
    await section.getByLabel('imprimer à chaque entrée').check();
    await section.getByRole('button', { name: 'Enregistrer l’imprimante' }).click();
    await section.getByText('Accueil presse : badges-presse — imprimer à chaque entrée').waitFor();
    expect(expectStatus(await call(`${server.base}/api`, 'GET', `/conferences/${cid}/badge-printers`), 200)).toEqual([
      { door: 'Accueil presse', queue: 'badges-presse', printOnAdmission: true },
    ]);

    await section.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'the organisers’ badges, 1440×900, fr');
    await page.screenshot({ path: `${SHOTS}/badges-admin-1440x900.png`, fullPage: true });
  }, 60_000);
});
