// Name badges (issue 24): the sheets for the welcome tables, one badge at the
// door, the print log, printing through a real CUPS queue. The PDFs are read
// back with poppler's pdftotext, as a person checking them would.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';
import { admitted, conferenceBody, personBody } from './support/data.js';
import { readFixture } from '@emargement/testing';
import { readFileSync } from 'node:fs';
import { startCups, type TestCups } from './support/cups.js';

const MM = 72 / 25.4;

function pdftotext(pdf: Buffer, ...args: string[]): string {
  return execFileSync('pdftotext', [...args, '-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
}
/** The text of each page, whitespace folded. */
const pages = (pdf: Buffer): string[] =>
  pdftotext(pdf)
    .split('\f')
    .slice(0, -1)
    .map((p) => p.replace(/\s+/g, ' ').trim());

/** Every word with its box, and the page sizes (pdftotext -bbox). */
function words(pdf: Buffer): { page: { width: number; height: number }; word: string; xMin: number; xMax: number }[] {
  const html = pdftotext(pdf, '-bbox');
  const out: { page: { width: number; height: number }; word: string; xMin: number; xMax: number }[] = [];
  for (const page of html.split('<page ').slice(1)) {
    const size = /width="([\d.]+)" height="([\d.]+)"/.exec(page)!;
    const dims = { width: Number(size[1]), height: Number(size[2]) };
    for (const m of page.matchAll(
      /<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g,
    )) {
      out.push({ page: dims, word: m[3]!, xMin: Number(m[1]), xMax: Number(m[2]) });
    }
  }
  return out;
}

async function fetchPdf(
  url: string,
  token = ADMIN_TOKEN,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', ignorePunctuation: true });

describe('badges', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  /** The fixture's people, as registered (capacity for all: 412, one duplicate address). */
  let people: { registrationId: string; firstName: string; lastName: string; category: string }[];

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    const conference = JSON.parse(readFixture('ptce-2014/conference.json')) as Record<string, unknown>;
    const c = await call(api, 'POST', '/conferences', conferenceBody({ ...conference, capacity: 500 }));
    expect(c.status).toBe(201);
    cid = c.body.conferenceId;
    const csv = readFixture('ptce-2014/registrations.csv');
    const imported = await call(api, 'POST', `/conferences/${cid}/registrations/import`, csv, {
      'content-type': 'text/csv',
    });
    expect(imported.body).toMatchObject({ created: 412 });
    const list = await call(api, 'GET', `/conferences/${cid}/registrations?limit=1000`);
    expect(list.status).toBe(200);
    people = list.body.items;
    expect(people).toHaveLength(412);
  });

  afterAll(async () => {
    await server.close();
  });

  describe('the sheet for the welcome tables', () => {
    test('alphabetical by last name, a divider card before each letter, every name whole (CR80: a card a page)', async () => {
      const { status, headers, bytes } = await fetchPdf(
        `${api}/conferences/${cid}/badges.pdf?layout=cr80&sort=lastName`,
      );
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('application/pdf');
      expect(headers.get('cache-control')).toBe('private, no-store');
      const texts = pages(bytes);
      const sorted = [...people].sort(
        (a, b) => collator.compare(a.lastName, b.lastName) || collator.compare(a.firstName, b.firstName),
      );
      const letters = [...new Set(sorted.map((p) => p.lastName.normalize('NFD').charAt(0).toUpperCase()))];
      expect(texts).toHaveLength(sorted.length + letters.length);
      // Walk the pages: a divider (its letter alone, with a count) then that letter's badges, in order.
      let i = 0;
      for (const letter of letters) {
        const mine = sorted.filter((p) => p.lastName.normalize('NFD').charAt(0).toUpperCase() === letter);
        expect(texts[i]).toBe(`${letter} ${mine.length} badge${mine.length > 1 ? 's' : ''}`);
        i++;
        for (const p of mine) {
          expect(texts[i]).toContain(`${p.firstName} ${p.lastName}`);
          i++;
        }
      }
    });

    test('a4-8: eight cards a sheet, 90 × 54 mm, on A4', async () => {
      const { status, bytes } = await fetchPdf(`${api}/conferences/${cid}/badges.pdf?layout=a4-8`);
      expect(status).toBe(200);
      const boxes = words(bytes);
      expect(boxes[0]!.page.width).toBeCloseTo(210 * MM, 0);
      expect(boxes[0]!.page.height).toBeCloseTo(297 * MM, 0);
      // As many cards as the one-a-page layout has pages (badges and dividers), eight to a sheet.
      const oneAPage = await fetchPdf(`${api}/conferences/${cid}/badges.pdf?layout=cr80`);
      const cards = pages(oneAPage.bytes).length;
      expect(pages(bytes)).toHaveLength(Math.ceil(cards / 8));
    });

    test('one category only', async () => {
      const { bytes } = await fetchPdf(`${api}/conferences/${cid}/badges.pdf?layout=cr80&category=speaker`);
      const badges = pages(bytes).filter((t) => !/^\S \d+ badges?$/.test(t));
      expect(badges).toHaveLength(people.filter((p) => p.category === 'speaker').length);
      for (const t of badges) expect(t).toContain('INTERVENANT·E');
    });

    test('a layout it does not know is refused, with the field named', async () => {
      const res = await call(api, 'GET', `/conferences/${cid}/badges.pdf?layout=a5`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_layout', errors: [{ field: 'layout' }] });
    });
  });

  describe('one badge', () => {
    const long = {
      firstName: 'Noëlle-Œdith Marie-Bénédicte Anne-Sophie Héloïse',
      lastName: 'Łukasiewicz-Alphandéry de la Tour d’Auvergne-Montmorency-Laval',
      email: `${randomUUID()}@example.org`,
      organisation: 'Coopérative Côte d’Opale',
      category: 'official',
      lunch: false,
      photoConsent: false,
    };
    let longId: string;

    beforeAll(async () => {
      const r = await call(api, 'POST', `/conferences/${cid}/registrations`, long);
      expect(r.status).toBe(201);
      longId = r.body.registrationId;
    });

    test.each(['cr80', 'roll-62', 'a4-8', 'a4-8-85'])(
      'a long name in %s: first name on its own line, whole, inside the card',
      async (layout) => {
        const { status, headers, bytes } = await fetchPdf(
          `${api}/conferences/${cid}/registrations/${longId}/badge.pdf?layout=${layout}`,
        );
        expect(status).toBe(200);
        expect(headers.get('content-disposition')).toMatch(/^inline; filename="badge-lukasiewicz-alphandery/);
        const lines = pdftotext(bytes)
          .split('\n')
          .map((l) => l.trim());
        expect(lines).toContain(long.firstName);
        expect(lines).toContain(long.lastName);
        expect(lines).toContain('OFFICIEL·LE');
        expect(pages(bytes)[0]).toContain('2ème Journée Nationale');
        const width = { cr80: 86, 'roll-62': 62, 'a4-8': 90, 'a4-8-85': 85 }[layout]! * MM;
        const pageWidth = words(bytes)[0]!.page.width;
        const left = (pageWidth - (layout.startsWith('a4') ? 2 * width : width)) / 2;
        for (const w of words(bytes)) {
          expect(w.xMin).toBeGreaterThanOrEqual(left - 0.5);
          expect(w.xMax).toBeLessThanOrEqual(left + width + 0.5);
        }
      },
    );
  });

  describe('the print log', () => {
    const prints = (rid: string) => `/conferences/${cid}/registrations/${rid}/badge-prints`;
    const history = async (rid: string) =>
      (await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/history`)).body as {
        type: string;
        at: string;
        detail: Record<string, unknown>;
      }[];

    test('a first print, the same print again, a reprint refused without a reason, then with one', async () => {
      const r = await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ firstName: 'Aimée' }));
      const rid = r.body.registrationId as string;
      const first = { printId: randomUUID(), layout: 'cr80' };
      const one = await call(api, 'POST', prints(rid), first);
      expect(one.status).toBe(201);
      expect(one.body).toEqual({ printId: first.printId, copy: 1, printedAt: expect.any(String) });
      // A retry after a lost answer: the same answer, nothing written.
      const again = await call(api, 'POST', prints(rid), first);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(one.body);
      // A second badge by accident: refused, saying when the first was printed.
      const accident = await call(api, 'POST', prints(rid), { printId: randomUUID(), layout: 'cr80' });
      expect(accident.status).toBe(409);
      expect(accident.body).toMatchObject({
        code: 'reprint_reason_required',
        copies: 1,
        lastPrintedAt: one.body.printedAt,
      });
      const reprint = await call(api, 'POST', prints(rid), {
        printId: randomUUID(),
        layout: 'a4-8',
        reason: 'nom mal orthographié',
      });
      expect(reprint.status).toBe(201);
      expect(reprint.body.copy).toBe(2);

      const printed = (await history(rid)).filter((e) => e.type === 'BadgePrinted');
      expect(printed.map((e) => e.detail)).toEqual([
        { printId: first.printId, copy: 1, layout: 'cr80', printer: 'appareil' },
        {
          printId: reprint.body.printId,
          copy: 2,
          layout: 'a4-8',
          printer: 'appareil',
          reason: 'nom mal orthographié',
        },
      ]);
    });

    test('printing never admits; admitting never prints', async () => {
      const r = await call(api, 'POST', `/conferences/${cid}/registrations`, personBody());
      const rid = r.body.registrationId as string;
      expect((await call(api, 'POST', prints(rid), { printId: randomUUID(), layout: 'cr80' })).status).toBe(201);
      const ticket = await call(api, 'GET', `/conferences/${cid}/tickets/${r.body.ticketCode}`);
      expect(ticket.body.state).toBe('expected');

      const walkedIn = await admitted(api, cid);
      expect((await history(walkedIn.registrationId)).map((e) => e.type)).not.toContain('BadgePrinted');
    });

    test('the sheet of those not printed yet leaves out who has a badge', async () => {
      const c = await call(api, 'POST', '/conferences', conferenceBody({ capacity: 10 }));
      const small = c.body.conferenceId as string;
      const ids: string[] = [];
      for (const lastName of ['Bernard', 'Durand', 'Petit']) {
        const reg = await call(api, 'POST', `/conferences/${small}/registrations`, personBody({ lastName }));
        ids.push(reg.body.registrationId);
      }
      const print = await call(api, 'POST', `/conferences/${small}/registrations/${ids[1]}/badge-prints`, {
        printId: randomUUID(),
        layout: 'cr80',
      });
      expect(print.status).toBe(201);
      const { bytes } = await fetchPdf(`${api}/conferences/${small}/badges.pdf?layout=cr80&unprinted=true`);
      const text = pages(bytes).join(' | ');
      expect(text).toContain('Bernard');
      expect(text).toContain('Petit');
      expect(text).not.toContain('Durand');
    });

    test('an erased person: no badge, no print; the log keeps the prints without the name', async () => {
      const r = await call(
        api,
        'POST',
        `/conferences/${cid}/registrations`,
        personBody({ firstName: 'Gwendoline', lastName: 'Effacée' }),
      );
      const rid = r.body.registrationId as string;
      expect((await call(api, 'POST', prints(rid), { printId: randomUUID(), layout: 'cr80' })).status).toBe(201);
      const erase = await call(api, 'POST', `/conferences/${cid}/registrations/${rid}/erase`, { reason: 'demande' });
      expect(erase.status).toBe(200);

      const badge = await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/badge.pdf?layout=cr80`);
      expect(badge.status).toBe(410);
      expect(badge.body).toMatchObject({ code: 'person_erased' });
      const reprint = await call(api, 'POST', prints(rid), { printId: randomUUID(), layout: 'cr80', reason: 'perdu' });
      expect(reprint.status).toBe(410);
      expect(reprint.body).toMatchObject({ code: 'person_erased' });
      const sheet = await fetchPdf(`${api}/conferences/${cid}/badges.pdf?layout=cr80&category=participant`);
      expect(pages(sheet.bytes).join(' ')).not.toContain('Gwendoline');

      const log = await history(rid);
      expect(log.filter((e) => e.type === 'BadgePrinted')).toHaveLength(1);
      expect(JSON.stringify(log)).not.toMatch(/Gwendoline|Effacée/);
    });
  });
});

describe('badges printed through a real CUPS queue (cups-pdf)', () => {
  let cups: TestCups;
  let server: TestServer;
  let api: string;
  let cid: string;
  const MAIN = 'Accueil principal';

  beforeAll(async () => {
    cups = await startCups();
    server = await startTestServer({ CUPS_SERVER: cups.server });
    api = `${server.base}/api`;
    const c = await call(api, 'POST', '/conferences', conferenceBody({ capacity: 20 }));
    cid = c.body.conferenceId;
  });

  afterAll(async () => {
    await server?.close();
    await cups?.stop();
  });

  const register = async (firstName: string, lastName: string) =>
    (await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ firstName, lastName }))).body as {
      registrationId: string;
      ticketCode: string;
    };
  const print = (rid: string, body: Record<string, unknown>) =>
    call(api, 'POST', `/conferences/${cid}/registrations/${rid}/badge-prints`, body);

  test("the organisers name a door's queue; a print sent there comes out as a PDF holding the name", async () => {
    const set = await call(api, 'PUT', `/conferences/${cid}/badge-printers`, { door: MAIN, queue: cups.queue });
    expect(set.status).toBe(200);
    expect(set.body).toEqual([{ door: MAIN, queue: cups.queue, printOnAdmission: false }]);
    const door = await call(api, 'GET', `/conferences/${cid}/badge-printers`);
    expect(door.body).toEqual(set.body);

    const person = await register('Bérénice', 'Łoziński');
    const before = cups.pdfs();
    const res = await print(person.registrationId, { printId: randomUUID(), layout: 'cr80', printer: cups.queue });
    expect(res.status).toBe(201);
    expect(res.body.copy).toBe(1);
    const out = await cups.nextPdf(before);
    const text = pdftotext(readFileSync(out));
    expect(text).toContain('Bérénice');
    expect(text).toContain('Łoziński');

    const history = await call(api, 'GET', `/conferences/${cid}/registrations/${person.registrationId}/history`);
    const printed = (history.body as { type: string; detail: Record<string, unknown> }[]).find(
      (e) => e.type === 'BadgePrinted',
    );
    expect(printed?.detail).toMatchObject({ copy: 1, printer: cups.queue, layout: 'cr80' });
  });

  test('a queue no door prints on is refused before anything is sent', async () => {
    const person = await register('Paul', 'Nulle-Part');
    const res = await print(person.registrationId, { printId: randomUUID(), layout: 'cr80', printer: 'ailleurs' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'unknown_printer', errors: [{ field: 'printer' }] });
  });

  test('a stopped queue: a clear code, the failure recorded, the admission unaffected, the same print retried', async () => {
    await call(api, 'PUT', `/conferences/${cid}/badge-printers`, { door: MAIN, queue: cups.queue });
    const person = await register('Héloïse', 'Arrêtée');
    await cups.client('cupsdisable', cups.queue);
    const printId = randomUUID();
    const before = cups.pdfs();
    const refused = await print(person.registrationId, { printId, layout: 'roll-62', printer: cups.queue });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'printer_stopped', printer: cups.queue, retryable: true });

    // The door goes on admitting.
    const scan = await call(api, 'POST', `/conferences/${cid}/scans`, {
      scanId: randomUUID(),
      ticketCode: person.ticketCode,
      door: MAIN,
      idCheck: { document: 'passport', nameMatches: true },
    });
    expect(scan.body.result).toBe('admitted');

    const log = (await call(api, 'GET', `/conferences/${cid}/registrations/${person.registrationId}/history`)).body as {
      type: string;
      detail: Record<string, unknown>;
    }[];
    expect(log.map((e) => e.type)).toEqual(['PersonRegistered', 'BadgePrintFailed', 'AttendeeAdmitted']);
    expect(log[1]!.detail).toMatchObject({ result: 'refused', reason: 'printer_stopped', printer: cups.queue });

    // Nothing was left pending in the queue to come out later by surprise.
    expect(cups.pdfs()).toEqual(before);
    expect(await cups.client('lpstat', '-o', cups.queue)).toBe('');

    // Someone restarts the printer; the same print goes through, as a first copy (nothing was printed).
    await cups.client('cupsenable', cups.queue);
    const retried = await print(person.registrationId, { printId, layout: 'roll-62', printer: cups.queue });
    expect(retried.status).toBe(201);
    expect(retried.body.copy).toBe(1);
    const out = await cups.nextPdf(before);
    expect(pdftotext(readFileSync(out))).toContain('Arrêtée');
  });
});
