// The door without network, end to end: the real server (createApp on a real
// SQLite file) serving the built web app with its service worker, two door
// phones in headless Chromium, and the server itself stopped to cut the
// network (a service worker's requests can escape the browser's offline
// emulation; a closed port cannot be escaped), then started again on the
// same port and DATA_DIR. Scans are typed as a handheld scanner types them:
// the code, then Enter, into whatever has the focus.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser, todaysConference } from '../support/browser.js';
import { call as request, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const MAIN_DOOR = 'Accueil principal';
const SIDE_DOOR = 'Accueil intervenants';
const TIMEZONE = 'Europe/Paris';

const wallClock = (iso: string) =>
  new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIMEZONE }).format(
    new Date(iso),
  );

interface Person {
  registrationId: string;
  firstName: string;
  lastName: string;
  category: string;
  ticketCode: string;
}

interface SentScan {
  scanId: string;
  registrationId?: string;
  ticketCode?: string;
  door: string;
  scannedAt: string;
  offline?: { result: string; reason?: string };
}

describe('the door keeps admitting without network', () => {
  const adminToken = randomUUID();
  const conferenceId = randomUUID();
  let server: TestServer;
  let stopped: Awaited<ReturnType<TestServer['stop']>> | null = null;
  let base = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const marie: Person = {
    registrationId: randomUUID(),
    firstName: 'Marie',
    lastName: 'Dupont',
    category: 'speaker',
    ticketCode: '',
  };
  const paul: Person = {
    registrationId: randomUUID(),
    firstName: 'Paul',
    lastName: 'Martin',
    category: 'participant',
    ticketCode: '',
  };
  let phoneA: Page;
  let phoneB: Page;
  let contextB: BrowserContext;
  let deviceB = '';
  /** Every scan each phone sent, as the server received it. */
  const sentA: SentScan[] = [];
  const sentB: SentScan[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request<T>(base, method, path, body, { Authorization: `Bearer ${adminToken}` });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ ADMIN_TOKEN: adminToken });
    base = server.base;
    // Today's conference (a list is wiped 12 h after the end): no ID check, so a scan admits at once.
    await call(
      'POST',
      '/api/conferences',
      todaysConference({
        conferenceId,
        name: 'Journée sans réseau',
        venue: 'Halle',
        timezone: TIMEZONE,
        doors: [MAIN_DOOR, SIDE_DOOR],
      }),
    );
    for (const person of [marie, paul]) {
      const { ticketCode } = await call<{ ticketCode: string }>(
        'POST',
        `/api/conferences/${conferenceId}/registrations`,
        {
          registrationId: person.registrationId,
          firstName: person.firstName,
          lastName: person.lastName,
          email: `${person.firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.org`,
          category: person.category,
          lunch: false,
          photoConsent: false,
        },
      );
      person.ticketCode = ticketCode;
    }
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    if (stopped) await stopped.dispose();
    else await server?.close();
  });

  /** A phone of its own: its own device (enrolled by its pairing link), its own storage, standing at `door`. */
  async function doorPhone(name: string, door: string, sent: SentScan[], serviceWorker: boolean) {
    const { token, deviceId } = await enrolDevice(base, adminToken, { name, role: 'door', conferenceId });
    const context = await browser.newContext({
      viewport: PHONE,
      hasTouch: true,
      serviceWorkers: serviceWorker ? 'allow' : 'block',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/api/conferences/${conferenceId}/scans`)) {
        // An online attempt that got no answer and its upload share a scan id: keep what went last.
        const body = r.postDataJSON() as SentScan;
        const at = sent.findIndex((s) => s.scanId === body.scanId);
        if (at === -1) sent.push(body);
        else sent[at] = body;
      }
    });
    await page.goto(enrolmentUrl(base, 'door', token, conferenceId));
    await page.getByRole('button', { name: door }).click();
    await page.getByText(`Porte : ${door}`).waitFor();
    // The day's list, in full, on the phone.
    await status(page)
      .filter({ hasText: /liste du \d\d:\d\d · 2 billets/ })
      .waitFor();
    return { page, context, deviceId };
  }

  const status = (page: Page) => page.getByTestId('door-status');

  /** What a handheld scanner does: types the code and presses Enter, into whatever has the focus. */
  async function handheldScan(page: Page, code: string) {
    await page.keyboard.type(code, { delay: 2 });
    await page.keyboard.press('Enter');
  }

  async function expectResult(page: Page, title: 'ADMIS' | 'REFUSÉ', name: string) {
    const result = page.getByTestId('scan-result');
    await result.getByRole('heading', { name: title }).waitFor();
    await result.getByTestId('person-name').filter({ hasText: name }).waitFor();
    return result;
  }

  test('the door opens online, keeps the day list and installs its app shell', async () => {
    ({ page: phoneA } = await doorPhone('Porte A', MAIN_DOOR, sentA, true));
    ({ page: phoneB, context: contextB, deviceId: deviceB } = await doorPhone('Porte B', SIDE_DOOR, sentB, false));
    // The service worker has precached the build and controls the page.
    await phoneA.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    await status(phoneA).filter({ hasText: 'En ligne' }).waitFor();

    // The manifest and the worker are never kept stale by a cache.
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const manifest = await fetch(`${base}/manifest.webmanifest`);
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    expect(((await manifest.json()) as { start_url: string }).start_url).toBe('/door/');
  }, 90_000);

  test('with the server down, a cold reload opens the door and a handheld scan admits, by name', async () => {
    // Paul is cancelled after the phones downloaded the list: they cannot know it.
    await call('POST', `/api/conferences/${conferenceId}/registrations/${paul.registrationId}/cancel`, {});
    stopped = await server.stop();

    await phoneA.reload();
    await phoneA.getByText(`Porte : ${MAIN_DOOR}`).waitFor();
    await status(phoneA)
      .filter({ hasText: /liste du \d\d:\d\d · 2 billets/ })
      .waitFor();

    await handheldScan(phoneA, marie.ticketCode);
    const result = await expectResult(phoneA, 'ADMIS', 'Marie Dupont');
    await result.getByTestId('decided-offline').waitFor();
    await status(phoneA).filter({ hasText: 'Hors ligne — 1 scan en attente' }).waitFor();

    // The same ticket again, on the same phone: refused on the spot, with this phone's time and door.
    await handheldScan(phoneA, marie.ticketCode);
    const again = await expectResult(phoneA, 'REFUSÉ', 'Marie Dupont');
    await expect(again.getByTestId('refusal-reason').textContent()).resolves.toMatch(
      new RegExp(`^Déjà entré\\(e\\) à ${MAIN_DOOR} à \\d\\d:\\d\\d$`),
    );

    // Paul, cancelled meanwhile, is admitted on the phone's list.
    await handheldScan(phoneA, paul.ticketCode);
    await expectResult(phoneA, 'ADMIS', 'Paul Martin');
    await status(phoneA).filter({ hasText: 'Hors ligne — 3 scans en attente' }).waitFor();
  }, 90_000);

  test('nothing is lost across a reload while offline', async () => {
    await phoneA.reload();
    await phoneA.getByText(`Porte : ${MAIN_DOOR}`).waitFor();
    // The outbox is read back from IndexedDB after the reload: wait for it, then check it.
    await phoneA.locator('[data-testid="door-status"][data-pending="3"]').waitFor();
    await expect(status(phoneA).getAttribute('data-pending')).resolves.toBe('3');
    // The phone still remembers its own admission after the reload.
    await handheldScan(phoneA, marie.ticketCode);
    await expectResult(phoneA, 'REFUSÉ', 'Marie Dupont');
    await status(phoneA).filter({ hasText: 'Hors ligne — 4 scans en attente' }).waitFor();
  }, 90_000);

  test('another phone, offline too, admits the same ticket', async () => {
    await handheldScan(phoneB, marie.ticketCode);
    await expectResult(phoneB, 'ADMIS', 'Marie Dupont');
    await status(phoneB).filter({ hasText: 'Hors ligne — 1 scan en attente' }).waitFor();
  }, 60_000);

  test('the server comes back: both uploads arrive by themselves, the second door is told of its conflict', async () => {
    // Phone B is held back until phone A has sent its scans, so that the order of arrival is known.
    await contextB.route('**/*', (route) => route.abort('connectionrefused'));
    if (!stopped) throw new Error('the server was not stopped');
    server = await stopped.start();
    stopped = null;
    expect(server.base).toBe(base);

    await status(phoneA)
      .filter({ hasText: /^En ligne/ })
      .waitFor({ timeout: 30_000 });
    await phoneA.locator('[data-testid="door-status"][data-pending="0"]').waitFor({ timeout: 30_000 });
    await expect(status(phoneA).getAttribute('data-pending')).resolves.toBe('0');
    await contextB.unroute('**/*');
    await status(phoneB)
      .filter({ hasText: /^En ligne/ })
      .waitFor({ timeout: 30_000 });
    await phoneB.locator('[data-testid="door-status"][data-pending="0"]').waitFor({ timeout: 30_000 });
    await expect(status(phoneB).getAttribute('data-pending')).resolves.toBe('0');

    // What each phone sent: the offline decision, with its real scan time.
    const firstA = sentA.find((s) => s.registrationId === marie.registrationId && s.offline?.result === 'admitted');
    const firstB = sentB.find((s) => s.registrationId === marie.registrationId);
    if (!firstA || !firstB) throw new Error(`uploads missing: ${JSON.stringify({ sentA, sentB })}`);
    expect(firstB.offline).toEqual({ result: 'admitted' });
    // An offline scan of a ticket on the list goes up by its registration id: the phone keeps no ticket code.
    expect([...sentA, ...sentB].filter((s) => s.offline && s.ticketCode !== undefined)).toEqual([]);

    // The first door's admission stands, with its real time.
    const ticket = await call<{ state: string; door?: string; admittedAt?: string; admitted?: { at: string } }>(
      'GET',
      `/api/conferences/${conferenceId}/tickets/${encodeURIComponent(marie.ticketCode)}`,
    );
    expect(ticket.state).toBe('admitted');
    expect(ticket.door ?? '').toBe(MAIN_DOOR);
    expect(ticket.admittedAt ?? ticket.admitted?.at).toBe(firstA.scannedAt);

    // The second door is told, with the name, where and when she came in first.
    await phoneB
      .getByTestId('sync-notice')
      .filter({
        hasText: `Marie Dupont : déjà entré(e) à ${wallClock(firstA.scannedAt)} (${MAIN_DOOR}) — conflit signalé aux organisateurs`,
      })
      .waitFor();
    // Phone A is told that Paul had been cancelled.
    await phoneA
      .getByTestId('sync-notice')
      .filter({
        hasText:
          'Paul Martin : admis(e) hors ligne, mais inscription annulée entre-temps — conflit signalé aux organisateurs',
      })
      .waitFor();

    // The organisers see both conflicts; the dashboard counts Marie once.
    const conflicts = await call<{ reason: string; registrationId: string }[]>(
      'GET',
      `/api/conferences/${conferenceId}/conflicts`,
    );
    expect(conflicts.map((c) => [c.registrationId, c.reason]).sort()).toEqual(
      [
        [marie.registrationId, 'already_checked_in'],
        [paul.registrationId, 'cancelled'],
      ].sort(),
    );
    const attendance = await call<{ byCategory: Record<string, { admitted: number }> }>(
      'GET',
      `/api/conferences/${conferenceId}/attendance`,
    );
    expect(attendance.byCategory.speaker?.admitted).toBe(1);

    // A notice goes once dismissed.
    await phoneB.getByTestId('sync-notice').getByRole('button', { name: 'Vu' }).click();
    await phoneB.getByTestId('sync-notice').waitFor({ state: 'detached' });
  }, 120_000);

  test('a revoked phone forgets the list and the names, and keeps its unsent scans', async () => {
    // Phone B loses the network, scans Paul (refused on the spot: cancelled, as its refreshed list says), and is
    // revoked meanwhile; when the network is back, its upload is answered 401.
    await status(phoneB)
      .filter({ hasText: /liste du \d\d:\d\d · 2 billets/ })
      .waitFor();
    await contextB.route('**/api/**', (route) => route.abort('connectionrefused'));
    await handheldScan(phoneB, paul.ticketCode);
    await expectResult(phoneB, 'REFUSÉ', 'Paul Martin');
    await status(phoneB).filter({ hasText: 'Hors ligne — 1 scan en attente' }).waitFor();
    await call('DELETE', `/api/devices/${deviceB}`);
    await contextB.unroute('**/api/**');
    await phoneB.getByTestId('not-authorised').waitFor({ timeout: 30_000 });

    const kept = await phoneB.evaluate(`new Promise((ok, ko) => {
      const open = indexedDB.open('emargement-door');
      open.onerror = () => ko(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction(['tickets', 'meta', 'decisions', 'outbox']);
        const count = (name) => new Promise((done) => { const r = tx.objectStore(name).count(); r.onsuccess = () => done(r.result); });
        const outbox = tx.objectStore('outbox').getAll();
        outbox.onsuccess = () =>
          Promise.all(['tickets', 'meta', 'decisions'].map(count)).then(([tickets, meta, decisions]) =>
            ok({ tickets, meta, decisions, outbox: outbox.result }),
          );
      };
    })`);
    expect(kept).toMatchObject({ tickets: 0, meta: 0, decisions: 0 });
    const outbox = (kept as { outbox: { name: string | null; body: SentScan }[] }).outbox;
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ name: null, body: { registrationId: paul.registrationId } });
    expect(JSON.stringify(outbox)).not.toContain('Paul');
  }, 90_000);
});
