// Name badges (issue 24): the sheets for the welcome tables, one badge at the
// door, the print log, printing through a real CUPS queue. The PDFs are read
// back with poppler's pdftotext, as a person checking them would.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody } from './support/data.js';
import { readFixture } from '@emargement/testing';

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
});
