// The public /verify/ page in headless Chromium, on the real server and the
// built web app: a sealed charter checked in the browser (no token, the file
// never sent), then an altered copy; and the signing tablet's inactivity
// reset: a half-done signature left alone goes back to the list, unsent.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { admitted, conferenceWithCharter, expectStatus, signatureBody } from '../support/data.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from '../support/server.js';

jest.setTimeout(120_000);

describe('checking a sealed charter in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  let cid: string;
  let chid: string;
  let sealedFile: string;
  let rootFile: string;
  let hash: string;
  const posted: string[] = [];

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    const api = `${server.base}/api`;
    ({ cid, chid } = await conferenceWithCharter(api));
    const signer = await admitted(api, cid, { firstName: 'Marie', lastName: 'Lemaître', organisation: 'PTCE Sud' });
    const answer = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/charters/${chid}/signatures`, signatureBody(signer.registrationId)),
      201,
    ) as { hash: string };
    hash = answer.hash;
    // Someone admitted who has not signed: the tablet's list still has a name to pick.
    await admitted(api, cid, { firstName: 'Jean', lastName: 'Etcheverry', organisation: 'Coopérative du Port' });
    dir = mkdtempSync(join(tmpdir(), 'verify-e2e-'));
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function page(): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1024, height: 768 } });
    const p = await context.newPage();
    p.on('request', (r) => {
      if (r.method() === 'POST') posted.push(r.url());
    });
    return p;
  }

  test('the tablet: a signing screen left alone goes back to the list, the drawing and the tick dropped, nothing sent', async () => {
    const { token } = await enrolDevice(server.base, ADMIN_TOKEN, {
      name: 'Tablette',
      role: 'kiosk',
      conferenceId: cid,
    });
    const tablet = await page();
    await tablet.addInitScript("localStorage.setItem('emargement.kioskIdleSeconds', '3')");
    await tablet.goto(enrolmentUrl(server.base, 'kiosk', token, cid, { charter: chid, kiosk: 'Tablette test' }));
    const list = tablet.getByRole('list', { name: 'Qui signe ?' });
    // The organisation beside the name.
    await list.getByText('Coopérative du Port').waitFor();
    await list.getByRole('button', { name: 'Jean Etcheverry' }).click();
    await tablet.getByRole('button', { name: 'Lire la charte' }).click();
    await tablet.getByTestId('charter-end').scrollIntoViewIfNeeded();
    // The consent is worded in the charter's language (French here), whatever the tablet's.
    await expect(tablet.getByTestId('consent-wording').getAttribute('lang')).resolves.toBe('fr');
    await expect(tablet.getByTestId('consent-wording').textContent()).resolves.toContain('J’ai lu la charte');
    await tablet.getByRole('checkbox').check();
    const pad = tablet.getByTestId('signature-pad');
    const box = (await pad.boundingBox())!;
    await tablet.mouse.move(box.x + 20, box.y + 40);
    await tablet.mouse.down();
    for (let i = 1; i <= 20; i++) await tablet.mouse.move(box.x + 20 + i * 10, box.y + 40 + (i % 5) * 6);
    await tablet.mouse.up();
    const started = Date.now();
    // Nobody touches the tablet any more: back to the list on its own.
    await list.waitFor({ timeout: 30_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(posted.filter((u) => u.endsWith('/signatures'))).toEqual([]);
    // Picking the name again starts afresh: no tick, an empty pad.
    await list.getByRole('button', { name: 'Jean Etcheverry' }).click();
    await tablet.getByRole('button', { name: 'Lire la charte' }).click();
    await tablet.getByTestId('charter-end').scrollIntoViewIfNeeded();
    await expect(tablet.getByRole('checkbox').isChecked()).resolves.toBe(false);
    await expect(tablet.getByRole('button', { name: 'Valider ma signature' }).isDisabled()).resolves.toBe(true);
    await tablet.context().close();
  });

  test('a sealed charter is found intact, with the signer’s receipt; the page needs no token', async () => {
    const api = `${server.base}/api`;
    expectStatus(await call(api, 'POST', `/conferences/${cid}/charters/${chid}/close`), 200);
    const res = await fetch(`${api}/conferences/${cid}/charters/${chid}/document.pdf`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    sealedFile = join(dir, 'charte.pdf');
    writeFileSync(sealedFile, Buffer.from(await res.arrayBuffer()));
    rootFile = join(dir, 'root.crt');
    writeFileSync(rootFile, (await call<string>(api, 'GET', '/charter-seal/root.crt')).body);

    const p = await page();
    const requests: string[] = [];
    p.on('request', (r) => requests.push(r.url()));
    await p.goto(`${server.base}/verify/`);
    await p.getByTestId('verify-file').setInputFiles(sealedFile);
    await p.getByTestId('verify-root').setInputFiles(rootFile);
    await p.getByTestId('verify-receipt').fill(
      hash
        .slice(0, 12)
        .toUpperCase()
        .replace(/(.{4})(?=.)/g, '$1-'),
    );
    await p.getByTestId('verify-run').click();
    const result = p.getByTestId('verify-result');
    await result.waitFor();
    await expect(result.getAttribute('data-fault')).resolves.toBe('');
    await expect(result.getByRole('heading').textContent()).resolves.toBe('Charte scellée et intacte');
    await expect(p.getByTestId('verify-receipt-found').textContent()).resolves.toContain('signature n° 1');
    // The file stayed in the browser: no request after the page and its assets.
    expect(requests.filter((u) => u.includes('/api/'))).toEqual([]);
    await p.context().close();
  });

  test('an altered copy is named for what is wrong', async () => {
    const p = await page();
    await p.goto(`${server.base}/verify/`);
    const altered = readFileSync(sealedFile);
    const at = altered.indexOf('/Type /Catalog');
    altered[at + 1] = 'X'.charCodeAt(0);
    const file = join(dir, 'altered.pdf');
    writeFileSync(file, altered);
    await p.getByTestId('verify-file').setInputFiles(file);
    await p.getByTestId('verify-run').click();
    const result = p.getByTestId('verify-result');
    await result.waitFor();
    await expect(result.getAttribute('data-fault')).resolves.toBe('digest_mismatch');
    await expect(p.getByTestId('verify-fault').textContent()).resolves.toContain(
      'Le document a été modifié après le scellement.',
    );
    // A receipt that is not in the chain, on the good file.
    await p.getByTestId('verify-file').setInputFiles(sealedFile);
    await p.getByTestId('verify-receipt').fill('0000-0000-0000');
    await p.getByTestId('verify-run').click();
    await p.locator('[data-testid="verify-result"][data-fault="receipt_not_found"]').waitFor();
    await p.context().close();
  });
});
