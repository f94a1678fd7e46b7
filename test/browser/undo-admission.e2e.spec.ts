// Mistakes can be corrected after the fact: any admission that stands can be
// undone, with its reason, from the person's page on the organisers' side
// (before, only the last admission, on its result screen, on the door phone).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, launchBrowser, ptceConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

describe('undoing an admission from the person’s page', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const registrationId = randomUUID();
  let ticketCode = '';
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;

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
    const fixture = ptceConference();
    await call('POST', '/api/conferences', { conferenceId, ...fixture });
    ({ ticketCode } = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId,
      firstName: 'Claude',
      lastName: 'Alphandéry',
      email: 'claude@example.org',
      category: 'speaker',
      lunch: false,
      photoConsent: false,
    }));
    // Let in by mistake at the press door, an hour ago (not the last scan of any phone).
    await call('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      registrationId,
      door: fixture.doors[1],
      idCheck: { document: 'passport', nameMatches: true },
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('the organiser undoes it with a reason; the history and the ticket follow', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/admin/?registration=${registrationId}#conference=${conferenceId}&token=${adminToken}`);
    await page
      .getByRole('button', { name: /^Annuler cette entrée \(\d\d:\d\d, Accueil intervenants et presse\)$/ })
      .click();
    await page.getByLabel('Motif de l’annulation').fill('Badge prêté à un collègue');
    await expectAccessible(page, 'organisers, person page, undo form');
    const undone = page.waitForResponse((r) => r.url().endsWith(`/registrations/${registrationId}/undo-admission`));
    await page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    const answer = await undone;
    expect(answer.status()).toBe(200);
    // The undo has its own id and names the admission meant; the reason travels as typed.
    expect(answer.request().postDataJSON()).toMatchObject({ reason: 'Badge prêté à un collègue' });
    expect(answer.request().postDataJSON()).toHaveProperty('undoId');
    await page
      .getByTestId('history-entry')
      .filter({ hasText: 'Entrée annulée' })
      .filter({ hasText: 'Badge prêté à un collègue' })
      .waitFor();
    await expect(page.getByRole('button', { name: /^Annuler cette entrée/ }).count()).resolves.toBe(0);
    const ticket = await call<{ state: string }>(
      'GET',
      `/api/conferences/${conferenceId}/tickets/${encodeURIComponent(ticketCode)}`,
    );
    expect(ticket.state).toBe('expected');
  }, 60_000);
});
