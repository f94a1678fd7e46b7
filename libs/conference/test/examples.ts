import type {
  ConferenceDetails,
  ConferenceScheduled,
  PersonRegistered,
  PersonWaitlisted,
  RegistrationCancelled,
  RegistrationData,
  WaitlistedPersonPromoted,
} from '../src/conference/conference.js';
import type { RegisterPerson, RegistrationRequest } from '../src/conference/conference.decide.js';
import type {
  AdmissionUndone,
  AttendeeAdmitted,
  EntryRefused,
  PreviousAdmission,
  TicketFacts,
} from '../src/arrival/arrival.js';
import type { ScanTicket } from '../src/arrival/arrival.decide.js';
import { ticketSha256 } from '../src/conference/ticket-code.js';
import type { EntryRefusalReason, IdCheck, Person } from '../src/vocabulary.js';

/** Builders for the specs: one small, readable world, varied by overrides. */

export const conferenceId = 'c0nf0000-0000-4000-8000-000000002014';

const uuid = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const registrationId = (n: number): string => uuid('00000000', n);
export const ticketCode = (n: number): string => `tk${String(n).padStart(30, '0')}`;
export const scanId = (n: number): string => uuid('5ca00000', n);
export const paymentId = (n: number): string => uuid('9a900000', n);

export const at = (time: string): string => `2014-09-19T${time}+02:00`;

export const details = (overrides: Partial<ConferenceDetails> = {}): ConferenceDetails => ({
  name: '2ème Journée Nationale des PTCE',
  venue: 'Centre de Conférences Pierre Mendès France, Paris',
  startsAt: at('09:30:00'),
  endsAt: at('16:30:00'),
  timezone: 'Europe/Paris',
  capacity: 2,
  idCheckRequired: true,
  lunch: { priceCents: 2000, currency: 'EUR' },
  doors: ['Accueil principal', 'Accueil intervenants et presse'],
  ...overrides,
});

export const conferenceScheduled = (overrides: Partial<ConferenceDetails> = {}): ConferenceScheduled => ({
  type: 'ConferenceScheduled',
  data: { conferenceId, ...details(overrides), scheduledAt: '2014-06-01T10:00:00+02:00' },
});

const people: readonly Person[] = [
  {
    firstName: 'Claude',
    lastName: 'Alphandéry',
    email: 'claude.alphandery@example.org',
    organisation: "Le Labo de l'ESS",
  },
  {
    firstName: 'Colin',
    lastName: 'Lemaître',
    email: 'colin.lemaitre@example.org',
    organisation: 'PTCE Culture&Coopération',
  },
  {
    firstName: 'Fanélie',
    lastName: 'Carrey-Conte',
    email: 'fanelie.carrey.conte@example.org',
    organisation: 'Assemblée nationale',
  },
  { firstName: 'Thierry', lastName: 'Du Bouëtiez', email: 'thierry.du.bouetiez@example.org', organisation: null },
  {
    firstName: 'Geneviève',
    lastName: 'Cœur',
    email: 'genevieve.cur@example.org',
    organisation: 'PTCE Fabrique Pays Basque',
  },
];

export const person = (n: number, overrides: Partial<Person> = {}): Person => ({
  ...(people[(n - 1) % people.length] ?? { firstName: 'Anne', lastName: 'Martin', email: '', organisation: null }),
  ...(n > people.length ? { email: `person.${n}@example.org` } : {}),
  ...overrides,
});

export const registrationRequest = (n: number, overrides: Partial<RegistrationRequest> = {}): RegistrationRequest => ({
  registrationId: registrationId(n),
  ticketCode: ticketCode(n),
  person: person(n),
  category: 'participant',
  lunch: true,
  photoConsent: false,
  ...overrides,
});

export const registeredAt = (n: number): string => `2014-07-01T10:${String(n % 60).padStart(2, '0')}:00+02:00`;

export const register = (n: number, overrides: Partial<RegisterPerson['data']> = {}): RegisterPerson => ({
  type: 'RegisterPerson',
  data: { ...registrationRequest(n), source: 'api', registeredAt: registeredAt(n), ...overrides },
});

export const registrationData = (n: number, overrides: Partial<RegistrationData> = {}): RegistrationData => ({
  conferenceId,
  ...registrationRequest(n),
  ticketSha256: ticketSha256(overrides.ticketCode ?? registrationRequest(n).ticketCode),
  source: 'api',
  registeredAt: registeredAt(n),
  ...overrides,
});

export const personRegistered = (n: number, overrides: Partial<RegistrationData> = {}): PersonRegistered => ({
  type: 'PersonRegistered',
  data: registrationData(n, overrides),
});

export const personWaitlisted = (n: number, overrides: Partial<RegistrationData> = {}): PersonWaitlisted => ({
  type: 'PersonWaitlisted',
  data: registrationData(n, overrides),
});

export const registrationCancelled = (
  n: number,
  previousStatus: 'registered' | 'waitlisted',
  cancelledAt = '2014-09-01T12:00:00+02:00',
): RegistrationCancelled => ({
  type: 'RegistrationCancelled',
  data: { conferenceId, registrationId: registrationId(n), previousStatus, reason: null, cancelledAt },
});

export const waitlistedPersonPromoted = (
  n: number,
  cause: 'place_freed' | 'capacity_raised',
  promotedAt = '2014-09-01T12:00:00+02:00',
): WaitlistedPersonPromoted => ({
  type: 'WaitlistedPersonPromoted',
  data: { conferenceId, registrationId: registrationId(n), cause, promotedAt },
});

// ---------------------------------------------------------------- arrivals

export const mainDoor = 'Accueil principal';
export const pressDoor = 'Accueil intervenants et presse';
export const phoneA = 'd0000000-0000-4000-8000-00000000000a';
export const phoneB = 'd0000000-0000-4000-8000-00000000000b';

export const passportChecked: IdCheck = { document: 'passport', nameMatches: true };

/** The registry's facts for registration 1 unless told otherwise. */
export const facts = (overrides: Partial<TicketFacts> = {}): TicketFacts => ({
  found: true,
  registrationId: registrationId(1),
  status: 'registered',
  idCheckRequired: true,
  lunchFee: { priceCents: 2000, currency: 'EUR' },
  ...overrides,
});

export const scan = (n: number, overrides: Partial<ScanTicket['data']> = {}): ScanTicket => ({
  type: 'ScanTicket',
  data: {
    conferenceId,
    scanId: scanId(n),
    door: mainDoor,
    deviceId: phoneA,
    scannedAt: at(`09:${String(30 + n).padStart(2, '0')}:00`),
    idCheck: passportChecked,
    ticket: facts(),
    ...overrides,
  },
});

const scanData = (command: ScanTicket) => {
  const { conferenceId: cid, scanId: sid, door, deviceId, scannedAt, idCheck } = command.data;
  return { conferenceId: cid, scanId: sid, door, deviceId, scannedAt, idCheck };
};

/** The admission that `scan(n, overrides)` decides for an expected ticket. */
export const attendeeAdmitted = (n: number, overrides: Partial<ScanTicket['data']> = {}): AttendeeAdmitted => {
  const command = scan(n, overrides);
  if (!command.data.ticket.found) throw new Error('An unknown ticket is never admitted');
  return {
    type: 'AttendeeAdmitted',
    data: { ...scanData(command), registrationId: command.data.ticket.registrationId },
  };
};

/** The refusal that `scan(n, overrides)` decides, for this reason. */
export const entryRefused = (
  n: number,
  reason: EntryRefusalReason,
  overrides: Partial<ScanTicket['data']> = {},
  previous: PreviousAdmission | null = null,
): EntryRefused => {
  const command = scan(n, overrides);
  const { ticket } = command.data;
  return {
    type: 'EntryRefused',
    data: { ...scanData(command), registrationId: ticket.registrationId, reason, previous },
  };
};

export const admissionUndone = (
  n: number,
  undoneAt = at('10:00:00'),
  reason = 'Scanned the wrong ticket',
): AdmissionUndone => ({
  type: 'AdmissionUndone',
  data: { conferenceId, registrationId: registrationId(1), scanId: scanId(n), reason, deviceId: phoneA, undoneAt },
});
