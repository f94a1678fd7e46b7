import type { Decision } from '@emargement/decider';
import type { ConferenceEvent, Scheduled } from '@emargement/conference/conference/conference.js';
import {
  conferenceDecider,
  type ConferenceOutcome,
  type ConferenceRefusalReason,
} from '@emargement/conference/conference/conference.decide.js';
import type { DoorConference, DoorTicket, Registered, RegisterRequest } from '../../api';

/** A registration as the door made it; `local` when the phone decided it without the server (queued). */
export type WalkInRegistered = Registered & { local?: boolean };

/** What the walk-in screen says before the form: the places of the day, and the organisers' rule. */
export interface WalkInPlaces {
  capacity: number;
  /** Registrations holding a place (admitted or not). */
  registered: number;
  waiting: number;
  /** The organisers allow the door to accept someone beyond the capacity. */
  beyondCapacity: boolean;
  /** Counted from the phone's own list (no server): when that list was last brought up to date (epoch ms). */
  fromList: number | null;
}

/** Left, and whether a newcomer would wait: while anyone waits, a newcomer waits behind them (the decider's rule). */
export const placesLeft = (p: WalkInPlaces): { left: number; full: boolean } => {
  const left = Math.max(0, p.capacity - p.registered);
  return { left, full: left === 0 || p.waiting > 0 };
};

/**
 * The places as the phone's list knows them: the server's capacity and rule
 * (sent with the list) and the tickets it holds, walk-ins registered here
 * while offline included. Null for a list from before the capacity travelled.
 */
export function placesFromList(
  conference: DoorConference | null,
  tickets: Iterable<DoorTicket>,
  refreshedAt: number | null,
): WalkInPlaces | null {
  if (conference?.capacity === undefined) return null;
  let registered = 0;
  let waiting = 0;
  for (const ticket of tickets) {
    if (ticket.status === 'registered') registered += 1;
    else if (ticket.status === 'waitlisted') waiting += 1;
  }
  return {
    capacity: conference.capacity,
    registered,
    waiting,
    beyondCapacity: conference.walkIns?.beyondCapacity === true,
    fromList: refreshedAt,
  };
}

/**
 * A walk-in decided on the phone, by the conference's own decider (bundled,
 * as the arrivals one is for scans): the registry it sees is the phone's
 * list reduced to what the rules use — the places taken, the queue's length,
 * the capacity and the organisers' rule. E-mail uniqueness needs addresses
 * the list does not carry: the server checks it on sync, and a duplicate then
 * comes back as a notice and a recorded conflict, never silently dropped.
 */
export function decideWalkInLocally(
  conferenceId: string,
  conference: DoorConference,
  places: WalkInPlaces,
  request: RegisterRequest & { ticketCode: string },
  registeredAt: string,
): Decision<ConferenceEvent, ConferenceOutcome, ConferenceRefusalReason> {
  const state: Scheduled = {
    status: 'scheduled',
    conferenceId,
    details: {
      name: conference.name,
      venue: '',
      startsAt: conference.startsAt,
      endsAt: conference.endsAt,
      timezone: conference.timezone,
      capacity: places.capacity,
      idCheckRequired: conference.idCheckRequired,
      lunch: conference.lunch,
      doors: conference.doors,
    },
    registrations: new Map(),
    activeByEmail: new Map(),
    byTicketSha256: new Map(),
    registeredCount: places.registered,
    // Only the queue's length matters to a newcomer: they wait behind whoever waits.
    waitlist: Array.from({ length: places.waiting }, (_, i) => `waiting-${String(i)}`),
    walkIns: { beyondCapacity: places.beyondCapacity },
    walkInRefusals: new Set(),
  };
  const { beyondCapacity, ticketCode, registrationId } = request;
  return conferenceDecider.decide(
    {
      type: 'RegisterPerson',
      data: {
        registrationId,
        ticketCode,
        person: {
          firstName: request.firstName,
          lastName: request.lastName,
          email: request.email ?? '',
          organisation: request.organisation ?? null,
        },
        category: request.category,
        lunch: request.lunch,
        photoConsent: request.photoConsent,
        ...(beyondCapacity === true ? { beyondCapacity: true } : {}),
        source: 'walk_in',
        registeredAt,
      },
    },
    state,
  );
}

/** What a ticket's QR code carries: 144 random bits, URL-safe base64, as the server draws them. */
export function newTicketCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
