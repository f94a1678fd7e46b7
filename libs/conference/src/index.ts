/**
 * Conferences, registrations and ID-checked arrivals: the pure domain
 * (no @nestjs, no I/O, no clock, no random ids; time and ids come in with the
 * command). ADR 002: docs/adr/002-registry-and-ticket-streams.md.
 *
 * Aggregates and streams, and why
 * -------------------------------
 * `conference-<conferenceId>`: the conference AND its registry. Capacity, the
 *   waitlist's first-come order and e-mail uniqueness are rules over the whole
 *   set of a conference's registrations, so the set is one aggregate: every
 *   registration, import, cancellation (with the promotion it causes) and
 *   capacity change is decided on this one stream and appended with the
 *   revision it was decided on. Two concurrent registrations of one address
 *   both read revision N; the store takes one append, the other gets a
 *   wrong-expected-version error, and its handler reads again, decides again,
 *   and is refused `duplicate_email` (or waitlisted, for the last place).
 *   - Rejected: one reservation stream per address (`email-<cid>-<sha>`,
 *     appended with `no_stream`). It guards uniqueness but neither capacity
 *     nor the waitlist's order, needs a second, non-atomic append per
 *     registration (and a compensating release on cancellation), and turns a
 *     20,000-row import into 40,000 appends. Here an import is one decision
 *     over the rows in file order (duplicates within the file included) and
 *     one append, or a few chunks of them.
 *   - Cost: registrations are serialised per conference. They come at an
 *     organiser's or a web form's pace, so conflicts are rare and a retry is
 *     cheap, provided the handler keeps the folded state in memory and only
 *     reads the events after its cached revision (`foldConference(newEvents,
 *     cached)`); the fold is linear and `decide` never mutates its state.
 *
 * `ticket-<registrationId>`: what happens to one ticket on the day: scans
 *   (`AttendeeAdmitted`, `EntryRefused`), `AdmissionUndone`, `LunchPaid`.
 *   Two scans of one ticket at two doors decide on the same revision; one
 *   append wins, the other is retried and refused `already_checked_in` with
 *   the winner's time and door. Scans of different tickets never contend, so
 *   doors scale with tickets, not with the conference. A repeated `scanId` is
 *   recognised from this stream's own history: no events, the first answer.
 *   The registration's status (registered, waitlisted, cancelled) and the
 *   conference's ID rule and lunch fee are the registry's facts, passed in the
 *   command (`TicketFacts`, from `lookUpTicket`); a cancellation racing a scan
 *   can at worst be ordered after it, never let one ticket in twice.
 *   Keyed by registration id: the ticket code is a bearer secret and stays
 *   out of stream names.
 *
 * `door-<conferenceId>`: refusals of scans that name no ticket
 *   (`unknown_ticket`). They have no ticket stream to go to, and a stream per
 *   scan would be one stream per typo; one stream per conference keeps them
 *   together for the audit and lets a repeated `scanId` be recognised. The
 *   presented code is not stored (a mistyped real code is nearly a secret).
 *
 * Walk-in: `RegisterPerson` (source `walk_in`) on the conference stream, then
 * `ScanTicket` on the new ticket's stream; both carry caller-chosen ids, so
 * the flow can be retried as a whole.
 */

export * from './vocabulary.js';
export * from './streams.js';
export { ticketSha256 } from './conference/ticket-code.js';

export {
  initialState as initialConferenceState,
  evolve as evolveConference,
  foldConference,
  advanceConference,
  draftOf,
  registrationById,
  registrationByTicketCode,
  activeRegistrationByEmail,
  type ConferenceDetails,
  type ProgrammeItem,
  type ConferenceScheduled,
  type ConferenceRevised,
  type RegistrationData,
  type PersonRegistered,
  type PersonWaitlisted,
  type PromotionCause,
  type WaitlistedPersonPromoted,
  type RegistrationCancelled,
  type PersonalDataErased,
  type WalkInPolicySet,
  type WalkInRefused,
  type WalkInPolicy,
  type RegistrationChanges,
  type RegistrationCorrected,
  type ConferenceEvent,
  type Registration,
  type NotScheduled,
  type Scheduled,
  type ConferenceState,
  type ConferenceDraft,
} from './conference/conference.js';
export {
  decide as decideConference,
  conferenceDecider,
  scheduleConference,
  reviseConference,
  registerPerson,
  importRegistrations,
  cancelRegistration,
  erasePersonalData,
  setWalkInPolicy,
  CONFERENCE_REFUSAL_REASONS,
  type ConferenceRefusalReason,
  type DetailsRefusalReason,
  type ScheduleRefusalReason,
  type ReviseRefusalReason,
  type RegisterRefusalReason,
  type ImportRefusalReason,
  type ImportRowRejectionReason,
  type CancelRefusalReason,
  type EraseRefusalReason,
  type ErasePersonalData,
  type EraseOutcome,
  type CorrectRegistration,
  type CorrectOutcome,
  type CorrectRefusalReason,
  type ScheduleConference,
  type ReviseConference,
  type RegistrationRequest,
  type RegisterPerson,
  type ImportRow,
  type ImportRegistrations,
  type CancelRegistration,
  type ConferenceCommand,
  type ScheduleOutcome,
  type ReviseOutcome,
  type RegistrationOutcome,
  type RegistrationRefusedOutcome,
  type SetWalkInPolicy,
  type WalkInPolicyOutcome,
  type WalkInPolicyRefusalReason,
  type ImportOutcome,
  type CancelOutcome,
  type ConferenceOutcome,
} from './conference/conference.decide.js';

export {
  initialState as initialTicketState,
  evolve as evolveTicket,
  foldTicket,
  lookUpTicket,
  scanStream,
  type TicketFacts,
  type UnknownTicket,
  type TicketLookup,
  type TicketReference,
  type PreviousAdmission,
  type AttendeeAdmitted,
  type EntryRefused,
  type AdmissionUndone,
  type LunchPaid,
  type ScanConflicted,
  type ConflictAcknowledged,
  type ScanConflict,
  type ConflictRecord,
  type ArrivalEvent,
  type ScanOutcome,
  type Admission,
  type LunchPayment,
  type LunchPaymentReversed,
  type LunchReversal,
  type TicketState,
} from './arrival/arrival.js';
export {
  decide as decideArrival,
  arrivalDecider,
  scanTicket,
  undoAdmission,
  recordLunchPayment,
  reverseLunchPayment,
  acknowledgeConflict,
  judgeScan,
  idCheckNeeded,
  ARRIVAL_REFUSAL_REASONS,
  type OfflineDecision,
  type AcknowledgeConflict,
  type AcknowledgeOutcome,
  type AcknowledgeRefusalReason,
  type ScanRefusalReason,
  type ArrivalRefusalReason,
  type UndoRefusalReason,
  type LunchPaymentRefusalReason,
  type LunchReversalRefusalReason,
  type ReverseLunchPayment,
  type LunchReversalOutcome,
  type ScanTicket,
  type UndoAdmission,
  type RecordLunchPayment,
  type ArrivalCommand,
  type UndoOutcome,
  type LunchPaymentOutcome,
  type ArrivalOutcome,
} from './arrival/arrival.decide.js';
export * from './arrival/scan-claim.js';

export * from './text/normalise.js';
export * from './text/search.js';
export * from './text/search-index.js';
export * from './import/csv.js';
export * from './import/registration-csv.js';
export * from './import/csv-write.js';
export * from './import/encoding.js';
export * from './time/instant.js';

// Name badges and their print log (issue 24): `badge-<registrationId>`.
export {
  BADGE_LAYOUTS,
  BADGE_EVENT_TYPES,
  BADGE_REFUSAL_REASONS,
  badgeDecider,
  foldBadge,
  initialState as initialBadgeState,
  type BadgeLayout,
  type BadgePrinted,
  type BadgePrintFailed,
  type BadgeEvent,
  type BadgeState,
  type BadgeFacts,
  type PrintBadge,
  type RecordBadgePrintFailure,
  type BadgeCommand,
  type BadgeRefusalReason,
  type BadgePrintOutcome,
  type BadgeOutcome,
} from './badge/badge.js';
export {
  QUEUE_NAME,
  doorPrintersDecider,
  initialDoorPrinters,
  type DoorPrinter,
  type DoorPrinterSet,
  type DoorPrinterEvent,
  type SetDoorPrinter,
  type DoorPrintersRefusalReason,
  type DoorPrintersState,
} from './badge/door-printers.js';
export * from './mail/ticket-mail.js';
