// The built web app in real headless Chromium, before any server logic: the
// page shell renders in French, switches to English and remembers it, and
// the camera path (fake camera → canvas → bundled zxing-wasm) decodes a QR
// code. The HTTP answers here are STUBS for this smoke test only; the real
// server is exercised by door.e2e.spec.ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import type {
  Conference,
  ConferenceList,
  Principal,
  RegistrationList,
  ScanAnswer,
  TicketPreview,
} from '@emargement/contract';
import { launchBrowser, pngToY4m } from '../support/browser.js';

const WEB_DIST = resolve('apps/web/dist');
const SMOKE_CONFERENCE_ID = 'smoke-conference';
const SMOKE_TOKEN = 'smoke-token';
const SMOKE_ADMIN_TOKEN = 'smoke-admin-token';
/** The stub's devices, by token, as `GET /api/me` describes them; any other token is answered 401. */
const SMOKE_DEVICES: Record<string, Principal> = {
  [SMOKE_TOKEN]: { deviceId: 'smoke-door', name: 'Porte de test', role: 'door', conferenceId: SMOKE_CONFERENCE_ID },
  [SMOKE_ADMIN_TOKEN]: { deviceId: 'smoke-admin', name: 'Administration', role: 'organiser', conferenceId: null },
};
const PHONE = { width: 390, height: 844 };
/** Set to a folder to keep screenshots of the door and admin pages (for a human to look at). */
const SCREENSHOT_DIR = process.env.WEB_SMOKE_SCREENSHOTS;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

interface SmokeStubState {
  authorizations: string[];
  scans: Record<string, unknown>[];
  /** ticketCode → first admission, so that a second scan is refused as the contract says. */
  admitted: Map<string, { at: string; door: string }>;
}

/** The stub's conference, as `GET /api/conferences/:cid` answers it. */
const SMOKE_CONFERENCE = {
  conferenceId: SMOKE_CONFERENCE_ID,
  name: 'Journée de test (bouchon)',
  venue: 'Salle de test',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 400,
  idCheckRequired: true,
  lunch: { priceCents: 2000, currency: 'EUR' },
  doors: ['Accueil principal', 'Accueil intervenants et presse'],
  registered: 3,
  waitlisted: 1,
  cancelled: 1,
} satisfies Conference;

/** Canned answers standing in for the server, typed with the contract (libs/contract); only the smoke test uses them. */
function smokeStubAnswer(
  method: string,
  url: URL,
  body: Record<string, unknown>,
  state: SmokeStubState,
  authorization: string,
): { status: number; body: unknown } {
  const device = SMOKE_DEVICES[authorization.replace(/^Bearer /, '')];
  if (!device) return { status: 401, body: { statusCode: 401, code: 'unauthorized', message: 'stub: unknown token' } };
  if (url.pathname === '/api/me') return { status: 200, body: device };
  const conferencePath = `/api/conferences/${SMOKE_CONFERENCE_ID}`;
  if (url.pathname === '/api/conferences') {
    return { status: 200, body: { items: [SMOKE_CONFERENCE] } satisfies ConferenceList };
  }
  if (url.pathname === conferencePath) {
    return { status: 200, body: SMOKE_CONFERENCE };
  }
  if (method === 'POST' && url.pathname === `${conferencePath}/scans`) {
    state.scans.push(body);
    const code = String(body.ticketCode);
    const scanId = String(body.scanId);
    const previous = state.admitted.get(code);
    if (previous) {
      return {
        status: 200,
        body: { scanId, result: 'refused', reason: 'already_checked_in', previous } satisfies ScanAnswer,
      };
    }
    state.admitted.set(code, { at: String(body.scannedAt), door: String(body.door) });
    return {
      status: 200,
      body: { scanId, result: 'admitted', admittedAt: String(body.scannedAt) } satisfies ScanAnswer,
    };
  }
  const ticket = new RegExp(`^${conferencePath}/tickets/([^/]+)$`).exec(url.pathname);
  if (ticket) {
    const code = decodeURIComponent(ticket[1]!);
    const admission = state.admitted.get(code);
    return {
      status: 200,
      body: {
        ticketCode: code,
        state: admission ? 'admitted' : 'expected',
        ...(admission ? { admittedAt: admission.at, door: admission.door } : {}),
        attendee: {
          registrationId: '00000000-0000-4000-8000-000000000001',
          firstName: 'Élodie',
          lastName: 'Dupré-Lefèvre',
          organisation: 'PTCE du Pays de Test',
          category: 'signatory',
          lunch: true,
          status: 'registered',
        },
        idCheckRequired: true,
        lunch: { expected: true, paid: false, priceCents: 2000, currency: 'EUR' },
      } satisfies TicketPreview,
    };
  }
  if (url.pathname === `${conferencePath}/registrations` || url.pathname === `${conferencePath}/attendees`) {
    const people = [
      ['Claude', 'Alphandéry', 'Le Labo de l’ESS', 'speaker', 'registered', true, true],
      ['Henri', 'Arévalo', 'RTES', 'speaker', 'registered', true, false],
      ['Marie', 'Lemaître', 'PTCE Sud', 'signatory', 'waitlisted', false, false],
      ['<b>Jean</b>', 'N’Diaye', 'Presse & Co', 'press', 'cancelled', false, false],
    ] as const;
    return {
      status: 200,
      body: {
        items: people.map(([firstName, lastName, organisation, category, status, lunch, lunchPaid], i) => ({
          registrationId: `00000000-0000-4000-8000-00000000010${i}`,
          firstName,
          lastName,
          email: `${lastName.toLowerCase()}@example.org`,
          organisation,
          category,
          status,
          lunch,
          lunchPaid,
          photoConsent: false,
          ticketCode: `smoke-ticket-${i}`,
          admitted: null,
          refused: null,
          signed: false,
        })),
        total: people.length,
        offset: 0,
        limit: 50,
      } satisfies RegistrationList,
    };
  }
  return { status: 404, body: { statusCode: 404, code: 'not_found', message: 'stub: no such route' } };
}

/** The built app as the server will serve it (static files, SPA fallback), plus the stubbed API above. */
function startSmokeServer(state: SmokeStubState): Promise<Server> {
  const api = (req: IncomingMessage, res: ServerResponse, url: URL, text: string) => {
    state.authorizations.push(req.headers.authorization ?? '');
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    const { status, body } = smokeStubAnswer(
      req.method ?? 'GET',
      url,
      parsed as Record<string, unknown>,
      state,
      req.headers.authorization ?? '',
    );
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => api(req, res, url, Buffer.concat(chunks).toString('utf8')));
      return;
    }
    const file = normalize(join(WEB_DIST, decodeURIComponent(url.pathname)));
    const inside = file.startsWith(WEB_DIST + sep);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(WEB_DIST, 'index.html');
    res
      .writeHead(200, { 'Content-Type': MIME[extname(target)] ?? 'application/octet-stream' })
      .end(readFileSync(target));
  };
  return new Promise((ok) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

describe('web app smoke (built bundle, stubbed API, real Chromium)', () => {
  const work = mkdtempSync(join(tmpdir(), 'emargement-web-smoke-'));
  const ticketCode = randomBytes(16).toString('base64url');
  const stub: SmokeStubState = { authorizations: [], scans: [], admitted: new Map() };
  let server: Server;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      throw new Error('apps/web/dist is missing: run `npm run build:web` before the browser tests');
    }
    const qrPng = join(work, 'qr.png');
    await QRCode.toFile(qrPng, ticketCode, { width: 360, margin: 4, errorCorrectionLevel: 'M' });
    const y4m = join(work, 'camera.y4m');
    pngToY4m(qrPng, y4m, { width: 640, height: 480, frames: 2 });
    server = await startSmokeServer(stub);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser({ fakeCameraFile: y4m });
    if (SCREENSHOT_DIR) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    rmSync(work, { recursive: true, force: true });
  });

  async function phonePage(): Promise<{ page: Page; requests: string[] }> {
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, hasTouch: true });
    contexts.push(context);
    await context.grantPermissions(['camera'], { origin: base });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    return { page, requests };
  }

  test('the door page renders in French, switches to English and remembers it', async () => {
    const { page } = await phonePage();
    await page.goto(`${base}/door/#conference=${SMOKE_CONFERENCE_ID}&token=${SMOKE_TOKEN}`);

    await page.getByRole('heading', { name: 'Choisissez votre porte' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    // The enrolment link's token is kept, then taken out of the address bar; the device says which it is.
    expect(page.url()).toBe(`${base}/door/`);
    expect(stub.authorizations).toContain(`Bearer ${SMOKE_TOKEN}`);
    await page.getByTestId('device-name').filter({ hasText: 'Appareil : Porte de test (accueil)' }).waitFor();

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Choose your door' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.reload();
    await page.getByRole('heading', { name: 'Choose your door' }).waitFor();

    await page.getByRole('button', { name: 'Accueil principal' }).click();
    await page.getByText('Door: Accueil principal').waitFor();
    await page.getByRole('button', { name: 'Scan with the camera' }).waitFor();

    await page.getByRole('button', { name: 'Passer en français' }).click();
    await page.getByText('Porte : Accueil principal').waitFor();
    await page.getByRole('button', { name: 'Scanner avec la caméra' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'door-idle.png'), fullPage: true });
  }, 60_000);

  test('the fake camera feeds a QR code that the bundled zxing-wasm decodes; the scan flow admits, then refuses a second time', async () => {
    const { page, requests } = await phonePage();
    await page.goto(`${base}/door/#conference=${SMOKE_CONFERENCE_ID}&token=${SMOKE_TOKEN}`);
    await page.getByRole('button', { name: 'Accueil principal' }).click();

    const lookUp = page.waitForRequest((r) => r.url().includes(`/api/conferences/${SMOKE_CONFERENCE_ID}/tickets/`));
    await page.getByRole('button', { name: 'Scanner avec la caméra' }).click();
    const request = await lookUp;
    expect(decodeURIComponent(new URL(request.url()).pathname.split('/').pop()!)).toBe(ticketCode);

    // The ID check comes before admission, with the person's name as text.
    await page.getByTestId('person-name').filter({ hasText: 'Élodie Dupré-Lefèvre' }).waitFor();
    await page.getByRole('group', { name: 'Document présenté' }).waitFor();
    await page.getByText('Déjeuner prévu — à payer (20,00 €)').waitFor();
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'door-preview.png'), fullPage: true });

    // The decoder's WebAssembly came from our own server, and nothing else was fetched from anywhere else.
    expect(requests.some((u) => u.startsWith(base) && u.endsWith('.wasm'))).toBe(true);
    expect(requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);

    // Confirming the ID check sends the scan as the contract has it, then the big green screen.
    await page.getByRole('group', { name: 'Document présenté' }).getByRole('button', { name: 'Passeport' }).click();
    await page.getByRole('group', { name: 'Le nom correspond-il ?' }).getByRole('button', { name: 'Oui' }).click();
    await page.getByRole('button', { name: 'Valider l’entrée' }).click();
    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
    expect(stub.scans).toHaveLength(1);
    expect(stub.scans[0]).toEqual({
      scanId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      ticketCode,
      door: 'Accueil principal',
      idCheck: { document: 'passport', nameMatches: true },
      scannedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/),
    });
    await page.getByRole('button', { name: 'Annuler la dernière entrée' }).waitFor();
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'door-admitted.png'), fullPage: true });

    // The same ticket typed by a handheld scanner: already in, so refused with the first door and time.
    await page.getByRole('button', { name: 'Scan suivant' }).click();
    const field = page.getByRole('textbox', { name: 'Code du billet (douchette)' });
    await field.fill(ticketCode);
    await field.press('Enter');
    await page.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    const firstAt = String(stub.scans[0]!.scannedAt);
    const hhmm = new Intl.DateTimeFormat('fr-FR', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Europe/Paris',
    }).format(new Date(firstAt));
    expect(await page.getByTestId('refusal-reason').textContent()).toBe(`Déjà entré(e) à Accueil principal à ${hhmm}`);
    expect(stub.scans).toHaveLength(2);
    expect(stub.scans[1]).not.toHaveProperty('idCheck');
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'door-refused.png'), fullPage: true });
  }, 60_000);

  test('the organisers page lists registrations with names as text, never as markup', async () => {
    const { page } = await phonePage();
    await page.goto(`${base}/admin/#conference=${SMOKE_CONFERENCE_ID}&token=${SMOKE_ADMIN_TOKEN}`);
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    await page.getByText('Claude Alphandéry').waitFor();
    // A name that looks like HTML is shown as typed.
    await page.getByText('<b>Jean</b> N’Diaye').waitFor();
    expect(await page.locator('.registrations b').count()).toBe(0);
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin.png'), fullPage: true });
  }, 60_000);

  test('a scan that gets no answer is kept, shown as pending, and sent again with the same scanId', async () => {
    const { page } = await phonePage();
    await page.goto(`${base}/door/#conference=${SMOKE_CONFERENCE_ID}&token=${SMOKE_TOKEN}`);
    await page.getByRole('button', { name: 'Accueil principal' }).click();
    const scans = `**/api/conferences/${SMOKE_CONFERENCE_ID}/scans`;
    await page.route(scans, (route) => route.abort('internetdisconnected'));

    const field = page.getByRole('textbox', { name: 'Code du billet (douchette)' });
    await field.fill('offline-ticket');
    await field.press('Enter');
    await page.getByRole('group', { name: 'Document présenté' }).getByRole('button', { name: 'Autre' }).click();
    await page.getByRole('group', { name: 'Le nom correspond-il ?' }).getByRole('button', { name: 'Oui' }).click();
    await page.getByRole('button', { name: 'Valider l’entrée' }).click();
    // The stub's conference ended long ago, so the phone keeps no list: the scan waits undecided, in the outbox.
    await page.getByRole('heading', { name: 'EN ATTENTE' }).waitFor();
    await page.getByTestId('door-status').filter({ hasText: '1 scan en attente' }).waitFor();
    // (Evaluated as text: the test's TypeScript has no DOM types.) The outbox is in IndexedDB, not localStorage.
    const queued: unknown = await page.evaluate(`new Promise((ok, ko) => {
      const open = indexedDB.open('emargement-door');
      open.onerror = () => ko(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('outbox').objectStore('outbox').getAll();
        all.onsuccess = () => ok(all.result);
      };
    })`);
    expect(queued).toHaveLength(1);
    const scanId = (queued as { body: { scanId: string } }[])[0]!.body.scanId;
    expect(stub.scans.some((b) => b.scanId === scanId)).toBe(false);

    // The network is back: the same scan, same id, reaches the server, and the queue empties.
    await page.unroute(scans);
    const resent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/scans'));
    await page.evaluate("window.dispatchEvent(new Event('online'))");
    expect((await resent).postDataJSON()).toMatchObject({ scanId, ticketCode: 'offline-ticket' });
    await page
      .getByTestId('door-status')
      .filter({ hasText: /^En ligne(?! —)/ })
      .waitFor();
    expect(stub.scans.filter((b) => b.scanId === scanId)).toHaveLength(1);
  }, 60_000);

  test('the older query form still enrols; an unknown token gets the not-authorised screen and is forgotten', async () => {
    const { page } = await phonePage();
    await page.goto(`${base}/door/?conference=${SMOKE_CONFERENCE_ID}&token=${SMOKE_TOKEN}`);
    await page.getByRole('heading', { name: 'Choisissez votre porte' }).waitFor();
    expect(page.url()).toBe(`${base}/door/`);

    const { page: other } = await phonePage();
    await other.goto(`${base}/door/#conference=${SMOKE_CONFERENCE_ID}&token=revoked-token`);
    await other
      .getByTestId('not-authorised')
      .filter({
        hasText:
          'Cet appareil n’est pas (ou plus) autorisé — scannez le QR code d’appairage fourni par l’organisation.',
      })
      .waitFor();
    expect(await other.evaluate("localStorage.getItem('emargement.token')")).toBeNull();
    // The fallback for organisers: a token typed (or pasted) by hand.
    await other.getByLabel('Jeton').fill(SMOKE_TOKEN);
    await other.getByRole('button', { name: 'Utiliser ce jeton' }).click();
    await other.getByRole('heading', { name: 'Choisissez votre porte' }).waitFor();
    await other.getByTestId('device-name').filter({ hasText: 'Appareil : Porte de test (accueil)' }).waitFor();
  }, 60_000);
});
