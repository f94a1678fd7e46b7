import { randomUUID } from 'node:crypto';
import pngjs from 'pngjs';

/**
 * The PTCE day, played through the HTTP API as the doors, the tablet and the
 * organisers would (`npm run demo -- --simulate [--speed N]`): arrivals on a
 * realistic curve (most in the half hour before the start), refusals of each
 * kind, ID checks, lunch payments, walk-ins, an undo, a door without network
 * that uploads its scans at the start, signatures from 16:00, the charter
 * closed. Every call is made by a device enrolled for it and named
 * « (simulée) », so the events say who did what, as they would on the day.
 *
 * The plan is a pure function of the registrations and a seed (`planDay`);
 * `playDay` sends it, waiting between steps the simulated time divided by the
 * speed (60: a minute of the day a second), and tallies what the server
 * answered, for the test to compare with a fold of the stored events.
 */

export interface SimRegistration {
  registrationId: string;
  ticketCode: string;
  category: string;
  organisation: string | null;
  lunch: boolean;
  status: 'registered' | 'waitlisted' | 'cancelled';
}

export interface SimConference {
  startsAt: string;
  doors: readonly string[];
  lunch: { priceCents: number; currency: string } | null;
  /** The day's spaces (`GET …/spaces`): rooms filling and emptying, the buffet, a roll call. */
  spaces?: readonly SimSpace[];
}

export interface SimSpace {
  name: string;
  opens: string;
  closes: string;
  requiresLunch: boolean;
  audience: readonly string[] | null;
}

type DeviceKey = 'main' | 'speakers' | 'offline' | 'kiosk' | 'rooms' | 'organiser';

export type SimStep =
  | {
      kind: 'scan';
      at: number;
      device: DeviceKey;
      door: string;
      ticketCode: string;
      idCheck: IdCheckBody | null;
      /** Names the scan for a later undo. */
      key?: string;
    }
  | { kind: 'offline_scan'; at: number; upload: number; door: string; ticketCode: string }
  | { kind: 'undo'; at: number; device: DeviceKey; of: string }
  | { kind: 'lunch'; at: number; device: DeviceKey; registrationId: string; method: 'cash' | 'cheque' | 'card' }
  | { kind: 'walk_in'; at: number; device: DeviceKey; door: string; index: number }
  | { kind: 'sign'; at: number; registrationId: string; onBehalfOf: string }
  | { kind: 'raise_capacity'; at: number; by: number }
  /** A movement at a space's door (`space`), or leaving the site at a door (`door`, direction out). */
  | { kind: 'move'; at: number; ticketCode: string; space: string | null; door: string; direction: 'in' | 'out' }
  /** The evacuation drill: a roll call started at the assembly point and ticked from two phones. */
  | { kind: 'roll_call'; at: number }
  | { kind: 'close'; at: number };

interface IdCheckBody {
  document: 'national_id' | 'passport' | 'driving_licence';
  nameMatches: boolean;
}

export const SIMULATED_DEVICES: Record<Exclude<DeviceKey, 'organiser'>, { name: string; role: 'door' | 'kiosk' }> = {
  main: { name: 'Porte principale (simulée)', role: 'door' },
  speakers: { name: 'Porte intervenants et presse (simulée)', role: 'door' },
  offline: { name: 'Porte sans réseau (simulée)', role: 'door' },
  kiosk: { name: 'Tablette charte (simulée)', role: 'kiosk' },
  rooms: { name: 'Téléphone des salles (simulé)', role: 'door' },
};

/** A small seeded generator (mulberry32): the same seed plays the same day. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
const DOCUMENTS = ['national_id', 'passport', 'driving_licence'] as const;
const METHODS = ['cash', 'cheque', 'card'] as const;

/** The day's steps, in time order (times are epoch milliseconds of the conference day). */
export function planDay(conference: SimConference, people: readonly SimRegistration[], seed = 2014): SimStep[] {
  const rnd = random(seed);
  const start = Date.parse(conference.startsAt);
  const main = conference.doors[0] ?? 'Accueil principal';
  const side = conference.doors[1] ?? main;
  const steps: SimStep[] = [];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const id = (nameMatches = true): IdCheckBody => ({ document: pick(DOCUMENTS), nameMatches });
  // Most in the half hour before the start, some earlier, a few late.
  const arrival = (): number => {
    const r = rnd();
    if (r < 0.7) return start - 30 * MINUTE + rnd() * 30 * MINUTE;
    if (r < 0.88) return start - 75 * MINUTE + rnd() * 45 * MINUTE;
    return start + rnd() * 120 * MINUTE;
  };

  const registered = people.filter((p) => p.status === 'registered');
  const offlineShare = new Set(registered.filter(() => rnd() < 0.05).map((p) => p.registrationId));
  let undoDone = false;
  /** Who is let in, and when the server knows it (an offline scan: when it is uploaded), for the day's movements. */
  const inside: { person: SimRegistration; admittedAt: number }[] = [];
  for (const p of registered) {
    if (rnd() < 0.12) continue; // did not come
    const at = arrival();
    const speakers = p.category === 'speaker' || p.category === 'press' || p.category === 'official';
    const device: DeviceKey = speakers ? 'speakers' : 'main';
    const door = speakers ? side : main;
    if (offlineShare.has(p.registrationId) && at < start - 5 * MINUTE) {
      // The side entrance's phone lost the network: it decides alone, and uploads at the start.
      steps.push({ kind: 'offline_scan', at, upload: start + 2 * MINUTE, door, ticketCode: p.ticketCode });
      inside.push({ person: p, admittedAt: start + 2 * MINUTE });
      continue;
    }
    const r = rnd();
    let when = at;
    if (r < 0.06) {
      steps.push({ kind: 'scan', at: when, device, door, ticketCode: p.ticketCode, idCheck: null }); // id_not_checked
      when += MINUTE;
    } else if (r < 0.08) {
      steps.push({ kind: 'scan', at: when, device, door, ticketCode: p.ticketCode, idCheck: id(false) }); // id_mismatch
      when += 2 * MINUTE;
    }
    const undo = !undoDone && when > start - 20 * MINUTE;
    inside.push({ person: p, admittedAt: undo ? when + 90_000 : when });
    steps.push({
      kind: 'scan',
      at: when,
      device,
      door,
      ticketCode: p.ticketCode,
      idCheck: id(),
      ...(undo ? { key: 'undone' } : {}),
    });
    if (undo) {
      // Admitted by mistake in the rush (the wrong list line tapped): undone, then admitted again.
      undoDone = true;
      steps.push({ kind: 'undo', at: when + 30_000, device, of: 'undone' });
      steps.push({ kind: 'scan', at: when + 90_000, device, door, ticketCode: p.ticketCode, idCheck: id() });
    }
    if (rnd() < 0.03) {
      steps.push({
        kind: 'scan',
        at: when + 20 * MINUTE,
        device: 'main',
        door: main,
        ticketCode: p.ticketCode,
        idCheck: id(),
      }); // already_checked_in
    }
    if (p.lunch && conference.lunch && rnd() < 0.8) {
      steps.push({ kind: 'lunch', at: when + MINUTE, device, registrationId: p.registrationId, method: pick(METHODS) });
    }
  }
  // People on the waiting list who still come to the door, before the organisers open more places.
  const waiting = people.filter((x) => x.status !== 'registered');
  for (const [i, p] of waiting.slice(0, 4).entries()) {
    steps.push({
      kind: 'scan',
      at: start - 25 * MINUTE + i * 3 * MINUTE,
      device: 'main',
      door: main,
      ticketCode: p.ticketCode,
      idCheck: id(),
    });
  }
  // At the start the organisers open places for the waiting list and the walk-ins (everyone waiting is promoted).
  steps.push({ kind: 'raise_capacity', at: start + 5 * MINUTE, by: waiting.length + 10 });
  // A ticket from another event, twice.
  for (let i = 0; i < 2; i++) {
    steps.push({
      kind: 'scan',
      at: arrival(),
      device: 'main',
      door: main,
      ticketCode: `INCONNU${i}AAAAAAAAAAAAAAAA`,
      idCheck: null,
    });
  }
  for (let i = 0; i < 5; i++) {
    steps.push({ kind: 'walk_in', at: start + 8 * MINUTE + i * 9 * MINUTE, device: 'main', door: main, index: i });
  }
  steps.push(...movements(conference, inside, seed));
  steps.sort((a, b) => a.at - b.at);
  return withSignatures(steps, conference, people, start, rnd);
}

/**
 * The day in the spaces, for those let in: the plenary from the start, the
 * peers' room and the media corner in the morning (and back), the buffet at
 * lunch (refused to those who have not paid), the advice desks or the
 * plenary after it, an evacuation drill at 14:40, and some leaving the site
 * from 15:15. Its own generator, so the arrivals' plan stays the same.
 */
function movements(
  conference: SimConference,
  inside: readonly { person: SimRegistration; admittedAt: number }[],
  seed: number,
): SimStep[] {
  const spaces = new Map((conference.spaces ?? []).map((s) => [s.name, s]));
  if (spaces.size === 0) return [];
  const rnd = random(seed + 23);
  const day = (hhmm: string) =>
    Date.parse(`${conference.startsAt.slice(0, 11)}${hhmm}:00${conference.startsAt.slice(19)}`);
  const between = (from: string, to: string) => day(from) + rnd() * (day(to) - day(from));
  const main = conference.doors[0] ?? 'Accueil principal';
  const steps: SimStep[] = [];
  const has = (name: string) => spaces.has(name);
  for (const { person: p, admittedAt } of inside) {
    const move = (at: number, space: string | null, direction: 'in' | 'out' = 'in') => {
      // Nobody moves before the entrance has let them in (and not twice in one minute).
      if (at < admittedAt + 2 * MINUTE || (space !== null && !has(space))) return;
      steps.push({ kind: 'move', at: Math.round(at), ticketCode: p.ticketCode, space, door: main, direction });
    };
    if (rnd() < 0.85) move(Math.max(admittedAt + 5 * MINUTE, day('09:30')) + rnd() * 10 * MINUTE, 'Salle plénière');
    const r = rnd();
    if (r < 0.35) {
      const at = between('10:00', '11:40');
      move(at, 'Échanges entre pairs');
      if (rnd() < 0.5) move(at + (20 + rnd() * 30) * MINUTE, 'Salle plénière');
    } else if (r < 0.45 && p.category !== 'staff') {
      const at = between('10:00', '11:45');
      move(at, 'Médias');
      move(at + (10 + rnd() * 20) * MINUTE, 'Médias', 'out');
    }
    // Lunch: those who chose it go to the buffet (the unpaid are refused there); a few others try their luck.
    if ((p.lunch && rnd() < 0.9) || (!p.lunch && rnd() < 0.08)) move(between('12:30', '13:50'), 'Buffet');
    if (rnd() < 0.25) move(between('14:00', '14:25'), 'Conseils professionnels');
    else if (rnd() < 0.7) move(between('14:00', '14:25'), 'Salle plénière');
    if (rnd() < 0.2) move(between('15:15', '15:55'), null, 'out');
  }
  steps.push({ kind: 'roll_call', at: day('14:40') });
  return steps;
}

function withSignatures(
  steps: SimStep[],
  conference: SimConference,
  people: readonly SimRegistration[],
  start: number,
  rnd: () => number,
): SimStep[] {
  const signing = Date.parse(conference.startsAt.slice(0, 11) + '16:00:00' + conference.startsAt.slice(19));
  const admittedTickets = new Set(
    steps.filter((s) => s.kind === 'scan' || s.kind === 'offline_scan').map((s) => s.ticketCode),
  );
  const organisations = new Set<string>();
  let at = Number.isNaN(signing) ? start + 6 * 60 * MINUTE : signing;
  for (const p of people) {
    if (p.category !== 'signatory' || p.status !== 'registered' || !admittedTickets.has(p.ticketCode)) continue;
    const organisation = p.organisation ?? '';
    if (organisation === '' || organisations.has(organisation.toLowerCase())) continue; // one signature an organisation
    organisations.add(organisation.toLowerCase());
    at += 20_000 + Math.floor(rnd() * 40_000);
    steps.push({ kind: 'sign', at, registrationId: p.registrationId, onBehalfOf: organisation });
  }
  steps.push({ kind: 'close', at: at + 5 * MINUTE });
  return steps;
}

// ------------------------------------------------------------------ playing

export interface DayTally {
  /** Standing admissions by the server's answers (admitted − undone). */
  present: number;
  refused: Record<string, number>;
  lunchPaid: number;
  signatures: number;
  walkIns: number;
  walkInsAdmitted: number;
  offlineUploaded: number;
  undone: number;
  closed: boolean;
  /** Movements at the spaces' doors and the site's, as the server answered them. */
  moves: { admitted: number; refused: Record<string, number> };
  /** The evacuation drill: how many were expected at the assembly point, and ticked present. */
  rollCall: { rollCallId: string; expected: number; present: number } | null;
}

export interface PlayOptions {
  base: string;
  organiserToken: string;
  conferenceId: string;
  charterId: string;
  textSha256: string;
  /** Simulated minutes a real minute; `Infinity` plays without waiting. */
  speed: number;
  /**
   * Told the simulated time before each step: the demo sets the server's one
   * clock to it, so hours and closing times are the played day's.
   */
  onTime?: (at: number) => void;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays the plan against the server; returns what the server answered, tallied. */
export async function playDay(plan: readonly SimStep[], options: PlayOptions): Promise<DayTally> {
  const { base, conferenceId: cid } = options;
  const send = async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => null)) as T;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const tokens: Record<DeviceKey, string> = { organiser: options.organiserToken } as Record<DeviceKey, string>;
  for (const [key, d] of Object.entries(SIMULATED_DEVICES) as [
    keyof typeof SIMULATED_DEVICES,
    { name: string; role: string },
  ][]) {
    tokens[key] = (
      await send<{ token: string }>(options.organiserToken, 'POST', '/devices', {
        name: d.name,
        role: d.role,
        conferenceId: cid,
      })
    ).token;
  }

  const tally: DayTally = {
    present: 0,
    refused: {},
    lunchPaid: 0,
    signatures: 0,
    walkIns: 0,
    walkInsAdmitted: 0,
    offlineUploaded: 0,
    undone: 0,
    closed: false,
    moves: { admitted: 0, refused: {} },
    rollCall: null,
  };
  const scanIds = new Map<string, string>();
  const admittedScans = new Set<string>();
  const outbox: { at: number; upload: number; door: string; ticketCode: string; scanId: string }[] = [];
  const first = plan[0]?.at ?? 0;
  const startedAt = Date.now();
  const waitUntil = async (at: number) => {
    if (!Number.isFinite(options.speed)) return;
    const due = startedAt + (at - first) / options.speed;
    if (due > Date.now()) await sleep(due - Date.now());
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const scanned = (answer: { result: string; reason?: string }, scanId: string) => {
    if (answer.result === 'admitted') {
      tally.present += 1;
      admittedScans.add(scanId);
    } else if (answer.reason) tally.refused[answer.reason] = (tally.refused[answer.reason] ?? 0) + 1;
  };
  const flush = async (now: number) => {
    const due = outbox.filter((s) => s.upload <= now);
    for (const s of due) {
      outbox.splice(outbox.indexOf(s), 1);
      const answer = await send<{ result: string; reason?: string }>(
        tokens.offline,
        'POST',
        `/conferences/${cid}/scans`,
        {
          scanId: s.scanId,
          ticketCode: s.ticketCode,
          door: s.door,
          scannedAt: iso(s.at),
          idCheck: { document: 'national_id', nameMatches: true },
          offline: { result: 'admitted' },
        },
      );
      tally.offlineUploaded += 1;
      scanned(answer, s.scanId);
    }
  };

  for (const [index, step] of plan.entries()) {
    await waitUntil(step.at);
    options.onTime?.(step.at);
    await flush(step.at);
    switch (step.kind) {
      case 'scan': {
        const scanId = randomUUID();
        if (step.key) scanIds.set(step.key, scanId);
        const answer = await send<{ result: string; reason?: string }>(
          tokens[step.device],
          'POST',
          `/conferences/${cid}/scans`,
          {
            scanId,
            ticketCode: step.ticketCode,
            door: step.door,
            scannedAt: iso(step.at),
            ...(step.idCheck ? { idCheck: step.idCheck } : {}),
          },
        );
        scanned(answer, scanId);
        break;
      }
      case 'offline_scan':
        outbox.push({ ...step, scanId: randomUUID() });
        break;
      case 'undo': {
        const scanId = scanIds.get(step.of);
        if (scanId === undefined || !admittedScans.has(scanId)) break;
        await send(tokens[step.device], 'POST', `/conferences/${cid}/scans/${scanId}/undo`, {
          reason: 'mauvais billet scanné',
        });
        admittedScans.delete(scanId);
        tally.present -= 1;
        tally.undone += 1;
        break;
      }
      case 'lunch': {
        const fee = await send<{ lunch: { priceCents: number } | null }>(
          tokens.organiser,
          'GET',
          `/conferences/${cid}`,
        );
        await send(
          tokens[step.device],
          'POST',
          `/conferences/${cid}/registrations/${step.registrationId}/lunch-payment`,
          {
            paymentId: randomUUID(),
            amountCents: fee.lunch?.priceCents ?? 0,
            method: step.method,
          },
        );
        tally.lunchPaid += 1;
        break;
      }
      case 'walk_in': {
        const reg = await send<{ ticketCode: string; status: string }>(
          tokens[step.device],
          'POST',
          `/conferences/${cid}/registrations`,
          {
            firstName: ['Camille', 'Dominique', 'Sacha', 'Alix', 'Maël'][step.index % 5],
            lastName: `Sur-place ${step.index + 1}`,
            email: `sur-place-${step.index + 1}-${randomUUID().slice(0, 8)}@example.org`,
            organisation: 'Inscription sur place',
            category: 'participant',
            lunch: false,
            photoConsent: false,
          },
        );
        tally.walkIns += 1;
        const scanId = randomUUID();
        const answer = await send<{ result: string; reason?: string }>(
          tokens[step.device],
          'POST',
          `/conferences/${cid}/scans`,
          {
            scanId,
            ticketCode: reg.ticketCode,
            door: step.door,
            scannedAt: iso(step.at + 30_000),
            idCheck: { document: 'national_id', nameMatches: true },
          },
        );
        scanned(answer, scanId);
        if (answer.result === 'admitted') tally.walkInsAdmitted += 1;
        break;
      }
      case 'sign': {
        await send(tokens.kiosk, 'POST', `/conferences/${cid}/charters/${options.charterId}/signatures`, {
          signatureId: randomUUID(),
          registrationId: step.registrationId,
          onBehalfOf: step.onBehalfOf,
          consent: {
            given: true,
            wording: 'J’ai lu la charte en entier et je la signe au nom de l’organisation indiquée.',
            givenAt: iso(step.at),
          },
          textSha256: options.textSha256,
          strokes: [
            [
              { x: 10, y: 20, time: step.at, pressure: 0.5 },
              { x: 90, y: 30, time: step.at + 200, pressure: 0.5 },
            ],
          ],
          canvas: { width: 600, height: 240, devicePixelRatio: 2 },
          image: signatureImage(index),
          kiosk: SIMULATED_DEVICES.kiosk.name,
          deviceSignedAt: iso(step.at),
        });
        tally.signatures += 1;
        break;
      }
      case 'raise_capacity': {
        const c = await send<Record<string, unknown> & { capacity: number }>(
          tokens.organiser,
          'GET',
          `/conferences/${cid}`,
        );
        const details = ['name', 'venue', 'startsAt', 'endsAt', 'timezone', 'idCheckRequired', 'lunch', 'doors'];
        await send(tokens.organiser, 'PUT', `/conferences/${cid}`, {
          ...Object.fromEntries(details.filter((k) => c[k] !== undefined).map((k) => [k, c[k]])),
          capacity: c.capacity + step.by,
        });
        break;
      }
      case 'move': {
        const answer = await send<{ result: string; reason?: string }>(
          tokens.rooms,
          'POST',
          `/conferences/${cid}/scans`,
          {
            scanId: randomUUID(),
            ticketCode: step.ticketCode,
            ...(step.space !== null ? { space: step.space } : { door: step.door }),
            direction: step.direction,
            scannedAt: iso(step.at),
          },
        );
        if (answer.result === 'admitted') tally.moves.admitted += 1;
        else if (answer.reason) tally.moves.refused[answer.reason] = (tally.moves.refused[answer.reason] ?? 0) + 1;
        break;
      }
      case 'roll_call': {
        // The alarm rings: the roll is called at the assembly point, two phones ticking, most people found.
        const rollCallId = randomUUID();
        const { expected } = await send<{ expected: number }>(tokens.rooms, 'POST', `/conferences/${cid}/roll-calls`, {
          rollCallId,
          startedAt: iso(step.at),
        });
        const roll = await send<{ people: { registrationId: string }[] }>(
          tokens.rooms,
          'GET',
          `/conferences/${cid}/roll-calls/${rollCallId}`,
        );
        let present = 0;
        for (const [i, person] of roll.people.entries()) {
          if (i % 12 === 5) continue; // not found at the assembly point
          const marked = await send<{ present: number }>(
            i % 2 === 0 ? tokens.rooms : tokens.main,
            'POST',
            `/conferences/${cid}/roll-calls/${rollCallId}/marks`,
            { markId: randomUUID(), registrationId: person.registrationId, at: iso(step.at + (i + 1) * 3_000) },
          );
          present = marked.present;
        }
        tally.rollCall = { rollCallId, expected, present };
        break;
      }
      case 'close':
        await flush(Number.POSITIVE_INFINITY);
        await send(tokens.organiser, 'POST', `/conferences/${cid}/charters/${options.charterId}/close`);
        tally.closed = true;
        break;
    }
    options.log?.(`${iso(step.at).slice(11, 16)} ${step.kind}`);
  }
  return tally;
}

// ------------------------------------------------------------ a drawn line

/**
 * A real PNG of a wavy line (grey, 120×48), a little different for each
 * signer, written by pngjs: the server's encoder too (charter-pdf.ts), so
 * there is no second PNG writer to keep right.
 */
export function signatureImage(seed: number): string {
  const width = 120;
  const height = 48;
  const png = new pngjs.PNG({ width, height });
  png.data.fill(255); // white, opaque
  for (let y = 0; y < height; y++) {
    for (let x = 10; x < 110; x++) {
      if (Math.abs(y - Math.round(24 + 12 * Math.sin((x + seed) / 9))) > 1) continue;
      const at = (y * width + x) * 4;
      png.data.fill(0, at, at + 3); // black ink, alpha left opaque
    }
  }
  const bytes = pngjs.PNG.sync.write(png, { colorType: 0 }); // greyscale
  return `data:image/png;base64,${bytes.toString('base64')}`;
}

/** Reads what the plan needs over the API (the registrations, the conference, the charter), plans the day and plays it. */
export async function simulateDay(
  options: Omit<PlayOptions, 'textSha256'> & { seed?: number },
): Promise<{ plan: SimStep[]; tally: DayTally }> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${options.base}/api${path}`, {
      headers: { authorization: `Bearer ${options.organiserToken}` },
    });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    return (await res.json()) as T;
  };
  const cid = options.conferenceId;
  const conference = await get<SimConference>(`/conferences/${cid}`);
  const { items } = await get<{ items: SimRegistration[] }>(`/conferences/${cid}/registrations`);
  const charter = await get<{ textSha256: string }>(`/conferences/${cid}/charters/${options.charterId}`);
  const { items: spaces } = await get<{ items: SimSpace[] }>(`/conferences/${cid}/spaces`);
  const plan = planDay({ ...conference, spaces }, items, options.seed);
  const tally = await playDay(plan, { ...options, textSha256: charter.textSha256 });
  return { plan, tally };
}
