import { boolean, instant, integer, listOf, nullableString, object, string, type Answer } from './schema.js';
import { CATEGORIES, CSV_ENCODINGS, ENTRY_REFUSAL_REASONS, REGISTRATION_STATUSES } from './vocabulary.js';

// ------------------------------------------------------------ conferences

export const LunchFeeSchema = object({ priceCents: integer, currency: { type: 'string', description: 'ISO 4217' } });
export type LunchFee = Answer<typeof LunchFeeSchema>;

const conferenceDetails = {
  name: string,
  venue: string,
  startsAt: instant,
  endsAt: instant,
  timezone: { type: 'string', description: 'IANA zone, e.g. Europe/Paris' },
  capacity: integer,
  idCheckRequired: boolean,
  lunch: { ...LunchFeeSchema, nullable: true },
  doors: listOf(string),
} as const;

/** `GET /api/conferences/:cid`: the details, and how many registrations are in each status. */
export const ProgrammeItemSchema = object({
  at: { type: 'string', pattern: '^\\d{2}:\\d{2}$', description: "HH:MM, the conference's local time" },
  title: string,
});

/** The organisers' rule for walk-ins at a full day (`PUT .../walk-in-policy`). */
export const WalkInPolicySchema = object({
  beyondCapacity: {
    type: 'boolean',
    description:
      'A door may register a walk-in as `registered` beyond the capacity, by an explicit choice recorded on the registration (the capacity is not raised)',
  },
});
export type WalkInPolicy = Answer<typeof WalkInPolicySchema>;

export const WalkInPolicySetSchema = object({ conferenceId: string, ...WalkInPolicySchema.properties });
export type WalkInPolicySet = Answer<typeof WalkInPolicySetSchema>;

export const ConferenceSchema = object(
  {
    conferenceId: string,
    ...conferenceDetails,
    programme: { ...listOf(ProgrammeItemSchema), description: 'The printed programme, by time' },
    walkIns: { ...WalkInPolicySchema, description: 'Always sent by the server; off unless organisers turned it on' },
    registered: integer,
    waitlisted: integer,
    cancelled: integer,
  },
  ['programme', 'walkIns'],
);
export type Conference = Answer<typeof ConferenceSchema>;

export const ConferenceListSchema = object({ items: listOf(ConferenceSchema) });
export type ConferenceList = Answer<typeof ConferenceListSchema>;

export const ConferenceScheduledSchema = object({ conferenceId: string });
export type ConferenceScheduled = Answer<typeof ConferenceScheduledSchema>;

export const ConferenceRevisedSchema = object({
  conferenceId: string,
  promoted: { ...listOf(string), description: 'Waitlisted registrations given a place by a raised capacity' },
});
export type ConferenceRevised = Answer<typeof ConferenceRevisedSchema>;

// ---------------------------------------------------------- registrations

export const AdmissionSchema = object({ at: instant, door: string });
export type Admission = Answer<typeof AdmissionSchema>;

export const RefusalSchema = object({
  at: instant,
  door: string,
  reason: { type: 'string', enum: ENTRY_REFUSAL_REASONS },
});
export type Refusal = Answer<typeof RefusalSchema>;

const attendeeItem = {
  registrationId: string,
  firstName: string,
  lastName: string,
  organisation: nullableString,
  category: { type: 'string', enum: CATEGORIES },
  lunch: boolean,
  lunchPaid: boolean,
  status: { type: 'string', enum: REGISTRATION_STATUSES },
  admitted: { ...AdmissionSchema, nullable: true, description: 'The standing admission' },
  refused: { ...RefusalSchema, nullable: true, description: 'The last refusal at a door, when no admission stands' },
  signed: { type: 'boolean', description: 'A standing signature of a charter of the conference' },
} as const;

/** The door's search (`GET .../attendees`): enough to recognise someone, no e-mail and no ticket code. */
export const AttendeeItemSchema = object(attendeeItem);
export type AttendeeItem = Answer<typeof AttendeeItemSchema>;

export const AttendeeSearchSchema = object({ total: integer, items: listOf(AttendeeItemSchema) });
export type AttendeeSearch = Answer<typeof AttendeeSearchSchema>;

/** The organisers' table (`GET .../registrations`). */
export const RegistrationItemSchema = object({
  ...attendeeItem,
  email: string,
  photoConsent: boolean,
  ticketCode: string,
});
export type RegistrationItem = Answer<typeof RegistrationItemSchema>;

export const RegistrationListSchema = object({
  items: listOf(RegistrationItemSchema),
  total: { type: 'integer', description: 'Registrations matching the filter (items may stop at `limit`)' },
  offset: { type: 'integer', description: 'Rows skipped before `items` (the `offset` asked for, 0 by default)' },
  limit: { type: 'integer', description: 'The most rows `items` may hold (the `limit` asked for)' },
});
export type RegistrationList = Answer<typeof RegistrationListSchema>;

export const RegisteredSchema = object(
  {
    registrationId: string,
    ticketCode: string,
    status: { type: 'string', enum: ['registered', 'waitlisted'] },
    beyondCapacity: {
      type: 'boolean',
      enum: [true],
      description:
        'Present when a walk-in was given a place beyond the capacity (the door asked, the organisers allow it)',
    },
  },
  ['beyondCapacity'],
);
export type Registered = Answer<typeof RegisteredSchema>;

export const RegistrationCancelledSchema = object({
  registrationId: string,
  status: { type: 'string', enum: ['cancelled'] },
  promoted: { ...nullableString, description: 'The waitlisted registration this cancellation gave a place to' },
});
export type RegistrationCancelled = Answer<typeof RegistrationCancelledSchema>;

/** `PATCH .../registrations/:rid`: which fields changed (none: nothing was written), and when. */
export const RegistrationCorrectedSchema = object({
  registrationId: string,
  changed: {
    type: 'array',
    items: { type: 'string', enum: ['firstName', 'lastName', 'email', 'organisation', 'category'] },
  },
  correctedAt: { ...nullableString, description: 'ISO-8601 time; null when nothing changed' },
});
export type RegistrationCorrected = Answer<typeof RegistrationCorrectedSchema>;

/** `POST .../registrations/import`: the counts, the rejected rows, and every line's fate in file order. */
export const ImportReportSchema = object({
  encoding: {
    type: 'string',
    enum: CSV_ENCODINGS,
    description: 'How the bytes were read: UTF-8 (with or without BOM), otherwise Windows-1252 (French Excel)',
  },
  created: integer,
  duplicates: integer,
  rejected: listOf(object({ line: integer, reason: string, field: string, name: string }, ['field', 'name'])),
  lines: listOf({
    anyOf: [
      object({
        line: integer,
        result: { type: 'string', enum: ['created'] },
        registrationId: string,
        status: { type: 'string', enum: ['registered', 'waitlisted'] },
      }),
      object({ line: integer, result: { type: 'string', enum: ['duplicate'] }, registrationId: string, name: string }, [
        'name',
      ]),
      object(
        { line: integer, result: { type: 'string', enum: ['rejected'] }, reason: string, field: string, name: string },
        ['field', 'name'],
      ),
    ],
  }),
});
export type ImportReport = Answer<typeof ImportReportSchema>;
