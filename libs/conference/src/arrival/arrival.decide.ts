import { accept, refuse, type Decider, type Decision, type DomainCommand } from '../decision.js';
import type { EntryRefusalReason, IdCheck, PaymentMethod } from '../vocabulary.js';
import {
  evolve,
  foldTicket,
  initialState,
  type AdmissionUndone,
  type ArrivalEvent,
  type AttendeeAdmitted,
  type EntryRefused,
  type LunchPaid,
  type PreviousAdmission,
  type ScanOutcome,
  type TicketFacts,
  type TicketLookup,
  type TicketState,
} from './arrival.js';

// -------------------------------------------------------------- commands

/**
 * Decided on `ticket-<registrationId>` when the ticket is found, on
 * `door-<conferenceId>` when it is not (`scanStream` picks).
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
  }
>;

export type UndoAdmission = DomainCommand<
  'UndoAdmission',
  {
    conferenceId: string;
    registrationId: string;
    /** The scan that admitted the attendee. */
    scanId: string;
    reason: string;
    deviceId: string;
    undoneAt: string;
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

export type ArrivalCommand = ScanTicket | UndoAdmission | RecordLunchPayment;

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
] as const;
export type ArrivalRefusalReason = (typeof ARRIVAL_REFUSAL_REASONS)[number];

export type UndoRefusalReason = Extract<ArrivalRefusalReason, 'missing_reason' | 'unknown_scan' | 'not_an_admission'>;
export type LunchPaymentRefusalReason = Extract<
  ArrivalRefusalReason,
  'payment_id_conflict' | 'lunch_not_offered' | 'registration_cancelled' | 'lunch_already_paid' | 'wrong_amount'
>;

export interface UndoOutcome {
  scanId: string;
  registrationId: string;
  undoneAt: string;
}

export interface LunchPaymentOutcome {
  registrationId: string;
  paymentId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  paidAt: string;
}

export type ArrivalOutcome = ScanOutcome | UndoOutcome | LunchPaymentOutcome;

// ---------------------------------------------------------------- decide

export const scanTicket = (
  command: ScanTicket,
  state: TicketState,
): Decision<AttendeeAdmitted | EntryRefused, ScanOutcome, never> => {
  const { conferenceId, scanId, door, deviceId, scannedAt, idCheck, ticket } = command.data;
  // A device that did not hear the answer sends the same scan again: it gets the same answer, and nothing is written.
  const prior = state.scans.get(scanId);
  if (prior !== undefined) return accept([], prior);

  const scan = { conferenceId, scanId, door, deviceId, scannedAt, idCheck };
  const refused = (
    registrationId: string | null,
    reason: EntryRefusalReason,
    previous: PreviousAdmission | null = null,
  ): Decision<EntryRefused, ScanOutcome, never> =>
    accept([{ type: 'EntryRefused', data: { ...scan, registrationId, reason, previous } }], {
      scanId,
      result: 'refused',
      registrationId,
      reason,
      previous,
    });

  if (!ticket.found) return refused(ticket.registrationId, 'unknown_ticket');
  const { registrationId } = ticket;
  switch (ticket.status) {
    case 'cancelled':
      return refused(registrationId, 'cancelled');
    case 'waitlisted':
      return refused(registrationId, 'waitlisted');
    case 'registered':
      break;
    default: {
      const unknown: never = ticket.status;
      throw new Error(`Unknown registration status ${String(unknown)}`);
    }
  }
  if (state.status === 'admitted')
    return refused(registrationId, 'already_checked_in', { at: state.admission.at, door: state.admission.door });
  if (ticket.idCheckRequired && idCheck === null) return refused(registrationId, 'id_not_checked');
  // Checked although the conference does not require it, and the name did not match: the door saw a problem.
  if (idCheck !== null && !idCheck.nameMatches) return refused(registrationId, 'id_mismatch');

  return accept([{ type: 'AttendeeAdmitted', data: { ...scan, registrationId } }], {
    scanId,
    result: 'admitted',
    registrationId,
    admittedAt: scannedAt,
    door,
  });
};

export const undoAdmission = (
  command: UndoAdmission,
  state: TicketState,
): Decision<AdmissionUndone, UndoOutcome, UndoRefusalReason> => {
  const { conferenceId, registrationId, scanId, deviceId, undoneAt } = command.data;
  const reason = command.data.reason.trim();
  if (reason === '') return refuse('missing_reason');
  const scan = state.scans.get(scanId);
  if (scan === undefined) return refuse('unknown_scan');
  if (scan.result !== 'admitted') return refuse('not_an_admission');
  // An admission is undone once; only the current admission can still be undone
  // (a ticket is admitted again only after its earlier admission was undone).
  const previouslyUndoneAt = state.undone.get(scanId);
  if (previouslyUndoneAt !== undefined) return accept([], { scanId, registrationId, undoneAt: previouslyUndoneAt });
  return accept(
    [{ type: 'AdmissionUndone', data: { conferenceId, registrationId, scanId, reason, deviceId, undoneAt } }],
    { scanId, registrationId, undoneAt },
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
    default: {
      const unknown: never = command;
      throw new Error(`Unknown arrival command ${JSON.stringify(unknown)}`);
    }
  }
};

export const arrivalDecider: Decider<ArrivalCommand, ArrivalEvent, TicketState, ArrivalOutcome, ArrivalRefusalReason> =
  { decide, evolve, initialState, fold: foldTicket };
