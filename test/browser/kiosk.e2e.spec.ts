// The charter's signing tablet and the organisers' charter page end to end:
// the real server (createApp on a real SQLite file) serving the built web app,
// driven in headless Chromium. Two signatories of one organisation are
// admitted at the door; the first signs on a tablet with the mouse, the second,
// on a phone with a finger at the same moment, is refused. Nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { attachments, pdfText } from '../support/pdf.js';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { readFixture } from '@emargement/testing';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { call as request, e2eEventStore, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1024, height: 768 };
/** Set to a folder to keep screenshots of the tablet and the phone (for a human to look at). */
const SCREENSHOT_DIR = process.env.KIOSK_SCREENSHOTS;

const ORGANISATION = 'PTCE Sud Aquitaine';
const charterText = readFixture('ptce-2014/charter.md');
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

interface Point {
  x: number;
  y: number;
  time: number;
  pressure?: number;
}

interface SignBody {
  signatureId: string;
  registrationId: string;
  onBehalfOf: string;
  consent: { given: boolean; wording: string; givenAt: string };
  textSha256: string;
  strokes: Point[][];
  canvas: { width: number; height: number; devicePixelRatio: number };
  image: string;
  kiosk: string;
  deviceSignedAt: string;
}

/** Opaque pixels in a PNG data URL: the ink of the signature. */
function inkInPng(dataUrl: string): number {
  const png = PNG.sync.read(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  let ink = 0;
  for (let i = 3; i < png.data.length; i += 4) if (png.data[i]! > 0) ink++;
  return ink;
}

/** Opaque pixels on the pad's canvas as the page holds it now, and its backing size. */
const canvasInk = (page: Page) =>
  page.evaluate<{ ink: number; width: number; height: number; url: string }>(`(() => {
    const c = document.querySelector('[data-testid="signature-pad"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
    return { ink, width: c.width, height: c.height, url: c.toDataURL() };
  })()`);

/** A wave across the pad, as `steps` points in page coordinates. */
async function wave(pad: Locator, from: number, to: number, steps = 30): Promise<{ x: number; y: number }[]> {
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('the signature pad is not visible');
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = from + ((to - from) * i) / steps;
    return { x: box.x + box.width * t, y: box.y + box.height * (0.5 + 0.25 * Math.sin(t * 4 * Math.PI)) };
  });
}

/** Drawn with the mouse: button down, moves along the path, button up (pointer events, as a real mouse). */
async function drawWithMouse(page: Page, path: { x: number; y: number }[]): Promise<void> {
  const [first, ...rest] = path;
  await page.mouse.move(first!.x, first!.y);
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(p.x, p.y, { steps: 2 });
  await page.mouse.up();
}

/** Drawn with a finger: real touch events through the DevTools protocol (Chromium turns them into pointer events). */
async function drawWithFinger(page: Page, path: { x: number; y: number }[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const [first, ...rest] = path;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: first!.x, y: first!.y }] });
  for (const p of rest) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/**
 * Resolves once the page has rendered two frames after a viewport change: the
 * pad refits in a ResizeObserver callback, which runs in the rendering steps
 * of the first frame after layout changes. An event to wait for, not a delay.
 */
const resizeHandled = async (page: Page): Promise<void> => {
  // A string, evaluated in the page: this file is type-checked without the DOM's types.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
};

describe('signing tablet and charter page in a real browser against the real server', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const charterId = randomUUID();
  const marie = { registrationId: randomUUID(), name: 'Marie Lemaître' };
  const jean = { registrationId: randomUUID(), name: 'Jean Etcheverry' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** The tablet (mouse) and the phone (finger), each its own device. */
  let tablet: Page;
  let phone: Page;
  let signed: { body: SignBody; answer: { sequence: number; hash: string; signatureId: string } } | undefined;
  /** The organisers' page, kept open from one test to the next. */
  let organiser: Page;
  /** The signing devices' token: one `kiosk` device, paired as the organisers' QR code would pair it. */
  let kioskToken = '';

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  /** A phone (touch, pixel ratio 3) or a tablet with a mouse (ratio 1), each with its own localStorage. */
  async function device(viewport: { width: number; height: number }, hasTouch: boolean): Promise<Page> {
    const context = await browser.newContext({
      viewport,
      hasTouch,
      isMobile: hasTouch,
      deviceScaleFactor: hasTouch ? 3 : 1,
      locale: 'fr-FR',
    });
    contexts.push(context);
    return context.newPage();
  }

  /** What the screen shows at that moment (the viewport, not the whole page). */
  async function shoot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOT_DIR) return;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), scale: 'css' });
  }

  const kioskUrl = () =>
    enrolmentUrl(base, 'kiosk', kioskToken, conferenceId, { charter: charterId, kiosk: 'Tablette test' });
  /** The organisers' charter page, opened with the organiser's token (ADMIN_TOKEN) in the enrolment fragment. */
  const charterPage = (query: Record<string, string> = {}) =>
    enrolmentUrl(base, 'charter', adminToken, conferenceId, query);
  const signatureAnswer = (page: Page) =>
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/charters/${charterId}/signatures`),
    );

  /** From the list to the pad: pick the name, confirm the organisation, then the charter's text. */
  async function chooseAndRead(page: Page, name: string, screenshot: string): Promise<void> {
    await page.getByRole('list', { name: 'Qui signe ?' }).getByRole('button', { name }).click();
    await page.getByTestId('signer-name').filter({ hasText: name }).waitFor();
    await expect(page.getByLabel('Vous signez au nom de').inputValue()).resolves.toBe(ORGANISATION);
    await shoot(page, screenshot);
    await page.getByRole('button', { name: 'Lire la charte' }).click();
    await page.getByRole('heading', { name: 'Charte des Pôles Territoriaux de Coopération Économique' }).waitFor();
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;

    const fixture = ptceConference();
    await call('POST', '/api/conferences', { conferenceId, ...fixture });
    const doors = fixture.doors;
    for (const [who, firstName, lastName] of [
      [marie, 'Marie', 'Lemaître'],
      [jean, 'Jean', 'Etcheverry'],
    ] as const) {
      await call('POST', `/api/conferences/${conferenceId}/registrations`, {
        registrationId: who.registrationId,
        firstName,
        lastName,
        email: `${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.org`,
        organisation: ORGANISATION,
        category: 'signatory',
        lunch: false,
        photoConsent: false,
      });
      const scan = await call<{ result: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
        scanId: randomUUID(),
        registrationId: who.registrationId,
        door: doors[0],
        idCheck: { document: 'national_id', nameMatches: true },
      });
      expect(scan.result).toBe('admitted');
    }
    await call('POST', `/api/conferences/${conferenceId}/charters`, {
      charterId,
      title: 'Charte des PTCE',
      text: charterText,
    });
    ({ token: kioskToken } = await enrolDevice(base, adminToken, {
      name: 'Tablette charte',
      role: 'kiosk',
      conferenceId,
    }));
    browser = await launchBrowser();
    tablet = await device(TABLET, false);
    phone = await device(PHONE, true);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('both admitted signatories are listed, by name, on the tablet and on the phone', async () => {
    for (const page of [tablet, phone]) {
      await page.goto(kioskUrl());
      await page
        .getByTestId('device-name')
        .filter({ hasText: 'Appareil : Tablette charte (tablette de signature)' })
        .waitFor();
      expect(page.url()).not.toContain(kioskToken);
      const list = page.getByRole('list', { name: 'Qui signe ?' });
      await list.getByRole('button', { name: marie.name }).waitFor();
      await expect(list.getByRole('button', { name: jean.name }).isEnabled()).resolves.toBe(true);
      await expect(list.getByRole('button').count()).resolves.toBe(2);
      await page.getByText('Empreinte du texte vérifiée : ' + sha256(charterText).slice(0, 12)).waitFor();
    }
    await shoot(tablet, 'kiosk-list-1024x768');
    await shoot(phone, 'kiosk-list-390x844');
  }, 60_000);

  test('on the phone, Jean reads to the end, consents and signs with a finger; rotating keeps the drawing', async () => {
    await chooseAndRead(phone, jean.name, 'kiosk-confirm-390x844');
    // Signing is offered only once the end of the text has been scrolled to.
    await phone.getByText('Faites défiler jusqu’à la fin de la charte pour pouvoir la signer.').waitFor();
    await expect(phone.getByRole('checkbox').count()).resolves.toBe(0);
    await shoot(phone, 'kiosk-read-390x844');
    await phone.getByTestId('charter-end').scrollIntoViewIfNeeded();
    await phone.getByRole('checkbox').check();
    await expect(phone.getByTestId('consent-wording').textContent()).resolves.toBe(
      `J’ai lu la charte « Charte des PTCE » en entier et je la signe au nom de : ${ORGANISATION}.`,
    );

    const pad = phone.getByTestId('signature-pad');
    await drawWithFinger(phone, await wave(pad, 0.1, 0.9));
    const drawn = await canvasInk(phone);
    expect(drawn.ink).toBeGreaterThan(200);

    // The address bar coming and going changes the viewport's height only: the canvas is left alone.
    await phone.setViewportSize({ width: PHONE.width, height: PHONE.height - 120 });
    await resizeHandled(phone);
    const afterScrollResize = await canvasInk(phone);
    expect(afterScrollResize.url).toBe(drawn.url);

    // A rotation changes the width: the drawing is redrawn, scaled, not wiped.
    await phone.setViewportSize({ width: PHONE.height, height: PHONE.width });
    await resizeHandled(phone);
    const landscape = await canvasInk(phone);
    expect(landscape.width).toBeGreaterThan(drawn.width);
    expect(landscape.ink).toBeGreaterThan(drawn.ink);
    await phone.setViewportSize(PHONE);
    await resizeHandled(phone);
    const back = await canvasInk(phone);
    expect(back.width).toBe(drawn.width);
    // Back upright: the same drawing at the same size (redrawn, so a pixel may differ at the edges).
    expect(Math.abs(back.ink - drawn.ink)).toBeLessThan(drawn.ink * 0.1);
    await phone.getByRole('button', { name: 'Valider ma signature' }).waitFor();
    await pad.scrollIntoViewIfNeeded();
    await shoot(phone, 'kiosk-sign-390x844');
  }, 60_000);

  test('on the tablet, Marie signs with the mouse and gets her receipt: signature n° 1 and its short hash', async () => {
    await chooseAndRead(tablet, marie.name, 'kiosk-confirm-1024x768');
    await tablet.getByTestId('charter-end').scrollIntoViewIfNeeded();
    await tablet.getByRole('checkbox').check();
    const validate = tablet.getByRole('button', { name: 'Valider ma signature' });
    await expect(validate.isDisabled()).resolves.toBe(true);

    const pad = tablet.getByTestId('signature-pad');
    await drawWithMouse(tablet, await wave(pad, 0.1, 0.55));
    await drawWithMouse(tablet, await wave(pad, 0.6, 0.9, 12));
    await validate.scrollIntoViewIfNeeded();
    await shoot(tablet, 'kiosk-sign-1024x768');

    const answered = signatureAnswer(tablet);
    await validate.click();
    const response = await answered;
    expect(response.status()).toBe(201);
    const body = response.request().postDataJSON() as SignBody;
    const answer = (await response.json()) as { sequence: number; hash: string; signatureId: string };
    signed = { body, answer };

    expect(answer.sequence).toBe(1);
    expect(body).toMatchObject({
      registrationId: marie.registrationId,
      onBehalfOf: ORGANISATION,
      textSha256: sha256(charterText),
      kiosk: 'Tablette test',
      consent: {
        given: true,
        wording: `J’ai lu la charte « Charte des PTCE » en entier et je la signe au nom de : ${ORGANISATION}.`,
      },
      canvas: { devicePixelRatio: 1 },
    });
    expect(Number.isNaN(Date.parse(body.consent.givenAt))).toBe(false);
    expect(body.strokes).toHaveLength(2);
    for (const stroke of body.strokes) {
      expect(stroke.length).toBeGreaterThan(5);
      for (const p of stroke) {
        expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['time', 'x', 'y']));
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.x).toBeLessThanOrEqual(body.canvas.width);
      }
    }
    expect(body.image).toMatch(/^data:image\/png;base64,/);
    expect(inkInPng(body.image)).toBeGreaterThan(200);

    const receipt = tablet.getByTestId('receipt');
    await receipt.getByText('Merci, Marie Lemaître !').waitFor();
    await expect(tablet.getByTestId('receipt-sequence').textContent()).resolves.toBe('Signature n° 1 enregistrée');
    await expect(tablet.getByTestId('receipt-hash').textContent()).resolves.toBe(answer.hash.slice(0, 12));
    await shoot(tablet, 'kiosk-receipt-1024x768');
  }, 60_000);

  test('the stored signature is listed, and the PDF has the name and the strokes and image as drawn', async () => {
    if (!signed) throw new Error('needs the signature of the previous test');
    const charter = await call<{ signatures: unknown[] }>(
      'GET',
      `/api/conferences/${conferenceId}/charters/${charterId}`,
    );
    expect(charter.signatures).toEqual([
      expect.objectContaining({
        sequence: 1,
        signatureId: signed.answer.signatureId,
        name: marie.name,
        onBehalfOf: ORGANISATION,
        hash: signed.answer.hash,
        kiosk: 'Tablette test',
      }),
    ]);

    const res = await fetch(`${base}/api/conferences/${conferenceId}/charters/${charterId}/document.pdf`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    const text = await pdfText(pdf);
    expect(text).toContain(`N° 1 — ${marie.name}`);
    expect(text).toContain(`Pour : ${ORGANISATION}`);
    const [evidence] = attachments(pdf).contents;
    const events = (JSON.parse(evidence!) as { events: { type: string; data: Record<string, unknown> }[] }).events;
    const stored = events.find((e) => e.type === 'CharterSigned')!.data;
    expect(stored).toMatchObject({
      sequence: 1,
      name: marie.name,
      strokes: signed.body.strokes,
      image: signed.body.image,
      canvas: signed.body.canvas,
      consent: { wording: signed.body.consent.wording, givenAt: signed.body.consent.givenAt },
    });
  }, 60_000);

  test('on the phone, Jean validates after Marie: refused, and told why', async () => {
    const answered = signatureAnswer(phone);
    await phone.getByRole('button', { name: 'Valider ma signature' }).click();
    const response = await answered;
    expect(response.status()).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'already_signed', scope: 'organisation' });
    const body = response.request().postDataJSON() as SignBody;
    expect(body.canvas.width).toBeLessThanOrEqual(PHONE.width);
    // The finger went from 10 % to 90 % of the pad's width; after the rotation and back, so do the points.
    const xs = body.strokes.flat().map((p) => p.x / body.canvas.width);
    expect(Math.min(...xs)).toBeCloseTo(0.1, 1);
    expect(Math.max(...xs)).toBeCloseTo(0.9, 1);
    expect(body.canvas.devicePixelRatio).toBe(3);

    await expect(phone.getByTestId('sign-error').textContent()).resolves.toBe(
      `La charte a déjà été signée au nom de « ${ORGANISATION} ».`,
    );
    await phone.getByTestId('sign-error').scrollIntoViewIfNeeded();
    await shoot(phone, 'kiosk-refused-390x844');
    await phone.getByRole('button', { name: 'Retour à la liste' }).click();
    const list = phone.getByRole('list', { name: 'Qui signe ?' });
    const jeanButton = list.getByRole('button', { name: new RegExp(jean.name) });
    await jeanButton.waitFor();
    await expect(jeanButton.isDisabled()).resolves.toBe(true);
    await list.getByText('Votre organisation a déjà signé').waitFor();
    await expect(list.getByRole('button', { name: new RegExp(marie.name) }).count()).resolves.toBe(0);

    await tablet.getByRole('button', { name: 'Retour à la liste' }).click();
    await tablet.getByRole('list', { name: 'Qui signe ?' }).getByText('Votre organisation a déjà signé').waitFor();
    await shoot(phone, 'kiosk-list-after-390x844');
  }, 60_000);

  test('the organisers’ page shows the chain intact in green, and closes the charter', async () => {
    if (!signed) throw new Error('needs the signature of a previous test');
    const page = await device(TABLET, false);
    organiser = page;
    await page.goto(charterPage({ charter: charterId }));
    const verification = page.getByTestId('verification');
    await verification.filter({ hasText: 'Intègre' }).waitFor();
    await expect(verification.textContent()).resolves.toBe(
      `Intègre : 1 signature, empreinte ${signed.answer.hash.slice(0, 12)}`,
    );
    await expect(page.locator('.verification').getAttribute('class')).resolves.toContain('verification-ok');
    const row = page.getByRole('row', { name: new RegExp(marie.name) });
    await row.getByText(ORGANISATION).waitFor();
    await row.getByText(signed.answer.hash.slice(0, 12)).waitFor();
    await expect(page.getByTestId('charter-pdf').getAttribute('href')).resolves.toBe(
      `/api/conferences/${conferenceId}/charters/${charterId}/document.pdf`,
    );
    await shoot(page, 'charter-open-1024x768');

    await page.getByRole('button', { name: 'Clore la charte' }).click();
    const closed = page.waitForResponse((r) => r.url().endsWith(`/charters/${charterId}/close`));
    await page.getByRole('button', { name: 'Oui, clore la charte' }).click();
    expect((await closed).status()).toBe(200);
    await page
      .getByTestId('charter-status')
      .filter({ hasText: /^Close à / })
      .waitFor();
    await verification.filter({ hasText: 'Intègre' }).waitFor();
    await expect(page.getByRole('button', { name: 'Clore la charte' }).count()).resolves.toBe(0);
    await shoot(page, 'charter-closed-1024x768');

    const charter = await call<{ status: string }>('GET', `/api/conferences/${conferenceId}/charters/${charterId}`);
    expect(charter.status).toBe('closed');
    const verified = await call<{ valid: boolean; status: string; count: number }>(
      'GET',
      `/api/conferences/${conferenceId}/charters/${charterId}/verify`,
    );
    expect(verified).toMatchObject({ valid: true, status: 'closed', count: 1 });

    // The tablet, reloaded, says signing is over.
    await tablet.reload();
    await tablet.getByTestId('charter-closed').waitFor();
  }, 60_000);

  // The browser tests run on the SQLite store (npm test leaves test/browser out of the EventStoreDB run).
  (e2eEventStore() === 'sqlite' ? test : test.skip)(
    'a stored signature altered underneath the server: the organisers’ page says so, in red',
    async () => {
      const db = new Database(join(server.dataDir, 'events.sqlite'));
      try {
        const row = db
          .prepare("SELECT position, data FROM events WHERE stream_name = ? AND type = 'CharterSigned'")
          .get(`charter-${charterId}`) as { position: number; data: string };
        const data = JSON.parse(row.data) as Record<string, unknown>;
        data['onBehalfOf'] = 'Une autre organisation';
        db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), row.position);
      } finally {
        db.close();
      }
      await organiser.getByRole('button', { name: 'Vérifier à nouveau' }).click();
      const verification = organiser.getByTestId('verification');
      await verification.filter({ hasText: 'Altérée' }).waitFor();
      await expect(verification.textContent()).resolves.toBe('Altérée à partir de la signature n° 1');
      await expect(organiser.locator('.verification').getAttribute('class')).resolves.toContain('verification-bad');
      await shoot(organiser, 'charter-altered-1024x768');
    },
    60_000,
  );

  test('without a charter in the address, the organisers’ page publishes one and opens it', async () => {
    const page = await device(TABLET, false);
    await page.goto(charterPage());
    await page.getByRole('heading', { name: 'Publier une charte' }).waitFor();
    await page.getByLabel('Titre', { exact: true }).fill('Charte des bénévoles');
    await page
      .getByLabel('Texte (Markdown)')
      .fill('# Charte des bénévoles\n\n1. **Accueillir** chacun.\n2. Partager.\n');
    await page.getByRole('checkbox', { name: 'Aperçu' }).check();
    await page.getByRole('heading', { name: 'Charte des bénévoles', level: 2 }).waitFor();
    const published = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/api/conferences/${conferenceId}/charters`),
    );
    await page.getByRole('button', { name: 'Publier la charte' }).click();
    const response = await published;
    expect(response.status()).toBe(201);
    const { charterId: created, textSha256 } = (await response.json()) as { charterId: string; textSha256: string };
    expect(textSha256).toBe(sha256('# Charte des bénévoles\n\n1. **Accueillir** chacun.\n2. Partager.\n'));
    await page.getByTestId('charter-status').filter({ hasText: 'Ouverte aux signatures' }).waitFor();
    await page.getByTestId('verification').filter({ hasText: 'Intègre : 0 signature,' }).waitFor();
    expect(new URL(page.url()).searchParams.get('charter')).toBe(created);
    await page.getByText(`${base}/kiosk/?conference=${conferenceId}&charter=${created}`).waitFor();
  }, 60_000);
});
