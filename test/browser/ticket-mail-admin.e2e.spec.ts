// The organisers send the tickets by e-mail from their page (issue 25): « Envoyer les billets », the progress,
// the column in the registrations table, a failure shown and resent from the person's page; « e-mail non
// configuré » without SMTP_URL. In headless Chromium at laptop size, checked with axe; and the message's HTML
// part rendered at phone width (390 px), as a webmail on a phone shows it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readFixture } from '../../libs/testing/src/fixtures.js';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from '../support/server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'emargement-shots');

async function ok<T>(res: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await res;
  if (status < 200 || status >= 300) throw new Error(`answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

describe('the organisers send the tickets by e-mail', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let bare: TestServer;
  let browser: Browser;
  const cid = randomUUID();
  const bareCid = randomUUID();
  const people = [
    { firstName: 'Claude', lastName: 'Alphandéry', organisation: 'Le Labo de l’ESS', category: 'speaker' },
    {
      firstName: 'Zéphyrine',
      lastName: 'Quintavalle',
      organisation: 'Coopérative des Quatre Vents',
      category: 'signatory',
    },
    { firstName: 'Anatole', lastName: 'Brévannes', organisation: 'PTCE Sud Aquitaine', category: 'participant' },
  ].map((p) => ({ ...p, email: `${p.firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.org` }));
  const refused = people[2]!;

  beforeAll(async () => {
    assertWebBuilt();
    mkdirSync(SHOTS, { recursive: true });
    sink = await startSmtpSink();
    server = await startTestServer({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Journée des PTCE <billets@ptce.example.org>',
      MAIL_PER_MINUTE: '60000',
    });
    bare = await startTestServer();
    const fixture = JSON.parse(readFixture('ptce-2014/conference.json')) as Record<string, unknown>;
    await ok(call(server.base, 'POST', '/api/conferences', { ...fixture, conferenceId: cid }));
    await ok(call(bare.base, 'POST', '/api/conferences', { ...fixture, conferenceId: bareCid }));
    for (const p of people) {
      await ok(
        call(server.base, 'POST', `/api/conferences/${cid}/registrations`, { ...p, lunch: true, photoConsent: false }),
      );
    }
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await bare?.close();
    await sink?.close();
  });

  const rowOf = (page: Page, text: string) => page.locator('tr.registration').filter({ hasText: text });

  test('« Envoyer les billets »: progress, a column per person, a refusal shown and resent from the person’s page', async () => {
    sink.refuse = (address) => address === refused.email;
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR' });
    const page = await context.newPage();
    try {
      await page.goto(enrolmentUrl(server.base, 'admin', ADMIN_TOKEN, cid));
      await page.getByRole('heading', { name: 'Billets par e-mail' }).waitFor();
      await rowOf(page, 'Claude Alphandéry').waitFor();
      await expectAccessible(page, 'admin, tickets by e-mail, before sending (1280×800, fr)');

      await page.getByRole('button', { name: 'Envoyer les billets' }).click();
      const progress = page.getByTestId('mail-progress');
      await progress.filter({ hasText: '2 envoyés, 0 en attente, 1 en échec' }).waitFor({ timeout: 20_000 });
      await expect(progress.innerText()).resolves.toContain('3 billets mis en file d’envoi');
      expect(sink.received).toHaveLength(2);
      await rowOf(page, 'Claude Alphandéry').getByTestId('mail-status').filter({ hasText: 'Envoyé' }).waitFor();
      const failedCell = rowOf(page, 'Anatole Brévannes').getByTestId('mail-status');
      await failedCell.filter({ hasText: 'Échec' }).waitFor();
      await expect(failedCell.locator('span').getAttribute('title')).resolves.toContain('550');
      await expectAccessible(page, 'admin, tickets by e-mail, after sending (1280×800, fr)');
      // The table, its e-mail column included, fits the laptop's width: no sideways scrolling.
      await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
        LAPTOP.width,
      );
      await page.screenshot({ path: join(SHOTS, 'ticket-mail-admin-1280.png'), fullPage: true });

      // The address fixed at the other end: resend from the person's page.
      sink.refuse = () => false;
      await rowOf(page, 'Anatole Brévannes').getByRole('button', { name: 'Anatole Brévannes', exact: true }).click();
      // The person's history tells the failure, its reason and the server's words.
      await page.getByText('Échec de l’envoi du billet par e-mail').waitFor();
      await page.getByText(/adresse refusée par le serveur de messagerie.*550/).waitFor();
      await page.getByRole('button', { name: 'Renvoyer le billet par e-mail' }).click();
      await page.getByRole('status').filter({ hasText: 'Billet remis en file d’envoi' }).waitFor();
      await sink.untilReceived(3);
      expect(sink.received[2]!.to).toEqual([refused.email]);
      await page.screenshot({ path: join(SHOTS, 'ticket-mail-person-1280.png'), fullPage: true });
      await expectAccessible(page, 'admin, person page after a resend (1280×800, fr)');
    } finally {
      await context.close();
    }
  });

  test('the HTML part reads on a phone (390 px): nothing wider than the screen, the QR code whole', async () => {
    const message = await sink.received[0]!.parse();
    const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR', deviceScaleFactor: 2 });
    const page = await context.newPage();
    try {
      // As mailparser gives it: the inline QR code's cid: already turned into a data: URL.
      await page.setContent(message.html as string, { waitUntil: 'load' });
      const widths = await page.evaluate<{ page: number; qr: number; loaded: number }>(`({
        page: document.documentElement.scrollWidth,
        qr: document.querySelector('img').getBoundingClientRect().width,
        loaded: document.querySelector('img').naturalWidth,
      })`);
      expect(widths.page).toBeLessThanOrEqual(PHONE.width);
      expect(widths.qr).toBeGreaterThanOrEqual(200);
      expect(widths.loaded).toBeGreaterThan(0);
      await expectAccessible(page, 'the ticket e-mail’s HTML part (390 px, fr)');
      await page.screenshot({ path: join(SHOTS, 'ticket-mail-html-390.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('without SMTP_URL the page says « e-mail non configuré » and offers no sending', async () => {
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR' });
    const page = await context.newPage();
    try {
      await page.goto(enrolmentUrl(bare.base, 'admin', ADMIN_TOKEN, bareCid));
      await page.getByTestId('mail-not-configured').filter({ hasText: 'E-mail non configuré' }).waitFor();
      await expect(page.getByRole('button', { name: 'Envoyer les billets' }).count()).resolves.toBe(0);
      await expectAccessible(page, 'admin, e-mail not configured (1280×800, fr)');
    } finally {
      await context.close();
    }
  });
});
