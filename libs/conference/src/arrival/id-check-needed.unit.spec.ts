import { describe, expect, test } from '@jest/globals';
import type { TicketLookup } from './arrival.js';
import { idCheckNeeded } from './arrival.decide.js';

/** A registered person's ticket, at a conference that requires (or not) an ID check. */
const registered = (idCheckRequired: boolean, status: 'registered' | 'waitlisted' | 'cancelled' = 'registered') =>
  ({ found: true, registrationId: 'r1', status, idCheckRequired, lunchFee: null }) satisfies TicketLookup;

const earlier = { at: '2026-12-02T09:41:00Z', door: 'Accueil' };

describe('the door asks the arrival decider whether an ID must be checked before a scan', () => {
  test('given a conference that requires it, when a registered person not yet in comes, then the ID is checked', () =>
    expect(idCheckNeeded(registered(true), undefined)).toBe(true));

  test('given a conference that does not require it, then no ID check is asked', () =>
    expect(idCheckNeeded(registered(false), undefined)).toBe(false));

  test('given a ticket the scan refuses for something else, then no ID check: the scan is refused for that', () => {
    expect(idCheckNeeded(registered(true), earlier)).toBe(false);
    expect(idCheckNeeded(registered(true, 'waitlisted'), undefined)).toBe(false);
    expect(idCheckNeeded(registered(true, 'cancelled'), undefined)).toBe(false);
    expect(idCheckNeeded({ found: false, registrationId: null }, undefined)).toBe(false);
  });
});
