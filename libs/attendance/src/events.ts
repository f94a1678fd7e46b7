import type {
  AdmissionUndone,
  AttendeeAdmitted,
  ConferenceRevised,
  ConferenceScheduled,
  EntryRefused,
  LunchPaid,
  LunchPaymentReversed,
  ScanConflicted,
  ConflictAcknowledged,
  PersonRegistered,
  PersonWaitlisted,
  RegistrationCancelled,
  RegistrationCorrected,
  WaitlistedPersonPromoted,
} from '@emargement/conference';
import type { CharterClosed, CharterPublished, CharterSigned, SignatureVoided } from '@emargement/charter';

/**
 * The events the attendance figures are folded from: the registry's
 * (`conference-<cid>`), the doors' (`ticket-<rid>`, `door-<cid>`) and the
 * charters' (`charter-<chid>`). Each carries its `conferenceId` in its data,
 * which is how an event finds its conference without any other index.
 */
export type AttendanceEvent =
  | ConferenceScheduled
  | ConferenceRevised
  | PersonRegistered
  | PersonWaitlisted
  | WaitlistedPersonPromoted
  | RegistrationCancelled
  | RegistrationCorrected
  | AttendeeAdmitted
  | EntryRefused
  | AdmissionUndone
  | LunchPaid
  | LunchPaymentReversed
  | ScanConflicted
  | ConflictAcknowledged
  | CharterPublished
  | CharterSigned
  | SignatureVoided
  | CharterClosed;

export type AttendanceEventType = AttendanceEvent['type'];

export const ATTENDANCE_EVENT_TYPES: readonly AttendanceEventType[] = [
  'ConferenceScheduled',
  'ConferenceRevised',
  'PersonRegistered',
  'PersonWaitlisted',
  'WaitlistedPersonPromoted',
  'RegistrationCancelled',
  'RegistrationCorrected',
  'AttendeeAdmitted',
  'EntryRefused',
  'AdmissionUndone',
  'LunchPaid',
  'LunchPaymentReversed',
  'ScanConflicted',
  'ConflictAcknowledged',
  'CharterPublished',
  'CharterSigned',
  'SignatureVoided',
  'CharterClosed',
];

const TYPES: ReadonlySet<string> = new Set(ATTENDANCE_EVENT_TYPES);

/**
 * Stored events are matched by their exact type: a store's filter matches
 * type *prefixes*, so `PersonRegistered` would also let a future
 * `PersonRegisteredByProxy` through.
 */
export const isAttendanceEvent = (event: { type: string }): event is AttendanceEvent => TYPES.has(event.type);

/**
 * When the event happened in the world, from its own data, which is what
 * `?asOf=` compares with: a scan sent late by a door that was offline keeps
 * the time it was made (`scannedAt`), where the store's `created` would put it
 * at the moment it reached the server. `null` for the conference's own
 * details, which hold at every moment (a name or a time zone is not a figure).
 */
export const occurredAt = (event: AttendanceEvent): string | null => {
  switch (event.type) {
    case 'ConferenceScheduled':
    case 'ConferenceRevised':
      return null;
    case 'PersonRegistered':
    case 'PersonWaitlisted':
      return event.data.registeredAt;
    case 'WaitlistedPersonPromoted':
      return event.data.promotedAt;
    case 'RegistrationCancelled':
      return event.data.cancelledAt;
    case 'RegistrationCorrected':
      return event.data.correctedAt;
    case 'AttendeeAdmitted':
    case 'EntryRefused':
      return event.data.scannedAt;
    case 'AdmissionUndone':
      return event.data.undoneAt;
    case 'LunchPaid':
      return event.data.paidAt;
    case 'LunchPaymentReversed':
      return event.data.reversedAt;
    case 'ScanConflicted':
      return event.data.detectedAt;
    case 'ConflictAcknowledged':
      return event.data.acknowledgedAt;
    case 'CharterPublished':
      return event.data.publishedAt;
    case 'CharterSigned':
      return event.data.signedAt;
    case 'SignatureVoided':
      return event.data.voidedAt;
    case 'CharterClosed':
      return event.data.closedAt;
    default: {
      const unknown: never = event;
      throw new Error(`Unexpected event ${JSON.stringify(unknown)}`);
    }
  }
};
