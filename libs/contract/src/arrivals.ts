import { AdmissionSchema, LunchFeeSchema } from './conferences.js';
import {
  boolean,
  instant,
  integer,
  listOf,
  nullableInstant,
  nullableString,
  object,
  position,
  string,
  type Answer,
} from './schema.js';
import {
  CATEGORIES,
  ENTRY_REFUSAL_REASONS,
  MOVEMENT_REFUSAL_REASONS,
  PAYMENT_METHODS,
  REGISTRATION_STATUSES,
  SCAN_RESULTS,
  type RefusalReason,
  TICKET_STATES,
} from './vocabulary.js';

/** A scan's refusal: at the entrance, or, for a movement (`space`, `direction`), at a space's door or the site's. */
const scanRefusalReason = {
  type: 'string',
  enum: [...ENTRY_REFUSAL_REASONS, ...MOVEMENT_REFUSAL_REASONS],
} as const;

/** What the door sees of a person in a ticket preview or a scan's answer. */
export const AttendeeSchema = object({
  registrationId: string,
  firstName: string,
  lastName: string,
  organisation: nullableString,
  category: { type: 'string', enum: CATEGORIES },
  lunch: boolean,
  status: { type: 'string', enum: REGISTRATION_STATUSES },
});
export type Attendee = Answer<typeof AttendeeSchema>;

/** `GET .../tickets/:ticketCode`: a preview before the door decides; writes nothing. */
export const TicketPreviewSchema = object(
  {
    ticketCode: string,
    state: { type: 'string', enum: TICKET_STATES },
    attendee: AttendeeSchema,
    admittedAt: instant,
    door: string,
    idCheckRequired: boolean,
    lunch: object({
      expected: boolean,
      paid: boolean,
      priceCents: { type: 'integer', nullable: true },
      currency: nullableString,
    }),
  },
  ['admittedAt', 'door'],
);
export type TicketPreview = Answer<typeof TicketPreviewSchema>;

/** A movement's detail: its hours, inside/capacity, the first entry. */
const movementDetail = {
  type: 'object',
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
} as const;

/**
 * Where the server, knowing everything, would have decided otherwise than a
 * door did offline: at the entrance an entrance reason, for a movement
 * decided offline at a space's door a movement reason (with its `detail`).
 */
export const ScanConflictSchema = object(
  { conflictId: string, reason: scanRefusalReason, previous: AdmissionSchema, detail: movementDetail },
  ['previous', 'detail'],
);
export type ScanConflict = Answer<typeof ScanConflictSchema>;

/** `POST .../scans`: admitted (with the attendee, time and door) or refused (with its reason). */
export const ScanAnswerSchema = object(
  {
    scanId: string,
    result: { type: 'string', enum: SCAN_RESULTS },
    reason: scanRefusalReason,
    attendee: AttendeeSchema,
    admittedAt: instant,
    door: string,
    previous: { ...AdmissionSchema, description: 'For already_checked_in: the standing admission' },
    conflict: ScanConflictSchema,
    direction: { type: 'string', enum: ['in', 'out'], description: 'A movement: the direction as decided' },
    space: { type: 'string', description: 'A movement: the space (its name), or `site` for a door of the site' },
    detail: { ...movementDetail, description: 'A movement refused: its hours, inside/capacity, the first entry' },
  },
  ['reason', 'attendee', 'admittedAt', 'door', 'previous', 'conflict', 'direction', 'space', 'detail'],
);
export type ScanAnswer = Answer<typeof ScanAnswerSchema>;

/**
 * The answer to a scan at the entrance, as the door reads it: the same
 * answer, narrowed. The door's request names no `space`, so none of a
 * movement's fields or reasons (`space_full`, ...) can come back.
 */
export type EntranceScanAnswer = Omit<ScanAnswer, 'reason' | 'direction' | 'space' | 'detail'> & {
  readonly reason?: RefusalReason;
};

export const AdmissionUndoneSchema = object({ scanId: string, registrationId: string, undoneAt: instant });
export type AdmissionUndone = Answer<typeof AdmissionUndoneSchema>;

/** `POST .../registrations/:rid/undo-admission`: the admission undone (`scanId`), by the undo `undoId`. */
export const RegistrationAdmissionUndoneSchema = object({
  undoId: string,
  scanId: string,
  registrationId: string,
  undoneAt: instant,
});
export type RegistrationAdmissionUndone = Answer<typeof RegistrationAdmissionUndoneSchema>;

export const LunchPaidSchema = object({
  registrationId: string,
  paymentId: string,
  amountCents: integer,
  currency: string,
  method: { type: 'string', enum: PAYMENT_METHODS },
  paidAt: instant,
});
export type LunchPaid = Answer<typeof LunchPaidSchema>;

/** `POST .../lunch-payment/:paymentId/reverse`: the payment taken back, as it was recorded (what the till gives back). */
export const LunchPaymentReversedSchema = object({
  registrationId: string,
  paymentId: string,
  amountCents: integer,
  currency: string,
  method: { type: 'string', enum: PAYMENT_METHODS },
  reversedAt: instant,
});
export type LunchPaymentReversed = Answer<typeof LunchPaymentReversedSchema>;

// ------------------------------------------------- the door without network

/** One ticket of the door's list: what the door needs to decide, and nothing else (no code, no e-mail). */
export const DoorTicketSchema = object(
  {
    registrationId: string,
    ticketSha256: { type: 'string', description: "SHA-256 (lower-case hex) of the ticket code's UTF-8 bytes" },
    firstName: string,
    lastName: string,
    organisation: nullableString,
    category: { type: 'string', enum: CATEGORIES },
    status: { type: 'string', enum: REGISTRATION_STATUSES },
    lunch: boolean,
    lunchPaid: boolean,
    admitted: { ...AdmissionSchema, nullable: true },
    place: {
      ...object({
        inside: { ...object({ spaceId: string, at: instant }), nullable: true },
        leftSiteAt: nullableInstant,
        entered: listOf(object({ spaceId: string, at: instant })),
      }),
      nullable: true,
      description: 'Where the person is among the spaces (null: no movement yet), for a space phone offline',
    },
  },
  // Always sent; optional so that a list a phone stored before it existed still reads.
  ['place'],
);
export type DoorTicket = Answer<typeof DoorTicketSchema>;

export const DoorConferenceSchema = object(
  {
    name: string,
    doors: listOf(string),
    idCheckRequired: boolean,
    lunch: { ...LunchFeeSchema, nullable: true },
    startsAt: instant,
    endsAt: instant,
    timezone: string,
    capacity: { type: 'integer', description: 'The places of the day: the door counts those left from its own list' },
    walkIns: {
      type: 'object',
      additionalProperties: false,
      required: ['beyondCapacity'],
      properties: { beyondCapacity: boolean },
      description: 'The organisers’ walk-in rule, so that the door applies it without network',
    },
    spaces: {
      ...listOf(
        object({
          spaceId: string,
          name: string,
          opens: string,
          closes: string,
          capacity: { type: 'integer', nullable: true },
          audience: { type: 'array', items: { type: 'string', enum: CATEGORIES }, nullable: true },
          requiresLunch: boolean,
          oneEntry: boolean,
          exitScan: boolean,
        }),
      ),
      description: "The day's spaces, so that a space's phone decides movements without network",
    },
  },
  // Always sent; optional so that a list a phone stored before they existed still reads.
  ['capacity', 'walkIns', 'spaces'],
);
export type DoorConference = Answer<typeof DoorConferenceSchema>;

/** `GET .../door-dataset[?since=]`: the whole list (`complete`), or what changed after `since`. */
export const DoorDatasetSchema = object({
  cursor: { ...position, description: 'Pass it back as `since` for the changes' },
  complete: boolean,
  conference: DoorConferenceSchema,
  tickets: listOf(DoorTicketSchema),
  removed: { ...listOf(string), description: 'Registrations the door must forget (erased persons)' },
});
export type DoorDataset = Answer<typeof DoorDatasetSchema>;

/** `GET .../conflicts`: one per scan a door admitted offline where the server would have refused. */
export const ConflictSchema = object(
  {
    conflictId: string,
    scanId: string,
    registrationId: nullableString,
    name: { ...nullableString, description: 'The person, as the registry knows them now' },
    reason: {
      ...scanRefusalReason,
      description: 'What the server would have answered (a movement reason for a space)',
    },
    door: { type: 'string', description: "The entrance's door; for a movement, the space's name (as `space`)" },
    space: { type: 'string', description: 'A movement decided offline: the space (its name), or `site`' },
    direction: { type: 'string', enum: ['in', 'out'], description: 'A movement: the direction the phone decided' },
    detail: movementDetail,
    deviceId: string,
    deviceName: nullableString,
    scannedAt: instant,
    receivedAt: instant,
    late: { type: 'boolean', description: 'The upload arrived over 10 minutes after the scan' },
    previous: object({ at: instant, door: string, scanId: string }, ['scanId']),
    acknowledged: boolean,
    acknowledgement: object({ at: instant, deviceId: string, deviceName: nullableString, note: nullableString }),
  },
  ['previous', 'acknowledgement', 'space', 'direction', 'detail'],
);
export type Conflict = Answer<typeof ConflictSchema>;
export const ConflictListSchema = listOf(ConflictSchema);
export type ConflictList = Answer<typeof ConflictListSchema>;

export const ConflictAcknowledgedSchema = object({
  conflictId: string,
  acknowledged: { type: 'boolean', enum: [true] },
});
export type ConflictAcknowledged = Answer<typeof ConflictAcknowledgedSchema>;
