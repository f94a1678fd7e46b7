import { boolean, instant, integer, listOf, object, string, type Answer } from './schema.js';
import {
  BADGE_LAYOUTS,
  CATEGORIES,
  DOCUMENT_KINDS,
  REGISTRATION_SOURCES,
  REGISTRATION_STATUSES,
} from './vocabulary.js';

export const PersonalDataErasedSchema = object({ registrationId: string, erasedAt: instant });
export type PersonalDataErased = Answer<typeof PersonalDataErasedSchema>;

/** A stored event as the right of access hands it over: its data and metadata as stored (open objects). */
export const ExportedEventSchema = object({
  type: string,
  stream: string,
  revision: { type: 'string', description: 'Decimal' },
  position: { type: 'string', description: 'Decimal' },
  recordedAt: instant,
  data: {},
  metadata: {},
});

/** `GET .../export`: everything held about one person, found in the log itself. */
export const PersonExportSchema = object({
  exportedAt: instant,
  conferenceId: string,
  registrationId: string,
  registration: object(
    {
      registrationId: string,
      ticketCode: string,
      person: object(
        {
          firstName: string,
          lastName: string,
          email: string,
          organisation: { type: 'string', nullable: true },
          erased: { type: 'boolean', enum: [true] },
        },
        ['erased'],
      ),
      category: { type: 'string', enum: CATEGORIES },
      lunch: boolean,
      photoConsent: boolean,
      source: { type: 'string', enum: REGISTRATION_SOURCES },
      registeredAt: instant,
      status: { type: 'string', enum: REGISTRATION_STATUSES },
      initialStatus: { type: 'string', enum: ['registered', 'waitlisted'] },
      erasedAt: instant,
    },
    ['erasedAt'],
  ),
  scans: listOf(ExportedEventSchema),
  payments: listOf(ExportedEventSchema),
  signatures: listOf(ExportedEventSchema),
  events: listOf(ExportedEventSchema),
});
export type PersonExport = Answer<typeof PersonExportSchema>;

/** What an event says beyond who, where and when, without the person's name or any secret. */
export const HistoryDetailSchema = object(
  {
    result: { type: 'string', enum: ['admitted', 'refused'] },
    reason: {
      type: 'string',
      description: 'A refusal code, or the note given with an undo, a cancellation or an erasure',
    },
    idCheck: {
      ...object({ document: { type: 'string', enum: [...DOCUMENT_KINDS, 'none'] }, nameMatches: boolean }),
      nullable: true,
    },
    offline: object({ receivedAt: instant }),
    previous: object({ at: instant, door: string }),
    scanId: string,
    conflictId: string,
    note: string,
    category: string,
    source: string,
    lunch: boolean,
    beyondCapacity: {
      type: 'boolean',
      description: 'A walk-in given a place beyond the capacity (the door chose it; the organisers allow it)',
    },
    cause: { type: 'string', description: 'A promotion from the waiting list: place_freed or capacity_raised' },
    previousStatus: string,
    paymentId: { type: 'string', description: 'A lunch payment (LunchPaid, LunchPaymentReversed)' },
    amountCents: integer,
    currency: string,
    method: string,
    charterId: string,
    charterTitle: string,
    sequence: integer,
    onBehalfOf: string,
    kiosk: string,
    direction: { type: 'string', enum: ['in', 'out'], description: 'A movement: into or out of a space or the site' },
    spaceId: { type: 'string', description: 'A movement: the space (its id), or `site`' },
    because: {
      type: 'string',
      enum: ['scan', 'moved', 'left_site', 'closing', 'end_of_day', 'admission_undone'],
      description:
        'Why a person left a space: a scan, an entry elsewhere, an exit from the site, its closing time, the end of the day, their admission undone',
    },
    limits: {
      type: 'object',
      additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
      description: 'A movement refused: its hours, inside/capacity, the first entry',
    },
    printId: { type: 'string', description: 'A badge print (BadgePrinted, BadgePrintFailed)' },
    copy: { type: 'integer', description: 'A badge printed: 1 for the first, 2 for the first reprint, …' },
    layout: { type: 'string', description: `A badge's layout (${BADGE_LAYOUTS.join(', ')}) as it was recorded` },
    printer: {
      type: 'string',
      description: 'The CUPS queue the server sent the badge to, or « appareil » (the device’s own print dialog)',
    },
  },
  [
    'result',
    'reason',
    'idCheck',
    'offline',
    'previous',
    'scanId',
    'conflictId',
    'note',
    'category',
    'source',
    'lunch',
    'beyondCapacity',
    'cause',
    'previousStatus',
    'paymentId',
    'amountCents',
    'currency',
    'method',
    'charterId',
    'charterTitle',
    'sequence',
    'onBehalfOf',
    'kiosk',
    'direction',
    'spaceId',
    'because',
    'limits',
    'printId',
    'copy',
    'layout',
    'printer',
  ],
);
export type HistoryDetail = Answer<typeof HistoryDetailSchema>;

/** One step of a person's story (`GET .../history`), oldest first. */
export const HistoryEntrySchema = object(
  {
    at: { ...instant, description: 'When it happened: the scan time for a scan (also one sent late)' },
    recordedAt: instant,
    type: { type: 'string', description: 'The stored event type, e.g. AttendeeAdmitted' },
    door: string,
    device: { type: 'string', description: "The device's name, as the organisers enrolled it" },
    deviceId: string,
    detail: HistoryDetailSchema,
  },
  ['door', 'device', 'deviceId'],
);
export type HistoryEntry = Answer<typeof HistoryEntrySchema>;
export const HistorySchema = listOf(HistoryEntrySchema);
export type History = Answer<typeof HistorySchema>;
