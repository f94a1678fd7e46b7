// The evacuation roll call (issue 23) on a door phone (390×844), in headless
// Chromium against the real server: the list of people on site kept from the
// last time the server answered; the server stopped; the roll call started
// and ticked offline; the server back: the phone's ticks reach it, another
// phone's tick reaches the phone, each counted once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus, personBody } from '../support/data.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.SCREENSHOT_DIR;

describe('the evacuation roll call, with the server down', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cid: string;
  let door: string;
  const people: { registrationId: string; lastName: string }[] = [];

  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
  };

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    const api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ idCheckRequired: false })),
      201,
    ) as { conferenceId: string });
    door = (
      await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Point de rassemblement', role: 'door', conferenceId: cid })
    ).token;
    for (const lastName of ['Abadie', 'Bernard', 'Chevalier']) {
      const reg = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName, firstName: 'Camille' })),
        201,
      ) as { registrationId: string; ticketCode: string };
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: reg.ticketCode, door: 'Accueil principal' },
          bearer(door),
        ),
        200,
      );
      people.push({ registrationId: reg.registrationId, lastName });
    }
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: PHONE, locale: 'fr-FR' })).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('started and ticked offline, merged when the server is back', async () => {
    await page.goto(enrolmentUrl(server.base, 'roll-call', door, cid));
    await page.getByText('3 personnes sur le site selon la dernière liste.').waitFor();
    await page.getByTestId('roll-status').filter({ hasText: 'Connecté' }).waitFor();

    // The network goes: the server is stopped (a service worker's own requests escape Playwright's offline mode).
    const stopped = await server.stop();
    await page.getByRole('button', { name: 'Commencer l’appel' }).click();
    await page.getByTestId('roll-status').filter({ hasText: 'Hors ligne' }).waitFor();
    for (const name of ['ABADIE', 'CHEVALIER']) {
      await page.getByRole('button', { name: new RegExp(name) }).click();
    }
    await page.getByTestId('roll-present').filter({ hasText: /^2\s/ }).waitFor();
    await page.getByTestId('roll-missing').filter({ hasText: /^1\s/ }).waitFor();
    await expect(page.getByRole('button', { name: /ABADIE/ }).getAttribute('aria-pressed')).resolves.toBe('true');
    await page.getByTestId('roll-status').filter({ hasText: '3 en attente d’envoi' }).waitFor();
    await shot('roll-call-offline.png');

    // The server is back on the same address: the outbox goes, nothing twice.
    server = await stopped.start();
    await page
      .getByTestId('roll-status')
      .filter({ hasText: /^Connecté$/ })
      .waitFor({ timeout: 20_000 });
    const api = `${server.base}/api`;
    const rolls = await server.app
      .get((await import('../../apps/server/src/spaces/movements-registry.js')).MovementsRegistry)
      .current(cid);
    const [rollCallId] = [...rolls.state.rollCalls.keys()];
    expect(rollCallId).toBeDefined();
    let roll = expectStatus(await call(api, 'GET', `/conferences/${cid}/roll-calls/${rollCallId}`), 200) as {
      present: number;
      missing: number;
    };
    expect(roll).toMatchObject({ present: 2, missing: 1 });

    // Another phone ticks the third person: this one shows it at its next sync.
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/roll-calls/${rollCallId}/marks`,
        { markId: randomUUID(), registrationId: people[1]!.registrationId },
        bearer(door),
      ),
      201,
    );
    await page.getByTestId('roll-missing').filter({ hasText: /^0\s/ }).waitFor({ timeout: 20_000 });
    roll = expectStatus(await call(api, 'GET', `/conferences/${cid}/roll-calls/${rollCallId}`), 200) as {
      present: number;
      missing: number;
    };
    expect(roll).toMatchObject({ present: 3, missing: 0 });
    await shot('roll-call-merged.png');
  }, 90_000);
});
