// Walk-ins without network (issue 22, item 5): the server is stopped (a
// closed port, which no service worker escapes) and the door phone still
// registers walk-ins, decided by the conference's own decider on its day's
// list, with a registration id and a ticket code it draws itself, and admits
// them at once. When the network is back, each registration goes up before
// the admission made on it: the person is on the organisers' list; a person
// the organisers registered meanwhile (same address) is not lost but comes
// back as a notice at the door and a recorded conflict for the organisers.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1440, height: 900 };
const DOOR = 'Accueil principal';

interface SentRegistration {
  registrationId: string;
  ticketCode?: string;
  lastName: string;
}

describe('walk-ins without network', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  let server: TestServer;
  let stopped: Awaited<ReturnType<TestServer['stop']>> | null = null;
  let base = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let door: Page;
  let doorContext: BrowserContext;
  const sent: SentRegistration[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  const status = () => door.getByTestId('door-status');

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        capacity: 4,
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
    doorContext = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    contexts.push(doorContext);
    door = await doorContext.newPage();
    door.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/api/conferences/${conferenceId}/registrations`)) {
        const body = r.postDataJSON() as SentRegistration;
        if (!sent.some((s) => s.registrationId === body.registrationId)) sent.push(body);
      }
    });
    await door.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await door.getByRole('button', { name: DOOR }).click();
    await status()
      .filter({ hasText: /liste du \d\d:\d\d · 1 billets/ })
      .waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    if (stopped) await stopped.dispose();
    else await server?.close();
  });

  const WORDS = {
    fr: {
      walkIn: 'Inscription sur place',
      fromList: /^D’après la liste du téléphone \(\d\d:\d\d\)$/,
      first: 'Prénom',
      last: 'Nom',
      submit: 'Inscrire et admettre',
      admitted: 'ADMIS',
      next: 'Scan suivant',
    },
    en: {
      walkIn: 'Walk-in registration',
      fromList: /^From the phone’s list \(\d\d:\d\d\)$/,
      first: 'First name',
      last: 'Last name',
      submit: 'Register and admit',
      admitted: 'ADMITTED',
      next: 'Next scan',
    },
  } as const;

  async function walkInOffline(
    lang: 'fr' | 'en',
    firstName: string,
    lastName: string,
    email: string | null,
    placesShown: string,
  ) {
    const w = WORDS[lang];
    await door.getByRole('button', { name: w.walkIn }).click();
    const places = door.getByTestId('walkin-places');
    // The server does not answer: the places come from the phone's list, which says how old it is.
    await places.getByText(w.fromList).waitFor();
    await expect(places.locator('p').first().textContent()).resolves.toBe(placesShown);
    await door.getByLabel(w.first).fill(firstName);
    await door.getByLabel(w.last, { exact: true }).fill(lastName);
    if (email) await door.getByLabel(/^E-mail/).fill(email);
    await expectAccessible(door, `door, walk-in form offline (${lang})`);
    await door.screenshot({ path: `/tmp/walkin-offline-form-${lang}.png`, fullPage: true });
    await door.getByRole('button', { name: w.submit }).click();
    const result = door.getByTestId('scan-result');
    await result.getByRole('heading', { name: w.admitted }).waitFor();
    await result
      .getByTestId('person-name')
      .filter({ hasText: `${firstName} ${lastName}` })
      .waitFor();
    await result.getByTestId('decided-offline').waitFor();
    await door.getByRole('button', { name: w.next }).click();
  }

  test('with the server down, two walk-ins are registered and admitted on the phone', async () => {
    stopped = await server.stop();

    await walkInOffline('fr', 'Anne', 'Dupuis', 'anne@example.org', '3 places restantes sur 4');
    await door.getByText(/^Hors ligne : une inscription sur place est décidée ici/).waitFor();

    // In English too; the phone counts its own walk-in: one place fewer.
    await door.getByRole('button', { name: 'Switch to English' }).click();
    await walkInOffline('en', 'Jean', 'Petit', null, '2 places left of 4');

    // Two registrations and two admissions wait in the outbox.
    await door.locator('[data-testid="door-status"][data-pending="4"]').waitFor();
    await door.getByText(/^Offline: a walk-in is decided here/).waitFor();
  }, 90_000);

  test('back online: registered then admitted; a duplicate made meanwhile is a notice and a recorded conflict', async () => {
    // The phone stays cut while the server comes back and the organisers register Anne themselves.
    await doorContext.route('**/*', (route) => route.abort('connectionrefused'));
    if (!stopped) throw new Error('the server was not stopped');
    server = await stopped.start();
    stopped = null;
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      firstName: 'Anne',
      lastName: 'Dupuis',
      email: 'anne@example.org',
      category: 'participant',
      lunch: false,
      photoConsent: false,
    });
    await doorContext.unroute('**/*');

    await door.locator('[data-testid="door-status"][data-pending="0"]').waitFor({ timeout: 30_000 });
    const notice = door.getByTestId('sync-notice');
    await notice
      .filter({
        hasText: /^Anne Dupuis: the walk-in registration of \d\d:\d\d was refused by the server \(duplicate_email\)/,
      })
      .waitFor();
    await expectAccessible(door, 'door, walk-in refused on sync (en)');
    await door.screenshot({ path: '/tmp/walkin-offline-synced-en.png', fullPage: true });
    await door.getByRole('button', { name: 'Passer en français' }).click();
    await notice
      .filter({
        hasText: /^Anne Dupuis : l’inscription sur place de \d\d:\d\d a été refusée par le serveur \(duplicate_email\)/,
      })
      .waitFor();
    await expectAccessible(door, 'door, walk-in refused on sync (fr)');
    await door.screenshot({ path: '/tmp/walkin-offline-synced.png', fullPage: true });

    // Each registration went up with the id and the ticket code the phone drew.
    expect(sent.map((s) => s.lastName).sort()).toEqual(['Dupuis', 'Petit']);
    for (const s of sent) expect(s.ticketCode).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // Jean is on the organisers' list, registered as a walk-in with the ticket the phone drew, and admitted.
    const jean = sent.find((s) => s.lastName === 'Petit')!;
    const list = await call<{
      items: { registrationId: string; lastName: string; status: string; admitted: unknown }[];
    }>('GET', `/api/conferences/${conferenceId}/registrations`);
    expect(list.items.find((r) => r.registrationId === jean.registrationId)).toMatchObject({
      lastName: 'Petit',
      status: 'registered',
      admitted: { door: DOOR },
    });
    const ticket = await call<{ attendee: { registrationId: string } }>(
      'GET',
      `/api/conferences/${conferenceId}/tickets/${jean.ticketCode!}`,
    );
    expect(ticket.attendee.registrationId).toBe(jean.registrationId);

    // Anne's admission at the door is not lost: the organisers see it as a conflict to look at.
    const anne = sent.find((s) => s.lastName === 'Dupuis')!;
    const conflicts = await call<{ registrationId: string | null; reason: string }[]>(
      'GET',
      `/api/conferences/${conferenceId}/conflicts`,
    );
    expect(conflicts).toEqual([
      expect.objectContaining({ registrationId: anne.registrationId, reason: 'unknown_ticket' }),
    ]);

    // And on the organisers' page, the walk-in is on the list.
    const admin = await (async () => {
      const context = await browser.newContext({ viewport: LAPTOP });
      contexts.push(context);
      return context.newPage();
    })();
    await admin.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await admin.getByRole('cell', { name: 'Petit' }).first().waitFor();
  }, 120_000);
});
