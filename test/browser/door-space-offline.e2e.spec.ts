// A space's door phone (issue 23) at 390×844 with the SERVER STOPPED: the
// phone decides entries and exits itself with the bundled movements decider,
// on its copy of the door's list, shows each answer large and counts the room
// from what it knows; the server comes back on the same address, the outbox
// goes up, the movements another phone made meanwhile (which this phone's
// list did not have) turn into conflicts in the organisers' list, and the
// room's count equals a fold of the stored events.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { foldMovements, movementsStream, type MovementEvent } from '@emargement/spaces';
import type { EventStore } from '../../libs/event-store/src/index.js';
import { EVENT_STORE } from '../../apps/server/src/event-store/event-store.module.js';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus, personBody } from '../support/data.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const SHOT = '/tmp/door-space-offline.png';
const NAMES = ['Inès Dupré', 'Bastien Roy', 'Chloé Martin', 'Dora Petit', 'Ève Laurent'] as const;

describe('the space door phone with the server stopped', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cid: string;
  let phone: string;
  let otherPhone: string;
  const people: { registrationId: string; ticketCode: string }[] = [];
  /** An empty delta, served while set: the phone does not learn of the other phone's moves (nor of its own). */
  let frozen: string | null = null;

  const api = () => `${server.base}/api`;
  const inside = () => page.getByTestId('space-inside');
  async function typeCode(code: string): Promise<void> {
    await page.getByTestId('ticket-code').fill(code);
    await page.getByTestId('ticket-code').press('Enter');
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    ({ conferenceId: cid } = expectStatus(
      await call(
        api(),
        'POST',
        '/conferences',
        // Today's, on the machine's clock (the phone's and, after the restart, the server's): a day in progress,
        // which the closing-time sweep leaves alone until its end.
        conferenceBody({
          idCheckRequired: false,
          startsAt: new Date(Date.now() - 60 * 60_000).toISOString(),
          endsAt: new Date(Date.now() + 6 * 60 * 60_000).toISOString(),
        }),
      ),
      201,
    ) as { conferenceId: string });
    phone = (await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Porte salon', role: 'door', conferenceId: cid }))
      .token;
    otherPhone = (
      await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Porte salon 2', role: 'door', conferenceId: cid })
    ).token;
    // Open all day, whatever the machine's time (the phone decides on its own clock, the server on the scan's).
    expectStatus(
      await call(api(), 'POST', `/conferences/${cid}/spaces`, {
        name: 'Salon',
        opens: '00:00',
        closes: '23:59',
        capacity: 3,
      }),
      201,
    );
    for (const name of NAMES) {
      const [firstName, lastName] = name.split(' ');
      const registrationId = randomUUID();
      const { ticketCode } = expectStatus(
        await call(
          api(),
          'POST',
          `/conferences/${cid}/registrations`,
          personBody({ registrationId, firstName, lastName }),
        ),
        201,
      ) as { ticketCode: string };
      people.push({ registrationId, ticketCode });
      expectStatus(
        await call(
          api(),
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode, door: 'Accueil principal' },
          bearer(otherPhone),
        ),
        200,
      );
    }
    browser = await launchBrowser();
    // No service worker: its requests would escape the test's hold on the list (page.route).
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, locale: 'fr-FR', serviceWorkers: 'block' });
    page = await context.newPage();
    await page.route('**/door-dataset**', async (route: Route) => {
      if (frozen === null) return route.continue();
      return route.fulfill({ status: 200, contentType: 'application/json', body: frozen });
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('decides offline, merges on reconnection, conflicts recorded, counts equal the fold', async () => {
    const listed = page.waitForResponse((r) => r.url().includes('/door-dataset') && r.status() === 200);
    await page.goto(enrolmentUrl(server.base, 'door', phone, cid));
    await page.getByRole('heading', { name: 'Ou un espace' }).waitFor();
    await page.getByRole('button', { name: 'Salon', exact: true }).click();
    await inside().filter({ hasText: '0 / 3' }).waitFor();
    const first = JSON.parse(await (await listed).text()) as Record<string, unknown>;
    expect(first).toMatchObject({ complete: true, conference: { spaces: [{ name: 'Salon' }] } });
    // From now on the list says nothing changed (as a lagging server would): what this phone knows of the room
    // is the list's first answer and what it saw itself.
    frozen = JSON.stringify({ ...first, complete: false, tickets: [], removed: [] });

    // Online, Bastien goes in: the server decides, and the phone remembers it (its list will not say so).
    const online = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/scans'));
    await typeCode(people[1]!.ticketCode);
    expect(await (await online).json()).toMatchObject({ result: 'admitted', direction: 'in' });
    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
    expect(await page.getByTestId('decided-here').count()).toBe(0);
    await page.getByRole('button', { name: 'Scan suivant' }).click();

    // Another phone fills the room; this phone's list does not hear of it before the server goes.
    for (const i of [2, 3]) {
      expectStatus(
        await call(
          api(),
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: people[i]!.ticketCode, space: 'Salon', direction: 'in' },
          bearer(otherPhone),
        ),
        200,
      );
    }
    const stopped = await server.stop();

    // All on Auto: Bastien out (the phone remembers he went in online), Inès in, Bastien in again, Inès out and
    // in again, Ève in; then Chloé, whom the phone does not know inside: the room is full as the phone knows it.
    const expected: [number, RegExp, string][] = [
      [1, /ADMIS/, '0 / 3'],
      [0, /ADMIS/, '1 / 3'],
      [1, /ADMIS/, '2 / 3'],
      [0, /ADMIS/, '1 / 3'],
      [0, /ADMIS/, '2 / 3'],
      [4, /ADMIS/, '3 / 3'],
      [2, /REFUSÉ/, '3 / 3'],
    ];
    for (const [n, [i, heading, count]] of expected.entries()) {
      await typeCode(people[i]!.ticketCode);
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.getByTestId('decided-here').waitFor();
      await inside().filter({ hasText: count }).waitFor();
      await page
        .getByTestId('space-offline')
        .filter({ hasText: `${n + 1} en attente d’envoi` })
        .waitFor();
      if (n === 0 || n === 3) {
        await page.getByTestId('movement-direction').filter({ hasText: 'Sortie de Salon' }).waitFor();
      }
      if (n === 6) {
        expect(await page.getByTestId('refusal-reason').textContent()).toBe('Espace complet (3 / 3)');
        await page.getByTestId('person-name').filter({ hasText: 'Chloé Martin' }).waitFor();
        await expectAccessible(page, 'space phone offline, refused');
        await page.screenshot({ path: SHOT });
      } else if (n === 0) {
        await expectAccessible(page, 'space phone offline, admitted');
      }
      await page.getByRole('button', { name: 'Scan suivant' }).click();
    }

    // The server is back on the same address: the outbox goes up, in order, once.
    server = await stopped.start();
    frozen = null;
    await page.getByTestId('space-offline').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('space-notices').waitFor();
    expect(await page.getByTestId('space-notices').getByRole('listitem').count()).toBe(3);

    // In the organisers' list: Bastien, Inès and Ève, each let into a room the server knew was full.
    const conflicts = expectStatus(await call(api(), 'GET', `/conferences/${cid}/conflicts`), 200) as {
      registrationId: string;
      reason: string;
      space?: string;
      deviceName: string | null;
    }[];
    expect(conflicts.map((c) => [c.registrationId, c.reason, c.space, c.deviceName])).toEqual([
      [people[1]!.registrationId, 'space_full', 'Salon', 'Porte salon'],
      [people[0]!.registrationId, 'space_full', 'Salon', 'Porte salon'],
      [people[4]!.registrationId, 'space_full', 'Salon', 'Porte salon'],
    ]);

    // The counts equal a fold of the stored events, on the server and then on the phone's screen.
    const store = server.app.get<symbol, EventStore>(EVENT_STORE);
    const events = (await store.readStream(movementsStream(cid))).map(
      (e) => ({ type: e.type, data: e.data }) as MovementEvent,
    );
    const folded = foldMovements(events);
    const [salon] = [...folded.spaces.values()];
    expect(folded.inside.get(salon!.spaceId)?.size).toBe(5);
    const listed2 = expectStatus(await call(api(), 'GET', `/conferences/${cid}/spaces`), 200) as {
      items: { name: string; inside: number }[];
    };
    expect(listed2.items[0]).toMatchObject({ name: 'Salon', inside: 5 });
    await inside().filter({ hasText: '5 / 3' }).waitFor({ timeout: 15_000 });
    // Each movement once: Inès entered twice, Chloé's refusal recorded as the phone decided it.
    const entered = events.filter(
      (e) => e.type === 'PersonEnteredSpace' && e.data.registrationId === people[0]!.registrationId,
    );
    expect(entered).toHaveLength(2);
    expect(
      events.filter((e) => e.type === 'MovementRefused' && e.data.registrationId === people[2]!.registrationId),
    ).toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: 'space_full', direction: 'in' }) })]);
  }, 120_000);
});
