// The organisers' page answers a person's privacy requests: it exports
// everything held about them (right of access) and erases their personal data
// (right to be forgotten), against the real server in headless Chromium.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, enrolmentUrl, launchBrowser, ptceConference } from '../support/browser.js';
import { ADMIN_TOKEN, call as request, startTestServer, type TestServer } from '../support/server.js';

const LAPTOP = { width: 1280, height: 900 };

interface PersonExport {
  registrationId: string;
  registration: { person: { erased?: boolean; email?: string; firstName?: string; lastName?: string } };
}

describe('the organisers export and erase a person’s data', () => {
  const conferenceId = randomUUID();
  const zephyrine = {
    registrationId: randomUUID(),
    email: `zephyrine.quintavalle.${randomUUID().slice(0, 8)}@example.org`,
  };
  const anatole = { registrationId: randomUUID() };
  let server: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** An organiser's call that must succeed (setting the scene, not under test). */
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  const rows = () => page.locator('tr.registration');
  const rowOf = (text: string) => rows().filter({ hasText: text });

  /** Opens the row's menu of actions (the table keeps them out of sight until asked). */
  const menuOf = async (row: ReturnType<typeof rowOf>) => {
    const menu = row.getByRole('menu');
    if ((await menu.count()) === 0) await row.getByRole('button', { name: /^Actions pour/ }).click();
    return menu;
  };

  /** Clicks « Exporter les données » in `row`'s menu and returns the saved file's name and JSON. */
  async function exportFrom(row: ReturnType<typeof rowOf>): Promise<{ name: string; json: unknown }> {
    const menu = await menuOf(row);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      menu.getByRole('menuitem', { name: 'Exporter les données' }).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), json: JSON.parse(readFileSync(path, 'utf8')) as unknown };
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    base = server.base;
    await call('POST', '/api/conferences', { conferenceId, ...ptceConference() });
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: zephyrine.registrationId,
      firstName: 'Zéphyrine',
      lastName: 'Quintavalle',
      email: zephyrine.email,
      organisation: 'Coopérative des Quatre Vents',
      category: 'signatory',
      lunch: true,
      photoConsent: false,
    });
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId: anatole.registrationId,
      firstName: 'Anatole',
      lastName: 'Brévannes',
      email: `anatole.${randomUUID().slice(0, 8)}@example.org`,
      organisation: 'PTCE Sud Aquitaine',
      category: 'participant',
      lunch: false,
      photoConsent: true,
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: LAPTOP, locale: 'fr-FR', acceptDownloads: true });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('export then erasure: the row reads « Personne effacée » and the name is gone', async () => {
    await page.goto(enrolmentUrl(base, 'admin', ADMIN_TOKEN, conferenceId));
    await page.getByRole('heading', { name: 'Inscriptions' }).waitFor();
    const row = rowOf('Zéphyrine Quintavalle');
    await row.waitFor();
    await rowOf('Anatole Brévannes').waitFor();

    // Right of access: the whole answer, as a file named after her.
    const exported = await exportFrom(row);
    expect(exported.name).toBe('donnees-quintavalle.json');
    expect(exported.json).toMatchObject({ registrationId: zephyrine.registrationId });
    expect(JSON.stringify(exported.json)).toContain(zephyrine.email);

    // Right to be forgotten: a dialog explains, and asks why.
    await (await menuOf(row)).getByRole('menuitem', { name: 'Effacer les données personnelles…' }).click();
    const panel = page.getByRole('dialog', { name: /Effacer les données personnelles de Zéphyrine Quintavalle/ });
    await panel.waitFor();
    const explanation = await panel.innerText();
    expect(explanation).toContain('illisibles pour de bon');
    expect(explanation).toContain('ne peut pas être annulée');
    expect(explanation).toContain('Ne nommez pas la personne');
    const submit = panel.getByRole('button', { name: 'Effacer définitivement' });
    // No reason, no erasure.
    await panel.getByLabel('Motif (obligatoire)').fill('   ');
    expect(await submit.isDisabled()).toBe(true);
    await panel.getByLabel('Motif (obligatoire)').fill('Demande reçue par courrier le 20/09');
    const erased = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/registrations/${zephyrine.registrationId}/erase`),
    );
    await submit.click();
    const answer = await erased;
    expect(answer.status()).toBe(200);
    expect(await answer.json()).toMatchObject({ registrationId: zephyrine.registrationId });

    // The list is read again: her row is anonymous, without the erase action; the other person is untouched.
    const erasedRow = rowOf('Personne effacée');
    await erasedRow.waitFor();
    await expect(erasedRow.count()).resolves.toBe(1);
    await expect(
      (await menuOf(erasedRow)).getByRole('menuitem', { name: 'Effacer les données personnelles…' }).count(),
    ).resolves.toBe(0);
    await rowOf('Anatole Brévannes').waitFor();
    await expect(rows().count()).resolves.toBe(2);
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('Zéphyrine');
    expect(text).not.toContain('Quintavalle');
    expect(text).not.toContain(zephyrine.email);

    // Export is still offered; the file is now named by the registration id.
    const again = await exportFrom(erasedRow);
    expect(again.name).toBe(`donnees-${zephyrine.registrationId}.json`);
    expect(JSON.stringify(again.json)).not.toContain(zephyrine.email);

    const after = await call<PersonExport>(
      'GET',
      `/api/conferences/${conferenceId}/registrations/${zephyrine.registrationId}/export`,
    );
    expect(after.registration.person.erased).toBe(true);
  }, 60_000);
});
