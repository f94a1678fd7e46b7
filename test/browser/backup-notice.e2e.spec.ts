// The organisers see their backups (issue 28): « Dernière sauvegarde à
// l'instant », then, when the stick is pulled out, the failure in red; the
// page at a laptop's size, in headless Chromium against the real server.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Backups } from '../../apps/server/src/backup/backups.js';
import { assertWebBuilt, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus, personBody } from '../support/data.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from '../support/server.js';

const SHOTS = process.env.SCREENSHOT_DIR;

describe("backups on the organisers' page", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let work: string;
  let cid: string;

  beforeAll(async () => {
    assertWebBuilt();
    work = mkdtempSync(join(tmpdir(), 'emargement-backup-page-'));
    server = await startTestServer({ BACKUP_DIR: join(work, 'stick'), BACKUP_EVERY: '3600' });
    ({ conferenceId: cid } = expectStatus(
      await call(`${server.base}/api`, 'POST', '/conferences', conferenceBody()),
      201,
    ) as { conferenceId: string });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' })).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, name) });
  };

  test('the last backup, then its failure in red', async () => {
    await server.app.get(Backups).backupIfChanged();
    await page.goto(enrolmentUrl(server.base, 'admin', ADMIN_TOKEN, cid));
    const notice = page.getByTestId('backup-notice');
    await expect(notice.innerText()).resolves.toBe('Dernière sauvegarde à l’instant.');
    await shot('backup-ok.png');

    // The stick is pulled out and something else takes its place.
    renameSync(join(work, 'stick'), join(work, 'stick-gone'));
    writeFileSync(join(work, 'stick'), '');
    expectStatus(await call(`${server.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody()), 201);
    await server.app.get(Backups).backupIfChanged();
    await page.reload();
    const alert = page.getByRole('alert').filter({ hasText: 'Échec de la sauvegarde' });
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toMatch(/^Échec de la sauvegarde à l’instant : .+Les portes continuent/);
    await shot('backup-failed.png');
  }, 60_000);
});
