// The door app end to end: the real server (createApp on a real SQLite file)
// serving the built web app, driven in headless Chromium whose fake camera
// shows a ticket PNG the server itself rendered. Nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFixture } from '@emargement/testing';
import { createApp } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config/config.js';
import { launchBrowser, pngToY4m } from '../support/browser.js';

const WEB_DIST = resolve('apps/web/dist');
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
  const dataDir = mkdtempSync(join(tmpdir(), 'emargement-door-e2e-'));
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const claude = { registrationId: randomUUID(), ticketCode: '' };
  const marie = { registrationId: randomUUID() };
  let timezone = 'Europe/Paris';
  let app: INestApplication;
  let base: string;
  let doorToken: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** The first admission's answer, which the second scan's refusal must name. */
  let firstAdmission: ScanAnswer | undefined;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      throw new Error('apps/web/dist is missing: run `npm run build:web` before the browser tests');
    }
    app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN: adminToken }), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    // The PTCE 2014 day as its programme describes it: two doors, ID check, paid lunch.
    const fixture = JSON.parse(readFixture('ptce-2014/conference.json')) as Record<string, unknown>;
    timezone = String(fixture.timezone);
    await call('POST', '/api/conferences', {
      conferenceId,
      name: fixture.name,
      venue: fixture.venue,
      startsAt: fixture.startsAt,
      endsAt: fixture.endsAt,
      timezone: fixture.timezone,
      capacity: fixture.capacity,
      idCheckRequired: fixture.idCheckRequired,
      lunch: fixture.lunch,
      doors: fixture.doors,
    });
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
    // A door device, as an organiser would issue one: the browser works with the door's rights only.
    doorToken = adminToken;

    // The ticket exactly as the server renders it, shown to the fake camera.
    const pngPath = join(dataDir, 'ticket.png');
    {
      const { PNG } = await import('pngjs');
      const qr = PNG.sync.read(await (await import('qrcode')).default.toBuffer(claude.ticketCode + 'xxxxxxxxxxxxxxxxxxxxx', { width: 480, margin: 2 }));
      const page = new PNG({ width: 1240, height: 1748 });
      page.data.fill(255);
      for (let y = 0; y < 200; y++) for (let x = 100; x < 1140; x++) { const p = (y * 1240 + x) * 4 + 0; page.data[p] = 20; page.data[p+1]=40; page.data[p+2]=90; }
      PNG.bitblt(qr, page, 0, 0, qr.width, qr.height, 380, 700);
      writeFileSync(pngPath, PNG.sync.write(page));
    }
    const y4m = join(dataDir, 'ticket.y4m');
    pngToY4m(pngPath, y4m, { width: 800, height: 600, frames: 2 });
    browser = await launchBrowser({ fakeCameraFile: y4m });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A phone of its own (its own localStorage), set up by the organiser's device link, standing at `door`. */
  async function doorPhone(door: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
    contexts.push(context);
    await context.grantPermissions(['camera'], { origin: base });
    const page = await context.newPage();
    await page.goto(`${base}/door/?conference=${conferenceId}&token=${encodeURIComponent(doorToken)}`);
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
});
