import { idCheckNeeded } from '@emargement/conference/arrival/arrival.decide.js';
import type { ScanOutcome, TicketLookup } from '@emargement/conference/arrival/arrival.js';
import {
  ApiError,
  type Admission,
  type Attendee,
  type DoorTicket,
  type RefusalReason,
  type TicketPreview,
} from '../api';
import type { Tune } from '../sound';
import { attendeeOf, emptyAttendee } from './attendee';
import type { DoorScanResult, TicketRef } from './offline/door-engine';

/**
 * The entrance's scan flow, apart from its screen (DoorApp.tsx): which screen
 * follows a ticket read (the ID check first, or the scan sent at once) and
 * what a scan's answer shows. No rule of admission here: the phone's list is
 * judged by the arrival decider (the engine's `preview`), and a person the
 * server described is put to the decider's own question (`idCheckNeeded`).
 */

/** What the door phone shows; one screen at a time, each large enough to read at arm's length. */
export type Screen =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'preview'; ref: TicketRef; attendee: Attendee | null }
  | { kind: 'sending' }
  | ResultScreen
  | { kind: 'walkIn' }
  /** A walk-in registered on the waiting list: not a refusal, said in words. */
  | { kind: 'walkInWaitlisted'; attendee: Attendee };

export interface ResultScreen {
  kind: 'result';
  /** `queued`: no list to decide on, the scan waits for the server undecided. */
  outcome: 'admitted' | 'refused' | 'queued';
  /** Decided on this phone without the server (queued for upload). */
  local: boolean;
  scanId: string;
  attendee: Attendee | null;
  reason?: RefusalReason;
  previous?: Admission;
}

/** The admission the undo button takes back (one the server made: it knows the scan). */
export interface LastAdmission {
  scanId: string;
  name: string;
}

/** A scan's answer on screen: the result, its sound, and the undo button's admission (absent: unchanged). */
export interface Shown {
  screen: ResultScreen;
  tune: Tune;
  lastAdmission?: LastAdmission | null;
}

/** What the door shows of a scan's answer; `known`, the person as the door already had them on screen. */
export function shownAnswer(answer: DoorScanResult, known: Attendee | null, nameOf: (a: Attendee) => string): Shown {
  if (answer.source === 'queued') {
    return {
      tune: 'queued',
      screen: { kind: 'result', outcome: 'queued', local: false, scanId: answer.scanId, attendee: known },
    };
  }
  const local = answer.source === 'local';
  // The server's answer, or the decider's outcome on the phone: the same fields for the screen.
  const decided = answer.source === 'local' ? answer.outcome : answer.answer;
  const described = answer.source === 'server' ? answer.answer.attendee : undefined;
  const fromList = answer.ticket ? attendeeOf(answer.ticket) : null;
  const who = known ?? fromList ?? (described ? { ...emptyAttendee, ...described } : null);
  const screen: ResultScreen = { kind: 'result', outcome: 'admitted', local, scanId: decided.scanId, attendee: who };
  if (decided.result === 'admitted') {
    // An admission decided here has no undo: the server does not know this scan yet.
    const lastAdmission = local ? null : { scanId: decided.scanId, name: who ? nameOf(who) : '' };
    return { tune: 'admitted', lastAdmission, screen };
  }
  return {
    tune: 'refused',
    screen: {
      ...screen,
      outcome: 'refused',
      ...(decided.reason ? { reason: decided.reason } : {}),
      ...(decided.previous ? { previous: decided.previous } : {}),
    },
  };
}

/** The decider's facts for a person as the server described them (a search result, a ticket preview). */
const factsOf = (
  person: Attendee,
  status: Attendee['status'],
  idCheckRequired: boolean,
): [TicketLookup, NonNullable<Attendee['admitted']> | undefined] => [
  status === null
    ? { found: false, registrationId: person.registrationId }
    : { found: true, registrationId: person.registrationId, status, idCheckRequired, lunchFee: null },
  person.admitted ?? undefined,
];

/** A person found by the server's search: does the decider want an ID check before their scan? */
export const personNeedsIdCheck = (person: Attendee, idCheckRequired: boolean): boolean =>
  idCheckNeeded(...factsOf(person, person.status, idCheckRequired));

/** A ticket the server previewed: its state is the registration's as the door judges it (an erased person's is cancelled). */
export const previewNeedsIdCheck = (found: TicketPreview, idCheckRequired: boolean): boolean =>
  idCheckNeeded(
    ...factsOf(
      found.attendee,
      found.state === 'expected' || found.state === 'admitted' ? 'registered' : found.state,
      idCheckRequired,
    ),
  );

/** What follows a ticket read: the ID check to confirm first, the scan to send, or an error to show. */
export type FirstStep =
  | { kind: 'confirm'; attendee: Attendee | null }
  | { kind: 'send'; attendee: Attendee | null }
  | { kind: 'error'; error: unknown };

/** What the flow asks of the door: its engine's preview, whether it is online, the server's ticket look-up. */
export interface ScanDoor {
  preview(ref: TicketRef): Promise<{ outcome: ScanOutcome; ticket: DoorTicket | undefined }>;
  online(): boolean;
  lookUp(ticketCode: string): Promise<TicketPreview>;
  idCheckRequired: boolean;
}

/**
 * A ticket read (or a person picked): decided on the phone's list first, to
 * know at once whether something must be confirmed (the ID check). Nothing to
 * confirm, and the scan goes straight on (to the server, or decided here when
 * it is away). A ticket the list does not know may be newer than the list:
 * the server is asked when it is there.
 */
export async function firstStep(ref: TicketRef, known: Attendee | null, door: ScanDoor): Promise<FirstStep> {
  const { outcome, ticket } = await door.preview(ref);
  if (ticket) {
    const attendee = known ?? attendeeOf(ticket);
    const confirm = outcome.result === 'refused' && outcome.reason === 'id_not_checked';
    return { kind: confirm ? 'confirm' : 'send', attendee };
  }
  // Found by the server's search (the phone has no list yet): its own state says whether to check.
  if (known) return { kind: personNeedsIdCheck(known, door.idCheckRequired) ? 'confirm' : 'send', attendee: known };
  if ('ticketCode' in ref && door.online()) {
    try {
      const found = await door.lookUp(ref.ticketCode);
      return { kind: previewNeedsIdCheck(found, door.idCheckRequired) ? 'confirm' : 'send', attendee: found.attendee };
    } catch (error) {
      // Unknown to the server too (404), or no server: the scan is decided (and recorded) all the same.
      if (error instanceof ApiError && error.status !== 404 && error.status < 500) return { kind: 'error', error };
    }
  }
  return { kind: 'send', attendee: null };
}
