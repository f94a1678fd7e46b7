import { accept, refuse, type Decider, type Decision, type DomainCommand, type DomainEvent } from '@emargement/decider';
import type { RegistrationStatus } from '../vocabulary.js';

/**
 * Name badges and their print log (issue 24).
 *
 * One stream per person, `badge-<registrationId>`: every badge printed (who,
 * which device, which printer or the device's own print dialog, which layout,
 * which copy) and every job a printer refused. Printing is not admitting: the
 * badge stream is apart from the ticket's, so a print never contends with a
 * scan and neither decides on the other. Copies count per person: the first
 * print needs no reason, every later one does (`reprint_reason_required`), so
 * a badge is not printed twice by accident (pretix#4475: no automatic
 * reprint). No name is stored here: an erased person's log keeps its events
 * whole and says nothing about who they were.
 */

/**
 * The sizes people buy: A4 sheets of 8 badge-holder inserts (90 × 54 mm, or
 * the narrower 85 × 54 mm) with cut marks, CR80 cards (86 × 54 mm) and
 * continuous 62 mm label rolls (Brother QL and the like).
 */
export const BADGE_LAYOUTS = ['a4-8', 'a4-8-85', 'cr80', 'roll-62'] as const;
export type BadgeLayout = (typeof BADGE_LAYOUTS)[number];

export type BadgePrinted = DomainEvent<
  'BadgePrinted',
  {
    conferenceId: string;
    registrationId: string;
    printId: string;
    /** 1 for the first badge, 2 for the first reprint, ... */
    copy: number;
    layout: BadgeLayout;
    /** The CUPS queue the server sent the job to; `null`: the device printed it itself (its print dialog). */
    printer: string | null;
    /** Why a reprint was needed; `null` for the first copy. */
    reason: string | null;
    deviceId: string;
    printedAt: string;
  }
>;

/** A job the printer did not take (queue stopped, printer unreachable): nothing was printed; the same print can be retried. */
export type BadgePrintFailed = DomainEvent<
  'BadgePrintFailed',
  {
    conferenceId: string;
    registrationId: string;
    printId: string;
    layout: BadgeLayout;
    printer: string;
    /** A stable code (`printer_stopped`, `printer_unreachable`, `printer_failed`). */
    code: string;
    deviceId: string;
    failedAt: string;
  }
>;

export type BadgeEvent = BadgePrinted | BadgePrintFailed;
export const BADGE_EVENT_TYPES: readonly BadgeEvent['type'][] = ['BadgePrinted', 'BadgePrintFailed'];

export interface PrintRecord {
  copy: number;
  printedAt: string;
  printer: string | null;
}

export interface BadgeState {
  /** Prints that happened, by print id. */
  prints: ReadonlyMap<string, PrintRecord>;
  copies: number;
  last: PrintRecord | null;
}

export const initialState = (): BadgeState => ({ prints: new Map(), copies: 0, last: null });

export function evolve(state: BadgeState, event: BadgeEvent): BadgeState {
  switch (event.type) {
    case 'BadgePrinted': {
      const record = { copy: event.data.copy, printedAt: event.data.printedAt, printer: event.data.printer };
      const prints = new Map(state.prints);
      prints.set(event.data.printId, record);
      return { prints, copies: Math.max(state.copies, event.data.copy), last: record };
    }
    case 'BadgePrintFailed':
      return state; // nothing was printed: the count and the last copy stay as they were
    default: {
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
}

/** What the registry knows of the person, passed in by the handler (the door's dataset offline). */
export interface BadgeFacts {
  registrationId: string;
  status: RegistrationStatus;
  erased: boolean;
}

export type PrintBadge = DomainCommand<
  'PrintBadge',
  {
    conferenceId: string;
    printId: string;
    layout: BadgeLayout;
    printer: string | null;
    reason: string | null;
    deviceId: string;
    printedAt: string;
    person: BadgeFacts;
  }
>;

export type RecordBadgePrintFailure = DomainCommand<
  'RecordBadgePrintFailure',
  {
    conferenceId: string;
    registrationId: string;
    printId: string;
    layout: BadgeLayout;
    printer: string;
    code: string;
    deviceId: string;
    failedAt: string;
  }
>;

export type BadgeCommand = PrintBadge | RecordBadgePrintFailure;

export const BADGE_REFUSAL_REASONS = ['reprint_reason_required', 'person_erased', 'registration_cancelled'] as const;
export type BadgeRefusalReason = (typeof BADGE_REFUSAL_REASONS)[number];

export interface BadgePrintOutcome {
  printId: string;
  copy: number;
  printedAt: string;
}
/** `null`: the failure is recorded (or the print had already succeeded, and nothing is). */
export type BadgeOutcome = BadgePrintOutcome | null;

const MAX_REASON = 500;

function decidePrint(command: PrintBadge, state: BadgeState): Decision<BadgeEvent, BadgeOutcome, BadgeRefusalReason> {
  const d = command.data;
  // The same print id again (a retry after a lost answer): the first answer, nothing written.
  const done = state.prints.get(d.printId);
  if (done) return accept([], { printId: d.printId, copy: done.copy, printedAt: done.printedAt });
  if (d.person.erased) return refuse('person_erased');
  if (d.person.status === 'cancelled') return refuse('registration_cancelled');
  const reason = d.reason?.trim().slice(0, MAX_REASON) || null;
  if (state.last !== null && reason === null) {
    return refuse('reprint_reason_required', { copies: state.copies, lastPrintedAt: state.last.printedAt });
  }
  const copy = state.copies + 1;
  return accept(
    [
      {
        type: 'BadgePrinted',
        data: {
          conferenceId: d.conferenceId,
          registrationId: d.person.registrationId,
          printId: d.printId,
          copy,
          layout: d.layout,
          printer: d.printer,
          reason: state.last === null ? null : reason,
          deviceId: d.deviceId,
          printedAt: d.printedAt,
        },
      },
    ],
    { printId: d.printId, copy, printedAt: d.printedAt },
  );
}

export function decide(
  command: BadgeCommand,
  state: BadgeState,
): Decision<BadgeEvent, BadgeOutcome, BadgeRefusalReason> {
  switch (command.type) {
    case 'PrintBadge':
      return decidePrint(command, state);
    case 'RecordBadgePrintFailure':
      // A failure reported after the same print id succeeded (two tries crossing) changes nothing.
      if (state.prints.has(command.data.printId)) return accept([], null);
      return accept([{ type: 'BadgePrintFailed', data: { ...command.data } }], null);
    default: {
      const unknown: never = command;
      void unknown;
      throw new Error('Unknown badge command');
    }
  }
}

export const foldBadge = (events: Iterable<BadgeEvent>, from: BadgeState = initialState()): BadgeState => {
  let state = from;
  for (const e of events) state = evolve(state, e);
  return state;
};

export const badgeDecider: Decider<BadgeCommand, BadgeEvent, BadgeState, BadgeOutcome, BadgeRefusalReason> = {
  decide,
  evolve,
  initialState,
  fold: foldBadge,
};
