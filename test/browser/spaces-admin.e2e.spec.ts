// The organisers' side of the day's spaces (issue 23, item 6), on a laptop (1440×900): the spaces on the
// conference page with who is inside each against its capacity and its rules, a space added from the page
// (and refused in words when its name is taken), and a person's movements in their history with the
// space's name. The real server (createApp on a real SQLite file) serves the built web app; its one clock
// is set to the day's lunchtime.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../apps/server/src/shared/clock.js';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus, personBody } from '../support/data.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1440, height: 900 };
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp';

describe('the organisers’ spaces', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cid: string;
  let rid: string;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    server.app.get(Clock).setTo('2014-09-19T12:45:00+02:00');
    const api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(
      await call(
        api,
        'POST',
        '/conferences',
        conferenceBody({
          idCheckRequired: false,
          spaces: [
            { name: 'Échanges entre pairs', opens: '09:30', closes: '15:00', capacity: 10 },
            { name: 'Buffet', opens: '12:30', closes: '14:00', capacity: 250, requiresLunch: true, oneEntry: true },
            { name: 'Espace presse', opens: '09:30', closes: '17:00', audience: ['press', 'official'] },
          ],
        }),
      ),
      201,
    ) as { conferenceId: string });
    const door = (
      await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Porte des pairs', role: 'door', conferenceId: cid })
    ).token;
    const reg = expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/registrations`,
        personBody({ firstName: 'Inès', lastName: 'Mobile', lunch: true }),
      ),
      201,
    ) as { registrationId: string; ticketCode: string };
    rid = reg.registrationId;
    const scan = async (body: Record<string, unknown>) =>
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: reg.ticketCode, ...body },
          bearer(door),
        ),
        200,
      );
    // The morning's admission at 9:40 (the server's clock, set above, is for the movements' rules).
    expect(await scan({ door: 'Accueil principal', scannedAt: '2014-09-19T09:40:00+02:00' })).toMatchObject({
      result: 'admitted',
    });
    expect(await scan({ space: 'Échanges entre pairs', direction: 'in' })).toMatchObject({ result: 'admitted' });
    expect(await scan({ space: 'Buffet', direction: 'in' })).toMatchObject({
      result: 'refused',
      reason: 'lunch_unpaid',
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR' })).newPage();
    await page.goto(enrolmentUrl(server.base, 'admin', ADMIN_TOKEN, cid));
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the conference page lists the spaces, who is inside against the capacity, and their rules', async () => {
    await page.getByRole('button', { name: 'Conférence', exact: true }).click();
    const table = page.getByTestId('spaces-table');
    await table.waitFor();
    const rows = page.getByTestId('space-row');
    await expect(rows.allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/Échanges entre pairs\s+09:30 – 15:00 \(ouvert\)\s+1 \/ 10/),
      expect.stringMatching(/Buffet\s+12:30 – 14:00 \(ouvert\)\s+0 \/ 250\s+déjeuner payé · entrée unique/),
      expect.stringMatching(/Espace presse.*\(sans limite\)\s+réservé : Presse, Officiel/s),
    ]);
    await table.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'the organisers’ spaces, 1440×900, fr');
    await page.screenshot({ path: `${SHOTS}/spaces-admin-1440x900.png`, fullPage: true });
  }, 60_000);

  test('a space added from the page is listed at once; the same name again is refused in words', async () => {
    const form = page.getByRole('form', { name: 'Ajouter un espace' });
    await form.getByLabel('Nom').fill('Conseils professionnels');
    await form.getByLabel('Ouverture').fill('12:30');
    await form.getByLabel('Fermeture').fill('14:30');
    await form.getByLabel('Capacité (facultatif)').fill('30');
    // Exits are scanned unless said otherwise (the server's default): this desk has none.
    await expect(form.getByLabel('sorties scannées').isChecked()).resolves.toBe(true);
    await form.getByLabel('sorties scannées').uncheck();
    await form.getByRole('button', { name: 'Ajouter l’espace' }).click();
    await form.getByRole('status').filter({ hasText: 'Espace « Conseils professionnels » ajouté.' }).waitFor();
    await page
      .getByTestId('space-row')
      .filter({ hasText: 'Conseils professionnels' })
      .filter({ hasText: '0 / 30' })
      .waitFor();
    const listed = expectStatus(await call(`${server.base}/api`, 'GET', `/conferences/${cid}/spaces`), 200) as {
      items: { name: string; opens: string; closes: string; capacity: number | null; exitScan: boolean }[];
    };
    expect(listed.items.find((s) => s.name === 'Conseils professionnels')).toMatchObject({
      opens: '12:30',
      closes: '14:30',
      capacity: 30,
      exitScan: false,
    });

    await form.getByLabel('Nom').fill('buffet');
    await form.getByRole('button', { name: 'Ajouter l’espace' }).click();
    await form.getByRole('alert').waitFor();
    await expect(page.getByTestId('space-row').count()).resolves.toBe(4);
    await expectAccessible(page, 'the organisers’ space form with an error, 1440×900, fr');
  }, 60_000);

  test('a person’s page tells their movements with the space’s name and why the buffet refused them', async () => {
    await page.goto(`${server.base}/admin/?registration=${rid}`);
    await page.getByRole('heading', { name: 'Inès Mobile' }).waitFor();
    const entries = page.getByTestId('history-entry');
    await entries.filter({ hasText: 'Accès à un espace refusé' }).waitFor();
    const texts = await entries.allInnerTexts();
    const entered = texts.find((x) => x.includes('Entrée dans un espace'));
    expect(entered).toContain('Échanges entre pairs');
    expect(entered).toContain('Porte des pairs');
    const refused = texts.find((x) => x.includes('Accès à un espace refusé'));
    expect(refused).toContain('Buffet');
    expect(refused).toContain('Déjeuner non réglé');
    await expectAccessible(page, 'a person’s page with movements, 1440×900, fr');
    await page.screenshot({ path: `${SHOTS}/person-movements-1440x900.png`, fullPage: true });
  }, 60_000);
});
