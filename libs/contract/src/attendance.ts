import { instant, integer, keyed, listOf, nullableString, object, position, string, type Answer } from './schema.js';
import { CATEGORIES, CHARTER_STATUSES, ENTRY_REFUSAL_REASONS } from './vocabulary.js';

const counts = {
  registered: integer,
  waitlisted: integer,
  cancelled: integer,
  admitted: integer,
  present: integer,
} as const;
export const AttendanceCountsSchema = object(counts);
export type AttendanceCounts = Answer<typeof AttendanceCountsSchema>;

/**
 * The dashboard's figures: the body of `GET .../attendance` and of the
 * socket's `snapshot` and `update` messages. Aggregates only, never a
 * person's data (a `display` device may see it).
 */
export const AttendanceSnapshotSchema = object(
  {
    conferenceId: string,
    name: nullableString,
    timezone: nullableString,
    position: { ...position, nullable: true, description: '`$all` position of the last event counted' },
    registered: integer,
    waitlisted: integer,
    cancelled: integer,
    admitted: { type: 'integer', description: 'Admissions recorded, undone ones included' },
    undone: integer,
    present: { type: 'integer', description: 'Standing admissions' },
    refused: { ...keyed(ENTRY_REFUSAL_REASONS, integer), description: 'Refused scans by reason, every code present' },
    refusedTotal: integer,
    byCategory: keyed(CATEGORIES, AttendanceCountsSchema),
    byOrganisation: listOf(object({ organisation: nullableString, ...counts })),
    byDoor: listOf(object({ door: string, admitted: integer, refused: integer, present: integer })),
    arrivals: object({ slotMinutes: integer, slots: listOf(object({ at: string, count: integer })) }),
    lunch: object({ expected: integer, paid: integer, admittedWithLunch: integer }),
    signatures: object({
      count: integer,
      voided: integer,
      signatoriesExpected: integer,
      signatoriesPresent: integer,
      charters: listOf(
        object({
          charterId: string,
          title: nullableString,
          status: { type: 'string', enum: CHARTER_STATUSES },
          signatures: integer,
          voided: integer,
        }),
      ),
    }),
    conflicts: object({ open: integer, total: integer }),
    asOf: { ...instant, description: 'Set when the figures are as of a past moment (`?asOf=`)' },
  },
  ['asOf'],
);
export type AttendanceSnapshot = Answer<typeof AttendanceSnapshotSchema>;

// ---------------------------------------------- socket.io namespace /attendance

/** The handshake's `auth`: the token, the conference, and the last position the client saw. */
export const AttendanceHandshakeSchema = object(
  { token: string, conferenceId: string, position: { ...position, nullable: true } },
  ['position'],
);
export type AttendanceHandshake = Answer<typeof AttendanceHandshakeSchema>;

/** Sent to a revoked device's sockets just before the server closes them. */
export const RevokedMessageSchema = object({ code: string, message: string });
export type RevokedMessage = Answer<typeof RevokedMessageSchema>;

/**
 * The messages the server emits on `/attendance`: `snapshot` once on connect,
 * then `update` (the whole snapshot again, never a delta: a client keeps the
 * one with the highest position). A refused handshake ends in the client's
 * `connect_error`, whose `data.code` is one of `ATTENDANCE_HANDSHAKE_CODES`.
 */
export const ATTENDANCE_MESSAGES = {
  snapshot: AttendanceSnapshotSchema,
  update: AttendanceSnapshotSchema,
  revoked: RevokedMessageSchema,
} as const;
export interface AttendanceServerEvents {
  snapshot: (snapshot: AttendanceSnapshot) => void;
  update: (snapshot: AttendanceSnapshot) => void;
  revoked: (message: RevokedMessage) => void;
}
export const ATTENDANCE_HANDSHAKE_CODES = [
  'invalid_handshake',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'conference_not_found',
] as const;
export const ATTENDANCE_NAMESPACE = '/attendance';
