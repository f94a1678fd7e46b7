import type {
  AdmissionUndone,
  AttendeeAdmitted,
  Category,
  ConferenceScheduled,
  EntryRefusalReason,
  EntryRefused,
  LunchPaid,
  PersonRegistered,
  PersonWaitlisted,
  RegistrationCancelled,
  RegistrationData,
  WaitlistedPersonPromoted,
} from '@emargement/conference';
import type { CharterClosed, CharterPublished, CharterSigned, SignatureVoided } from '@emargement/charter';
import type { AttendanceEvent } from '../src/events.js';

/** Builders for the attendance specs: one small world (the PTCE day), varied by overrides. */

export const conferenceId = 'c0nf0000-0000-4000-8000-000000002014';
export const otherConferenceId = 'c0nf0000-0000-4000-8000-000000002015';
export const charterId = 'c4a70000-0000-4000-8000-000000000001';
const uuid = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const registrationId = (n: number): string => uuid('00000000', n);
export const scanId = (n: number): string => uuid('5ca00000', n);
export const signatureId = (n: number): string => uuid('5190a000', n);

/** 19 September 2014 in Paris (UTC+2). */
export const at = (time: string): string => `2014-09-19T${time}+02:00`;
export const mainDoor = 'Accueil principal';
export const pressDoor = 'Accueil presse';
const device = 'd0000000-0000-4000-8000-00000000000a';

export const scheduled = (cid = conferenceId): ConferenceScheduled => ({
  type: 'ConferenceScheduled',
  data: {
    conferenceId: cid,
    name: '2ème Journée Nationale des PTCE',
    venue: 'Centre Pierre Mendès France, Paris',
    startsAt: at('09:30:00'),
    endsAt: at('16:30:00'),
    timezone: 'Europe/Paris',
    capacity: 100,
    idCheckRequired: true,
    lunch: { priceCents: 2000, currency: 'EUR' },
    doors: [mainDoor, pressDoor],
    scheduledAt: '2014-06-01T10:00:00+02:00',
  },
});

export interface Who {
  category?: Category;
  organisation?: string | null;
  lunch?: boolean;
  registeredAt?: string;
  conferenceId?: string;
}

const registration = (n: number, who: Who): RegistrationData => ({
  conferenceId: who.conferenceId ?? conferenceId,
  registrationId: registrationId(n),
  ticketCode: `tk${String(n).padStart(30, '0')}`,
  person: {
    firstName: `Prénom${n}`,
    lastName: `Nom${n}`,
    email: `p${n}@example.org`,
    organisation: who.organisation === undefined ? `Organisation ${n}` : who.organisation,
  },
  category: who.category ?? 'participant',
  lunch: who.lunch ?? true,
  photoConsent: false,
  source: 'api',
  registeredAt: who.registeredAt ?? '2014-07-01T10:00:00+02:00',
});

export const registered = (n: number, who: Who = {}): PersonRegistered => ({
  type: 'PersonRegistered',
  data: registration(n, who),
});

export const waitlisted = (n: number, who: Who = {}): PersonWaitlisted => ({
  type: 'PersonWaitlisted',
  data: registration(n, who),
});

export const promoted = (n: number): WaitlistedPersonPromoted => ({
  type: 'WaitlistedPersonPromoted',
  data: { conferenceId, registrationId: registrationId(n), cause: 'place_freed', promotedAt: at('08:00:00') },
});

export const cancelled = (n: number, previousStatus: 'registered' | 'waitlisted'): RegistrationCancelled => ({
  type: 'RegistrationCancelled',
  data: {
    conferenceId,
    registrationId: registrationId(n),
    previousStatus,
    reason: null,
    cancelledAt: at('08:00:00'),
  },
});

/** Registration n admitted by scan `scan` (n by default). */
export const admitted = (
  n: number,
  options: { scan?: number; door?: string; scannedAt?: string; conferenceId?: string } = {},
): AttendeeAdmitted => ({
  type: 'AttendeeAdmitted',
  data: {
    conferenceId: options.conferenceId ?? conferenceId,
    registrationId: registrationId(n),
    scanId: scanId(options.scan ?? n),
    door: options.door ?? mainDoor,
    deviceId: device,
    scannedAt: options.scannedAt ?? at('09:42:00'),
    idCheck: { document: 'national_id', nameMatches: true },
  },
});

export const refused = (
  n: number | null,
  reason: EntryRefusalReason,
  options: { scan?: number; door?: string; scannedAt?: string } = {},
): EntryRefused => ({
  type: 'EntryRefused',
  data: {
    conferenceId,
    registrationId: n === null ? null : registrationId(n),
    scanId: scanId(options.scan ?? 900 + (n ?? 0)),
    door: options.door ?? mainDoor,
    deviceId: device,
    scannedAt: options.scannedAt ?? at('09:45:00'),
    idCheck: null,
    reason,
    previous: null,
  },
});

export const undone = (n: number, scan = n, undoneAt = at('09:50:00')): AdmissionUndone => ({
  type: 'AdmissionUndone',
  data: {
    conferenceId,
    registrationId: registrationId(n),
    scanId: scanId(scan),
    reason: 'Scanned the wrong ticket',
    deviceId: device,
    undoneAt,
  },
});

export const lunchPaid = (n: number): LunchPaid => ({
  type: 'LunchPaid',
  data: {
    conferenceId,
    registrationId: registrationId(n),
    paymentId: uuid('9a900000', n),
    amountCents: 2000,
    currency: 'EUR',
    method: 'cash',
    deviceId: device,
    paidAt: at('11:00:00'),
  },
});

export const charterPublished = (): CharterPublished => ({
  type: 'CharterPublished',
  data: {
    charterId,
    conferenceId,
    title: 'Charte des PTCE',
    text: '# Charte',
    textSha256: '0'.repeat(64),
    publishedAt: at('08:00:00'),
  },
});

export const charterSigned = (n: number): CharterSigned => ({
  type: 'CharterSigned',
  data: {
    charterId,
    conferenceId,
    sequence: n,
    signatureId: signatureId(n),
    registrationId: registrationId(n),
    name: `Prénom${n} Nom${n}`,
    nameSalt: 'salt',
    nameSha256: '1'.repeat(64),
    onBehalfOf: `Organisation ${n}`,
    admission: { scanId: scanId(n), at: at('09:42:00'), door: mainDoor },
    textSha256: '0'.repeat(64),
    consent: { wording: 'Je signe.', givenAt: at('16:00:00') },
    strokes: [],
    canvas: { width: 600, height: 240, devicePixelRatio: 2 },
    strokesSha256: '2'.repeat(64),
    image: 'data:image/png;base64,',
    imageSha256: '3'.repeat(64),
    signedAt: at('16:00:00'),
    deviceSignedAt: null,
    kiosk: 'Tablette 1',
    userAgent: null,
    previousHash: '4'.repeat(64),
    hash: '5'.repeat(64),
  },
});

export const signatureVoided = (n: number): SignatureVoided => ({
  type: 'SignatureVoided',
  data: {
    charterId,
    conferenceId,
    signatureId: signatureId(n),
    sequence: n,
    registrationId: registrationId(n),
    reason: 'Signed for the wrong organisation',
    voidedBy: device,
    voidedAt: at('16:30:00'),
    previousHash: '5'.repeat(64),
    hash: '6'.repeat(64),
  },
});

export const charterClosed = (): CharterClosed => ({
  type: 'CharterClosed',
  data: {
    charterId,
    conferenceId,
    count: 1,
    voided: 0,
    head: '5'.repeat(64),
    closedBy: device,
    closedAt: at('17:00:00'),
  },
});

/** Events as a store hands them back, at positions 1, 2, 3 ... */
export const stored = (events: readonly AttendanceEvent[], first = 1n) =>
  events.map((e, i) => ({ type: e.type, data: e.data, position: first + BigInt(i) }));
