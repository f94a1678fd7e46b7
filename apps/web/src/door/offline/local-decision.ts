// The door's own rules are the server's: the pure decider of libs/conference,
// bundled as it is (no copy). Only the facts it is given come from the phone.
import {
  foldTicket,
  type AdmissionUndone,
  type AttendeeAdmitted,
  type EntryRefused,
  type ScanOutcome,
  type TicketLookup,
} from '@emargement/conference/arrival/arrival.js';
import { arrivalDecider } from '@emargement/conference/arrival/arrival.decide.js';
import type { DoorConference, DoorTicket, IdCheck } from '../../api';

/** The arrival events the phone folds: its own scans and undos (lunch payments need the server). */
export type LocalEvent = AttendeeAdmitted | EntryRefused | AdmissionUndone;

/** The id of the synthetic event standing for the list's admission (not a scan of this phone). */
const LIST_ADMISSION = 'door-dataset';

export interface LocalScan {
  conferenceId: string;
  scanId: string;
  door: string;
  deviceId: string;
  scannedAt: string;
  idCheck: IdCheck | null;
}

/** What the registry says of the ticket, as the server's handler would pass it to the decider. */
export function ticketFacts(ticket: DoorTicket | undefined, conference: DoorConference): TicketLookup {
  if (ticket === undefined) return { found: false, registrationId: null };
  return {
    found: true,
    registrationId: ticket.registrationId,
    status: ticket.status,
    idCheckRequired: conference.idCheckRequired,
    lunchFee: conference.lunch,
  };
}

/**
 * Decides a scan on the phone: the list's admission (one synthetic
 * `AttendeeAdmitted`) then this phone's own events since the list was built,
 * folded by the decider's `foldTicket`, then `decide` on that state.
 */
export function decideLocally(
  scan: LocalScan,
  ticket: DoorTicket | undefined,
  conference: DoorConference,
  ownEvents: readonly LocalEvent[],
): { outcome: ScanOutcome; events: LocalEvent[] } {
  const facts = ticketFacts(ticket, conference);
  const history: LocalEvent[] = [];
  if (ticket?.admitted) history.push(listAdmission(scan.conferenceId, ticket, ticket.admitted));
  history.push(...ownEvents);
  const state = foldTicket(history);
  const decision = arrivalDecider.decide({ type: 'ScanTicket', data: { ...scan, ticket: facts } }, state);
  // A scan is always accepted (a refused entry is an `EntryRefused` event); only a bug makes it otherwise.
  if (!decision.ok) throw new Error(`scan refused as a command: ${decision.reason}`);
  const outcome = decision.outcome as ScanOutcome;
  return { outcome, events: decision.events as LocalEvent[] };
}

/**
 * The admission that stands for the person on this phone (the list's, then
 * the phone's own scans and undos), as the decider folds it: the scan id to
 * undo, or `null` for the list's admission (whose scan the list does not
 * carry: the server then undoes whichever stands), or `undefined` for none.
 */
export function standingAdmission(
  ticket: DoorTicket | undefined,
  conferenceId: string,
  ownEvents: readonly LocalEvent[],
): { scanId: string | null; at: string; door: string } | undefined {
  if (ticket === undefined) return undefined;
  const history: LocalEvent[] = [];
  if (ticket.admitted) history.push(listAdmission(conferenceId, ticket, ticket.admitted));
  history.push(...ownEvents);
  const state = foldTicket(history);
  if (state.status !== 'admitted') return undefined;
  const { scanId, at, door } = state.admission;
  return { scanId: scanId === LIST_ADMISSION ? null : scanId, at, door };
}

/** The undo of the list's admission, as the phone folds it (the synthetic admission's id). */
export const LIST_ADMISSION_ID = LIST_ADMISSION;

const listAdmission = (
  conferenceId: string,
  ticket: DoorTicket,
  admitted: NonNullable<DoorTicket['admitted']>,
): AttendeeAdmitted => ({
  type: 'AttendeeAdmitted',
  data: {
    conferenceId,
    scanId: LIST_ADMISSION,
    door: admitted.door,
    deviceId: '',
    scannedAt: admitted.at,
    idCheck: null,
    registrationId: ticket.registrationId,
  },
});

/** The event that records an undo made online, so that the phone may admit the person again offline. */
export function undoneEvent(
  conferenceId: string,
  registrationId: string,
  scanId: string,
  reason: string,
  undoneAt: string,
): AdmissionUndone {
  return {
    type: 'AdmissionUndone',
    data: { conferenceId, registrationId, scanId, reason, deviceId: '', undoneAt },
  };
}

/** Lower-case hex SHA-256 of the code's UTF-8 bytes: how the list names a ticket without carrying its code. */
export async function ticketSha256(code: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
