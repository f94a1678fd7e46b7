import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import { decodeQrPng } from './support/qr.js';
import { call, startTestServer, type TestServer, ADMIN_TOKEN } from './support/server.js';

const conference = {
  name: 'Journée des Pôles Territoriaux de Coopération Économique',
  venue: 'Centre de conférences Pierre Mendès France, Paris',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 3,
  idCheckRequired: true,
  lunch: { priceCents: 2000, currency: 'EUR' },
};

const person = (firstName: string, lastName: string, extra: Record<string, unknown> = {}) => ({
  firstName,
  lastName,
  email: `${randomUUID()}@example.org`,
  organisation: 'Le Labo de l’ESS',
  category: 'speaker',
  lunch: true,
  photoConsent: true,
  ...extra,
});

async function fetchBytes(url: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function pdfText(bytes: Buffer): Promise<{ text: string; pages: string[] }> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.pages.map((p) => p.text) };
  } finally {
    await parser.destroy();
  }
}

describe('tickets', () => {
  let server: TestServer;
  let cid: string;
  /** Œ is outside Latin-1 and ł outside WinAnsi: both must come out as written. */
  const accented = person('Noëlle-Œdith', 'Łukasiewicz-Alphandéry', { organisation: 'Coopérative Côte d’Opale' });
  let accentedId: string;
  let accentedCode: string;

  beforeAll(async () => {
    server = await startTestServer();
    cid = randomUUID();
    expect((await call(server.base, 'POST', '/api/conferences', { conferenceId: cid, ...conference })).status).toBe(
      201,
    );
    const created = await call(server.base, 'POST', `/api/conferences/${cid}/registrations`, accented);
    expect(created.status).toBe(201);
    accentedId = created.body.registrationId;
    accentedCode = created.body.ticketCode;
  });

  afterAll(async () => {
    await server.close();
  });

  const ticketUrl = (rid: string, ext: 'png' | 'pdf') =>
    `${server.base}/api/conferences/${cid}/registrations/${rid}/ticket.${ext}`;

  test('the PNG holds a QR code that reads back exactly the ticket code', async () => {
    const { status, headers, bytes } = await fetchBytes(ticketUrl(accentedId, 'png'));
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('image/png');
    expect(headers.get('content-disposition')).toMatch(
      /^inline; filename="billet-lukasiewicz-alphandery-noelle-oedith\.png"$/,
    );
    expect(headers.get('cache-control')).toBe('private, no-store');
    await expect(decodeQrPng(bytes)).resolves.toBe(accentedCode);
  });

  test('the PDF ticket names the person, accents included, with the conference and the lunch', async () => {
    const { status, headers, bytes } = await fetchBytes(ticketUrl(accentedId, 'pdf'));
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/pdf');
    expect(headers.get('content-disposition')).toContain('filename="billet-lukasiewicz-alphandery-noelle-oedith.pdf"');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, pages } = await pdfText(bytes);
    expect(pages).toHaveLength(1);
    expect(text).toContain('Noëlle-Œdith Łukasiewicz-Alphandéry');
    expect(text).toContain('Coopérative Côte d’Opale');
    expect(text).toContain('INTERVENANT·E');
    expect(text).toContain('vendredi 19 septembre 2014, 09:30 – 16:30');
    expect(text).toContain('Déjeuner : réservé');
    expect(text).toContain(accentedCode);
  });

  test('a cancelled registration has no ticket', async () => {
    const r = await call(server.base, 'POST', `/api/conferences/${cid}/registrations`, person('Annulé', 'Dupont'));
    expect(r.status).toBe(201);
    const rid = r.body.registrationId as string;
    expect((await call(server.base, 'POST', `/api/conferences/${cid}/registrations/${rid}/cancel`, {})).status).toBe(
      200,
    );
    for (const ext of ['png', 'pdf'] as const) {
      const res = await call(server.base, 'GET', `/api/conferences/${cid}/registrations/${rid}/ticket.${ext}`);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ticket_cancelled');
    }
  });

  test('an unknown registration or conference is a 404 with its code', async () => {
    const unknownRegistration = await call(
      server.base,
      'GET',
      `/api/conferences/${cid}/registrations/${randomUUID()}/ticket.pdf`,
    );
    expect(unknownRegistration.status).toBe(404);
    expect(unknownRegistration.body.code).toBe('unknown_registration');
    const unknownConference = await call(server.base, 'GET', `/api/conferences/${randomUUID()}/tickets.pdf`);
    expect(unknownConference.status).toBe(404);
    expect(unknownConference.body.code).toBe('conference_not_found');
  });

  test('tickets.pdf has one page per registered person, by last name, and none for the waitlisted', async () => {
    // Capacity 3: the accented person holds one place (the cancelled one freed
    // theirs), these two take the others, and the last one waits.
    for (const [first, last] of [
      ['Zoé', 'Ébrard'],
      ['Henri', 'Arévalo'],
    ]) {
      const r = await call(server.base, 'POST', `/api/conferences/${cid}/registrations`, person(first!, last!));
      expect(r.body.status).toBe('registered');
    }
    const waiting = await call(
      server.base,
      'POST',
      `/api/conferences/${cid}/registrations`,
      person('Wanda', 'Attente'),
    );
    expect(waiting.body.status).toBe('waitlisted');

    const { status, headers, bytes } = await fetchBytes(`${server.base}/api/conferences/${cid}/tickets.pdf`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/pdf');
    expect(headers.get('content-disposition')).toMatch(
      /^attachment; filename="billets-journee-des-poles-[a-z-]+\.pdf"$/,
    );
    const { pages } = await pdfText(bytes);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toContain('Henri Arévalo');
    expect(pages[1]).toContain('Zoé Ébrard');
    expect(pages[2]).toContain('Noëlle-Œdith Łukasiewicz-Alphandéry');
    expect(pages.join('\n')).not.toContain('Wanda');

    // The waitlisted person's own ticket exists, and says they are waiting.
    const own = await fetchBytes(ticketUrl(waiting.body.registrationId, 'pdf'));
    expect(own.status).toBe(200);
    expect((await pdfText(own.bytes)).text).toContain('LISTE D’ATTENTE');
  });
});

describe('a door gets a few tickets, never the list in bulk (issue 21)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DOOR_TICKETS_PER_HOUR: '3' });
  });
  afterAll(async () => {
    await server.close();
  });

  test('past its budget of distinct tickets an hour a door is refused 429 ticket_budget_exhausted; organisers are not', async () => {
    const api = `${server.base}/api`;
    const cid = (await call(api, 'POST', '/conferences', conference)).body.conferenceId as string;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await call(api, 'POST', `/conferences/${cid}/registrations`, person(`P${i}`, 'Porte'))).body.registrationId,
      );
    }
    const door = (await call(api, 'POST', '/devices', { name: 'Porte A', role: 'door', conferenceId: cid })).body as {
      token: string;
    };
    const get = (rid: string, kind: 'png' | 'pdf', token = door.token) =>
      fetch(`${api}/conferences/${cid}/registrations/${rid}/ticket.${kind}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    // A walk-in or a reprint: the PNG, then the PDF of the same ticket, count once.
    for (const rid of ids.slice(0, 3)) {
      expect((await get(rid, 'png')).status).toBe(200);
      expect((await get(rid, 'pdf')).status).toBe(200);
    }
    const harvest = await get(ids[3]!, 'pdf');
    expect(harvest.status).toBe(429);
    expect(Number(harvest.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await harvest.json()) as { code: string }).code).toBe('ticket_budget_exhausted');
    // The ones it already had are still its own; an organiser prints any.
    expect((await get(ids[0]!, 'pdf')).status).toBe(200);
    expect((await get(ids[4]!, 'pdf', ADMIN_TOKEN)).status).toBe(200);
  });
});
