// « No identity document » is a refusal of its own: one tap at the door
// (« Pas de pièce d'identité »), refused `id_missing` and recorded like every
// refusal, online and, decided by the same decider, offline. Before, staff had
// to pick a document and then « Non » (a false name mismatch) or cancel
// (nothing recorded). The real server serves the built web app.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const DOOR = 'Accueil principal';

interface HistoryEntry {
  type: string;
  detail: { reason?: string; idCheck?: { document: string; nameMatches: boolean }; offline?: unknown };
}

describe('a person with no identity document, at the door', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const people = {
    online: { registrationId: randomUUID(), ticketCode: '', name: 'Claude Alphandéry' },
    offline: { registrationId: randomUUID(), ticketCode: '', name: 'Marie Lemaître' },
    api: { registrationId: randomUUID(), ticketCode: '', name: 'Jean Etcheverry' },
  };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let door: Page;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }
  const history = (rid: string) =>
    call<HistoryEntry[]>('GET', `/api/conferences/${conferenceId}/registrations/${rid}/history`);

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        idCheckRequired: true,
        doors: [DOOR],
      }),
    );
    for (const who of Object.values(people)) {
      const [firstName, lastName] = who.name.split(' ') as [string, string];
      const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
        registrationId: who.registrationId,
        firstName,
        lastName,
        email: `${randomUUID().slice(0, 8)}@example.org`,
        organisation: null,
        category: 'signatory',
        lunch: false,
        photoConsent: false,
      });
      who.ticketCode = registered.ticketCode;
    }
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    door = await context.newPage();
    await door.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await door.getByRole('button', { name: DOOR }).click();
    await door
      .getByTestId('door-status')
      .filter({ hasText: /· 3 billets/ })
      .waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  async function refuseWithoutDocument(who: { ticketCode: string; name: string }) {
    await door.getByTestId('ticket-code').fill(who.ticketCode);
    await door.getByTestId('ticket-code').press('Enter');
    await door.getByRole('button', { name: 'Pas de pièce d’identité' }).click();
    // Nothing left to ask: no name to compare without a document.
    await expect(door.getByRole('group', { name: 'Le nom correspond-il ?' }).count()).resolves.toBe(0);
    await expectAccessible(door, 'door, ID check with « Pas de pièce d’identité »');
    await door.getByRole('button', { name: 'Refuser l’entrée' }).click();
    const result = door.getByTestId('scan-result');
    await result.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await expect(result.getByTestId('refusal-reason').textContent()).resolves.toBe('Pas de pièce d’identité');
    await result.getByTestId('person-name').filter({ hasText: who.name }).waitFor();
    return result;
  }

  test('online: one tap refuses id_missing, and the refusal is recorded', async () => {
    const sent = door.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/scans'));
    await refuseWithoutDocument(people.online);
    expect((await sent).postDataJSON()).toMatchObject({ idCheck: { document: 'none' } });
    const steps = await history(people.online.registrationId);
    expect(steps.filter((s) => s.type === 'EntryRefused').map((s) => s.detail)).toEqual([
      expect.objectContaining({ reason: 'id_missing', idCheck: { document: 'none', nameMatches: false } }),
    ]);
    await door.getByRole('button', { name: 'Scan suivant' }).click();
  }, 60_000);

  test('offline: the phone decides the same, and the refusal is recorded on sync', async () => {
    await context.route('**/api/**', (route) => route.abort('connectionrefused'));
    const result = await refuseWithoutDocument(people.offline);
    await result.getByTestId('decided-offline').waitFor();
    await door.getByRole('button', { name: 'Scan suivant' }).click();
    await context.unroute('**/api/**');
    await door.locator('[data-testid="door-status"][data-pending="0"]').waitFor({ timeout: 30_000 });
    const steps = await history(people.offline.registrationId);
    expect(steps.filter((s) => s.type === 'EntryRefused').map((s) => s.detail.reason)).toEqual(['id_missing']);
    expect(steps.some((s) => s.type === 'ScanConflicted')).toBe(false);
  }, 60_000);

  test('the API takes `idCheck: {document: "none"}` without nameMatches', async () => {
    const answer = await call<{ result: string; reason: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      registrationId: people.api.registrationId,
      door: DOOR,
      idCheck: { document: 'none' },
    });
    expect(answer).toMatchObject({ result: 'refused', reason: 'id_missing' });
  });
});
