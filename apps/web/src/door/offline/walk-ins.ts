import type { DoorConference, DoorTicket, Registered } from '../../api';

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
