// The door phone over HTTPS at a venue without internet (issue 15): the
// server runs with TLS=local, and Chromium trusts its CA the way a phone
// would after installing it — in its own NSS database, under a HOME of its
// own — with no ignoreHTTPSErrors. The host name is the venue's
// (emargement.test, mapped to 127.0.0.1 by Chromium's resolver), so the page
// is a secure context only because the certificate is trusted, never because
// it is loopback. The same page over plain HTTP on that name is not one, and
// says so.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertWebBuilt,
  enrolmentUrl,
  launchBrowser,
  pngToY4m,
  ptceConference,
  type DeviceRole,
} from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { freePort, send } from '../support/tls.js';

const HOST = 'emargement.test';
const PHONE = { width: 390, height: 844 };
const MAIN_DOOR = 'Accueil principal';

/** What a page can use: the APIs browsers give secure contexts only. */
interface Capabilities {
  isSecureContext: boolean;
  mediaDevices: boolean;
  subtle: boolean;
  serviceWorker: boolean;
}

const capabilities = (page: Page): Promise<Capabilities> =>
  page.evaluate(`({
    isSecureContext: window.isSecureContext,
    mediaDevices: typeof navigator.mediaDevices?.getUserMedia === 'function',
    subtle: typeof crypto.subtle?.digest === 'function',
    serviceWorker: 'serviceWorker' in navigator,
  })`);

describe('the door over HTTPS with the venue’s own CA, in a real browser', () => {
  const work = mkdtempSync(join(tmpdir(), 'emargement-https-door-'));
  /** Chromium's HOME: its NSS database is where Linux Chromium keeps the CAs a user installed. */
  const home = join(work, 'home');
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  const registrationId = randomUUID();
  let server: TestServer;
  let plain: TestServer;
  let port: number;
  let plainPort: number;
  /** The server's plain HTTP port (HTTP_PORT): where a phone without the CA fetches it. */
  let httpPort: number;
  let base: string;
  let caPem = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** An organiser's call over HTTPS, trusting that CA only (as the browser does), that must succeed. */
  async function call<T>(method: string, path: string, body?: unknown): Promise<{ body: T; bytes: Buffer }> {
    const answer = await send(`${base}${path}`, {
      method,
      ca: caPem,
      connectTo: '127.0.0.1',
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body}`);
    }
    const json = answer.headers['content-type']?.startsWith('application/json');
    return { body: (json ? JSON.parse(answer.body) : undefined) as T, bytes: answer.bytes };
  }

  beforeAll(async () => {
    assertWebBuilt();
    port = await freePort();
    httpPort = await freePort();
    base = `https://${HOST}:${port}`;
    server = await startTestServer({
      ADMIN_TOKEN: adminToken,
      TLS: 'local',
      PUBLIC_URL: base,
      PORT: String(port),
      HTTP_PORT: String(httpPort),
    });
    plainPort = await freePort();
    plain = await startTestServer({ PORT: String(plainPort) });

    // The CA as a phone downloads it, then installed in Chromium's NSS database, trusted for TLS servers.
    const downloaded = await send(`http://127.0.0.1:${port}/ca.crt`);
    expect(downloaded.status).toBe(200);
    caPem = downloaded.body;
    const caFile = join(work, 'ca.pem');
    writeFileSync(caFile, caPem);
    const nssdb = join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password'], { stdio: 'pipe' });
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'emargement', '-i', caFile], {
      stdio: 'pipe',
    });

    const fixture = ptceConference();
    await call('POST', '/api/conferences', { conferenceId, ...fixture });
    await call('POST', `/api/conferences/${conferenceId}/registrations`, {
      registrationId,
      firstName: 'Claude',
      lastName: 'Alphandéry',
      email: 'claude.alphandery@example.org',
      organisation: "Le Labo de l'ESS",
      category: 'speaker',
      lunch: true,
      photoConsent: true,
    });
    const ticket = await call('GET', `/api/conferences/${conferenceId}/registrations/${registrationId}/ticket.png`);
    const pngPath = join(work, 'ticket.png');
    writeFileSync(pngPath, ticket.bytes);
    const y4m = join(work, 'ticket.y4m');
    pngToY4m(pngPath, y4m, { width: 800, height: 600, frames: 2 });

    browser = await launchBrowser({
      fakeCameraFile: y4m,
      env: { ...process.env, HOME: home },
      args: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    await plain?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function enrol(role: DeviceRole): Promise<string> {
    const { body } = await call<{ token: string }>('POST', '/api/devices', { name: 'Porte test', role, conferenceId });
    return body.token;
  }

  /** A phone of its own; the camera is granted to `cameraOrigin` (Chromium refuses to grant it to an insecure one). */
  async function phone(cameraOrigin?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
    contexts.push(context);
    if (cameraOrigin) await context.grantPermissions(['camera'], { origin: cameraOrigin });
    return context.newPage();
  }

  test('https:// with the installed CA is a secure context: camera, crypto.subtle, service worker, and a scan admits', async () => {
    const page = await phone(base);
    const response = await page.goto(enrolmentUrl(base, 'door', await enrol('door'), conferenceId));
    expect(response?.status()).toBe(200);
    // Chromium verified the chain itself (no ignoreHTTPSErrors): the served certificate is the CA's.
    const security = await response?.securityDetails();
    expect(security?.subjectName).toBe(HOST);
    expect(security?.issuer).toMatch(/^Emargement local CA/);

    expect(await capabilities(page)).toEqual({
      isSecureContext: true,
      mediaDevices: true,
      subtle: true,
      serviceWorker: true,
    });
    await page.getByTestId('device-name').filter({ hasText: 'Appareil : Porte test (accueil)' }).waitFor();
    expect(await page.getByTestId('insecure-context').count()).toBe(0);

    // The offline door's service worker (another change adds /sw.js): registered when it is served,
    // and the API to register it is there in any case. The web app's fallback answers HTML for
    // unknown paths, so "served" means a script.
    const registration = await page.evaluate<{
      served: boolean;
      scope?: string;
      registerIsFunction?: boolean;
    }>(`(async () => {
      const res = await fetch('/sw.js', { cache: 'no-store' });
      const type = res.headers.get('content-type') || '';
      if (res.status !== 200 || !/javascript/.test(type)) {
        return { served: false, registerIsFunction: typeof navigator.serviceWorker.register === 'function' };
      }
      const reg = await navigator.serviceWorker.register('/sw.js');
      return { served: true, scope: reg.scope };
    })()`);
    if (registration.served) expect(registration.scope).toBe(`${base}/`);
    else expect(registration.registerIsFunction).toBe(true);

    // As in door.e2e: the fake camera shows the ticket, the ID is checked, the door admits.
    await page.getByRole('heading', { name: 'Choisissez votre porte' }).waitFor();
    await page.getByRole('button', { name: MAIN_DOOR }).click();
    await page.getByText(`Porte : ${MAIN_DOOR}`).waitFor();
    await page.getByRole('button', { name: 'Scanner avec la caméra' }).click();
    await page.getByTestId('person-name').filter({ hasText: 'Claude Alphandéry' }).waitFor({ timeout: 20_000 });
    await page
      .getByRole('group', { name: 'Document présenté' })
      .getByRole('button', { name: 'Carte d’identité' })
      .click();
    await page.getByRole('group', { name: 'Le nom correspond-il ?' }).getByRole('button', { name: 'Oui' }).click();
    const answered = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url() === `${base}/api/conferences/${conferenceId}/scans`,
    );
    await page.getByRole('button', { name: 'Valider l’entrée' }).click();
    expect(await (await answered).json()).toMatchObject({ result: 'admitted' });
    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
  }, 120_000);

  test('the organisers’ page shows how to install the certificate, as the first step of pairing', async () => {
    const page = await phone();
    await page.goto(enrolmentUrl(base, 'admin', adminToken, conferenceId));
    await page.getByRole('button', { name: 'Appareils', exact: true }).click();
    const block = page.getByTestId('certificate-install');
    await block.getByRole('heading', { name: 'Installer le certificat de l’accueil' }).waitFor();
    await block
      .getByText('Paramètres › Sécurité › Chiffrement et identifiants › Installer un certificat', {
        exact: false,
      })
      .waitFor();
    // With HTTP_PORT, the links and the QR codes lead a phone that does not trust the CA yet to plain http:// there.
    expect(await block.getByRole('link', { name: 'Télécharger le certificat (ca.crt)' }).getAttribute('href')).toBe(
      `http://${HOST}:${httpPort}/ca.crt`,
    );
    expect(
      await block.getByRole('link', { name: 'Télécharger le profil (ca.mobileconfig)' }).getAttribute('href'),
    ).toBe(`http://${HOST}:${httpPort}/ca.mobileconfig`);
    await block.getByRole('img', { name: `QR code du lien : http://${HOST}:${httpPort}/ca.crt` }).waitFor();
    // And the server answers the certificate there, over plain HTTP.
    const plainCa = await send(`http://127.0.0.1:${httpPort}/ca.crt`);
    expect(plainCa.status).toBe(200);
    expect(plainCa.body).toBe(caPem);
  }, 60_000);

  test('the same page over plain http:// on the venue’s host name is not a secure context, and says so in French', async () => {
    const origin = `http://${HOST}:${plainPort}`;
    const page = await phone();
    const response = await page.goto(`${origin}/door/`);
    expect(response?.status()).toBe(200);
    expect(await capabilities(page)).toEqual({
      isSecureContext: false,
      mediaDevices: false,
      subtle: false,
      serviceWorker: false,
    });
    const notice = page.getByTestId('insecure-context');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('la caméra et le mode hors ligne');
    await notice.getByText('Ouvrez l’adresse https:// donnée par l’organisation', { exact: false }).waitFor();
  }, 60_000);
});
