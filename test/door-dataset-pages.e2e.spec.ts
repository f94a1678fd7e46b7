// The door's list read and sent in pages (issue 27, item 6): a list longer than a page (2,000 rows) comes whole,
// every registration once, as valid JSON in the contract's shape; its cursor brings only what changed after it;
// and a door that loads the whole list while other doors scan gets every row, the changed ones included.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, startTestServer, type TestServer } from './support/server.js';

const PEOPLE = 4_500;

interface Dataset {
  cursor: string;
  complete: boolean;
  conference: { name: string };
  tickets: { registrationId: string; admitted: { door: string } | null }[];
  removed: string[];
}

describe("the door's list in pages", () => {
  let server: TestServer;
  let cid: string;
  let ids: string[];

  beforeAll(async () => {
    server = await startTestServer();
    const created = await call<{ conferenceId: string }>(server.base, 'POST', '/api/conferences', {
      name: 'Journée test',
      venue: 'Bercy',
      startsAt: '2014-09-19T09:30:00+02:00',
      endsAt: '2014-09-19T16:30:00+02:00',
      timezone: 'Europe/Paris',
      capacity: PEOPLE,
      idCheckRequired: false,
      doors: ['Accueil principal'],
    });
    cid = created.body.conferenceId;
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from(
        { length: PEOPLE },
        (_, i) => `Prénom${i},Nom${i},p${i}@example.org,Org ${i % 40},participant,no,no`,
      ),
    ].join('\n');
    const imported = await call(server.base, 'POST', `/api/conferences/${cid}/registrations/import`, csv, {
      'content-type': 'text/csv',
    });
    expect(imported.body).toMatchObject({ created: PEOPLE });
    const list = await call<{ items: { registrationId: string }[] }>(
      server.base,
      'GET',
      `/api/conferences/${cid}/registrations?limit=${PEOPLE}`,
    );
    ids = list.body.items.map((r) => r.registrationId);
    expect(ids).toHaveLength(PEOPLE);
  }, 120_000);
  afterAll(() => server?.close());

  const scan = (registrationId: string) =>
    call(server.base, 'POST', `/api/conferences/${cid}/scans`, {
      scanId: randomUUID(),
      registrationId,
      door: 'Accueil principal',
    });

  test('the whole list comes once per person, and the cursor brings only what changed after it', async () => {
    const whole = await call<Dataset>(server.base, 'GET', `/api/conferences/${cid}/door-dataset`);
    expect(whole.status).toBe(200);
    expect(whole.body.complete).toBe(true);
    expect(whole.body.conference.name).toBe('Journée test');
    expect(whole.body.removed).toEqual([]);
    const listed = whole.body.tickets.map((t) => t.registrationId);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...ids].sort());

    expect((await scan(ids[3_000]!)).status).toBe(200);
    const delta = await call<Dataset>(
      server.base,
      'GET',
      `/api/conferences/${cid}/door-dataset?since=${whole.body.cursor}`,
    );
    expect(delta.body.complete).toBe(false);
    expect(delta.body.tickets.map((t) => t.registrationId)).toEqual([ids[3_000]]);
    expect(delta.body.tickets[0]!.admitted).toMatchObject({ door: 'Accueil principal' });
  });

  test('loaded while other doors scan: every person is there, and with the next delta every admission', async () => {
    const scanned = ids.slice(0, 40);
    const [whole] = await Promise.all([
      call<Dataset>(server.base, 'GET', `/api/conferences/${cid}/door-dataset`),
      ...scanned.map((id) => scan(id)),
    ]);
    const byId = new Map(whole.body.tickets.map((t) => [t.registrationId, t]));
    expect(byId.size).toBe(PEOPLE);
    const delta = await call<Dataset>(
      server.base,
      'GET',
      `/api/conferences/${cid}/door-dataset?since=${whole.body.cursor}`,
    );
    for (const t of delta.body.tickets) byId.set(t.registrationId, t);
    for (const id of scanned) expect(byId.get(id)?.admitted).toMatchObject({ door: 'Accueil principal' });
  });
});
