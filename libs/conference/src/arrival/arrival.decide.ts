import { accept, refuse, type Decider, type Decision, type DomainCommand } from '@emargement/decider';
import type { EntryRefusalReason, IdCheck, PaymentMethod } from '../vocabulary.js';
import { instantMs } from '../time/instant.js';
import {
  evolve,
  foldTicket,
  initialState,
  type AdmissionUndone,
  type AdmissionUndoRefused,
  type ArrivalEvent,
  type UndoRefusal,
  type ConflictAcknowledged,
  type ScanConflicted,
  type AttendeeAdmitted,
  type EntryRefused,
  type LunchPaid,
  type LunchPaymentReversed,
  type PreviousAdmission,
  type ScanOutcome,
  type TicketFacts,
  type Admission,
  type TicketLookup,
  type TicketState,
} from './arrival.js';

// -------------------------------------------------------------- commands

/**
 * Decided on `ticket-<registrationId>` when the ticket is found, on
 * `door-<conferenceId>-<scanId>` when it is not (`scanStream` picks).
 */
export type ScanTicket = DomainCommand<
  'ScanTicket',
  {
    conferenceId: string;
    scanId: string;
    door: string;
    deviceId: string;
    /** The device's scan time when it sent one, otherwise the server's. */
    scannedAt: string;
    idCheck: IdCheck | null;
    ticket: TicketLookup;
    /**
     * What the door decided on its own when it had no network, and when the
     * server received it; `null` for a scan the server decides. An offline
     * decision is a fact: it is recorded as made, and where the server would
     * have decided otherwise, a conflict is recorded beside it.
     */
    offline?: OfflineDecision | null;
    /**
     * The conference's doors, when it names them (the registry's fact, like
     * `ticket`): a scan the server decides at any other door is refused
     * `unknown_door`. Absent or empty: any door.
     */
    doors?: readonly string[];
  }
>;

export interface OfflineDecision {
  result: 'admitted' | 'refused';
  /** The door's reason for a refusal. */
  reason: EntryRefusalReason | null;
  receivedAt: string;
  /**
   * Fresh ids for the conflicts this scan may reveal, chosen by the server
   * (no random ids in `decide`): the first for the scan's own, the second
   * for the `already_checked_in` of a later admission it makes the second
   * entry. A conflict is not a scan: a scan may carry two (its own reason
   * and `already_checked_in`), and each is acknowledged on its own.
   */
  conflictIds: readonly [string, string];
}

/** An organiser has seen a conflict and dealt with it (an acknowledgement is recorded once). */
export type AcknowledgeConflict = DomainCommand<
  'AcknowledgeConflict',
  {
    conferenceId: string;
    conflictId: string;
    registrationId: string | null;
    note: string | null;
    deviceId: string;
    acknowledgedAt: string;
  }
>;

export type UndoAdmission = DomainCommand<
  'UndoAdmission',
  {
    conferenceId: string;
    registrationId: string;
    /**
     * The scan that admitted the attendee; `null`: whichever admission stands
     * (a door that found the person by name knows who, not which scan).
     */
    scanId: string | null;
    reason: string;
    deviceId: string;
    undoneAt: string;
    /**
     * The undo's own id (from a door's outbox or a person's page). With it,
     * an undo that finds nothing to undo is recorded (`AdmissionUndoRefused`)
     * and refused, and the same undo again gets the same answer. Without it
     * (the older `scans/:scanId/undo`), undoing an undone scan answers as the
     * first undo did, as it always has.
     */
    undoId?: string | null;
  }
>;

export type RecordLunchPayment = DomainCommand<
  'RecordLunchPayment',
  {
    conferenceId: string;
    paymentId: string;
    amountCents: number;
    method: PaymentMethod;
    deviceId: string;
    paidAt: string;
    ticket: TicketFacts;
  }
>;

/** A lunch payment taken back, with the reason (required, like an undo's). */
export type ReverseLunchPayment = DomainCommand<
  'ReverseLunchPayment',
  {
    conferenceId: string;
    registrationId: string;
    paymentId: string;
    reason: string;
    deviceId: string;
    reversedAt: string;
  }
>;

export type ArrivalCommand =
  ScanTicket | UndoAdmission | RecordLunchPayment | ReverseLunchPayment | AcknowledgeConflict;

// ------------------------------------------------------- reasons, outcomes

/**
 * Refusals of a command. A refused *entry* is not among them: it is an
 * accepted scan whose `EntryRefused` event carries an `EntryRefusalReason`.
 */
export const ARRIVAL_REFUSAL_REASONS = [
  'missing_reason',
  'unknown_scan',
  'not_an_admission',
  'payment_id_conflict',
  'lunch_not_offered',
  'registration_cancelled',
  'lunch_already_paid',
  'wrong_amount',
  'unknown_conflict',
  'offline_reason_missing',
  'unknown_door',
  'unknown_payment',
  'payment_reversed',
  'already_undone',
  'nothing_to_undo',
] as const;
export type ArrivalRefusalReason = (typeof ARRIVAL_REFUSAL_REASONS)[number];

export type UndoRefusalReason = Extract<
  ArrivalRefusalReason,
  'missing_reason' | 'unknown_scan' | 'not_an_admission' | 'already_undone' | 'nothing_to_undo'
>;
export type LunchPaymentRefusalReason = Extract<
  ArrivalRefusalReason,
  | 'payment_id_conflict'
  | 'lunch_not_offered'
  | 'registration_cancelled'
  | 'lunch_already_paid'
  | 'wrong_amount'
  | 'payment_reversed'
>;
export type LunchReversalRefusalReason = Extract<ArrivalRefusalReason, 'missing_reason' | 'unknown_payment'>;

export type AcknowledgeRefusalReason = Extract<ArrivalRefusalReason, 'unknown_conflict'>;
export type ScanRefusalReason = Extract<ArrivalRefusalReason, 'offline_reason_missing' | 'unknown_door'>;

export interface AcknowledgeOutcome {
  conflictId: string;
  acknowledged: true;
}

export type UndoOutcome =
  | { scanId: string; registrationId: string; undoneAt: string; undoId?: string }
  /** Refused, and the refusal recorded: the handler answers it as a refusal once it is stored. */
  | { refused: UndoRefusal; undoId: string; registrationId: string; scanId: string | null };

export interface LunchPaymentOutcome {
  registrationId: string;
  paymentId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  paidAt: string;
}

export interface LunchReversalOutcome {
  registrationId: string;
  paymentId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  reversedAt: string;
}

export type ArrivalOutcome =
  ScanOutcome | UndoOutcome | LunchPaymentOutcome | LunchReversalOutcome | AcknowledgeOutcome;

// ---------------------------------------------------------------- decide

/**
 * What the rules say of a scan, given the ticket's facts and the admissions
 * that came before it: the one judgement, used online (against every
 * admission) and for a scan decided offline (against the admissions scanned
 * before it, so that offline scans are judged in the order they happened).
 */
export const judgeScan = (
  ticket: TicketLookup,
  earlier: Pick<Admission, 'at' | 'door'> | undefined,
  idCheck: IdCheck | null,
): { result: 'admitted' } | { result: 'refused'; reason: EntryRefusalReason; previous: PreviousAdmission | null } => {
  const refused = (reason: EntryRefusalReason, previous: PreviousAdmission | null = null) =>
    ({ result: 'refused', reason, previous }) as const;
  if (!ticket.found) return refused('unknown_ticket');
  switch (ticket.status) {
    case 'cancelled':
      return refused('cancelled');
    case 'waitlisted':
      return refused('waitlisted');
    case 'registered':
      break;
    default: {
      const unknown: never = ticket.status;
      throw new Error(`Unknown registration status ${String(unknown)}`);
    }
  }
  if (earlier !== undefined) return refused('already_checked_in', { at: earlier.at, door: earlier.door });
  if (ticket.idCheckRequired && idCheck === null) return refused('id_not_checked');
  // No document shown: recorded as such, not as a name that did not match.
  if (idCheck !== null && idCheck.document === 'none') return refused('id_missing');
  // Checked although the conference does not require it, and the name did not match: the door saw a problem.
  if (idCheck !== null && !idCheck.nameMatches) return refused('id_mismatch');
  return { result: 'admitted' };
};

/**
 * Must an ID be checked before this ticket may enter? The scan's own rule
 * (`judgeScan`), asked of a scan with no ID check: the door asks it before it
 * sends a scan, to show the ID form first rather than a refusal
 * (`id_not_checked`). A ticket that would be refused anyway (unknown,
 * cancelled, waitlisted, already in) needs no check: its scan goes on and is
 * refused for what it is.
 */
export const idCheckNeeded = (ticket: TicketLookup, earlier: Pick<Admission, 'at' | 'door'> | undefined): boolean => {
  const judged = judgeScan(ticket, earlier, null);
  return judged.result === 'refused' && judged.reason === 'id_not_checked';
};

/** Times with offsets compare as instants, read by the parser the server checks them with. */
const instant = instantMs;

export const scanTicket = (
  command: ScanTicket,
  state: TicketState,
): Decision<AttendeeAdmitted | EntryRefused | ScanConflicted, ScanOutcome, ScanRefusalReason> => {
  const { conferenceId, scanId, door, deviceId, scannedAt, idCheck, ticket } = command.data;
  // A device that did not hear the answer sends the same scan again: it gets the same answer, and nothing is written.
  const prior = state.scans.get(scanId);
  if (prior !== undefined) return accept([], prior);
  const offline = command.data.offline ?? null;
  // A scan decided offline is a fact and is recorded whatever the door's name
  // (the doors may have been renamed since its list was built).
  if (offline !== null) return scanDecidedOffline(command, offline, state);
  const doors = command.data.doors ?? [];
  if (doors.length > 0 && !doors.includes(door)) return refuse('unknown_door', { doors: doors.join(', ') });

  const scan = { conferenceId, scanId, door, deviceId, scannedAt, idCheck };
  const registrationId = ticket.registrationId;
  const judged = judgeScan(ticket, state.status === 'admitted' ? state.admission : undefined, idCheck);
  if (judged.result === 'refused' || registrationId === null) {
    const { reason, previous } =
      judged.result === 'refused' ? judged : { reason: 'unknown_ticket' as const, previous: null };
    return accept([{ type: 'EntryRefused', data: { ...scan, registrationId, reason, previous } }], {
      scanId,
      result: 'refused',
      registrationId,
      reason,
      previous,
    });
  }
  return accept([{ type: 'AttendeeAdmitted', data: { ...scan, registrationId } }], {
    scanId,
    result: 'admitted',
    registrationId,
    admittedAt: scannedAt,
    door,
  });
};

/**
 * A scan the door decided without the server. Recorded as decided: an
 * admission is an admission (the person has walked in), a refusal a refusal.
 * The server then judges it as it would have, against the admissions scanned
 * *before* it (by the door's clock, not by arrival); where it disagrees with
 * the door's admission, a conflict is recorded beside it. An offline admission
 * earlier than the standing one becomes the standing admission, and the one it
 * displaces is the conflict (`already_checked_in`, previous: the earlier).
 */
const scanDecidedOffline = (
  command: ScanTicket,
  offline: OfflineDecision,
  state: TicketState,
): Decision<AttendeeAdmitted | EntryRefused | ScanConflicted, ScanOutcome, ScanRefusalReason> => {
  const { conferenceId, scanId, door, deviceId, scannedAt, idCheck, ticket } = command.data;
  const { receivedAt } = offline;
  const scan = { conferenceId, scanId, door, deviceId, scannedAt, idCheck, offline: { receivedAt } };
  const registrationId = ticket.registrationId;

  if (offline.result === 'refused') {
    if (offline.reason === null) return refuse('offline_reason_missing');
    const reason = offline.reason;
    const previous = reason === 'already_checked_in' ? (state.status === 'admitted' ? state.admission : null) : null;
    const prev = previous === null ? null : { at: previous.at, door: previous.door };
    return accept([{ type: 'EntryRefused', data: { ...scan, registrationId, reason, previous: prev } }], {
      scanId,
      result: 'refused',
      registrationId,
      reason,
      previous: prev,
    });
  }

  const at = instant(scannedAt);
  const earlier = state.admissions.find((a) => instant(a.at) <= at);
  const judged = judgeScan(ticket, earlier, idCheck);
  const [ownConflictId, displacedConflictId] = offline.conflictIds;
  const conflictOf = (
    conflictId: string,
    about: { scanId: string; door: string; deviceId: string; scannedAt: string; receivedAt: string },
    reason: EntryRefusalReason,
    previous: Admission | null,
  ): ScanConflicted => ({
    type: 'ScanConflicted',
    data: {
      conferenceId,
      conflictId,
      scanId: about.scanId,
      registrationId,
      reason,
      door: about.door,
      deviceId: about.deviceId,
      scannedAt: about.scannedAt,
      receivedAt: about.receivedAt,
      previous: previous === null ? null : { at: previous.at, door: previous.door, scanId: previous.scanId },
      detectedAt: receivedAt,
    },
  });
  const self = { scanId, door, deviceId, scannedAt, receivedAt };

  if (!ticket.found) {
    // The door let in a ticket the server has never heard of: there is no
    // ticket to admit, only the disagreement to record (on the door stream).
    const conflict = conflictOf(ownConflictId, self, 'unknown_ticket', null);
    return accept([conflict], {
      scanId,
      result: 'refused',
      registrationId,
      reason: 'unknown_ticket',
      previous: null,
      conflict: { conflictId: ownConflictId, reason: 'unknown_ticket', previous: null },
    });
  }

  const admittedId = ticket.registrationId;
  const admitted: AttendeeAdmitted = { type: 'AttendeeAdmitted', data: { ...scan, registrationId: admittedId } };
  const events: (AttendeeAdmitted | ScanConflicted)[] = [admitted];
  let outcome: ScanOutcome = { scanId, result: 'admitted', registrationId: admittedId, admittedAt: scannedAt, door };
  if (judged.result === 'refused') {
    const previous = judged.reason === 'already_checked_in' ? (earlier ?? null) : null;
    events.push(conflictOf(ownConflictId, self, judged.reason, previous));
    outcome = { ...outcome, conflict: { conflictId: ownConflictId, reason: judged.reason, previous: judged.previous } };
  }
  // Whatever this scan's own conflict, a standing admission scanned *after*
  // it is now a second entry, and says so (`already_checked_in`) even when it
  // already carries a conflict of another kind: one conflict must not hide another.
  const displaced = earlier === undefined && state.status === 'admitted' ? state.admission : undefined;
  if (displaced !== undefined && !hasConflict(state, displaced.scanId, 'already_checked_in')) {
    const first: Admission = { scanId, at: scannedAt, door, deviceId, receivedAt };
    events.push(
      conflictOf(displacedConflictId, { ...displaced, scannedAt: displaced.at }, 'already_checked_in', first),
    );
    // The door that sent this scan is told too (« entré·e aussi à … »): otherwise neither door hears of the conflict.
    if (outcome.conflict === undefined) {
      outcome = {
        ...outcome,
        conflict: {
          conflictId: displacedConflictId,
          reason: 'already_checked_in',
          previous: { at: displaced.at, door: displaced.door },
        },
      };
    }
  }
  return accept(events, outcome);
};

const hasConflict = (state: TicketState, scanId: string, reason: EntryRefusalReason): boolean => {
  for (const c of state.conflicts.values()) if (c.scanId === scanId && c.reason === reason) return true;
  return false;
};

export const acknowledgeConflict = (
  command: AcknowledgeConflict,
  state: TicketState,
): Decision<ConflictAcknowledged, AcknowledgeOutcome, AcknowledgeRefusalReason> => {
  const { conflictId } = command.data;
  const conflict = state.conflicts.get(conflictId);
  if (conflict === undefined) return refuse('unknown_conflict');
  if (conflict.acknowledged) return accept([], { conflictId, acknowledged: true });
  const note = command.data.note?.trim() || null;
  return accept([{ type: 'ConflictAcknowledged', data: { ...command.data, note } }], {
    conflictId,
    acknowledged: true,
  });
};

export const undoAdmission = (
  command: UndoAdmission,
  state: TicketState,
): Decision<AdmissionUndone | AdmissionUndoRefused, UndoOutcome, UndoRefusalReason> => {
  const { conferenceId, registrationId, deviceId, undoneAt } = command.data;
  const undoId = command.data.undoId ?? null;
  const reason = command.data.reason.trim();
  // Bad input, not a correction that went wrong: nothing is recorded.
  if (reason === '') return refuse('missing_reason');
  if (undoId !== null) {
    // The same undo again (an outbox that did not hear the answer): the same answer, nothing written.
    const prior = state.undos.get(undoId);
    if (prior !== undefined) {
      return 'refused' in prior
        ? accept([], { refused: prior.refused, undoId, registrationId, scanId: prior.scanId })
        : accept([], { scanId: prior.scanId, registrationId, undoneAt: prior.undoneAt, undoId });
    }
  }
  const scanId = command.data.scanId ?? (state.status === 'admitted' ? state.admission.scanId : null);
  const refusal = ((): UndoRefusal | null => {
    // Nothing stands: if an admission was undone, this undo came second (the admission it meant is undone).
    if (scanId === null) return state.undone.size > 0 ? 'already_undone' : 'nothing_to_undo';
    const scan = state.scans.get(scanId);
    if (scan === undefined) return 'unknown_scan';
    if (scan.result !== 'admitted') return 'not_an_admission';
    if (state.undone.has(scanId)) return 'already_undone';
    return null;
  })();
  if (refusal !== null) {
    if (undoId === null) {
      // The older route: an undone scan answers as its first undo did (a retry has no other name).
      const previouslyUndoneAt = scanId === null ? undefined : state.undone.get(scanId);
      if (refusal === 'already_undone' && scanId !== null && previouslyUndoneAt !== undefined) {
        return accept([], { scanId, registrationId, undoneAt: previouslyUndoneAt });
      }
      return refuse(refusal);
    }
    // A second undo (another phone's, or an organiser's, came first) or an undo of nothing: recorded, then refused.
    const requested = command.data.scanId;
    return accept(
      [
        {
          type: 'AdmissionUndoRefused',
          data: {
            conferenceId,
            registrationId,
            undoId,
            scanId: requested,
            reason: refusal,
            note: reason,
            deviceId,
            refusedAt: undoneAt,
          },
        },
      ],
      { refused: refusal, undoId, registrationId, scanId: requested },
    );
  }
  const target = scanId as string;
  return accept(
    [
      {
        type: 'AdmissionUndone',
        data: {
          conferenceId,
          registrationId,
          scanId: target,
          reason,
          deviceId,
          undoneAt,
          ...(undoId !== null ? { undoId } : {}),
        },
      },
    ],
    { scanId: target, registrationId, undoneAt, ...(undoId !== null ? { undoId } : {}) },
  );
};

export const recordLunchPayment = (
  command: RecordLunchPayment,
  state: TicketState,
): Decision<LunchPaid, LunchPaymentOutcome, LunchPaymentRefusalReason> => {
  const { conferenceId, paymentId, amountCents, method, deviceId, paidAt, ticket } = command.data;
  const { registrationId, lunchFee } = ticket;
  const paid = state.lunchPayment;
  if (paid !== null && paid.paymentId === paymentId) {
    return paid.amountCents === amountCents && paid.method === method
      ? accept([], { registrationId, ...paid })
      : refuse('payment_id_conflict');
  }
  // A reversed payment's id, sent again (an outbox replaying it), must not take the money a second time.
  if (state.lunchReversals.has(paymentId)) return refuse('payment_reversed');
  if (lunchFee === null) return refuse('lunch_not_offered');
  if (ticket.status === 'cancelled') return refuse('registration_cancelled');
  // A second payment is far more often a slip at a busy desk than a second lunch.
  if (paid !== null) return refuse('lunch_already_paid', { paymentId: paid.paymentId });
  // The volunteer types the amount: 20 typed for 2,000 cents must not pass as paid.
  if (amountCents !== lunchFee.priceCents) return refuse('wrong_amount', { expectedCents: lunchFee.priceCents });
  const { currency } = lunchFee;
  return accept(
    [
      {
        type: 'LunchPaid',
        data: { conferenceId, registrationId, paymentId, amountCents, currency, method, deviceId, paidAt },
      },
    ],
    { registrationId, paymentId, amountCents, currency, method, paidAt },
  );
};

export const reverseLunchPayment = (
  command: ReverseLunchPayment,
  state: TicketState,
): Decision<LunchPaymentReversed, LunchReversalOutcome, LunchReversalRefusalReason> => {
  const { conferenceId, registrationId, paymentId, deviceId, reversedAt } = command.data;
  const reason = command.data.reason.trim();
  if (reason === '') return refuse('missing_reason');
  const paid = state.lunchPayment;
  if (paid === null || paid.paymentId !== paymentId) {
    // Reversed already: the same answer again, nothing new written (a retried request).
    const before = state.lunchReversals.get(paymentId);
    if (before === undefined) return refuse('unknown_payment');
    const { amountCents, currency, method } = before;
    return accept([], { registrationId, paymentId, amountCents, currency, method, reversedAt: before.reversedAt });
  }
  const { amountCents, currency, method } = paid;
  return accept(
    [
      {
        type: 'LunchPaymentReversed',
        data: { conferenceId, registrationId, paymentId, amountCents, currency, method, reason, deviceId, reversedAt },
      },
    ],
    { registrationId, paymentId, amountCents, currency, method, reversedAt },
  );
};

export const decide = (
  command: ArrivalCommand,
  state: TicketState,
): Decision<ArrivalEvent, ArrivalOutcome, ArrivalRefusalReason> => {
  switch (command.type) {
    case 'ScanTicket':
      return scanTicket(command, state);
    case 'UndoAdmission':
      return undoAdmission(command, state);
    case 'RecordLunchPayment':
      return recordLunchPayment(command, state);
    case 'ReverseLunchPayment':
      return reverseLunchPayment(command, state);
    case 'AcknowledgeConflict':
      return acknowledgeConflict(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown arrival command ${JSON.stringify(unknown)}`);
    }
  }
};

export const arrivalDecider: Decider<ArrivalCommand, ArrivalEvent, TicketState, ArrivalOutcome, ArrivalRefusalReason> =
  { decide, evolve, initialState, fold: foldTicket };
