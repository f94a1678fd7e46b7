// The door app end to end: the real server (createApp on a real SQLite file)
// serving the built web app, driven in headless Chromium whose fake camera
// shows a ticket PNG the server itself rendered. Nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertWebBuilt,
  enrolDevice,
  enrolmentUrl,
  launchBrowser,
  pngToY4m,
  ptceConference,
} from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const MAIN_DOOR = 'Accueil principal';
const SPEAKERS_DOOR = 'Accueil intervenants et presse';

interface ScanAnswer {
  scanId: string;
  result: 'admitted' | 'refused';
  reason?: string;
  admittedAt?: string;
  previous?: { at: string; door: string };
}

/** HH:MM as the door shows it: the conference's wall clock. */
const wallClock = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
    new Date(iso),
  );

describe('door app in a real browser against the real server', () => {
  /** The ticket image and camera feed; kept out of the server's DATA_DIR, which holds only what the server wrote. */
  const work = mkdtempSync(join(tmpdir(), 'emargement-door-browser-'));
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const claude = { registrationId: randomUUID(), ticketCode: '' };
  const marie = { registrationId: randomUUID() };
  const walkInEmail = `zoe.nunez.${randomUUID().slice(0, 8)}@example.org`;
  let timezone = 'Europe/Paris';
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** The first admission's answer, which the second scan's refusal must name. */
  let firstAdmission: ScanAnswer | undefined;
  /** The door phones' token: one `door` device, paired as the organisers' QR code would pair it. */
  let doorToken = '';

  /** An organiser's call that must succeed (setting the scene, not under test). */
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

    // The PTCE 2014 day as its programme describes it: two doors, ID check, paid lunch.
    const fixture = ptceConference();
    timezone = fixture.timezone;
    await call('POST', '/api/conferences', { conferenceId, ...fixture });
    const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: claude.registrationId,
      firstName: 'Claude',
      lastName: 'Alphandéry',
      email: 'claude.alphandery@example.org',
      organisation: "Le Labo de l'ESS",
      category: 'speaker',
      lunch: true,
      photoConsent: true,
    });
    claude.ticketCode = registered.ticketCode;
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: marie.registrationId,
      firstName: 'Marie',
      lastName: 'Lemaître',
      email: 'marie.lemaitre@example.org',
      organisation: 'PTCE Sud Aquitaine',
      category: 'signatory',
      lunch: false,
      photoConsent: false,
    });
    // The door phones are a `door` device, enrolled by the organiser.
    ({ token: doorToken } = await enrolDevice(base, adminToken, { name: 'Porte test', role: 'door', conferenceId }));

    // The ticket exactly as the server renders it, shown to the fake camera.
    const png = await fetch(
      `${base}/api/conferences/${conferenceId}/registrations/${claude.registrationId}/ticket.png`,
      {
        headers: { Authorization: `Bearer ${adminToken}` },
      },
    );
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toMatch(/^image\/png/);
    const pngPath = join(work, 'ticket.png');
    writeFileSync(pngPath, Buffer.from(await png.arrayBuffer()));
    const y4m = join(work, 'ticket.y4m');
    pngToY4m(pngPath, y4m, { width: 800, height: 600, frames: 2 });
    browser = await launchBrowser({ fakeCameraFile: y4m });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A phone of its own (its own localStorage), enrolled by the pairing link, standing at `door`. */
  async function doorPhone(door: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
    contexts.push(context);
    await context.grantPermissions(['camera'], { origin: base });
    const page = await context.newPage();
    await page.goto(enrolmentUrl(base, 'door', doorToken, conferenceId));
    await page.getByTestId('device-name').filter({ hasText: 'Appareil : Porte test (accueil)' }).waitFor();
    await page.getByRole('heading', { name: 'Choisissez votre porte' }).waitFor();
    await page.getByRole('button', { name: door }).click();
    await page.getByText(`Porte : ${door}`).waitFor();
    return page;
  }

  const scanAnswer = (page: Page) =>
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/api/conferences/${conferenceId}/scans`),
    );

  test('a ticket QR code shown to the camera admits the attendee, after the ID check', async () => {
    const page = await doorPhone(MAIN_DOOR);
    await page.getByRole('button', { name: 'Scanner avec la caméra' }).click();

    await page.getByTestId('person-name').filter({ hasText: 'Claude Alphandéry' }).waitFor({ timeout: 20_000 });
    await page.getByText('Intervenant·e').waitFor();
    await page.getByText('Déjeuner prévu — à payer (20,00 €)').waitFor();
    await page
      .getByRole('group', { name: 'Document présenté' })
      .getByRole('button', { name: 'Carte d’identité' })
      .click();
    await page.getByRole('group', { name: 'Le nom correspond-il ?' }).getByRole('button', { name: 'Oui' }).click();

    const answered = scanAnswer(page);
    await page.getByRole('button', { name: 'Valider l’entrée' }).click();
    const response = await answered;
    expect(response.request().postDataJSON()).toMatchObject({
      ticketCode: claude.ticketCode,
      door: MAIN_DOOR,
      idCheck: { document: 'national_id', nameMatches: true },
    });
    firstAdmission = (await response.json()) as ScanAnswer;
    expect(firstAdmission).toMatchObject({ result: 'admitted' });

    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
    await page.getByRole('button', { name: 'Annuler la dernière entrée' }).waitFor();

    // The server agrees: the ticket is now admitted, at this door.
    const ticket = await call<{ state: string; door?: string }>(
      'GET',
      `/api/conferences/${conferenceId}/tickets/${encodeURIComponent(claude.ticketCode)}`,
    );
    expect(ticket).toMatchObject({ state: 'admitted', door: MAIN_DOOR });
  }, 90_000);

  test('the same ticket at another door is refused, naming the first door and time', async () => {
    if (!firstAdmission?.admittedAt) throw new Error('needs the admission of the previous test');
    const page = await doorPhone(SPEAKERS_DOOR);
    const answered = scanAnswer(page);
    await page.getByRole('button', { name: 'Scanner avec la caméra' }).click();
    const answer = (await (await answered).json()) as ScanAnswer;
    expect(answer).toMatchObject({
      result: 'refused',
      reason: 'already_checked_in',
      previous: { at: firstAdmission.admittedAt, door: MAIN_DOOR },
    });

    await page.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    expect(await page.getByTestId('refusal-reason').textContent()).toBe(
      `Déjà entré(e) à ${MAIN_DOOR} à ${wallClock(firstAdmission.admittedAt, timezone)}`,
    );
    await page.getByTestId('person-name').filter({ hasText: 'Claude Alphandéry' }).waitFor();
  }, 90_000);

  test('a search typed without accents, or with a typo, finds the accented name, and admits from there', async () => {
    const page = await doorPhone(MAIN_DOOR);
    const search = page.getByRole('searchbox', { name: 'Rechercher un nom' });
    const results = page.getByRole('list', { name: 'Rechercher un nom' });

    await search.fill('alphandery');
    await results.getByRole('button', { name: /Claude Alphandéry/ }).waitFor();
    await search.fill('alphanbery');
    await results.getByRole('button', { name: /Claude Alphandéry/ }).waitFor();
    await search.fill('lemaitre');
    await results.getByRole('button', { name: /Marie Lemaître/ }).click();

    await page.getByRole('group', { name: 'Document présenté' }).getByRole('button', { name: 'Passeport' }).click();
    await page.getByRole('group', { name: 'Le nom correspond-il ?' }).getByRole('button', { name: 'Oui' }).click();
    const answered = scanAnswer(page);
    await page.getByRole('button', { name: 'Valider l’entrée' }).click();
    const response = await answered;
    expect(response.request().postDataJSON()).toMatchObject({ registrationId: marie.registrationId, door: MAIN_DOOR });
    expect(await response.json()).toMatchObject({ result: 'admitted' });
    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
    await page.getByTestId('person-name').filter({ hasText: 'Marie Lemaître' }).waitFor();
  }, 90_000);

  test('a walk-in is registered and admitted in one flow, pays for lunch, and the admission can be undone', async () => {
    const page = await doorPhone(MAIN_DOOR);
    await page.getByRole('button', { name: 'Inscription sur place' }).click();
    await page.getByLabel('Prénom', { exact: true }).fill('Zoé');
    await page.getByLabel('Nom', { exact: true }).fill('Núñez-Bœuf');
    await page.getByLabel('E-mail (facultatif)', { exact: true }).fill(walkInEmail);
    await page.getByLabel('Organisme (facultatif)', { exact: true }).fill('Coopérative d’en face');
    await page.getByRole('checkbox', { name: 'Déjeuner' }).check();
    await page
      .getByRole('group', { name: 'Document présenté' })
      .getByRole('button', { name: 'Titre de séjour' })
      .click();
    await page.getByRole('group', { name: 'Le nom correspond-il ?' }).getByRole('button', { name: 'Oui' }).click();

    const registered = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/api/conferences/${conferenceId}/registrations`),
    );
    const answered = scanAnswer(page);
    await page.getByRole('button', { name: 'Inscrire et admettre' }).click();
    const registration = (await (await registered).json()) as { registrationId: string; status: string };
    expect(registration.status).toBe('registered');
    const scan = await answered;
    expect(scan.request().postDataJSON()).toMatchObject({
      registrationId: registration.registrationId,
      door: MAIN_DOOR,
      idCheck: { document: 'residence_permit', nameMatches: true },
    });
    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
    await page.getByTestId('person-name').filter({ hasText: 'Zoé Núñez-Bœuf' }).waitFor();

    // Lunch booked on the spot, paid in cash: the exact fee, once.
    await page.getByText('Déjeuner prévu — à payer (20,00 €)').waitFor();
    const paid = page.waitForResponse((r) =>
      r.url().endsWith(`/registrations/${registration.registrationId}/lunch-payment`),
    );
    await page.getByRole('button', { name: 'Espèces' }).click();
    const payment = await paid;
    expect(payment.status()).toBe(201);
    expect(payment.request().postDataJSON()).toMatchObject({ amountCents: 2000, method: 'cash' });
    await page.getByText('Déjeuner payé (Espèces)').waitFor();

    // Undo: a reason is required, and the admission is revoked.
    const scanId = ((await scan.json()) as ScanAnswer).scanId;
    await page.getByRole('button', { name: 'Annuler la dernière entrée' }).click();
    const undone = page.waitForResponse((r) => r.url().endsWith(`/scans/${scanId}/undo`));
    await page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    const undo = await undone;
    expect(undo.status()).toBe(200);
    expect(undo.request().postDataJSON()).toEqual({ reason: 'Erreur à la porte' });
    await page.getByText('Entrée annulée : Zoé Núñez-Bœuf').waitFor();
  }, 90_000);
});
