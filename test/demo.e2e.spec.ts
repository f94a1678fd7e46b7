import { afterAll, describe, expect, test } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conferenceStream } from '@emargement/conference';
import type { EventStore } from '@emargement/event-store';
import { createApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { DEMO_CHARTER_ID, DEMO_CONFERENCE_ID, fixturesDir, loadDemo } from '../apps/server/src/demo/main.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { ADMIN_TOKEN, call } from './support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'emargement-demo-'));

/** A server on the demo's data directory, as `npm run demo` starts it (but on a free port). */
const start = (): Promise<NestExpressApplication> =>
  createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN }), { logger: false });

async function listen(app: NestExpressApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

const conferenceEvents = async (app: NestExpressApplication): Promise<number> =>
  (await app.get<symbol, EventStore>(EVENT_STORE).readStream(conferenceStream(DEMO_CONFERENCE_ID))).length;

describe('npm run demo', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('the first start loads the PTCE 2014 day; a second start changes nothing', async () => {
    const first = await start();
    const report = await loadDemo(first);
    expect(report).toMatchObject({ conferenceId: DEMO_CONFERENCE_ID, conference: 'scheduled' });
    expect(report.registrations).toMatchObject({ created: 412, duplicates: 1, rejected: [] });
    expect(report.charterId).toBe(DEMO_CHARTER_ID);
    const base = await listen(first);
    const charter = await call(base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}/charters/${DEMO_CHARTER_ID}`);
    expect(charter.status).toBe(200);
    expect(charter.body).toMatchObject({
      title: 'Charte des Pôles Territoriaux de Coopération Économique',
      status: 'open',
    });
    const charters = await call(base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}/charters`);
    expect(charters.body.items).toEqual([
      expect.objectContaining({ charterId: DEMO_CHARTER_ID, status: 'open', count: 0 }),
    ]);
    expect(charter.body.text).toBe(readFileSync(join(fixturesDir(), 'charter.md'), 'utf8'));
    const conference = await call(base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}`);
    expect(conference.status).toBe(200);
    expect(conference.body).toMatchObject({
      name: '2ème Journée Nationale des Pôles Territoriaux de Coopération Économique',
      capacity: 400,
      idCheckRequired: true,
      registered: 400,
      waitlisted: 12,
      cancelled: 0,
    });

    // A visitor cancels someone; the first one waiting takes the place.
    const { body: list } = await call(
      base,
      'GET',
      `/api/conferences/${DEMO_CONFERENCE_ID}/registrations?status=registered&limit=1`,
    );
    const cancelled = await call(
      base,
      'POST',
      `/api/conferences/${DEMO_CONFERENCE_ID}/registrations/${list.items[0].registrationId}/cancel`,
      {},
    );
    expect(cancelled.status).toBe(200);
    const before = (await call(base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}`)).body;
    expect(before).toMatchObject({ registered: 400, waitlisted: 11, cancelled: 1 });
    const events = await conferenceEvents(first);
    await first.close();

    // The same data directory, as a second `npm run demo` finds it: nothing
    // is loaded again, and the cancelled person is not registered anew.
    const second = await start();
    const again = await loadDemo(second);
    expect(again).toMatchObject({
      conferenceId: DEMO_CONFERENCE_ID,
      conference: 'already_loaded',
      registrations: null,
    });
    expect(await conferenceEvents(second)).toBe(events);
    const base2 = await listen(second);
    expect((await call(base2, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}`)).body).toEqual(before);
    await second.close();
  });
});
