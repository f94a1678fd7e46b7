import { describe, expect, test } from '@jest/globals';
import type { DoorConference, DoorTicket } from '../../api';
import { decideWalkInLocally, newTicketCode, placesFromList, placesLeft, type WalkInPlaces } from './walk-ins';

const conference: DoorConference = {
  name: 'Journée',
  doors: ['Accueil'],
  idCheckRequired: false,
  lunch: null,
  startsAt: '2026-12-02T08:00:00Z',
  endsAt: '2026-12-02T18:00:00Z',
  timezone: 'Europe/Paris',
  capacity: 2,
  walkIns: { beyondCapacity: false },
};

const ticket = (n: number, status: DoorTicket['status']): DoorTicket => ({
  registrationId: `r-${String(n)}`,
  ticketSha256: `h-${String(n)}`,
  firstName: 'P',
  lastName: String(n),
  organisation: null,
  category: 'participant',
  status,
  lunch: false,
  lunchPaid: false,
  admitted: null,
});

const request = (overrides: { beyondCapacity?: boolean; email?: string } = {}) => ({
  registrationId: 'r-new',
  ticketCode: 'AbCdEfGhIjKlMnOpQrStUvWx',
  firstName: 'Zoé',
  lastName: 'Núñez',
  category: 'participant' as const,
  lunch: false,
  photoConsent: false,
  ...overrides,
});

const decide = (places: WalkInPlaces, overrides: { beyondCapacity?: boolean; email?: string } = {}) =>
  decideWalkInLocally('c', conference, places, request(overrides), '2026-12-02T09:00:00Z');

describe('the places a door counts from its list', () => {
  test('registered tickets hold places, cancelled ones do not, waitlisted ones wait', () => {
    const places = placesFromList(conference, [ticket(1, 'registered'), ticket(2, 'cancelled')], 42);
    expect(places).toEqual({ capacity: 2, registered: 1, waiting: 0, beyondCapacity: false, fromList: 42 });
    expect(placesLeft(places!)).toEqual({ left: 1, full: false });
  });

  test('a place free while someone waits is not free for a newcomer', () => {
    const places = placesFromList(conference, [ticket(1, 'registered'), ticket(2, 'waitlisted')], 42)!;
    expect(placesLeft(places)).toEqual({ left: 1, full: true });
  });

  test('a list stored before the capacity travelled gives no figure rather than a wrong one', () => {
    const { capacity: _capacity, walkIns: _walkIns, ...old } = conference;
    expect(placesFromList(old, [], 42)).toBeNull();
  });
});

describe('a walk-in decided on the phone, by the conference’s decider', () => {
  const free: WalkInPlaces = { capacity: 2, registered: 1, waiting: 0, beyondCapacity: false, fromList: 1 };
  const full: WalkInPlaces = { ...free, registered: 2 };

  test('a free place: registered, with the id and code the phone drew, as a walk-in', () => {
    const decision = decide(free);
    expect(decision.ok && decision.events).toEqual([
      expect.objectContaining({
        type: 'PersonRegistered',
        data: expect.objectContaining({ registrationId: 'r-new', ticketCode: request().ticketCode, source: 'walk_in' }),
      }),
    ]);
  });

  test('full: waitlisted', () => {
    const decision = decide(full);
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['PersonWaitlisted']);
  });

  test('full, asked beyond the capacity without the setting: refused (recorded on sync)', () => {
    const decision = decide(full, { beyondCapacity: true });
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['WalkInRefused']);
  });

  test('full, asked beyond the capacity with the setting: registered beyond it', () => {
    const decision = decide({ ...full, beyondCapacity: true }, { beyondCapacity: true });
    expect(decision.ok && decision.events).toEqual([
      expect.objectContaining({ type: 'PersonRegistered', data: expect.objectContaining({ beyondCapacity: true }) }),
    ]);
  });

  test('a malformed address is refused on the spot, as the server would', () => {
    expect(decide(free, { email: 'not-an-address' })).toMatchObject({ ok: false, reason: 'invalid_email' });
  });
});

test('a ticket code drawn by the phone: 144 random bits, URL-safe, never twice the same', () => {
  const a = newTicketCode();
  expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
  expect(newTicketCode()).not.toBe(a);
});
