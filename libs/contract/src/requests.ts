import type { FromSchema } from 'json-schema-to-ts';
import { LANGUAGES, PERSON_FIELD_MAX_LENGTH } from '@emargement/conference/vocabulary.js';
import {
  BADGE_LAYOUTS,
  CATEGORIES,
  CHARTER_LANGS,
  DOCUMENT_KINDS,
  ENTRY_REFUSAL_REASONS,
  MOVEMENT_REFUSAL_REASONS,
  PAYMENT_METHODS,
  ROLES,
} from './vocabulary.js';

/**
 * The request bodies the web apps send and the server takes, declared once
 * (issue 26): the web builds its requests with these types, the server's
 * DTOs implement them (class-validator keeps the checks and their messages),
 * and the OpenAPI document publishes these schemas as the operations'
 * request bodies. The contract test sends a whole day of requests and checks
 * each body against the published schema.
 *
 * Unlike answers, request objects are published closed: the server refuses a
 * field it does not know (`validation_failed`), and the document says so.
 */

const uuid = { type: 'string', format: 'uuid' } as const;
const instant = { type: 'string', maxLength: 64, description: 'ISO-8601 time with its offset' } as const;
const hhmm = {
  type: 'string',
  pattern: '^(?:[01]\\d|2[0-3]):[0-5]\\d$',
  description: "HH:MM, the conference's local time",
} as const;
const text = (min: number, max: number) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const category = { type: 'string', enum: CATEGORIES } as const;

/**
 * The signature image's limits, as libs/charter enforces them (`MAX_IMAGE_BYTES`, `MAX_IMAGE_PIXELS`; a unit
 * test holds them equal): written here because the browser loads this module and must not load the PNG decoder.
 */
export const SIGNATURE_IMAGE_LIMITS = { bytes: 256 * 1024, pixels: 4 * 1024 * 1024 } as const;

/** A closed object: `required` lists what must be there (none: the key is left out, as OpenAPI 3.0 asks). */
function body<const P extends Record<string, unknown>, const R extends readonly (keyof P & string)[] = []>(
  properties: P,
  required: R = [] as unknown as R,
) {
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    ...(required.length > 0 ? { required } : {}),
  } as const as { type: 'object'; additionalProperties: false; properties: P; required: R };
}

/**
 * `POST /api/conferences/:cid/scans`. At the entrance: `door`, with `idCheck`
 * where the day checks identity, and `offline` with `scannedAt` for a scan the
 * door decided without the server. At a space's door: `space` and
 * `direction`; at a door of the site with `direction`: leaving or coming
 * back. Exactly one of `ticketCode` and `registrationId`, and of `door` and
 * `space` (the server says `validation_failed` otherwise).
 */
export const ScanRequestSchema = body(
  {
    scanId: uuid,
    ticketCode: text(1, 512),
    registrationId: uuid,
    door: { ...text(1, 60), description: 'The door of the site (an entrance scan, or with direction a movement)' },
    space: { ...text(1, 80), description: "A space's name or id: the scan is a movement at that space's door" },
    direction: { type: 'string', enum: ['in', 'out', 'auto'], description: 'A movement: in, out, or auto' },
    idCheck: body(
      {
        document: {
          type: 'string',
          enum: [...DOCUMENT_KINDS, 'none'],
          description: '`none`: the person showed no document (refused `id_missing`)',
        },
        nameMatches: { type: 'boolean', description: 'Required unless `document` is `none`' },
      },
      ['document'],
    ),
    scannedAt: { ...instant, description: 'When the door scanned (its clock); required with `offline`' },
    offline: {
      ...body(
        {
          result: { type: 'string', enum: ['admitted', 'refused'], description: 'What the door decided' },
          reason: {
            type: 'string',
            enum: [...ENTRY_REFUSAL_REASONS, ...MOVEMENT_REFUSAL_REASONS],
            description: "The door's reason, for a refusal: an entrance reason, or for a movement a movement reason",
          },
          direction: {
            type: 'string',
            enum: ['in', 'out'],
            description: 'A movement decided offline: the direction the phone decided (required with `space`)',
          },
        },
        ['result'],
      ),
      description: 'A scan decided on the device without the server (then `scannedAt` is required)',
    },
  },
  ['scanId'],
);
export type ScanRequest = FromSchema<typeof ScanRequestSchema>;

/** `POST /api/conferences/:cid/registrations`: one person (a walk-in at a door, or an organiser's entry). */
export const RegisterRequestSchema = body(
  {
    registrationId: uuid,
    ticketCode: {
      type: 'string',
      maxLength: 64,
      description:
        'Chosen by a door offline: URL-safe base64, at least 128 random bits; drawn by the server when absent',
    },
    firstName: text(1, PERSON_FIELD_MAX_LENGTH.firstName),
    lastName: text(1, PERSON_FIELD_MAX_LENGTH.lastName),
    email: {
      type: 'string',
      maxLength: PERSON_FIELD_MAX_LENGTH.email,
      description: 'Required, except for a walk-in registered by a door device',
    },
    organisation: { type: 'string', maxLength: PERSON_FIELD_MAX_LENGTH.organisation },
    category,
    lunch: { type: 'boolean' },
    photoConsent: { type: 'boolean' },
    beyondCapacity: {
      type: 'boolean',
      description: 'A door, when the day is full: beyond the capacity, where the organisers allow it',
    },
    language: {
      type: 'string',
      enum: LANGUAGES,
      description: 'The language the person is written to in (their ticket by e-mail); French when absent',
    },
  },
  ['firstName', 'lastName', 'category', 'lunch', 'photoConsent'],
);
export type RegisterRequest = FromSchema<typeof RegisterRequestSchema>;

/** A space of the day (`POST /api/conferences/:cid/spaces`, or in `spaces` of a new conference). */
export const SpaceRequestSchema = body(
  {
    spaceId: uuid,
    name: text(1, 80),
    opens: hhmm,
    closes: hhmm,
    capacity: { type: 'integer', minimum: 1, maximum: 1_000_000, nullable: true },
    audience: { type: 'array', items: category, maxItems: CATEGORIES.length, nullable: true },
    requiresLunch: { type: 'boolean' },
    oneEntry: { type: 'boolean' },
    exitScan: { type: 'boolean' },
  },
  ['name', 'opens', 'closes'],
);
export type SpaceRequest = FromSchema<typeof SpaceRequestSchema>;

const conferenceDetails = {
  name: text(1, 200),
  venue: text(1, 200),
  startsAt: instant,
  endsAt: instant,
  timezone: text(1, 64),
  capacity: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  idCheckRequired: { type: 'boolean' },
  lunch: body(
    {
      priceCents: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    },
    ['priceCents', 'currency'],
  ),
  doors: { type: 'array', items: text(0, 60), maxItems: 50 },
  programme: {
    type: 'array',
    maxItems: 100,
    items: body({ at: hhmm, title: text(1, 200) }, ['at', 'title']),
    description: 'The printed programme, as the fixture gives it',
  },
} as const;
const conferenceRequired = ['name', 'venue', 'startsAt', 'endsAt', 'timezone', 'capacity', 'idCheckRequired'] as const;

/** `POST /api/conferences`: a day, with its spaces if given. */
export const ConferenceRequestSchema = body(
  {
    conferenceId: uuid,
    ...conferenceDetails,
    spaces: { type: 'array', maxItems: 50, items: SpaceRequestSchema },
  },
  conferenceRequired,
);
export type ConferenceRequest = FromSchema<typeof ConferenceRequestSchema>;

/** `PUT /api/conferences/:cid`: the day's details revised (its id and spaces are not revised here). */
export const ConferenceRevisionRequestSchema = body(conferenceDetails, conferenceRequired);
export type ConferenceRevisionRequest = FromSchema<typeof ConferenceRevisionRequestSchema>;

/** One signature_pad point, in CSS pixels of the canvas; `time` is `Date.now()` when drawn. */
const strokePoint = body(
  { x: { type: 'number' }, y: { type: 'number' }, time: { type: 'number' }, pressure: { type: 'number' } },
  ['x', 'y', 'time'],
);

/** `POST /api/conferences/:cid/charters/:chid/signatures`: a hand signature on the tablet. */
export const SignRequestSchema = body(
  {
    signatureId: uuid,
    registrationId: uuid,
    onBehalfOf: { ...text(1, 200), description: 'The organisation signed for, as the signer confirmed it' },
    consent: {
      description: '{given: true, wording, givenAt} (or `true`); missing or false: refused `consent_missing`',
      oneOf: [
        body({ given: { type: 'boolean' }, wording: text(0, 2000), givenAt: instant }, ['given', 'wording', 'givenAt']),
        { type: 'boolean' },
      ],
    },
    textSha256: { type: 'string', maxLength: 128, description: 'SHA-256 (hex) of the text the tablet showed' },
    strokes: { type: 'array', items: { type: 'array', items: strokePoint } },
    canvas: body(
      {
        width: { type: 'number', minimum: 1, maximum: 10_000 },
        height: { type: 'number', minimum: 1, maximum: 10_000 },
        devicePixelRatio: { type: 'number', minimum: 0.25, maximum: 8 },
      },
      ['width', 'height'],
    ),
    image: {
      type: 'string',
      maxLength: 1_048_576,
      description: `data:image/png;base64,... (at most ${SIGNATURE_IMAGE_LIMITS.bytes} bytes decoded, ${SIGNATURE_IMAGE_LIMITS.pixels} pixels); it must decode completely as a PNG, or 400 invalid_image with its problem (undecodable, too_many_pixels, ...)`,
    },
    kiosk: { ...text(1, 60), description: 'The signing tablet' },
    deviceSignedAt: instant,
  },
  ['signatureId', 'registrationId', 'onBehalfOf', 'textSha256', 'kiosk'],
);
export type SignRequest = FromSchema<typeof SignRequestSchema>;

/** A reason, kept in the log: why an admission is undone, money given back, a signature voided, data erased. */
const reason = (description: string) => ({ type: 'string', minLength: 1, maxLength: 500, description }) as const;

/** `POST …/scans/:scanId/undo`: an admission undone by its scan. */
export const UndoAdmissionRequestSchema = body({ reason: reason('Why the admission is undone') }, ['reason']);
export type UndoAdmissionRequest = FromSchema<typeof UndoAdmissionRequestSchema>;

/** `POST …/registrations/:rid/undo-admission`: the person's admission undone (from any door, online or later). */
export const UndoRegistrationAdmissionRequestSchema = body(
  {
    undoId: { ...uuid, description: 'Chosen by the device: the same undo sent again (an outbox) writes nothing' },
    reason: reason('Why the admission is undone (required, stored in the event)'),
    scanId: {
      ...uuid,
      description: 'The admission meant (its scan), when the device knows it; otherwise the standing admission',
    },
  },
  ['undoId', 'reason'],
);
export type UndoRegistrationAdmissionRequest = FromSchema<typeof UndoRegistrationAdmissionRequestSchema>;

/** `POST …/registrations/:rid/lunch-payment`: the 20 € taken at the door. */
export const LunchPaymentRequestSchema = body(
  {
    paymentId: uuid,
    amountCents: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    method: { type: 'string', enum: PAYMENT_METHODS },
  },
  ['paymentId', 'amountCents', 'method'],
);
export type LunchPaymentRequest = FromSchema<typeof LunchPaymentRequestSchema>;

/** `POST …/lunch-payment/:paymentId/reverse`: the money given back. */
export const ReverseLunchPaymentRequestSchema = body(
  { reason: reason('Why the money was given back (required, like an undo)') },
  ['reason'],
);
export type ReverseLunchPaymentRequest = FromSchema<typeof ReverseLunchPaymentRequestSchema>;

/** `POST …/conflicts/:conflictId/acknowledge`. */
export const AcknowledgeConflictRequestSchema = body({
  note: { type: 'string', maxLength: 500, description: 'What was done about it' },
});
export type AcknowledgeConflictRequest = FromSchema<typeof AcknowledgeConflictRequestSchema>;

/** `PATCH …/registrations/:rid`: a correction (misspelt name, wrong organisation, category). */
export const CorrectRegistrationRequestSchema = body({
  firstName: { type: 'string', maxLength: PERSON_FIELD_MAX_LENGTH.firstName },
  lastName: { type: 'string', maxLength: PERSON_FIELD_MAX_LENGTH.lastName },
  email: { type: 'string', maxLength: PERSON_FIELD_MAX_LENGTH.email },
  organisation: {
    type: 'string',
    maxLength: PERSON_FIELD_MAX_LENGTH.organisation,
    description: 'An empty string removes it',
  },
  category,
});
export type CorrectRegistrationRequest = FromSchema<typeof CorrectRegistrationRequestSchema>;

/** `POST …/registrations/:rid/cancel`. */
export const CancelRegistrationRequestSchema = body({ reason: { type: 'string', maxLength: 500 } });
export type CancelRegistrationRequest = FromSchema<typeof CancelRegistrationRequestSchema>;

/** `PUT …/walk-in-policy`: whether a door may register a walk-in beyond the capacity. */
export const WalkInPolicyRequestSchema = body(
  {
    beyondCapacity: {
      type: 'boolean',
      description:
        'When the day is full, a door may register a walk-in as `registered` beyond the capacity, by an explicit choice (recorded on the registration); the capacity itself is not raised',
    },
  },
  ['beyondCapacity'],
);
export type WalkInPolicyRequest = FromSchema<typeof WalkInPolicyRequestSchema>;

/** `POST …/registrations/:rid/erase`: the reason is kept in the log, so it must not name the person. */
export const ErasePersonRequestSchema = body(
  { reason: { ...reason('e.g. « demande de la personne du 20/09 »: never the name'), pattern: '\\S' } },
  ['reason'],
);
export type ErasePersonRequest = FromSchema<typeof ErasePersonRequestSchema>;

/** `POST /api/devices`: a device enrolled by an organiser. */
export const EnrolDeviceRequestSchema = body(
  {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      pattern: '\\S',
      description: '« Porte A », « Tablette charte 1 »',
    },
    role: { type: 'string', enum: ROLES },
    conferenceId: { ...uuid, description: 'Limits the device to one conference; any conference when absent' },
  },
  ['name', 'role'],
);
export type EnrolDeviceRequest = FromSchema<typeof EnrolDeviceRequestSchema>;

/** `POST …/charters`: the charter's text, published once. */
export const PublishCharterRequestSchema = body(
  {
    charterId: uuid,
    title: text(1, 200),
    lang: {
      type: 'string',
      enum: CHARTER_LANGS,
      description: 'The language the charter is written in (default fr): the tablet shows the consent in it',
    },
    text: { ...text(1, 100_000), description: 'Markdown; its SHA-256 is taken over these exact UTF-8 bytes' },
  },
  ['title', 'text'],
);
export type PublishCharterRequest = FromSchema<typeof PublishCharterRequestSchema>;

/** `POST …/signatures/:signatureId/void`. */
export const VoidSignatureRequestSchema = body(
  { reason: reason('Why the signature must not count; kept in the chain') },
  ['reason'],
);
export type VoidSignatureRequest = FromSchema<typeof VoidSignatureRequestSchema>;

/** `POST …/roll-calls`: an evacuation roll call started (its id chosen by the phone, offline too). */
export const RollCallRequestSchema = body({ rollCallId: uuid, startedAt: instant });
export type RollCallRequest = FromSchema<typeof RollCallRequestSchema>;

/** `POST …/roll-calls/:id/marks`: one person ticked present at the assembly point. */
export const RollCallMarkRequestSchema = body({ markId: uuid, registrationId: uuid, at: instant }, [
  'markId',
  'registrationId',
]);
export type RollCallMarkRequest = FromSchema<typeof RollCallMarkRequestSchema>;

/** `POST …/registrations/:rid/badge-prints`: a badge printed (on the phone, or on a door's CUPS queue). */
export const BadgePrintRequestSchema = body(
  {
    printId: { ...uuid, description: 'Chosen by the caller: the same id again is the same print, recorded once' },
    layout: { type: 'string', enum: BADGE_LAYOUTS },
    printer: {
      type: 'string',
      maxLength: 127,
      description:
        'A CUPS queue one of the conference’s doors prints on (GET …/badge-printers): the server sends the job. ' +
        'Absent: the device prints the badge itself (badge.pdf in its print dialog).',
    },
    reason: {
      type: 'string',
      maxLength: 500,
      description: 'Why a reprint: required from the second copy on (reprint_reason_required)',
    },
  },
  ['printId', 'layout'],
);
export type BadgePrintRequest = FromSchema<typeof BadgePrintRequestSchema>;

/** `PUT …/badge-printers`: the CUPS queue a door prints its badges on. */
export const DoorPrinterRequestSchema = body(
  {
    door: { type: 'string', maxLength: 200, description: 'One of the conference’s doors' },
    queue: {
      type: 'string',
      maxLength: 127,
      nullable: true,
      description: 'The CUPS queue name on the server; null removes the door’s printer',
    },
    printOnAdmission: {
      type: 'boolean',
      description: 'Print a badge at every admission at this door (false by default)',
    },
  },
  ['door', 'queue'],
);
export type DoorPrinterRequest = FromSchema<typeof DoorPrinterRequestSchema>;

/** `POST …/tickets/send`: each person's ticket by e-mail; no body: everyone registered not yet sent. */
export const TicketSendRequestSchema = body({
  registrationIds: {
    type: 'array',
    maxItems: 100_000,
    items: uuid,
    description: 'Only these people; without it, everyone registered',
  },
  category: { ...category, description: 'Only the people of this category' },
  resend: { type: 'boolean', description: 'Send again to people who were already sent their ticket' },
});
export type TicketSendRequest = FromSchema<typeof TicketSendRequestSchema>;

/** Every request body by the name the OpenAPI document gives it (`#/components/schemas/<name>`). */
export const CONTRACT_REQUESTS = {
  ScanRequest: ScanRequestSchema,
  RegisterRequest: RegisterRequestSchema,
  SpaceRequest: SpaceRequestSchema,
  ConferenceRequest: ConferenceRequestSchema,
  ConferenceRevisionRequest: ConferenceRevisionRequestSchema,
  SignRequest: SignRequestSchema,
  UndoAdmissionRequest: UndoAdmissionRequestSchema,
  UndoRegistrationAdmissionRequest: UndoRegistrationAdmissionRequestSchema,
  LunchPaymentRequest: LunchPaymentRequestSchema,
  ReverseLunchPaymentRequest: ReverseLunchPaymentRequestSchema,
  AcknowledgeConflictRequest: AcknowledgeConflictRequestSchema,
  CorrectRegistrationRequest: CorrectRegistrationRequestSchema,
  CancelRegistrationRequest: CancelRegistrationRequestSchema,
  WalkInPolicyRequest: WalkInPolicyRequestSchema,
  ErasePersonRequest: ErasePersonRequestSchema,
  EnrolDeviceRequest: EnrolDeviceRequestSchema,
  PublishCharterRequest: PublishCharterRequestSchema,
  VoidSignatureRequest: VoidSignatureRequestSchema,
  RollCallRequest: RollCallRequestSchema,
  RollCallMarkRequest: RollCallMarkRequestSchema,
  BadgePrintRequest: BadgePrintRequestSchema,
  DoorPrinterRequest: DoorPrinterRequestSchema,
  TicketSendRequest: TicketSendRequestSchema,
} as const;
export type ContractRequestName = keyof typeof CONTRACT_REQUESTS;
