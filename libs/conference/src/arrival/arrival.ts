import { registrationById, registrationByTicketCode, type ConferenceState } from '../conference/conference.js';
import { instantMs } from '../time/instant.js';
import type { DomainEvent } from '@emargement/decider';
import { ticketStream, unknownScanStream } from '../streams.js';
import type { EntryRefusalReason, IdCheck, LunchFee, PaymentMethod, RegistrationStatus } from '../vocabulary.js';

/**
 * Arrivals at the door. Each ticket has its own stream (`ticket-<registrationId>`),
 * and every admission is decided on it against an expected revision: of two
 * scans of one ticket at the same moment at two doors, one append wins and the
 * other, retried, finds the ticket admitted and is refused `already_checked_in`.
 * Scans of different tickets never contend, which is what lets the doors scan
 * hundreds of people a minute.
 *
 * A scan that names no ticket has no ticket stream: its refusal is written to
 * a stream of its own (`door-<conferenceId>-<scanId>`) by the same decider.
 *
 * Whether the ticket is registered, waitlisted or cancelled is the registry's
 * fact, not this stream's: the handler reads it from the conference state and
 * passes it in the command as `TicketFacts`. A cancellation committed while a
 * scan is being decided may therefore miss that scan; the outcome is the same
 * as if the scan had come a moment earlier, which no one at a door can tell
 * apart, and it never lets one ticket in twice.
 */

// ----------------------------------------------------------------- facts

/** What the registry says about a ticket when the command is handled. */
export interface TicketFacts {
  found: true;
  registrationId: string;
  status: RegistrationStatus;
  idCheckRequired: boolean;
  lunchFee: LunchFee | null;
}

/** No registration answers the code or id presented; an unknown id is recorded, an unknown code is not (it may be a mistyped secret). */
export interface UnknownTicket {
  found: false;
  registrationId: string | null;
}

export type TicketLookup = TicketFacts | UnknownTicket;

export type TicketReference = { ticketCode: string } | { registrationId: string };

export const lookUpTicket = (conference: ConferenceState, reference: TicketReference): TicketLookup => {
  const registration =
    'ticketCode' in reference
      ? registrationByTicketCode(conference, reference.ticketCode)
      : registrationById(conference, reference.registrationId);
  if (registration === undefined || conference.status !== 'scheduled')
    return { found: false, registrationId: 'registrationId' in reference ? reference.registrationId : null };
  return {
    found: true,
    registrationId: registration.registrationId,
    // Erasure cancels the ticket at the door: a ticket whose holder no one can
    // name any more lets no one in, and pays no lunch. The erasure event (with
    // its reason) is the record; the registration keeps its status, so the
    // day's counts (registered, admitted) stay as they were. Erasures recorded
    // before this rule are read the same way.
    status: registration.erasedAt !== undefined ? 'cancelled' : registration.status,
    idCheckRequired: conference.details.idCheckRequired,
    lunchFee: conference.details.lunch,
  };
};

/** Where a scan is decided and recorded: its ticket's stream, or a stream of its own when it names no ticket. */
export const scanStream = (conferenceId: string, ticket: TicketLookup, scanId: string): string =>
  ticket.found ? ticketStream(ticket.registrationId) : unknownScanStream(conferenceId, scanId);

// ---------------------------------------------------------------- events

interface ScanData {
  conferenceId: string;
  /** Chosen by the scanning device for each scan: a repeated one is the same scan. */
  scanId: string;
  door: string;
  deviceId: string;
  /** When the device scanned (a scan sent late keeps its real time); the store records when it arrived. */
  scannedAt: string;
  /** The check the door made, if any: the document's kind and whether the name matched, never its number. */
  idCheck: IdCheck | null;
  /**
   * Present when the door decided without the server (no network): the scan is
   * recorded as the door decided it, and `receivedAt` is when the server got it.
   */
  offline?: { receivedAt: string };
}

export interface PreviousAdmission {
  at: string;
  door: string;
}

export type AttendeeAdmitted = DomainEvent<'AttendeeAdmitted', ScanData & { registrationId: string }>;

export type EntryRefused = DomainEvent<
  'EntryRefused',
  ScanData & {
    /** `null` for a ticket code that matches no registration. */
    registrationId: string | null;
    reason: EntryRefusalReason;
    /** For `already_checked_in`: where and when the ticket was admitted. */
    previous: PreviousAdmission | null;
  }
>;

/** An admission is revoked by this event, never erased; the ticket can then be admitted again. */
export type AdmissionUndone = DomainEvent<
  'AdmissionUndone',
  {
    conferenceId: string;
    registrationId: string;
    scanId: string;
    reason: string;
    deviceId: string;
    undoneAt: string;
    /**
     * The undo's own id, chosen by the device (absent on undos made by scan
     * id before undos had one): the same undo sent again, from an outbox, is
     * recognised and writes nothing.
     */
    undoId?: string;
  }
>;

/** Why an undo found nothing to undo (recorded like every refusal at the door). */
export type UndoRefusal = 'already_undone' | 'nothing_to_undo' | 'unknown_scan' | 'not_an_admission';

/**
 * An undo that was refused: the admission was undone already (by another
 * phone, or an organiser), or there was none. Recorded, with the words staff
 * typed, because a refused correction is as telling as a refused entry.
 */
export type AdmissionUndoRefused = DomainEvent<
  'AdmissionUndoRefused',
  {
    conferenceId: string;
    registrationId: string;
    undoId: string;
    /** The admission the device meant, when it named one. */
    scanId: string | null;
    reason: UndoRefusal;
    /** What staff typed as the undo's reason. */
    note: string;
    deviceId: string;
    refusedAt: string;
  }
>;

export type LunchPaid = DomainEvent<
  'LunchPaid',
  {
    conferenceId: string;
    registrationId: string;
    paymentId: string;
    amountCents: number;
    currency: string;
    method: PaymentMethod;
    deviceId: string;
    paidAt: string;
  }
>;

/**
 * A lunch payment taken back (wrong person, money returned, a slip at a busy
 * desk): never erased, reversed by this event with its reason, so the till and
 * the record agree. The person may then pay again, under a new payment id.
 */
export type LunchPaymentReversed = DomainEvent<
  'LunchPaymentReversed',
  {
    conferenceId: string;
    registrationId: string;
    paymentId: string;
    /** What was given back, as the payment recorded it (the door's till counts it out). */
    amountCents: number;
    currency: string;
    method: PaymentMethod;
    reason: string;
    deviceId: string;
    reversedAt: string;
  }
>;

/**
 * A door decided without the server, and the server, knowing everything,
 * would have decided otherwise: the admission stands (the person has walked
 * in) and this event records the disagreement for the organisers. Its id is
 * the id of the scan it is about: a scan conflicts at most once (a scan that
 * conflicts on arrival never becomes the standing admission, and a standing
 * admission is displaced at most once).
 */
export type ScanConflicted = DomainEvent<
  'ScanConflicted',
  {
    conferenceId: string;
    conflictId: string;
    /** The scan the conflict is about; its door, device and times follow. */
    scanId: string;
    registrationId: string | null;
    reason: EntryRefusalReason;
    door: string;
    deviceId: string;
    scannedAt: string;
    receivedAt: string;
    /** For `already_checked_in`: the admission that came first (by scan time). */
    previous: (PreviousAdmission & { scanId: string }) | null;
    /** When the server found the conflict (the upload that revealed it). */
    detectedAt: string;
  }
>;

export type ConflictAcknowledged = DomainEvent<
  'ConflictAcknowledged',
  {
    conferenceId: string;
    conflictId: string;
    registrationId: string | null;
    note: string | null;
    deviceId: string;
    acknowledgedAt: string;
  }
>;

export type ArrivalEvent =
  | AttendeeAdmitted
  | EntryRefused
  | AdmissionUndone
  | AdmissionUndoRefused
  | LunchPaid
  | LunchPaymentReversed
  | ScanConflicted
  | ConflictAcknowledged;

// ----------------------------------------------------------------- state

/** Where the server, knowing everything, disagrees with what a door decided offline. */
export interface ScanConflict {
  conflictId: string;
  reason: EntryRefusalReason;
  previous: PreviousAdmission | null;
}

export type ScanOutcome =
  | {
      scanId: string;
      result: 'admitted';
      registrationId: string;
      admittedAt: string;
      door: string;
      conflict?: ScanConflict;
    }
  | {
      scanId: string;
      result: 'refused';
      registrationId: string | null;
      reason: EntryRefusalReason;
      previous: PreviousAdmission | null;
      conflict?: ScanConflict;
    };

export interface Admission {
  scanId: string;
  /** The door's scan time. */
  at: string;
  door: string;
  deviceId: string;
  /** When the server received it (the scan time for a scan decided online). */
  receivedAt: string;
}

export interface ConflictRecord {
  conflictId: string;
  scanId: string;
  reason: EntryRefusalReason;
  acknowledged: boolean;
}

export interface LunchPayment {
  paymentId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  paidAt: string;
}

export interface LunchReversal extends LunchPayment {
  reversedAt: string;
}

interface TicketHistory {
  /** Every scan decided on this stream and its answer, which a repeated scan id gets again. */
  scans: ReadonlyMap<string, ScanOutcome>;
  /** Admission scan id → when it was undone. */
  undone: ReadonlyMap<string, string>;
  /** Undo id → what it came to: the same undo sent again gets the same answer. */
  undos: ReadonlyMap<string, UndoRecord>;
  lunchPayment: LunchPayment | null;
  /** Reversed payment id → the payment and when it was reversed: once, and the same id is never taken again. */
  lunchReversals: ReadonlyMap<string, LunchReversal>;
  /**
   * Every admission that stands (not undone), earliest scan time first. Doors
   * that worked offline may each have let the person in: all of those are
   * facts, and the earliest is *the* admission (`admission`).
   */
  admissions: readonly Admission[];
  /** Conflict id → the conflict, recorded on this stream. */
  conflicts: ReadonlyMap<string, ConflictRecord>;
}

export type UndoRecord = { scanId: string; undoneAt: string } | { scanId: string | null; refused: UndoRefusal };

export type TicketState =
  ({ status: 'not_admitted' } & TicketHistory) | ({ status: 'admitted'; admission: Admission } & TicketHistory);

export const initialState = (): TicketState => ({
  status: 'not_admitted',
  scans: new Map(),
  undone: new Map(),
  undos: new Map(),
  lunchPayment: null,
  lunchReversals: new Map(),
  admissions: [],
  conflicts: new Map(),
});

/*
 * A ticket stream holds a handful of events, but the door stream gathers every
 * unknown scan of a conference, so folding is linear here too: `evolve` copies
 * the state once, `foldTicket` copies it once for all its events, and only
 * that private copy is changed.
 */

interface WorkingHistory {
  scans: Map<string, ScanOutcome>;
  undone: Map<string, string>;
  undos: Map<string, UndoRecord>;
  lunchPayment: LunchPayment | null;
  lunchReversals: Map<string, LunchReversal>;
  admissions: Admission[];
  conflicts: Map<string, ConflictRecord>;
}

type WorkingTicket =
  ({ status: 'not_admitted' } & WorkingHistory) | ({ status: 'admitted'; admission: Admission } & WorkingHistory);

const workingCopy = (state: TicketState): WorkingTicket => ({
  ...state,
  scans: new Map(state.scans),
  undone: new Map(state.undone),
  undos: new Map(state.undos),
  lunchReversals: new Map(state.lunchReversals),
  admissions: [...state.admissions],
  conflicts: new Map(state.conflicts),
});

/** Times with offsets compare as instants, not as text, read by the parser the server checks them with. */
const instant = instantMs;

/** The state's status and `admission` follow from its standing admissions. */
const withStanding = (state: WorkingTicket): WorkingTicket => {
  const { scans, undone, undos, lunchPayment, lunchReversals, admissions, conflicts } = state;
  const history = { scans, undone, undos, lunchPayment, lunchReversals, admissions, conflicts };
  const first = admissions[0];
  return first === undefined
    ? { status: 'not_admitted', ...history }
    : { status: 'admitted', admission: first, ...history };
};

const applyInPlace = (state: WorkingTicket, event: ArrivalEvent): WorkingTicket => {
  switch (event.type) {
    case 'AttendeeAdmitted': {
      const { scanId, registrationId, scannedAt, door, deviceId, offline } = event.data;
      state.scans.set(scanId, { scanId, result: 'admitted', registrationId, admittedAt: scannedAt, door });
      const admission = { scanId, at: scannedAt, door, deviceId, receivedAt: offline?.receivedAt ?? scannedAt };
      // Kept in scan-time order; a later arrival with the same time goes after (stable).
      const at = instant(scannedAt);
      const index = state.admissions.findIndex((a) => instant(a.at) > at);
      if (index === -1) state.admissions.push(admission);
      else state.admissions.splice(index, 0, admission);
      return withStanding(state);
    }
    case 'EntryRefused': {
      const { scanId, registrationId, reason, previous } = event.data;
      state.scans.set(scanId, { scanId, result: 'refused', registrationId, reason, previous });
      return state;
    }
    case 'AdmissionUndone': {
      const { scanId, undoneAt, undoId } = event.data;
      state.undone.set(scanId, undoneAt);
      if (undoId !== undefined) state.undos.set(undoId, { scanId, undoneAt });
      state.admissions = state.admissions.filter((a) => a.scanId !== event.data.scanId);
      return withStanding(state);
    }
    case 'AdmissionUndoRefused': {
      const { undoId, scanId, reason } = event.data;
      state.undos.set(undoId, { scanId, refused: reason });
      return state;
    }
    case 'LunchPaid': {
      const { paymentId, amountCents, currency, method, paidAt } = event.data;
      state.lunchPayment = { paymentId, amountCents, currency, method, paidAt };
      return state;
    }
    case 'LunchPaymentReversed': {
      const { paymentId, amountCents, currency, method, reversedAt } = event.data;
      const paidAt = state.lunchPayment?.paymentId === paymentId ? state.lunchPayment.paidAt : reversedAt;
      state.lunchReversals.set(paymentId, { paymentId, amountCents, currency, method, paidAt, reversedAt });
      if (state.lunchPayment?.paymentId === paymentId) state.lunchPayment = null;
      return state;
    }
    case 'ScanConflicted': {
      const { conflictId, scanId, reason, previous } = event.data;
      state.conflicts.set(conflictId, { conflictId, scanId, reason, acknowledged: false });
      const scan = state.scans.get(scanId);
      if (scan !== undefined) {
        const at = previous === null ? null : { at: previous.at, door: previous.door };
        state.scans.set(scanId, { ...scan, conflict: { conflictId, reason, previous: at } });
      }
      // The earlier admission that displaced this one was answered with the conflict too: the same answer again.
      const earlier = previous === null ? undefined : state.scans.get(previous.scanId);
      if (earlier !== undefined && earlier.conflict === undefined && reason === 'already_checked_in') {
        const other = { at: event.data.scannedAt, door: event.data.door };
        state.scans.set(earlier.scanId, { ...earlier, conflict: { conflictId, reason, previous: other } });
      }
      return state;
    }
    case 'ConflictAcknowledged': {
      const conflict = state.conflicts.get(event.data.conflictId);
      if (conflict !== undefined) state.conflicts.set(conflict.conflictId, { ...conflict, acknowledged: true });
      return state;
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unknown arrival event ${JSON.stringify(unknown)}`);
    }
  }
};

export const evolve = (state: TicketState, event: ArrivalEvent): TicketState => applyInPlace(workingCopy(state), event);

/** `events.reduce(evolve, from)`, in linear time. */
export const foldTicket = (events: Iterable<ArrivalEvent>, from: TicketState = initialState()): TicketState => {
  let state = workingCopy(from);
  for (const event of events) state = applyInPlace(state, event);
  return state;
};
