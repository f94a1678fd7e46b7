// The programme on the door: the phone shows what is on now and what comes
// next, by the conference's clock (not the phone's), in one small line that a
// scan's result never shares the screen with; still there without network.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const MAIN_DOOR = 'Accueil principal';

describe('the programme on the door', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  let server: TestServer;
  let base = '';
  let browser: Browser;
  let context: BrowserContext;
  let phone: Page;
  let ticketCode = '';
  // Today, 10:15 in Paris: the phone's clock is set there (its time zone is UTC: the line must use Paris's).
  const parisOffset = (d: Date) => {
    const local = new Date(d.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
    const utc = new Date(d.toLocaleString('en-US', { timeZone: 'UTC' }));
    return local.getTime() - utc.getTime();
  };
  const today = new Date();
  const tenFifteen = new Date(
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 10, 15) - parisOffset(today),
  );

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
    await call('POST', '/api/conferences', {
      conferenceId,
      name: 'Journée programmée',
      venue: 'Halle',
      startsAt: new Date(tenFifteen.getTime() - 2 * 3_600_000).toISOString(),
      endsAt: new Date(tenFifteen.getTime() + 8 * 3_600_000).toISOString(),
      timezone: 'Europe/Paris',
      capacity: 100,
      idCheckRequired: false,
      doors: [MAIN_DOOR],
      programme: [
        { at: '09:30', title: 'Accueil café' },
        { at: '10:00', title: 'Ouverture' },
        { at: '11:00', title: 'Table ronde' },
      ],
    });
    ({ ticketCode } = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
      firstName: 'Paul',
      lastName: 'Martin',
      email: 'paul.m@example.org',
      category: 'participant',
      lunch: false,
      photoConsent: false,
    }));
    browser = await launchBrowser();
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId });
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block', timezoneId: 'UTC' });
    phone = await context.newPage();
    await phone.clock.setFixedTime(tenFifteen);
    await phone.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await phone.getByRole('button', { name: MAIN_DOOR }).click();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('the current and the next item, by the conference’s clock, small and out of the result’s way', async () => {
    const line = phone.getByTestId('door-programme');
    await line.filter({ hasText: 'En cours : 10:00 Ouverture · Ensuite : 11:00 Table ronde' }).waitFor();
    await expectAccessible(phone, 'door, programme line (fr)');
    await phone.screenshot({ path: '/tmp/door-programme-fr.png' });
    // Small: two short lines at most on a phone, above the work and not over it.
    const box = await line.boundingBox();
    expect(box?.height ?? 0).toBeLessThan(48);

    // A scan's result does not cover it, nor it the result.
    await phone.keyboard.type(ticketCode, { delay: 2 });
    await phone.keyboard.press('Enter');
    const result = phone.getByTestId('scan-result');
    await result.getByRole('heading', { name: 'ADMIS' }).waitFor();
    const r = await result.boundingBox();
    const p = await line.boundingBox();
    if (!r || !p) throw new Error('no boxes');
    expect(p.y + p.height).toBeLessThanOrEqual(r.y);
  }, 60_000);

  test('the next item becomes current at its minute', async () => {
    await phone.clock.setFixedTime(new Date(tenFifteen.getTime() + 45 * 60_000));
    await phone.reload();
    await phone
      .getByTestId('door-programme')
      .filter({ hasText: /^En cours : 11:00 Table ronde$/ })
      .waitFor();
  }, 60_000);

  test('without network, the line is still there; in English too', async () => {
    await context.route('**/api/**', (route) => route.abort('connectionrefused'));
    await phone.evaluate("localStorage.setItem('emargement.lang', 'en')");
    await phone.reload();
    await phone.getByTestId('door-programme').filter({ hasText: 'Now: 11:00 Table ronde' }).waitFor();
    await expectAccessible(phone, 'door, programme line (en)');
    await phone.screenshot({ path: '/tmp/door-programme-en.png' });
    await context.unroute('**/api/**');
  }, 60_000);
});
