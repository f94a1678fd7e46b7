import { emptyTally, evolve, initialState, type ConferenceTally } from './attendance.js';
import { isAttendanceEvent, occurredAt } from './events.js';

/** A stored event as any store hands it back: its type, its data, its `$all` position. */
export interface PositionedEvent {
  type: string;
  data: unknown;
  position: bigint;
}

export interface AsOfFold {
  /** Feed every stored event in `$all` order; the others' are skipped here. */
  add(event: PositionedEvent): void;
  /** The conference's figures from the events that had happened at `asOf`. */
  tally(): ConferenceTally;
}

/**
 * The figures of one conference as they stood at `asOfMs` (epoch ms): the
 * live fold, over the conference's events that had happened by then
 * (`occurredAt` ≤ asOf, by the time in the event's own data), taken in the
 * store's order. An event after `asOf` is skipped, not a stop: a late door's
 * scans are stored after later ones but happened before them.
 */
export const foldAsOf = (conferenceId: string, asOfMs: number): AsOfFold => {
  const state = initialState();
  return {
    add(stored) {
      if (!isAttendanceEvent(stored)) return;
      if (stored.data.conferenceId !== conferenceId) return;
      const at = occurredAt(stored);
      if (at !== null) {
        const ms = Date.parse(at);
        if (Number.isNaN(ms) || ms > asOfMs) return;
      }
      evolve(state, stored, stored.position);
    },
    tally: () => state.conferences.get(conferenceId) ?? emptyTally(conferenceId),
  };
};
