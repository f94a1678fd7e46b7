// The organisers' dashboard end to end: the real server (createApp on a real
// SQLite file, its socket.io feed included) serving the built web app, in
// headless Chromium at a laptop's size. A scan made over HTTP must show on
// the page through the live feed; nothing is stubbed and nothing sleeps.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1280, height: 800 };
const MAIN_DOOR = 'Accueil principal';

/** The whole text of a figure, so that « 1 » does not match « 10 ». */
const exactly = (text: string) => new RegExp(`^${text}$`);

describe('dashboard in a real browser against the real server', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const people = [
    { firstName: 'Claude', lastName: 'Alphandéry', category: 'speaker', lunch: true },
    { firstName: 'Marie', lastName: 'Lemaître', category: 'signatory', lunch: false },
    { firstName: 'Jérôme', lastName: 'Saddier', category: 'participant', lunch: true },
  ].map((p) => ({ ...p, registrationId: randomUUID(), ticketCode: '' }));
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The big screen's token: a `display` device, paired as the organisers' QR code would pair it. */
  let displayToken = '';

  /** An organiser's call that must succeed (setting the scene, not under test). */
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  const scan = (ticketCode: string) =>
    call<{ result: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      ticketCode,
      door: MAIN_DOOR,
      idCheck: { document: 'national_id', nameMatches: true },
      scannedAt: new Date().toISOString(),
    });

  const figure = (testId: string) => page.getByTestId(testId);

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;

    // The PTCE 2014 day: two doors, ID check, paid lunch.
    const fixture = ptceConference();
    await call('POST', '/api/conferences', { conferenceId, ...fixture });
    for (const p of people) {
      const { ticketCode } = await call<{ ticketCode: string }>(
        'POST',
        `/api/conferences/${conferenceId}/registrations`,
        {
          registrationId: p.registrationId,
          firstName: p.firstName,
          lastName: p.lastName,
          email: `${p.firstName.toLowerCase()}.${p.registrationId.slice(0, 8)}@example.org`,
          organisation: 'PTCE Sud Aquitaine',
          category: p.category,
          lunch: p.lunch,
          photoConsent: false,
        },
      );
      p.ticketCode = ticketCode;
    }
    ({ token: displayToken } = await enrolDevice(base, adminToken, {
      name: 'Écran du hall',
      role: 'display',
      conferenceId,
    }));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('a scan made at the door shows on the dashboard, live', async () => {
    const socketRequests: string[] = [];
    page.on('websocket', (ws) => socketRequests.push(ws.url()));
    await page.goto(enrolmentUrl(base, 'dashboard', displayToken, conferenceId));
    await page.getByTestId('device-name').filter({ hasText: 'Appareil : Écran du hall (écran)' }).waitFor();
    await page.getByTestId('connection-state').filter({ hasText: 'En direct' }).waitFor();
    await figure('dash-admitted')
      .filter({ hasText: exactly('0') })
      .waitFor();
    await page.getByText('sur 3 inscrits').waitFor();
    // The token stays out of the address bar, and out of the socket's URL (it travels in the handshake).
    expect(page.url()).not.toContain(displayToken);
    expect(socketRequests.some((u) => u.includes(displayToken))).toBe(false);

    expect(await scan(people[0]!.ticketCode)).toMatchObject({ result: 'admitted' });
    await figure('dash-admitted')
      .filter({ hasText: exactly('1') })
      .waitFor();
    await figure('dash-present')
      .filter({ hasText: exactly('1') })
      .waitFor();
    // Claude booked the lunch: the caterer's number moves too.
    await figure('dash-lunch')
      .filter({ hasText: exactly('1') })
      .waitFor();
    // The arrival curve has its first bar, and the door its admission.
    await page.locator('svg.chart rect.chart-bar').first().waitFor();
    await page.locator('.bars-row', { hasText: MAIN_DOOR }).filter({ hasText: '1' }).waitFor();

    expect(await scan(people[1]!.ticketCode)).toMatchObject({ result: 'admitted' });
    await figure('dash-admitted')
      .filter({ hasText: exactly('2') })
      .waitFor();
    await figure('dash-signatures')
      .filter({ hasText: exactly('0 / 1') })
      .waitFor();
    expect(await page.getByTestId('connection-state').textContent()).toBe('En direct');

    const dir = process.env.WEB_SMOKE_SCREENSHOTS;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'dashboard-1280x800.png') });
    }
  }, 60_000);

  test('the slider replays the day, then goes back to live', async () => {
    // The first moment of the window is before any admission of the day.
    const slider = page.getByRole('slider', { name: 'Revoir la journée' });
    await slider.focus();
    await slider.press('Home');
    await page.getByText(/^Relecture : chiffres de \d\d:\d\d$/).waitFor();
    await figure('dash-admitted')
      .filter({ hasText: exactly('0') })
      .waitFor();

    // Paused: a scan made meanwhile does not move the replayed figures...
    expect(await scan(people[2]!.ticketCode)).toMatchObject({ result: 'admitted' });
    await page.getByRole('button', { name: 'Revenir au direct' }).click();
    // ...but it was received, and live figures come back with it.
    await figure('dash-admitted')
      .filter({ hasText: exactly('3') })
      .waitFor();
    await page.getByTestId('connection-state').filter({ hasText: 'En direct' }).waitFor();
  }, 60_000);
});
