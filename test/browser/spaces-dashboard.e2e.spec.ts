// The room's screen (1920×1080) shows who is inside each space (issue 23):
// inside / capacity, « presque complet » from 90 %, « complet », open or closed
// by the server's clock; counts only, for a display device.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../apps/server/src/shared/clock.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus, personBody } from '../support/data.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from '../support/server.js';

const SCREEN = { width: 1920, height: 1080 };
const SHOTS = process.env.SCREENSHOT_DIR;

describe('spaces on the room’s screen', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cid: string;
  let display: string;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    server.app.get(Clock).setTo('2014-09-19T12:45:00+02:00');
    const api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ idCheckRequired: false })),
      201,
    ) as { conferenceId: string });
    const door = (await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Porte', role: 'door', conferenceId: cid }))
      .token;
    display = (await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Écran', role: 'display', conferenceId: cid }))
      .token;
    for (const space of [
      { name: 'Échanges entre pairs', opens: '09:30', closes: '15:00', capacity: 10 },
      { name: 'Petit salon', opens: '09:30', closes: '15:00', capacity: 2 },
      { name: 'Conseils professionnels', opens: '13:00', closes: '14:30', capacity: 30 },
    ]) {
      expectStatus(await call(api, 'POST', `/conferences/${cid}/spaces`, space), 201);
    }
    for (let i = 0; i < 11; i++) {
      const reg = expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations`, personBody()), 201) as {
        ticketCode: string;
      };
      const scan = (body: Record<string, unknown>) =>
        call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: reg.ticketCode, ...body },
          bearer(door),
        );
      expectStatus(await scan({ door: 'Accueil principal' }), 200);
      expectStatus(await scan({ space: i < 9 ? 'Échanges entre pairs' : 'Petit salon', direction: 'in' }), 200);
    }
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: SCREEN, locale: 'fr-FR' })).newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('inside / capacity, nearly full at 90 %, full, and closed spaces with their hours', async () => {
    await page.goto(enrolmentUrl(server.base, 'dashboard', display, cid));
    const rows = page.getByTestId('dash-space');
    await rows.first().waitFor();
    await expect(rows.nth(0).innerText()).resolves.toMatch(/Échanges entre pairs[\s\S]*9 \/ 10[\s\S]*presque complet/);
    await expect(rows.nth(1).innerText()).resolves.toMatch(/Petit salon[\s\S]*2 \/ 2[\s\S]*complet/);
    await expect(rows.nth(2).innerText()).resolves.toMatch(/fermé \(ouvert de 13:00 à 14:30\)[\s\S]*0 \/ 30/);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'dashboard-spaces.png'), fullPage: true });
    }
  }, 60_000);
});
