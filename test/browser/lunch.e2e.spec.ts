// Lunch money is never lost: it can be taken wherever the person appears at
// the door (the result screen, and after « Scan suivant » by searching or
// rescanning them: « Déjà entré(e) » still takes the 20 €), offline through the
// door's outbox, and on the organisers' person page; a payment can be given
// back with a reason (`LunchPaymentReversed`); the door's till shows the money
// taken per method. The real server serves the built web app; nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1440, height: 900 };
const DOOR = 'Accueil principal';

/**
 * Waits until the locator shows exactly `text` (React renders after the answer arrives); a space in `text` also
 * matches the no-break spaces Intl puts in amounts (« 20,00 € »).
 */
const expectShown = (locator: Locator, text: string): Promise<void> =>
  locator
    .filter({
      hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s\u00a0\u202f]')}$`),
    })
    .waitFor();

interface HistoryEntry {
  type: string;
  detail: { paymentId?: string; method?: string; reason?: string; amountCents?: number };
}

describe('lunch payments at the door and for the organisers, reversible, offline too', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const claude = { registrationId: randomUUID(), ticketCode: '' };
  const marie = { registrationId: randomUUID(), ticketCode: '' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let doorToken = '';
  let door: Page;
  let doorContext: BrowserContext;

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
    // Today's day (a past one would wipe the door's list, which the offline part needs).
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        lunch: { priceCents: 2000, currency: 'EUR' },
        doors: [DOOR],
      }),
    );
    for (const [who, firstName, lastName] of [
      [claude, 'Claude', 'Alphandéry'],
      [marie, 'Marie', 'Lemaître'],
    ] as const) {
      const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
        registrationId: who.registrationId,
        firstName,
        lastName,
        email: `${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.org`,
        organisation: 'PTCE Sud Aquitaine',
        category: 'signatory',
        lunch: true,
        photoConsent: false,
      });
      who.ticketCode = registered.ticketCode;
    }
    ({ token: doorToken } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId }));
    browser = await launchBrowser();
    doorContext = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    contexts.push(doorContext);
    door = await doorContext.newPage();
    await door.goto(enrolmentUrl(base, 'door', doorToken, conferenceId));
    await door.getByRole('button', { name: DOOR }).click();
    await door
      .getByTestId('door-status')
      .filter({ hasText: /· 2 billets/ })
      .waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  const result = () => door.getByTestId('scan-result');
  const lunch = () => result().getByTestId('lunch-panel');

  async function scanCode(code: string) {
    await door.getByTestId('ticket-code').fill(code);
    await door.getByTestId('ticket-code').press('Enter');
  }

  test('after « Scan suivant », searching the person (« Déjà entré(e) ») still takes the lunch money', async () => {
    await scanCode(claude.ticketCode);
    await result().getByRole('heading', { name: 'ADMIS' }).waitFor();
    await lunch().getByRole('button', { name: 'Espèces' }).waitFor();
    // The volunteer moves on without taking the money.
    await result().getByRole('button', { name: 'Scan suivant' }).click();

    await door.getByRole('searchbox', { name: 'Rechercher un nom' }).fill('alphandery');
    await door
      .getByRole('list', { name: 'Rechercher un nom' })
      .getByRole('button', { name: /Claude Alphandéry/ })
      .click();
    await result().getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await expectShown(lunch().getByTestId('lunch-status'), 'Déjeuner prévu — à payer (20,00 €)');
    await expectAccessible(door, 'door, « Déjà entré(e) » with lunch to pay');
    const paid = door.waitForResponse((r) => r.url().endsWith(`/registrations/${claude.registrationId}/lunch-payment`));
    await lunch().getByRole('button', { name: 'Espèces' }).click();
    expect((await paid).status()).toBe(201);
    await expectShown(lunch().getByTestId('lunch-status'), 'Déjeuner payé (Espèces)');
    await result().getByRole('button', { name: 'Scan suivant' }).click();

    // The door's till: the money taken, by method.
    await expectShown(door.getByTestId('lunch-till-cash'), 'Espèces : 20,00 € (1)');
    const steps = await history(claude.registrationId);
    expect(steps.filter((s) => s.type === 'LunchPaid').map((s) => s.detail.method)).toEqual(['cash']);
  }, 90_000);

  test('the door gives the money back with a reason; the till and the server follow', async () => {
    await scanCode(claude.ticketCode);
    await result().getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await expectShown(lunch().getByTestId('lunch-status'), 'Déjeuner prévu — payé');
    await lunch().getByRole('button', { name: 'Annuler ce paiement' }).click();
    await lunch().getByLabel('Raison de l’annulation').fill('Ne déjeune finalement pas');
    const reversed = door.waitForResponse((r) => r.url().includes('/reverse'));
    await lunch().getByRole('button', { name: 'Rendre et annuler' }).click();
    expect((await reversed).status()).toBe(200);
    await lunch()
      .getByText(/^Paiement annulé : 20,00\s€ rendus \(Espèces\)$/)
      .waitFor();
    await result().getByRole('button', { name: 'Scan suivant' }).click();
    await door.getByTestId('lunch-till').getByText('aucun pour l’instant').waitFor();

    const steps = await history(claude.registrationId);
    expect(steps.map((s) => s.type).filter((t) => t.startsWith('Lunch'))).toEqual([
      'LunchPaid',
      'LunchPaymentReversed',
    ]);
    expect(steps.find((s) => s.type === 'LunchPaymentReversed')?.detail).toMatchObject({
      method: 'cash',
      amountCents: 2000,
      reason: 'Ne déjeune finalement pas',
    });
  }, 90_000);

  test('offline, the payment waits in the outbox and reaches the server on sync', async () => {
    await doorContext.route('**/api/**', (route) => route.abort('connectionrefused'));
    await scanCode(marie.ticketCode);
    await result().getByRole('heading', { name: 'ADMIS' }).waitFor();
    await result().getByTestId('decided-offline').waitFor();
    await lunch().getByRole('button', { name: 'Carte' }).click();
    await expectShown(lunch().getByTestId('lunch-status'), 'Déjeuner payé (Carte) — sera envoyé au retour du réseau');
    await result().getByRole('button', { name: 'Scan suivant' }).click();
    await expectShown(door.getByTestId('lunch-till-card'), 'Carte : 20,00 € (1)');
    // The scan and the payment wait.
    await door.locator('[data-testid="door-status"][data-pending="2"]').waitFor();

    await doorContext.unroute('**/api/**');
    await door.locator('[data-testid="door-status"][data-pending="0"]').waitFor({ timeout: 30_000 });
    const steps = await history(marie.registrationId);
    expect(steps.map((s) => s.type)).toEqual(expect.arrayContaining(['AttendeeAdmitted', 'LunchPaid']));
    expect(steps.find((s) => s.type === 'LunchPaid')?.detail.method).toBe('card');
  }, 90_000);

  test('the organisers take and reverse a payment from the person’s page', async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(
      `${base}/admin/?registration=${claude.registrationId}#conference=${conferenceId}&token=${adminToken}`,
    );
    const panel = page.getByTestId('lunch-panel');
    await expectShown(panel.getByTestId('lunch-status'), 'Déjeuner prévu — à payer (20,00 €)');
    await panel.getByRole('button', { name: 'Chèque' }).click();
    await page.getByTestId('history-entry').filter({ hasText: 'Déjeuner payé' }).last().waitFor();
    await expectAccessible(page, 'organisers, person page with a payment');
    await page.getByTestId('lunch-panel').getByRole('button', { name: 'Annuler ce paiement' }).click();
    await page.getByTestId('lunch-panel').getByLabel('Raison de l’annulation').fill('Chèque sans provision');
    await page.getByTestId('lunch-panel').getByRole('button', { name: 'Rendre et annuler' }).click();
    await page
      .getByTestId('history-entry')
      .filter({ hasText: 'Paiement du déjeuner annulé' })
      .filter({ hasText: 'Chèque sans provision' })
      .waitFor();
    const steps = await history(claude.registrationId);
    expect(steps.filter((s) => s.type.startsWith('Lunch')).map((s) => [s.type, s.detail.method])).toEqual([
      ['LunchPaid', 'cash'],
      ['LunchPaymentReversed', 'cash'],
      ['LunchPaid', 'cheque'],
      ['LunchPaymentReversed', 'cheque'],
    ]);
  }, 90_000);
});
