// Mistakes can be corrected at the door: any admission, not only the last one
// on its result screen, is undone with a reason from the door's search results
// or the person's screen, online or, without network, through the door's
// outbox, then applied on sync. A second undo (an organiser came first) is
// refused `already_undone` and recorded in the person's history.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const MAIN_DOOR = 'Accueil principal';
const SIDE_DOOR = 'Accueil intervenants';

interface Person {
  registrationId: string;
  firstName: string;
  lastName: string;
  ticketCode: string;
}

interface HistoryEntry {
  type: string;
  detail: { reason?: string; note?: string; scanId?: string };
}

describe('undoing any admission at the door, online and offline', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  let server: TestServer;
  let base = '';
  let browser: Browser;
  let context: BrowserContext;
  let phone: Page;
  const person = (firstName: string, lastName: string): Person => ({
    registrationId: randomUUID(),
    firstName,
    lastName,
    ticketCode: '',
  });
  const anne = person('Anne', 'Lefèvre');
  const bruno = person('Bruno', 'Carré');
  const chloe = person('Chloé', 'Besson');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  const ticketState = async (p: Person) =>
    (
      await call<{ state: string }>(
        'GET',
        `/api/conferences/${conferenceId}/tickets/${encodeURIComponent(p.ticketCode)}`,
      )
    ).state;
  const history = (p: Person) =>
    call<HistoryEntry[]>('GET', `/api/conferences/${conferenceId}/registrations/${p.registrationId}/history`);
  const status = () => phone.getByTestId('door-status');

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    // Today's conference (a list is kept until 12 h after the end), no ID check.
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        name: 'Journée des corrections',
        venue: 'Halle',
        doors: [MAIN_DOOR, SIDE_DOOR],
      }),
    );
    for (const p of [anne, bruno, chloe]) {
      ({ ticketCode: p.ticketCode } = await call<{ ticketCode: string }>(
        'POST',
        `/api/conferences/${conferenceId}/registrations`,
        {
          registrationId: p.registrationId,
          firstName: p.firstName,
          lastName: p.lastName,
          email: `${p.firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.org`,
          category: 'participant',
          lunch: false,
          photoConsent: false,
        },
      ));
      // Let in at the other door, by another phone: none of them is this phone's last admission.
      await call('POST', `/api/conferences/${conferenceId}/scans`, {
        scanId: randomUUID(),
        registrationId: p.registrationId,
        door: SIDE_DOOR,
      });
    }
    browser = await launchBrowser();
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte A', role: 'door', conferenceId });
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    phone = await context.newPage();
    await phone.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await phone.getByRole('button', { name: MAIN_DOOR }).click();
    await status()
      .filter({ hasText: /liste du \d\d:\d\d · 3 billets/ })
      .waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  /** The undo button of one person among the search results. */
  const undoIn = (name: string, words: string) =>
    phone.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: words });

  async function search(q: string) {
    const box = phone.getByRole('searchbox', { name: 'Rechercher un nom' });
    await box.fill('');
    await box.fill(q);
  }

  test('from the search results, online: the reason travels and is stored, the ticket is expected again', async () => {
    await search('Lefèvre');
    await phone.getByTestId('result-admitted').filter({ hasText: SIDE_DOOR }).waitFor();
    await undoIn('Anne Lefèvre', 'Annuler cette entrée').click();
    await phone.getByLabel('Motif de l’annulation').fill('Badge prêté à un collègue');
    await expectAccessible(phone, 'door, search results, undo form (fr)');
    await phone.screenshot({ path: '/tmp/undo-search-fr.png', fullPage: true });
    const answered = phone.waitForResponse((r) =>
      r.url().endsWith(`/registrations/${anne.registrationId}/undo-admission`),
    );
    await phone.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    const answer = await answered;
    expect(answer.status()).toBe(200);
    expect(answer.request().postDataJSON()).toMatchObject({ reason: 'Badge prêté à un collègue' });
    await phone.getByText('Entrée annulée : Anne Lefèvre').waitFor();
    // The same search no longer shows her in.
    await expect(phone.getByTestId('result-admitted').count()).resolves.toBe(0);
    expect(await ticketState(anne)).toBe('expected');
    const undone = (await history(anne)).find((e) => e.type === 'AdmissionUndone');
    expect(undone?.detail.reason).toBe('Badge prêté à un collègue');
  }, 60_000);

  test('without network: undone from the person’s screen and from the search, queued, applied on sync', async () => {
    // The network goes: every call to the server fails as a dead Wi-Fi would.
    await context.route('**/api/**', (route) => route.abort('connectionrefused'));

    // Bruno, found by name: his screen says he is in, and offers the undo.
    await search('Carré');
    await phone.getByRole('button', { name: /^Bruno Carré/ }).click();
    const result = phone.getByTestId('scan-result');
    await result.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await result.getByRole('button', { name: 'Annuler cette entrée' }).click();
    await result.getByLabel('Motif de l’annulation').fill('Scanné à la place de sa collègue');
    await expectAccessible(phone, 'door, person screen, undo form (fr)');
    await phone.screenshot({ path: '/tmp/undo-person-offline-fr.png', fullPage: true });
    await result.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    await phone.getByText('Entrée annulée : Bruno Carré (envoyée au retour du réseau)').waitFor();

    // Chloé, from the search results, still offline.
    await search('Besson');
    await undoIn('Chloé Besson', 'Annuler cette entrée').click();
    await phone.getByLabel('Motif de l’annulation').fill('Erreur de badge');
    await phone.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    await phone.getByText('Entrée annulée : Chloé Besson (envoyée au retour du réseau)').waitFor();
    // Bruno's second scan (refused on the phone: already in) and the two undos.
    await phone.locator('[data-testid="door-status"][data-pending="3"]').waitFor();
    // Neither is shown as in any more on this phone, and she can be admitted again here.
    await expect(phone.getByTestId('result-admitted').count()).resolves.toBe(0);

    // Meanwhile an organiser undoes Bruno's admission from the server side: the phone's undo will come second.
    const organiser = await request<{ undoId: string }>(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations/${bruno.registrationId}/undo-admission`,
      { undoId: randomUUID(), reason: 'Corrigé au bureau' },
      { Authorization: `Bearer ${adminToken}` },
    );
    expect(organiser.status).toBe(200);

    // The network comes back: the outbox goes up by itself.
    const sent: { url: string; status: number }[] = [];
    phone.on('response', (r) => {
      if (r.url().endsWith('/undo-admission')) sent.push({ url: r.url(), status: r.status() });
    });
    await context.unroute('**/api/**');
    await phone.locator('[data-testid="door-status"][data-pending="0"]').waitFor({ timeout: 30_000 });

    // Chloé's undo was applied, with the reason typed offline.
    expect(await ticketState(chloe)).toBe('expected');
    const chloeUndo = (await history(chloe)).find((e) => e.type === 'AdmissionUndone');
    expect(chloeUndo?.detail.reason).toBe('Erreur de badge');

    // Bruno's came second: refused with a stable code, recorded, and the door is told in words.
    expect(sent.find((s) => s.url.includes(bruno.registrationId))?.status).toBe(409);
    const refused = (await history(bruno)).filter((e) => e.type === 'AdmissionUndoRefused');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.detail).toMatchObject({ reason: 'already_undone', note: 'Scanné à la place de sa collègue' });
    await phone
      .getByTestId('sync-notice')
      .filter({ hasText: /Bruno Carré : l’annulation d’entrée de \d\d:\d\d a été refusée \(entrée déjà annulée\)/ })
      .waitFor();
    await expectAccessible(phone, 'door, undo refused notice (fr)');
  }, 90_000);

  test('a second undo is refused already_undone, an undo of nothing nothing_to_undo; both recorded', async () => {
    // Chloé's admission was undone on sync and she was not admitted again: another undo comes second.
    const res = await request<{ code: string }>(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations/${chloe.registrationId}/undo-admission`,
      { undoId: randomUUID(), reason: 'Deux fois' },
      { Authorization: `Bearer ${adminToken}` },
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('already_undone');
    const never = person('Denis', 'Jamais');
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: never.registrationId,
      firstName: never.firstName,
      lastName: never.lastName,
      email: `denis.${randomUUID().slice(0, 8)}@example.org`,
      category: 'participant',
      lunch: false,
      photoConsent: false,
    });
    const nothing = await request<{ code: string }>(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations/${never.registrationId}/undo-admission`,
      { undoId: randomUUID(), reason: 'Par erreur' },
      { Authorization: `Bearer ${adminToken}` },
    );
    expect(nothing.status).toBe(409);
    expect(nothing.body.code).toBe('nothing_to_undo');
    expect((await history(never)).map((e) => e.type)).toContain('AdmissionUndoRefused');
    // A reason is required, and nothing is recorded without one.
    const bare = await request<{ code: string }>(
      base,
      'POST',
      `/api/conferences/${conferenceId}/registrations/${never.registrationId}/undo-admission`,
      { undoId: randomUUID(), reason: '   ' },
      { Authorization: `Bearer ${adminToken}` },
    );
    expect(bare.status).toBe(400);
    expect((await history(never)).filter((e) => e.type === 'AdmissionUndoRefused')).toHaveLength(1);
  }, 60_000);

  test('in English, the undo form on the door is accessible too', async () => {
    await call('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      registrationId: anne.registrationId,
      door: SIDE_DOOR,
    });
    await phone.evaluate("localStorage.setItem('emargement.lang', 'en')");
    await phone.reload();
    await status()
      .filter({ hasText: /4 tickets/ }) // Denis joined the list
      .waitFor();
    await phone.getByRole('searchbox').fill('Lefèvre');
    await undoIn('Anne Lefèvre', 'Undo this admission').click();
    await phone.getByLabel('Reason for undoing').waitFor();
    await expectAccessible(phone, 'door, search results, undo form (en)');
    await phone.screenshot({ path: '/tmp/undo-search-en.png', fullPage: true });
  }, 60_000);
});
