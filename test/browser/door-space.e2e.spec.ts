// The door phone at a space's door (issue 23), at 390×844 against the real
// server: the phone picks a space instead of a door, shows « inside /
// capacity » large, sends each scan as a movement (Entrée / Sortie / Auto)
// and shows the movement's refusal in words; without network it decides the
// movement itself and sends it when the network is back (the server stopped:
// door-space-offline.e2e.spec.ts). The server's clock is set, so the
// hours of the spaces are the day's, not the machine's.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Clock } from '../../apps/server/src/shared/clock.js';
import { expectAccessible } from '../support/axe.js';
import { assertWebBuilt, enrolDevice, enrolmentUrl, launchBrowser } from '../support/browser.js';
import { conferenceBody, expectStatus, personBody } from '../support/data.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };
const SHOT = '/tmp/door-space.png';

interface Person {
  registrationId: string;
  ticketCode: string;
}

describe('the door phone at a space', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: string;
  let cid: string;
  let door: string;
  const people: Record<'ines' | 'bastien' | 'chloe', Person> = {
    ines: { registrationId: '', ticketCode: '' },
    bastien: { registrationId: '', ticketCode: '' },
    chloe: { registrationId: '', ticketCode: '' },
  };

  const movementSent = () =>
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/conferences/${cid}/scans`));
  const inside = () => page.getByTestId('space-inside');

  async function chooseSpace(name: string): Promise<void> {
    await page.getByRole('heading', { name: 'Ou un espace' }).waitFor();
    await page.getByRole('button', { name, exact: true }).click();
    await page.getByText(`Espace : ${name}`).waitFor();
  }
  async function changePlace(): Promise<void> {
    await page.getByRole('button', { name: 'Changer d’espace ou de porte' }).click();
  }
  async function typeCode(code: string): Promise<void> {
    await page.getByTestId('ticket-code').fill(code);
    await page.getByTestId('ticket-code').press('Enter');
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    // 12:45 in Paris on the day: the peers' room is open, the advice desks open at 13:00.
    server.app.get(Clock).setTo('2014-09-19T12:45:00+02:00');
    api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ idCheckRequired: false })),
      201,
    ) as { conferenceId: string });
    door = (await enrolDevice(server.base, ADMIN_TOKEN, { name: 'Porte salle', role: 'door', conferenceId: cid }))
      .token;
    for (const space of [
      { name: 'Échanges entre pairs', opens: '09:30', closes: '15:00', capacity: 10 },
      { name: 'Petit salon', opens: '09:30', closes: '15:00', capacity: 1 },
      { name: 'Conseils professionnels', opens: '13:00', closes: '14:30', capacity: 30 },
      { name: 'Buffet', opens: '12:30', closes: '14:00', capacity: 200, requiresLunch: true },
    ]) {
      expectStatus(await call(api, 'POST', `/conferences/${cid}/spaces`, space), 201);
    }
    const names = {
      ines: { firstName: 'Inès', lastName: 'Dupré' },
      bastien: { firstName: 'Bastien', lastName: 'Roy' },
      chloe: { firstName: 'Chloé', lastName: 'Martin' },
    };
    for (const key of Object.keys(names) as (keyof typeof names)[]) {
      const registrationId = randomUUID();
      const { ticketCode } = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ registrationId, ...names[key] })),
        201,
      ) as { ticketCode: string };
      people[key] = { registrationId, ticketCode };
      // Everyone is admitted at the entrance first: a space's door lets in only those on site.
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode, door: 'Accueil principal' },
          bearer(door),
        ),
        200,
      );
    }
    // The small room's one seat is taken before the phone arrives.
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        { scanId: randomUUID(), ticketCode: people.chloe.ticketCode, space: 'Petit salon', direction: 'in' },
        bearer(door),
      ),
      200,
    );
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, hasTouch: true, locale: 'fr-FR' });
    page = await context.newPage();
    await page.goto(enrolmentUrl(server.base, 'door', door, cid));
    await page.getByRole('heading', { name: 'Choisissez votre porte' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('picked on the door choice screen, a space counts entries and exits: Auto in, then Auto out', async () => {
    await expectAccessible(page, 'door choice with spaces');
    await chooseSpace('Échanges entre pairs');
    await inside().filter({ hasText: '0 / 10' }).waitFor();
    expect(await page.getByRole('button', { name: 'Auto', exact: true }).getAttribute('aria-pressed')).toBe('true');
    const rollCall = page.getByRole('link', { name: 'Appel d’évacuation' });
    expect(await rollCall.getAttribute('href')).toBe('/roll-call/');
    await expectAccessible(page, 'space scan screen');

    // By the search, accents left out.
    await page.getByRole('searchbox', { name: 'Rechercher un nom' }).fill('dupre');
    const sent = movementSent();
    await page
      .getByRole('list', { name: 'Rechercher un nom' })
      .getByRole('button', { name: /Inès Dupré/ })
      .click();
    const response = await sent;
    expect(response.request().postDataJSON()).toMatchObject({
      registrationId: people.ines.registrationId,
      space: 'Échanges entre pairs',
      direction: 'auto',
    });
    expect(await response.json()).toMatchObject({ result: 'admitted', direction: 'in' });
    await page.getByRole('heading', { name: 'ADMIS' }).waitFor();
    await page.getByTestId('movement-direction').filter({ hasText: 'Entrée dans Échanges entre pairs' }).waitFor();
    await inside().filter({ hasText: '1 / 10' }).waitFor();
    await expectAccessible(page, 'space movement admitted');
    await page.screenshot({ path: SHOT });

    // The same person again, Auto: inside, so this is the way out.
    await page.getByRole('button', { name: 'Scan suivant' }).click();
    const out = movementSent();
    await typeCode(people.ines.ticketCode);
    expect(await (await out).json()).toMatchObject({ result: 'admitted', direction: 'out' });
    await page.getByTestId('movement-direction').filter({ hasText: 'Sortie de Échanges entre pairs' }).waitFor();
    await inside().filter({ hasText: '0 / 10' }).waitFor();
  }, 90_000);

  test('a full space and a closed space refuse, in words, and the toggle sends the direction chosen', async () => {
    await changePlace();
    await chooseSpace('Petit salon');
    await inside().filter({ hasText: '1 / 1' }).waitFor();
    await page.getByRole('button', { name: 'Entrée', exact: true }).click();
    const sent = movementSent();
    await typeCode(people.bastien.ticketCode);
    const response = await sent;
    expect(response.request().postDataJSON()).toMatchObject({
      ticketCode: people.bastien.ticketCode,
      space: 'Petit salon',
      direction: 'in',
    });
    expect(await response.json()).toMatchObject({ result: 'refused', reason: 'space_full' });
    await page.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    expect(await page.getByTestId('movement-direction').textContent()).toBe('Entrée — Petit salon');
    expect(await page.getByTestId('refusal-reason').textContent()).toBe('Espace complet (1 / 1)');
    await inside().filter({ hasText: '1 / 1' }).waitFor();
    await page.getByTestId('person-name').filter({ hasText: 'Bastien Roy' }).waitFor();
    await expectAccessible(page, 'space movement refused');
    await page.screenshot({ path: '/tmp/door-space-full.png' });

    await page.getByRole('button', { name: 'Scan suivant' }).click();
    await changePlace();
    await chooseSpace('Conseils professionnels');
    const closed = movementSent();
    await typeCode(people.bastien.ticketCode);
    expect(await (await closed).json()).toMatchObject({ result: 'refused', reason: 'space_closed' });
    expect(await page.getByTestId('refusal-reason').textContent()).toBe('Espace fermé (ouvert de 13:00 à 14:30)');

    // The buffet, for those who paid the lunch: Bastien has not.
    await page.getByRole('button', { name: 'Scan suivant' }).click();
    await changePlace();
    await chooseSpace('Buffet');
    const unpaid = movementSent();
    await typeCode(people.bastien.ticketCode);
    expect(await (await unpaid).json()).toMatchObject({ result: 'refused', reason: 'lunch_unpaid' });
    expect(await page.getByTestId('refusal-reason').textContent()).toBe('Déjeuner non réglé');
  }, 90_000);

  test('without network, the space phone decides itself, keeps the movement, and sends it when back', async () => {
    await page.getByRole('button', { name: 'Scan suivant' }).click();
    const posts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST') posts.push(r.url());
    };
    page.on('request', onRequest);
    // Offline, the hours are the phone's own clock's: the day's 12:45, as the server's.
    await page.clock.setFixedTime(new Date('2014-09-19T12:45:00+02:00'));
    await context.setOffline(true);
    // The buffet, for those who paid: decided on the phone, with the same rules (Bastien has not paid).
    await typeCode(people.bastien.ticketCode);
    await page.getByRole('heading', { name: 'REFUSÉ' }).waitFor();
    await page.getByTestId('decided-here').waitFor();
    expect(await page.getByTestId('refusal-reason').textContent()).toBe('Déjeuner non réglé');
    expect(await page.getByTestId('space-offline').textContent()).toContain('1 en attente d’envoi');
    expect(posts).toEqual([]);
    await expectAccessible(page, 'space without network');
    page.off('request', onRequest);
    const sent = movementSent();
    await context.setOffline(false);
    const upload = await sent;
    expect(upload.request().postDataJSON()).toMatchObject({
      registrationId: people.bastien.registrationId,
      space: 'Buffet',
      offline: { result: 'refused', reason: 'lunch_unpaid', direction: 'in' },
    });
    expect(await upload.json()).toMatchObject({ result: 'refused', reason: 'lunch_unpaid' });
    await page.getByTestId('space-offline').waitFor({ state: 'detached', timeout: 20_000 });
  }, 60_000);

  test('the entrance keeps its door screen, with the roll call link beside it', async () => {
    await changePlace();
    await page.getByRole('button', { name: 'Accueil principal', exact: true }).click();
    await page.getByText('Porte : Accueil principal').waitFor();
    expect(await page.getByTestId('space-inside').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Appel d’évacuation' }).getAttribute('href')).toBe('/roll-call/');
  }, 60_000);
});
