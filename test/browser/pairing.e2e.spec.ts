// Pairing end to end: the organiser creates a device on the organisers' page,
// the page draws the pairing QR code, the test decodes that very picture and a
// "phone" (a browser context of its own, nothing typed) opens the link it
// carries; then the organiser revokes the device and the phone is told so at
// its next action. The real server (createApp on a real SQLite file) serves
// the built web app; nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { assertWebBuilt, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { decodeQrPng } from '../support/qr.js';
import { bearer, call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 900 };
const MAIN_DOOR = 'Accueil principal';

/** The whole text of a figure, so that « 1 » does not match « 10 ». */
const exactly = (text: string) => new RegExp(`^${text}$`);

/** « à l’instant » or « il y a 2 min »: a last activity of the last minutes. */
const RECENT = /^(à l’instant|il y a \d+ min)$/;

describe('pairing a device by its QR code, then revoking it', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const marie = { registrationId: randomUUID(), ticketCode: '' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** The organisers' page, kept open from one test to the next. */
  let organiser: Page;
  let phone: Page;
  let door: { token: string; link: string } | undefined;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, bearer(adminToken));
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async function newPage(viewport: { width: number; height: number }, hasTouch = false): Promise<Page> {
    const context = await browser.newContext({ viewport, hasTouch, isMobile: hasTouch, locale: 'fr-FR' });
    contexts.push(context);
    return context.newPage();
  }

  /** The pairing QR code as the organisers' page drew it, decoded from its pixels. */
  async function readPairingQr(page: Page): Promise<string> {
    // Once drawn (the canvas exists a moment before its pixels).
    await page.locator('[data-testid="pairing-qr"][data-drawn]').waitFor();
    // (Evaluated as text: the test's TypeScript has no DOM types.)
    const dataUrl = await page.evaluate<string>(
      "document.querySelector('[data-testid=\"pairing-qr\"]').toDataURL('image/png')",
    );
    return decodeQrPng(dataUrl);
  }

  /** Fills the organisers' pairing form and waits for the device's creation. */
  async function createDevice(page: Page, name: string, roleLabel: string): Promise<{ token: string; link: string }> {
    const form = page.getByRole('form', { name: 'Appairer un appareil' });
    await form.getByLabel('Nom de l’appareil').fill(name);
    await form.getByLabel('Rôle').selectOption({ label: roleLabel });
    // The conference is the one the page is on, preselected.
    await expect(form.getByLabel('Conférence').inputValue()).resolves.toBe(conferenceId);
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/devices'));
    await form.getByRole('button', { name: 'Créer l’appareil et afficher son QR code' }).click();
    const response = await created;
    expect(response.status()).toBe(201);
    const body = (await response.json()) as { token: string; name: string; conferenceId: string };
    expect(body).toMatchObject({ name, conferenceId });
    await page.getByText('Affiché une seule fois').waitFor();
    const link = await readPairingQr(page);
    // The link shown beside the QR code is the same, to copy by hand if need be.
    await expect(page.getByTestId('pairing-link').inputValue()).resolves.toBe(link);
    return { token: body.token, link };
  }

  const deviceRow = (page: Page, name: string) => page.getByTestId('device-row').filter({ hasText: name });

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    await call('POST', '/api/conferences', { conferenceId, ...ptceConference() });
    const registered = await call<{ ticketCode: string }>('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: marie.registrationId,
      firstName: 'Marie',
      lastName: 'Lemaître',
      email: `marie.${randomUUID().slice(0, 8)}@example.org`,
      organisation: 'PTCE Sud Aquitaine',
      category: 'signatory',
      lunch: false,
      photoConsent: false,
    });
    marie.ticketCode = registered.ticketCode;
    browser = await launchBrowser();
    organiser = await newPage(LAPTOP);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('the organiser creates « Porte A »; its QR code enrols a phone that types nothing, and it searches', async () => {
    await organiser.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await organiser.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    await organiser.getByRole('button', { name: 'Appareils', exact: true }).click();
    await organiser.getByRole('heading', { name: 'Appareils enregistrés' }).waitFor();

    door = await createDevice(organiser, 'Porte A', 'Accueil (porte)');
    expect(door.link).toBe(`${base}/door/#conference=${conferenceId}&token=${door.token}`);
    await deviceRow(organiser, 'Porte A').getByText('jamais').waitFor();

    // The phone: its own browser context (its own storage), the link as the camera app would open it.
    phone = await newPage(PHONE, true);
    await phone.goto(door.link);
    await phone.getByTestId('device-name').filter({ hasText: 'Appareil : Porte A (accueil)' }).waitFor();
    // The token is kept by the device and gone from the address bar.
    expect(phone.url()).toBe(`${base}/door/`);
    expect(await phone.evaluate("localStorage.getItem('emargement.token')")).toBe(door.token);
    expect(await phone.evaluate("localStorage.getItem('emargement.conferenceId')")).toBe(conferenceId);

    await phone.getByRole('button', { name: MAIN_DOOR }).click();
    const searched = phone.waitForResponse((r) => r.url().includes(`/api/conferences/${conferenceId}/attendees?`));
    await phone.getByRole('searchbox', { name: 'Rechercher un nom' }).fill('lemaitre');
    const answer = await searched;
    expect(answer.status()).toBe(200);
    expect(answer.request().headers()['authorization']).toBe(`Bearer ${door.token}`);
    await phone
      .getByRole('list', { name: 'Rechercher un nom' })
      .getByRole('button', { name: /Marie Lemaître/ })
      .waitFor();

    // Once hidden, the QR code is gone for good.
    await organiser.getByRole('button', { name: 'Terminé : masquer le QR code' }).click();
    await expect(organiser.getByTestId('pairing-qr').count()).resolves.toBe(0);
  }, 90_000);

  test('the organiser sees the phone’s recent activity, revokes it, and the phone’s next action is refused', async () => {
    if (!door) throw new Error('needs the device of the previous test');
    const row = deviceRow(organiser, 'Porte A');
    // The list refreshes itself (every 10 s): the phone's search shows as its last activity.
    await row.getByTestId('device-last-seen').filter({ hasText: RECENT }).waitFor({ timeout: 20_000 });
    const exact = await row.getByTestId('device-last-seen').getAttribute('title');
    expect(exact).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    await row.getByText('Accueil (porte)').waitFor();
    await row.getByTestId('device-status').filter({ hasText: 'Actif' }).waitFor();

    await row.getByRole('button', { name: 'Révoquer Porte A' }).click();
    await organiser.getByText('Révoquer « Porte A » ?').waitFor();
    const revoked = organiser.waitForResponse(
      (r) => r.request().method() === 'DELETE' && r.url().includes('/api/devices/'),
    );
    await organiser.getByRole('button', { name: 'Oui, révoquer' }).click();
    expect((await revoked).status()).toBe(200);
    await row.getByTestId('device-status').filter({ hasText: 'Révoqué' }).waitFor();
    await expect(row.getByRole('button', { name: 'Révoquer Porte A' }).count()).resolves.toBe(0);

    // The phone's next search: the server says 401, the phone says it is no longer authorised.
    const refused = phone.waitForResponse((r: Response) => r.url().includes('/attendees?'));
    await phone.getByRole('searchbox', { name: 'Rechercher un nom' }).fill('marie');
    expect((await refused).status()).toBe(401);
    await phone
      .getByTestId('not-authorised')
      .filter({
        hasText:
          'Cet appareil n’est pas (ou plus) autorisé — scannez le QR code d’appairage fourni par l’organisation.',
      })
      .waitFor();
    expect(await phone.evaluate("localStorage.getItem('emargement.token')")).toBeNull();
    const me = await request(base, 'GET', '/api/me', undefined, bearer(door.token));
    expect(me).toMatchObject({ status: 401, body: { code: 'unauthorized' } });

    // Reloading changes nothing: the token is forgotten, the screen asks for a new pairing.
    await phone.reload();
    await phone.getByTestId('not-authorised').waitFor();
  }, 90_000);

  test('a display paired the same way shows live figures, and goes dark when revoked', async () => {
    const display = await createDevice(organiser, 'Écran du hall', 'Écran (chiffres seulement)');
    expect(display.link).toBe(`${base}/dashboard/#conference=${conferenceId}&token=${display.token}`);
    await organiser.getByRole('button', { name: 'Terminé : masquer le QR code' }).click();

    const screen = await newPage(LAPTOP);
    await screen.goto(display.link);
    await screen.getByTestId('device-name').filter({ hasText: 'Appareil : Écran du hall (écran)' }).waitFor();
    await screen.getByTestId('connection-state').filter({ hasText: 'En direct' }).waitFor();
    await screen
      .getByTestId('dash-admitted')
      .filter({ hasText: exactly('0') })
      .waitFor();

    const scan = await call<{ result: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      ticketCode: marie.ticketCode,
      door: MAIN_DOOR,
      idCheck: { document: 'national_id', nameMatches: true },
    });
    expect(scan.result).toBe('admitted');
    await screen
      .getByTestId('dash-admitted')
      .filter({ hasText: exactly('1') })
      .waitFor();

    // Revoked while it watches: the server closes its socket, and the screen says so instead of reconnecting.
    const { devices } = await call<{ devices: { deviceId: string; name: string }[] }>('GET', '/api/devices');
    const deviceId = devices.find((d) => d.name === 'Écran du hall')?.deviceId;
    if (!deviceId) throw new Error('the display is not listed');
    await call('DELETE', `/api/devices/${deviceId}`);
    await screen.getByTestId('not-authorised').waitFor({ timeout: 15_000 });
    await deviceRow(organiser, 'Écran du hall')
      .getByTestId('device-status')
      .filter({ hasText: 'Révoqué' })
      .waitFor({ timeout: 20_000 });
  }, 90_000);
});
