import { describe, expect, test } from '@jest/globals';
import { admissionUndone, at, attendeeAdmitted, entryRefused, mainDoor } from '../../test/examples.js';
import { evolve, foldTicket, initialState, type ArrivalEvent, type TicketState } from './arrival.js';

const history: ArrivalEvent[] = [
  entryRefused(1, 'id_not_checked', { idCheck: null }),
  attendeeAdmitted(2),
  entryRefused(3, 'already_checked_in', {}, { at: at('09:32:00'), door: mainDoor }),
  admissionUndone(2),
  attendeeAdmitted(4),
];

const plain = (state: TicketState): unknown => ({
  ...state,
  scans: [...state.scans.entries()],
  undone: [...state.undone.entries()],
});

describe('the ticket state', () => {
  describe('when folded at once or evolved event by event', () => {
    test('is the same', () =>
      expect(plain(foldTicket(history))).toEqual(plain(history.reduce(evolve, initialState()))));
  });

  describe('when evolved', () => {
    test('the state evolved from is left as it was', () => {
      const before = foldTicket(history.slice(0, 2));
      const snapshot = JSON.stringify(plain(before));
      foldTicket(history.slice(2), before);
      evolve(before, admissionUndone(2));
      expect(JSON.stringify(plain(before))).toBe(snapshot);
    });
  });

  describe('after an undo and a second admission', () => {
    test('the second admission is the current one and every scan is remembered', () => {
      const state = foldTicket(history);
      expect(state.status === 'admitted' && state.admission).toMatchObject({ at: at('09:34:00') });
      expect([...state.scans.keys()]).toHaveLength(4);
      expect(state.undone.size).toBe(1);
    });
  });
});
