// Walk-ins at a full day, as the door and the organisers live it (issue 22,
// item 5): the places left are said before the form; at a full day without
// the organisers' setting, a walk-in goes on the waiting list and the door
// says « Liste d'attente » in words, never REFUSÉ; with the setting, the
// volunteer may choose « Accepter au-delà de la capacité », which registers
// the person with that decision recorded, the capacity unchanged. Real
// server, real browser, phone at 390×844 and organisers at 1440×900.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1440, height: 900 };
const DOOR = 'Accueil principal';

interface HistoryEntry {
  type: string;
  device?: string;
  detail: { source?: string; beyondCapacity?: boolean };
}

describe('walk-ins at a full day', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let door: Page;
  let doorToken: string;

  async function call<T>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${token}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async function page(viewport: { width: number; height: number }, lang: 'fr' | 'en' = 'fr'): Promise<Page> {
    const context = await browser.newContext({ viewport, hasTouch: true, serviceWorkers: 'block' });
    await context.addInitScript(`localStorage.setItem('emargement.lang', ${JSON.stringify(lang)})`);
    contexts.push(context);
    return context.newPage();
  }

  async function openDoor(lang: 'fr' | 'en' = 'fr'): Promise<Page> {
    const p = await page(PHONE, lang);
    await p.goto(enrolmentUrl(base, 'door', doorToken, conferenceId));
    await p.getByRole('button', { name: DOOR }).click();
    await p.getByTestId('ticket-code').waitFor();
    return p;
  }

  async function fillWalkIn(p: Page, firstName: string, lastName: string) {
    await p.getByLabel('Prénom').fill(firstName);
    await p.getByLabel('Nom', { exact: true }).fill(lastName);
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
        capacity: 2,
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
    ({ token: doorToken } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId }));
    browser = await launchBrowser();
    door = await openDoor();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('the places left are said before the form, and the last place goes to a walk-in', async () => {
    await door.getByRole('button', { name: 'Inscription sur place' }).click();
    await expect(door.getByTestId('walkin-places').textContent()).resolves.toBe('1 place restante sur 2');
    await expectAccessible(door, 'door, walk-in form with places left (fr)');
    await door.screenshot({ path: '/tmp/walkin-places-left.png', fullPage: true });
    await fillWalkIn(door, 'Zoé', 'Núñez');
    await door.getByRole('button', { name: 'Inscrire et admettre' }).click();
    await door.getByTestId('scan-result').getByRole('heading', { name: 'ADMIS' }).waitFor();
    await door.getByRole('button', { name: 'Scan suivant' }).click();
  }, 90_000);

  test('full, without the setting: said before the form, and a walk-in waits in words, never REFUSÉ', async () => {
    await door.getByRole('button', { name: 'Inscription sur place' }).click();
    await expect(door.getByTestId('walkin-places').textContent()).resolves.toBe(
      'Complet (2 places, 0 en liste d’attente) : une inscription ira sur la liste d’attente',
    );
    await expect(door.getByRole('button', { name: 'Accepter au-delà de la capacité' }).count()).resolves.toBe(0);
    await expectAccessible(door, 'door, walk-in form at a full day (fr)');
    await door.screenshot({ path: '/tmp/walkin-full.png', fullPage: true });
    await fillWalkIn(door, 'Paul', 'Martin');
    await door.getByRole('button', { name: 'Inscrire en liste d’attente' }).click();
    const waiting = door.getByTestId('walkin-waitlisted');
    await waiting.getByRole('heading', { name: 'Liste d’attente' }).waitFor();
    await expect(waiting.getByTestId('person-name').textContent()).resolves.toBe('Paul Martin');
    await expect(door.getByTestId('scan-result').count()).resolves.toBe(0);
    await expect(door.getByText('REFUSÉ').count()).resolves.toBe(0);
    await expectAccessible(door, 'door, walk-in on the waiting list (fr)');
    await door.screenshot({ path: '/tmp/walkin-waitlisted.png', fullPage: true });
    await door.getByRole('button', { name: 'Scan suivant' }).click();

    // A door that asks beyond the capacity without the setting is refused with a stable code.
    const refused = await request(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations`,
      {
        registrationId: randomUUID(),
        firstName: 'Hors',
        lastName: 'Capacité',
        category: 'participant',
        lunch: false,
        photoConsent: false,
        beyondCapacity: true,
      },
      { Authorization: `Bearer ${doorToken}` },
    );
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'beyond_capacity_not_allowed' });
  }, 90_000);

  test('the organisers turn on « Accepter au-delà de la capacité » from their page', async () => {
    for (const lang of ['fr', 'en'] as const) {
      const admin = await page(LAPTOP, lang);
      await admin.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
      await admin.getByRole('button', { name: lang === 'fr' ? 'Conférence' : 'Conference', exact: true }).click();
      const box = admin.getByRole('checkbox', {
        name: lang === 'fr' ? 'Accepter au-delà de la capacité' : 'Accept beyond capacity',
      });
      await box.waitFor();
      await expectAccessible(admin, `organisers, walk-in setting (${lang})`);
      await admin.screenshot({ path: `/tmp/walkin-admin-setting-${lang}.png`, fullPage: true });
      if (lang === 'fr') {
        await expect(box.isChecked()).resolves.toBe(false);
        await box.check();
        await admin.getByText('Réglage enregistré.').waitFor();
      } else {
        // Read back from the server: the setting holds.
        await expect(box.isChecked()).resolves.toBe(true);
      }
    }
    const conference = await call<{ capacity: number; walkIns: { beyondCapacity: boolean } }>(
      'GET',
      `/api/conferences/${conferenceId}`,
    );
    expect(conference).toMatchObject({ capacity: 2, walkIns: { beyondCapacity: true } });
  }, 90_000);

  test('full, with the setting: the volunteer accepts a walk-in beyond the capacity, a recorded decision', async () => {
    await door.getByRole('button', { name: 'Inscription sur place' }).click();
    await expect(door.getByTestId('walkin-places').textContent()).resolves.toBe(
      'Complet (2 places) : les organisateurs permettent d’accepter une personne au-delà de la capacité',
    );
    await fillWalkIn(door, 'Léa', 'Garnier');
    await expectAccessible(door, 'door, walk-in beyond capacity (fr)');
    await door.screenshot({ path: '/tmp/walkin-beyond-fr.png', fullPage: true });
    await door.getByRole('button', { name: 'Accepter au-delà de la capacité' }).click();
    await door.getByTestId('scan-result').getByRole('heading', { name: 'ADMIS' }).waitFor();
    await door.getByRole('button', { name: 'Scan suivant' }).click();

    const list = await call<{ items: { registrationId: string; lastName: string; status: string }[] }>(
      'GET',
      `/api/conferences/${conferenceId}/registrations`,
    );
    const lea = list.items.find((r) => r.lastName === 'Garnier');
    expect(lea?.status).toBe('registered');
    const steps = await call<HistoryEntry[]>(
      'GET',
      `/api/conferences/${conferenceId}/registrations/${lea!.registrationId}/history`,
    );
    const registered = steps.find((s) => s.type === 'PersonRegistered');
    // Who decided: the door's device, and that it was beyond the capacity.
    expect(registered).toMatchObject({ device: 'Porte', detail: { source: 'walk_in', beyondCapacity: true } });
    // The capacity itself was not raised.
    const conference = await call<{ capacity: number; registered: number }>('GET', `/api/conferences/${conferenceId}`);
    expect(conference).toMatchObject({ capacity: 2, registered: 3 });
  }, 90_000);

  test('in English too', async () => {
    const en = await openDoor('en');
    await en.getByRole('button', { name: 'Walk-in registration' }).click();
    await expect(en.getByTestId('walkin-places').textContent()).resolves.toBe(
      'Full (2 places): the organisers allow accepting a person beyond capacity',
    );
    await en.getByRole('button', { name: 'Accept beyond capacity' }).waitFor();
    await en.getByRole('button', { name: 'Put on the waiting list' }).waitFor();
    await expectAccessible(en, 'door, walk-in beyond capacity (en)');
    await en.screenshot({ path: '/tmp/walkin-beyond-en.png', fullPage: true });
    await en.getByLabel('First name').fill('Sam');
    await en.getByLabel('Last name').fill('Taylor');
    await en.getByRole('button', { name: 'Put on the waiting list' }).click();
    await en.getByTestId('walkin-waitlisted').getByRole('heading', { name: 'Waiting list' }).waitFor();
    await expectAccessible(en, 'door, walk-in on the waiting list (en)');
    await en.screenshot({ path: '/tmp/walkin-waitlisted-en.png', fullPage: true });
  }, 90_000);
});
