// Walk-ins do not trap the door: the places left are shown before the form,
// the e-mail is optional (someone at the desk may have none to give), and
// two walk-ins without an address are two people. The real server serves the
// built web app.
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
  detail: { source?: string };
}

describe('walk-ins at the door', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
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

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        capacity: 3,
        doors: [DOOR],
      }),
    );
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      firstName: 'Marie',
      lastName: 'Lemaître',
      email: 'marie@example.org',
      category: 'signatory',
      lunch: false,
      photoConsent: false,
    });
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    door = await context.newPage();
    await door.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await door.getByRole('button', { name: DOOR }).click();
    await door.getByTestId('ticket-code').waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  async function walkIn(firstName: string, lastName: string, placesShown: string) {
    await door.getByRole('button', { name: 'Inscription sur place' }).click();
    await expect(door.getByTestId('walkin-places').textContent()).resolves.toBe(placesShown);
    await door.getByLabel('Prénom').fill(firstName);
    await door.getByLabel('Nom', { exact: true }).fill(lastName);
    await expectAccessible(door, 'door, walk-in form');
    const registered = door.waitForResponse(
      (r) => r.url().endsWith('/registrations') && r.request().method() === 'POST',
    );
    await door.getByRole('button', { name: 'Inscrire et admettre' }).click();
    expect((await registered).status()).toBe(201);
    await door.getByTestId('scan-result').getByRole('heading', { name: 'ADMIS' }).waitFor();
    await door.getByRole('button', { name: 'Scan suivant' }).click();
  }

  test('the places left are shown first, and two walk-ins without an e-mail are admitted', async () => {
    await walkIn('Zoé', 'Núñez', '2 places restantes sur 3');
    await walkIn('Paul', 'Martin', '1 place restante sur 3');

    const list = await call<{ items: { registrationId: string; lastName: string; email: string; status: string }[] }>(
      'GET',
      `/api/conferences/${conferenceId}/registrations`,
    );
    const walkIns = list.items.filter((r) => r.lastName !== 'Lemaître');
    expect(walkIns.map((r) => [r.lastName, r.email, r.status]).sort()).toEqual([
      ['Martin', '', 'registered'],
      ['Núñez', '', 'registered'],
    ]);
    // Recorded as walk-ins (the door registered them), not as registrations made ahead.
    const steps = await call<HistoryEntry[]>(
      'GET',
      `/api/conferences/${conferenceId}/registrations/${walkIns[0]!.registrationId}/history`,
    );
    expect(steps.find((s) => s.type === 'PersonRegistered')?.detail.source).toBe('walk_in');
  }, 90_000);

  test('a full day is said before the form is filled', async () => {
    await door.getByRole('button', { name: 'Inscription sur place' }).click();
    await expect(door.getByTestId('walkin-places').textContent()).resolves.toMatch(
      /^Complet \(3 places, 0 en liste d’attente\)/,
    );
    await door.getByRole('button', { name: 'Annuler' }).click();
  }, 60_000);

  test('an organiser registering ahead still gives an address', async () => {
    const res = await request(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations`,
      {
        firstName: 'Sans',
        lastName: 'Adresse',
        category: 'participant',
        lunch: false,
        photoConsent: false,
      },
      { Authorization: `Bearer ${adminToken}` },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'missing_field' });
  });
});
