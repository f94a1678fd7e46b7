// Request bodies shared by the access, privacy and erasure tests.
import { createHash, randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import { call } from './server.js';

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const conferenceBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Journée test',
  venue: 'Bercy',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 100,
  idCheckRequired: true,
  lunch: { priceCents: 2000, currency: 'EUR' },
  doors: ['Accueil principal', 'Accueil presse'],
  ...overrides,
});

export const personBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  firstName: 'Prénom',
  lastName: 'Nom',
  email: `${randomUUID()}@example.org`,
  organisation: 'Organisation',
  category: 'signatory',
  lunch: true,
  photoConsent: false,
  ...overrides,
});

/** A real PNG of a drawn line, as a tablet's canvas would export it. */
export function signaturePng(seed: number): string {
  const png = new PNG({ width: 120, height: 48 });
  for (let x = 10; x < 110; x++) {
    const y = Math.round(24 + 12 * Math.sin((x + seed) / 9));
    for (let dy = -1; dy <= 1; dy++) png.data[((y + dy) * png.width + x) * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

export const strokes = (seed: number): { x: number; y: number; time: number; pressure: number }[][] => [
  Array.from({ length: 12 }, (_, i) => ({
    x: 10 + i * 8,
    y: 24 + Math.round(12 * Math.sin((i * 8 + seed) / 9)),
    time: 1411135200000 + seed * 1000 + i * 16,
    pressure: 0.5,
  })),
];

export const CHARTER_TEXT = '# Charte des PTCE\n\nNous, organisations signataires, coopérons.\n';

export const signatureBody = (
  registrationId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  signatureId: randomUUID(),
  registrationId,
  onBehalfOf: 'Organisation',
  consent: {
    given: true,
    wording: 'J’ai lu la charte en entier et je la signe au nom de l’organisation indiquée.',
    givenAt: '2014-09-19T16:00:30+02:00',
  },
  textSha256: sha256(CHARTER_TEXT),
  strokes: strokes(1),
  canvas: { width: 600, height: 240, devicePixelRatio: 2 },
  image: signaturePng(1),
  kiosk: 'Tablette 1',
  deviceSignedAt: '2014-09-19T16:01:00+02:00',
  ...overrides,
});

/** Checks an answer's status, showing the body when it is not the one expected. */
export function expectStatus(res: { status: number; body: unknown }, status: number): unknown {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A scheduled conference with a charter; returns their ids. */
export async function conferenceWithCharter(api: string): Promise<{ cid: string; chid: string }> {
  const { conferenceId: cid } = expectStatus(await call(api, 'POST', '/conferences', conferenceBody()), 201) as {
    conferenceId: string;
  };
  const { charterId: chid } = expectStatus(
    await call(api, 'POST', `/conferences/${cid}/charters`, { title: 'Charte', text: CHARTER_TEXT }),
    201,
  ) as { charterId: string };
  return { cid, chid };
}

/** Registers and admits a person (ID checked); returns the registration and its ticket code. */
export async function admitted(
  api: string,
  cid: string,
  person: Record<string, unknown> = {},
  headers: Record<string, string | null> = {},
): Promise<{ registrationId: string; ticketCode: string; scanId: string }> {
  const reg = expectStatus(
    await call(api, 'POST', `/conferences/${cid}/registrations`, personBody(person), headers),
    201,
  ) as {
    registrationId: string;
    ticketCode: string;
  };
  const scanId = randomUUID();
  const scan = expectStatus(
    await call(
      api,
      'POST',
      `/conferences/${cid}/scans`,
      {
        scanId,
        ticketCode: reg.ticketCode,
        door: 'Accueil principal',
        idCheck: { document: 'passport', nameMatches: true },
      },
      headers,
    ),
    200,
  ) as { result: string };
  if (scan.result !== 'admitted') throw new Error(`not admitted: ${JSON.stringify(scan)}`);
  return { ...reg, scanId };
}
