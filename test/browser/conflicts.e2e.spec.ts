// Conflicts are told where they matter and nowhere else: the phone whose
// offline scan makes the server record a conflict says so after the sync
// (before, both phones said « sans conflit »); the organisers' Conflits tab
// carries the count of open conflicts; the room screen (a display device)
// shows the audience nothing about them. The real server serves the built app.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1440, height: 900 };
const ROOM_SCREEN = { width: 1920, height: 1080 };
const MAIN_DOOR = 'Accueil principal';
const PRESS_DOOR = 'Accueil presse';

describe('conflicts: told to the phone, counted for the organisers, hidden from the audience', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const marie = { registrationId: randomUUID(), ticketCode: '' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async function page(viewport: { width: number; height: number }, touch = false): Promise<[Page, BrowserContext]> {
    const context = await browser.newContext({ viewport, hasTouch: touch, serviceWorkers: 'block' });
    contexts.push(context);
    return [await context.newPage(), context];
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        doors: [MAIN_DOOR, PRESS_DOOR],
      }),
    );
    const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: marie.registrationId,
      firstName: 'Marie',
      lastName: 'Lemaître',
      email: `marie.${randomUUID().slice(0, 8)}@example.org`,
      organisation: null,
      category: 'signatory',
      lunch: false,
      photoConsent: false,
    });
    marie.ticketCode = registered.ticketCode;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('the phone whose earlier offline admission displaces another door’s says so after the sync', async () => {
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte A', role: 'door', conferenceId });
    const [door, context] = await page(PHONE, true);
    await door.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await door.getByRole('button', { name: MAIN_DOOR }).click();
    await door
      .getByTestId('door-status')
      .filter({ hasText: /· 1 billets?/ })
      .waitFor();

    // No network: the phone lets Marie in on its own list.
    await context.route('**/api/**', (route) => route.abort('connectionrefused'));
    await door.getByTestId('ticket-code').fill(marie.ticketCode);
    await door.getByTestId('ticket-code').press('Enter');
    await door.getByTestId('scan-result').getByTestId('decided-offline').waitFor();
    await door.getByRole('button', { name: 'Scan suivant' }).click();

    // Meanwhile the press door, online, lets her in too: the server knows nothing of the phone's scan yet.
    const press = await call<{ result: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      registrationId: marie.registrationId,
      door: PRESS_DOOR,
    });
    expect(press.result).toBe('admitted');

    const uploaded = door.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/scans') && r.status() === 200,
    );
    await context.unroute('**/api/**');
    const answer = (await (await uploaded).json()) as { conflict?: { reason: string; previous?: { door: string } } };
    expect(answer.conflict).toMatchObject({ reason: 'already_checked_in', previous: { door: PRESS_DOOR } });
    await door
      .getByTestId('sync-notice')
      .filter({ hasText: new RegExp(`^Marie Lemaître : entré\\(e\\) aussi à \\d\\d:\\d\\d \\(${PRESS_DOOR}\\)`) })
      .waitFor({ timeout: 30_000 });
    await expect(door.getByTestId('sync-summary').count()).resolves.toBe(0);
  }, 90_000);

  test('the organisers’ Conflits tab carries the count of open conflicts', async () => {
    const [admin] = await page(LAPTOP);
    await admin.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await expect(admin.getByTestId('conflicts-count').textContent({ timeout: 20_000 })).resolves.toBe('1');
    await admin.getByRole('button', { name: /Conflits/ }).click();
    await admin.getByTestId('conflict').getByRole('button', { name: 'Marquer comme traité' }).click();
    await admin.getByTestId('conflicts-count').waitFor({ state: 'detached' });
  }, 60_000);

  test('the room screen shows nothing about conflicts; the organisers’ dashboard does', async () => {
    // A second conflict, left open: the screen must still say nothing.
    await call('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      ticketCode: 'INCONNU-0000',
      door: MAIN_DOOR,
      scannedAt: new Date(Date.now() - 60_000).toISOString(),
      offline: { result: 'admitted' },
    });
    const { token } = await enrolDevice(base, adminToken, { name: 'Écran', role: 'display', conferenceId });
    const [screen] = await page(ROOM_SCREEN);
    await screen.goto(enrolmentUrl(base, 'dashboard', token, conferenceId));
    await screen.getByTestId('dash-present').waitFor();
    const [organiser] = await page(LAPTOP);
    await organiser.goto(enrolmentUrl(base, 'dashboard', adminToken, conferenceId));
    await organiser.getByTestId('dash-conflicts').waitFor();
    await expect(screen.getByTestId('dash-conflicts').count()).resolves.toBe(0);
    await expect(screen.getByText(/conflit/i).count()).resolves.toBe(0);
  }, 60_000);
});
