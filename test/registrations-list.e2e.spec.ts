// The organisers' list and the door's search over real HTTP (issue 16): pages
// cut, filtered and sorted by the server; the search's in-memory index follows
// registrations and erasures at once; bad parameters get a stable code.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { call, startTestServer, type TestServer } from './support/server.js';

const CSV = [
  'first_name,last_name,email,organisation,category,lunch,photo_consent',
  'Zoé,Martin,zoe@example.org,CGT,participant,true,false',
  'Étienne,Alphandéry,etienne@example.org,Coop Nord,speaker,false,false',
  'Anaïs,Lemaître,anais@example.org,CGT,press,true,false',
  'Paul,Du Bouëtiez,paul@example.org,,participant,false,false',
  'Inès,Carrey-Conte,ines@example.org,Mairie de Lille,participant,true,false',
].join('\n');

interface Page {
  items: { registrationId: string; firstName: string; lastName: string; email: string }[];
  total: number;
  offset: number;
  limit: number;
}

describe("the organisers' list and the search, paged by the server", () => {
  let server: TestServer;
  let base: string;
  let cid: string;
  const list = async (query: string) => {
    const res = await call<Page>(base, 'GET', `/conferences/${cid}/registrations${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    base = `${server.base}/api`;
    const res = await call(base, 'POST', '/conferences', {
      name: 'Journée test',
      venue: 'Bercy',
      startsAt: '2014-09-19T09:30:00+02:00',
      endsAt: '2014-09-19T16:30:00+02:00',
      timezone: 'Europe/Paris',
      capacity: 100,
      idCheckRequired: false,
      doors: ['Accueil'],
    });
    cid = (res.body as { conferenceId: string }).conferenceId;
    const imported = await call(base, 'POST', `/conferences/${cid}/registrations/import`, CSV, {
      'content-type': 'text/csv',
    });
    expect(imported.body).toMatchObject({ created: 5, duplicates: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  test('without a limit the old call answers every row, in registration order', async () => {
    const all = await list('');
    expect(all.total).toBe(5);
    expect(all.items.map((r) => r.lastName)).toEqual([
      'Martin',
      'Alphandéry',
      'Lemaître',
      'Du Bouëtiez',
      'Carrey-Conte',
    ]);
  });

  test('pages by name, ignoring accents and case, with the total on every page', async () => {
    const first = await list('?sort=name&order=asc&limit=2&offset=0');
    const second = await list('?sort=name&order=asc&limit=2&offset=2');
    const third = await list('?sort=name&order=asc&limit=2&offset=4');
    expect([first.total, second.total, third.total]).toEqual([5, 5, 5]);
    expect([...first.items, ...second.items, ...third.items].map((r) => r.lastName)).toEqual([
      'Alphandéry',
      'Carrey-Conte',
      'Du Bouëtiez',
      'Lemaître',
      'Martin',
    ]);
    const descending = await list('?sort=name&order=desc&limit=1');
    expect(descending.items.map((r) => r.lastName)).toEqual(['Martin']);
  });

  test('filters and a search are applied before the page is cut', async () => {
    const cgt = await list('?q=cgt&sort=name&limit=1&offset=1');
    expect(cgt.total).toBe(2);
    expect(cgt.items.map((r) => r.lastName)).toEqual(['Martin']);
    const lunch = await list('?lunch=true&sort=organisation&order=desc&limit=10');
    expect(lunch.items.map((r) => r.lastName)).toEqual(['Carrey-Conte', 'Lemaître', 'Martin']);
    const beyond = await list('?limit=10&offset=50');
    expect(beyond).toMatchObject({ items: [], total: 5, offset: 50, limit: 10 });
  });

  test('the search forgives one typo, ignores accents, and finds a registration made after the index was built', async () => {
    const found = await call<Page>(base, 'GET', `/conferences/${cid}/attendees?q=alphnadery`);
    expect(found.body.items.map((r) => r.lastName)).toEqual(['Alphandéry']);
    const added = await call<{ registrationId: string }>(base, 'POST', `/conferences/${cid}/registrations`, {
      firstName: 'Noël',
      lastName: 'Nguyễn',
      email: 'noel@example.org',
      category: 'participant',
      lunch: false,
      photoConsent: false,
    });
    expect(added.status).toBe(201);
    const late = await call<Page>(base, 'GET', `/conferences/${cid}/attendees?q=nguyen`);
    expect(late.body.items.map((r) => r.registrationId)).toEqual([added.body.registrationId]);
  });

  test('an erased person is out of the search at once; their organisation stays', async () => {
    const [martin] = (await list('?q=zoe martin')).items;
    expect(martin).toBeDefined();
    const erased = await call(base, 'POST', `/conferences/${cid}/registrations/${martin!.registrationId}/erase`, {
      reason: 'demande de la personne',
    });
    expect(erased.status).toBe(200);
    expect((await list('?q=zoe')).total).toBe(0);
    expect((await list('?q=martin')).total).toBe(0);
    expect((await list('?q=cgt')).items.map((r) => r.registrationId)).toContain(martin!.registrationId);
  });

  test('a file of 1,500 rows with long names is appended in several chunks, and importing it again creates nothing', async () => {
    const long = (i: number, letter: string) => `${letter.repeat(90)}é${i}`;
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from(
        { length: 1500 },
        (_, i) =>
          `${long(i, 'A')},${long(i, 'B')},${'c'.repeat(200)}${i}@example.org,${'O'.repeat(190)},participant,false,false`,
      ),
    ].join('\n');
    const res = await call(base, 'POST', '/conferences', {
      name: 'Grand import',
      venue: 'Bercy',
      startsAt: '2014-09-19T09:30:00+02:00',
      endsAt: '2014-09-19T16:30:00+02:00',
      timezone: 'Europe/Paris',
      capacity: 2000,
      idCheckRequired: false,
      doors: ['Accueil'],
    });
    const big = (res.body as { conferenceId: string }).conferenceId;
    const headers = { 'content-type': 'text/csv' };
    const first = await call(base, 'POST', `/conferences/${big}/registrations/import`, csv, headers);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 1500, duplicates: 0, rejected: [] });
    const again = await call(base, 'POST', `/conferences/${big}/registrations/import`, csv, headers);
    expect(again.body).toMatchObject({ created: 0, duplicates: 1500, rejected: [] });
    const page = await call<Page>(base, 'GET', `/conferences/${big}/registrations?limit=1&offset=1499`);
    expect(page.body.total).toBe(1500);
    expect(page.body.items[0]!.firstName).toBe(long(1499, 'A'));
  });

  test('bad paging parameters get validation_failed and name the field', async () => {
    for (const [query, field] of [
      ['?sort=colour', 'sort'],
      ['?sort=name&order=up', 'order'],
      ['?offset=-1', 'offset'],
      ['?offset=x', 'offset'],
      // Numbers are read as decimal digits within their range (issue 21): no exponent, hex, blank or overflow.
      ['?offset=1e3', 'offset'],
      ['?offset=99999999999999999999', 'offset'],
      ['?offset=%201', 'offset'],
      ['?limit=0x10', 'limit'],
      ['?limit=1e400', 'limit'],
      ['?limit=0', 'limit'],
    ] as const) {
      const res = await call(base, 'GET', `/conferences/${cid}/registrations${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field }] });
    }
  });
});
