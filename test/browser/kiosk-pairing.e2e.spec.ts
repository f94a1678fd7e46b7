// The signing tablet in one set-up step (issue 22, item 9): the organisers'
// pairing QR code alone sets a tablet up. The tablet finds the conference's
// open charter itself, shows a list when several are open, says so (and looks
// again) when none is; the receipt's QR code is a link to the public verifier
// with the receipt filled in. The real server (createApp on a real SQLite
// file) serves the built web app at the tablet's size; nothing is stubbed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { readFixture } from '@emargement/testing';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { decodeQrPng } from '../support/qr.js';
import { bearer, call as request, startTestServer, type TestServer } from '../support/server.js';

const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 900 };
const ORGANISATION = 'PTCE Sud Aquitaine';
/** Where the screenshots go, for a human to look at. */
const SHOTS = process.env.KIOSK_SCREENSHOTS ?? '/tmp';
const charterText = readFixture('ptce-2014/charter.md');

/** A wave across the pad, as `steps` points in page coordinates. */
async function wave(pad: Locator): Promise<{ x: number; y: number }[]> {
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('the signature pad is not visible');
  return Array.from({ length: 31 }, (_, i) => {
    const t = 0.1 + (0.8 * i) / 30;
    return { x: box.x + box.width * t, y: box.y + box.height * (0.5 + 0.25 * Math.sin(t * 4 * Math.PI)) };
  });
}

describe('a signing tablet set up by its pairing QR code alone', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const first = { charterId: randomUUID(), title: 'Charte des PTCE' };
  const second = { charterId: randomUUID(), title: 'Charte des bénévoles' };
  const marie = { registrationId: randomUUID(), name: 'Marie Lemaître' };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let tablet: Page;
  let receiptLink = '';

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, bearer(adminToken));
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'fr-FR' });
    contexts.push(context);
    return context.newPage();
  }

  /** A QR code drawn on a canvas of the page, decoded from its pixels. */
  async function readCanvasQr(page: Page, testId: string): Promise<string> {
    // Once drawn (the canvas exists a moment before its pixels).
    await page.locator(`[data-testid="${testId}"][data-drawn]`).waitFor();
    // (Evaluated as text: the test's TypeScript has no DOM types.)
    const dataUrl = await page.evaluate<string>(
      `document.querySelector('[data-testid="${testId}"]').toDataURL('image/png')`,
    );
    return decodeQrPng(dataUrl);
  }

  const publish = (charter: { charterId: string; title: string }) =>
    call('POST', `/api/conferences/${conferenceId}/charters`, { ...charter, text: charterText });

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    const fixture = ptceConference();
    await call('POST', '/api/conferences', { conferenceId, ...fixture });
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: marie.registrationId,
      firstName: 'Marie',
      lastName: 'Lemaître',
      email: `marie.${randomUUID().slice(0, 8)}@example.org`,
      organisation: ORGANISATION,
      category: 'signatory',
      lunch: false,
      photoConsent: false,
    });
    const scan = await call<{ result: string }>('POST', `/api/conferences/${conferenceId}/scans`, {
      scanId: randomUUID(),
      registrationId: marie.registrationId,
      door: fixture.doors[0],
      idCheck: { document: 'national_id', nameMatches: true },
    });
    expect(scan.result).toBe('admitted');
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('paired before any charter is open, the tablet says so, then opens the charter once published', async () => {
    const organiser = await newPage(LAPTOP);
    await organiser.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await organiser.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    await organiser.getByRole('button', { name: 'Appareils', exact: true }).click();
    const form = organiser.getByRole('form', { name: 'Appairer un appareil' });
    await form.getByLabel('Nom de l’appareil').fill('Tablette charte');
    await form.getByLabel('Rôle').selectOption({ label: 'Tablette de signature (charte)' });
    await expect(form.getByLabel('Charte à signer').inputValue()).resolves.toBe('');
    await form.getByRole('button', { name: 'Créer l’appareil et afficher son QR code' }).click();
    const link = await readCanvasQr(organiser, 'pairing-qr');
    expect(link).toMatch(new RegExp(`^${base}/kiosk/#conference=${conferenceId}&token=`));

    // The one step: the tablet opens the QR code's link, and nothing else.
    tablet = await newPage(TABLET);
    await tablet.goto(link);
    const none = tablet.getByTestId('no-open-charter');
    await none
      .getByText('Aucune charte n’est ouverte à la signature pour cette conférence.', { exact: false })
      .waitFor();
    await expect(tablet.getByText('pas encore configurée', { exact: false }).count()).resolves.toBe(0);
    await expectAccessible(tablet, 'the tablet with no open charter, 1024×768, fr');
    await tablet.screenshot({ path: `${SHOTS}/kiosk-no-open-charter-1024x768.png` });

    // Published afterwards: the tablet finds it (here at a touch, else at its next look).
    await publish(first);
    await tablet.getByRole('button', { name: 'Vérifier maintenant' }).click();
    await tablet.getByTestId('charter-title').filter({ hasText: first.title }).waitFor();
    await tablet.getByRole('list', { name: 'Qui signe ?' }).getByRole('button', { name: marie.name }).waitFor();
  }, 60_000);

  test('with two open charters, a freshly paired tablet lists them, and the one touched is kept', async () => {
    await publish(second);
    const { token } = await enrolDevice(base, adminToken, { name: 'Tablette 2', role: 'kiosk', conferenceId });
    const other = await newPage(TABLET);
    await other.goto(enrolmentUrl(base, 'kiosk', token, conferenceId));
    const list = other.getByRole('list', { name: 'Quelle charte signe-t-on sur cette tablette ?' });
    await list.getByRole('button', { name: first.title }).waitFor();
    await expect(list.getByRole('button').allTextContents()).resolves.toEqual([first.title, second.title]);
    await expectAccessible(other, 'the tablet choosing among open charters, 1024×768, fr');
    await other.screenshot({ path: `${SHOTS}/kiosk-choose-charter-1024x768.png` });
    // The same screen in English, then back to French.
    await other.getByRole('button', { name: 'Switch to English' }).click();
    await other.getByRole('heading', { name: 'Which charter is signed on this tablet?' }).waitFor();
    await expectAccessible(other, 'the tablet choosing among open charters, 1024×768, en');
    await other.getByRole('button', { name: 'Passer en français' }).click();
    await list.getByRole('button', { name: first.title }).waitFor();

    await list.getByRole('button', { name: second.title }).click();
    await other.getByTestId('charter-title').filter({ hasText: second.title }).waitFor();
    await expectAccessible(other, 'the tablet signatory list, 1024×768, fr');
    await other.reload();
    await other.getByTestId('charter-title').filter({ hasText: second.title }).waitFor();
  }, 60_000);

  test('the receipt’s QR code is a link to the verifier, which opens with the receipt filled in', async () => {
    await tablet.getByRole('list', { name: 'Qui signe ?' }).getByRole('button', { name: marie.name }).click();
    await tablet.getByRole('button', { name: 'Lire la charte' }).click();
    await tablet.getByTestId('charter-end').scrollIntoViewIfNeeded();
    await tablet.getByRole('checkbox').check();
    const path = await wave(tablet.getByTestId('signature-pad'));
    await tablet.mouse.move(path[0]!.x, path[0]!.y);
    await tablet.mouse.down();
    for (const p of path.slice(1)) await tablet.mouse.move(p.x, p.y, { steps: 2 });
    await tablet.mouse.up();
    const answered = tablet.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/charters/${first.charterId}/signatures`),
    );
    await tablet.getByRole('button', { name: 'Valider ma signature' }).click();
    const answer = (await (await answered).json()) as { hash: string };
    await tablet.getByTestId('receipt').getByText('Merci, Marie Lemaître !').waitFor();

    receiptLink = await readCanvasQr(tablet, 'receipt-qr');
    expect(receiptLink).toBe(`${base}/verify/#receipt=${answer.hash}`);
    await expectAccessible(tablet, 'the tablet receipt, 1024×768, fr');
    await tablet.screenshot({ path: `${SHOTS}/kiosk-receipt-1024x768.png` });

    // The signer's phone, scanning it: the public verifier, the receipt in its field, no token anywhere.
    const phone = await newPage(PHONE);
    await phone.goto(receiptLink);
    await phone.getByTestId('verify-receipt-from-link').waitFor();
    await expect(phone.getByTestId('verify-receipt').inputValue()).resolves.toBe(answer.hash);
    await expectAccessible(phone, 'the verifier opened from a receipt, 390×844, fr');
    await phone.screenshot({ path: `${SHOTS}/verify-from-receipt-390x844.png` });
  }, 60_000);

  test('the organisers’ printed receipt cards carry the same link as the tablet’s screen', async () => {
    expect(receiptLink).not.toBe('');
    const organiser = await newPage(LAPTOP);
    await organiser.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await organiser.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    await organiser.goto(`${base}/charter/?conference=${conferenceId}&charter=${first.charterId}`);
    // (Headless Chromium's print dialog returns at once; the cards stay drawn.)
    await organiser.getByTestId('print-receipts').click();
    await organiser.getByTestId('receipt-card').first().waitFor();
    await expect(readCanvasQr(organiser, 'receipt-card-qr')).resolves.toBe(receiptLink);
    await expectAccessible(organiser, 'the organisers’ printed receipt cards, 1280×900, fr');
    await organiser.screenshot({ path: `${SHOTS}/receipt-cards-1280x900.png`, fullPage: true });
  }, 60_000);
});
