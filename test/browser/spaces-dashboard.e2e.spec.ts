// The room's screen (1920×1080) shows who is inside each space (issue 23):
// inside / capacity, « presque complet » from 90 %, « complet », open or closed
// by the server's clock, and each space's curve of the day with its text
// alternative (also on an organiser's laptop, 1440×900); counts only, for a
// display device; axe finds nothing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../apps/server/src/shared/clock.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { expectAccessible } from '../support/axe.js';
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
    const clock = server.app.get(Clock);
    clock.setTo('2014-09-19T12:45:00+02:00');
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
      // Through the morning, so the curves of the day rise: the room fills from 10:00, the salon at 12:30.
      clock.setTo(new Date(Date.parse('2014-09-19T10:00:00+02:00') + i * 13 * 60_000).toISOString());
      expectStatus(await scan({ door: 'Accueil principal' }), 200);
      expectStatus(await scan({ space: i < 9 ? 'Échanges entre pairs' : 'Petit salon', direction: 'in' }), 200);
    }
    clock.setTo('2014-09-19T12:45:00+02:00');
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

  for (const [size, viewport] of [
    ['1920x1080', SCREEN],
    ['1440x900', { width: 1440, height: 900 }],
  ] as const) {
    test(`each space's curve of the day, in words too, at ${size}; axe finds nothing`, async () => {
      await page.setViewportSize(viewport);
      await page.goto(enrolmentUrl(server.base, 'dashboard', display, cid));
      const curves = page.getByTestId('dash-space-curve');
      await curves.nth(2).waitFor();
      // The text alternative says what the curve shows: inside now, the most at once and when.
      await expect(curves.nth(0).locator('svg').getAttribute('aria-label')).resolves.toBe(
        'Échanges entre pairs — 9 à l’intérieur ; au plus 9 à la fois, vers 11:40',
      );
      await expect(curves.nth(1).innerText()).resolves.toMatch(/Petit salon[\s\S]*2 à l’intérieur/);
      await expect(curves.nth(2).innerText()).resolves.toMatch(/personne n’y est encore entré/);
      // A line and bars for the room that filled; its capacity across.
      await expect(curves.nth(0).locator('.chart-bar').count()).resolves.toBe(9);
      await expect(curves.nth(0).locator('.chart-limit').count()).resolves.toBe(1);
      // Side by side, not stacked: the three curves fit the width of the screen.
      const boxes = await Promise.all([0, 1, 2].map((i) => curves.nth(i).boundingBox()));
      expect(boxes.every((b) => b !== null && b.width > 300 && b.x + b.width <= viewport.width)).toBe(true);
      await page.screenshot({ path: `/tmp/spaces3-dashboard-${size}.png`, fullPage: true });
      await page.getByTestId('dash-spaces').screenshot({ path: `/tmp/spaces3-spaces-${size}.png` });
      await expectAccessible(page, `the dashboard's spaces at ${size}`);
    }, 60_000);
  }
});
