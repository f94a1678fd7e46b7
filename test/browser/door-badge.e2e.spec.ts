// « Imprimer le badge » at the door (issue 24), on a phone-sized screen: after
// an admission the badge is recorded in the print log and opened as a PDF for
// the phone's own print dialog; found again by search (« Déjà entré(e) »),
// a second badge says when the first was printed and asks why. The real
// server serves the built web app; nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const DOOR = 'Accueil principal';
/** Set to a folder to keep the screenshots (for a person to look at). */
const SHOTS = process.env.SCREENSHOT_DIR;

describe('the door prints a badge', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const claude = { registrationId: randomUUID(), ticketCode: '' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let door: Page;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
    return res.body;
  }

  beforeAll(async () => {
    assertWebBuilt();
    // A print server that does not answer (nothing listens on port 1): the door's printer, once set, fails.
    server = await startTestServer({ ADMIN_TOKEN: adminToken, CUPS_SERVER: '127.0.0.1:1' });
    base = server.base;
    await call('POST', '/api/conferences', todaysConference({ conferenceId, doors: [DOOR] }));
    const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: claude.registrationId,
      firstName: 'Claude',
      lastName: 'Alphandéry',
      email: `claude.${randomUUID().slice(0, 8)}@example.org`,
      organisation: 'Le Labo de l’ESS',
      category: 'speaker',
      lunch: false,
      photoConsent: false,
    });
    claude.ticketCode = registered.ticketCode;
    const { token } = await enrolDevice(base, adminToken, { name: 'Porte', role: 'door', conferenceId });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, serviceWorkers: 'block' });
    door = await context.newPage();
    await door.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await door.getByRole('button', { name: DOOR }).click();
    await door
      .getByTestId('door-status')
      .filter({ hasText: /· 1 billet/ })
      .waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  const result = () => door.getByTestId('scan-result');
  const badge = () => result().getByTestId('badge-print');

  test('after the admission: recorded, then opened as a PDF; a second one asks why and says when', async () => {
    await door.getByTestId('ticket-code').fill(claude.ticketCode);
    await door.getByTestId('ticket-code').press('Enter');
    await result().getByRole('heading', { name: 'ADMIS' }).waitFor();

    const recorded = door.waitForResponse((r) =>
      r.url().endsWith(`/registrations/${claude.registrationId}/badge-prints`),
    );
    await badge().getByRole('button', { name: 'Imprimer le badge' }).click();
    expect((await recorded).status()).toBe(201);
    const open = badge().getByRole('link', { name: 'Ouvrir le badge (PDF) pour l’imprimer' });
    await open.waitFor();
    // The link holds the badge itself (a blob: URL: a link cannot carry the token), opened apart for the print dialog.
    expect(await open.getAttribute('href')).toMatch(/^blob:/);
    expect(await open.getAttribute('target')).toBe('_blank');
    const opened = context.waitForEvent('page');
    await open.click();
    const pdfPage = await opened;
    expect(pdfPage.url()).toMatch(/^blob:/);
    await pdfPage.close();
    await expect(badge().getByTestId('badge-printed').textContent()).resolves.toContain('exemplaire 1');

    // Next person; then Claude comes back for a lost badge, found by name.
    await result().getByRole('button', { name: 'Scan suivant' }).click();
    await door.getByRole('searchbox', { name: 'Rechercher un nom' }).fill('alphandery');
    await door
      .getByRole('list', { name: 'Rechercher un nom' })
      .getByRole('button', { name: /Claude Alphandéry/ })
      .click();
    await result().getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await badge().getByRole('button', { name: 'Imprimer le badge' }).click();
    const already = badge().getByTestId('badge-already');
    await already.waitFor();
    expect(await already.textContent()).toMatch(/^Badge déjà imprimé à \d{2}:\d{2}\.$/);
    await expectAccessible(door, 'door, a badge already printed: the reprint asks why');
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await door.screenshot({ path: join(SHOTS, 'door-badge-reprint.png'), fullPage: true });
    }
    // No reason, no reprint.
    await expect(badge().getByRole('button', { name: 'Réimprimer' }).isDisabled()).resolves.toBe(true);
    await badge().getByRole('textbox', { name: 'Motif de la réimpression' }).fill('badge perdu');
    await badge().getByRole('button', { name: 'Réimprimer' }).click();
    await badge().getByTestId('badge-printed').filter({ hasText: 'exemplaire 2' }).waitFor();
    await expectAccessible(door, 'door, the badge printed again');

    const history = await call<{ type: string; detail: { copy?: number; reason?: string; printer?: string } }[]>(
      'GET',
      `/api/conferences/${conferenceId}/registrations/${claude.registrationId}/history`,
    );
    expect(history.filter((e) => e.type === 'BadgePrinted').map((e) => e.detail)).toEqual([
      expect.objectContaining({ copy: 1, printer: 'appareil' }),
      expect.objectContaining({ copy: 2, printer: 'appareil', reason: 'badge perdu' }),
    ]);
    // Printing admitted no one twice and undid nothing: one admission.
    expect(history.filter((e) => e.type === 'AttendeeAdmitted')).toHaveLength(1);
  }, 120_000);

  test('a door set to print on admission sends the badge itself; a printer that fails says so, the person is in', async () => {
    await call('PUT', `/api/conferences/${conferenceId}/badge-printers`, {
      door: DOOR,
      queue: 'badges-accueil',
      printOnAdmission: true,
    });
    const marie = await call<{ registrationId: string; ticketCode: string }>(
      'POST',
      `/api/conferences/${conferenceId}/registrations`,
      {
        firstName: 'Marie',
        lastName: 'Lemaître',
        email: `marie.${randomUUID().slice(0, 8)}@example.org`,
        organisation: null,
        category: 'participant',
        lunch: false,
        photoConsent: false,
      },
    );
    await door.reload();
    await door
      .getByTestId('door-status')
      .filter({ hasText: /· 2 billets/ })
      .waitFor();
    const sent = door.waitForResponse((r) => r.url().endsWith(`/registrations/${marie.registrationId}/badge-prints`));
    await door.getByTestId('ticket-code').fill(marie.ticketCode);
    await door.getByTestId('ticket-code').press('Enter');
    await result().getByRole('heading', { name: 'ADMIS' }).waitFor();
    expect((await sent).status()).toBe(503);
    const failed = badge().getByTestId('badge-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toBe(
      'Le serveur d’impression ne répond pas. Réessayez, ou imprimez depuis le téléphone.',
    );
    // The phone's own print dialog is offered instead.
    await badge().getByRole('button', { name: 'Imprimer le badge' }).waitFor();
    await expectAccessible(door, 'door, the printer does not answer');
    if (SHOTS) await door.screenshot({ path: join(SHOTS, 'door-badge-printer-failed.png'), fullPage: true });

    const history = await call<{ type: string; detail: { reason?: string; printer?: string } }[]>(
      'GET',
      `/api/conferences/${conferenceId}/registrations/${marie.registrationId}/history`,
    );
    expect(history.map((e) => e.type)).toEqual(['PersonRegistered', 'AttendeeAdmitted', 'BadgePrintFailed']);
    expect(history[2]!.detail).toMatchObject({ reason: 'printer_unreachable', printer: 'badges-accueil' });
  }, 120_000);
});
