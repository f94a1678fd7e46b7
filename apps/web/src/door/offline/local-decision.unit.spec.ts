import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { DoorConference, DoorTicket } from '../../api';
import { decideLocally, ticketSha256, undoneEvent, type LocalEvent, type LocalScan } from './local-decision';

const conference: DoorConference = {
  name: 'Journée',
  doors: ['Accueil', 'Côté'],
  idCheckRequired: false,
  lunch: null,
  startsAt: '2026-12-02T08:00:00Z',
  endsAt: '2026-12-02T18:00:00Z',
  timezone: 'Europe/Paris',
};

const marie: DoorTicket = {
  registrationId: 'r-marie',
  ticketSha256: 'h',
  firstName: 'Marie',
  lastName: 'Dupont',
  organisation: null,
  category: 'speaker',
  status: 'registered',
  lunch: false,
  lunchPaid: false,
  admitted: null,
};

const scan = (scanId: string, scannedAt: string, door = 'Accueil'): LocalScan => ({
  conferenceId: 'c',
  scanId,
  door,
  deviceId: '',
  scannedAt,
  idCheck: null,
});

describe('the door decides on its own list with the decider of libs/conference', () => {
  test('an expected ticket is admitted, and the admission is the event the phone keeps', () => {
    const { outcome, events } = decideLocally(scan('s1', '2026-12-02T09:41:00Z'), marie, conference, []);
    expect(outcome).toMatchObject({ result: 'admitted', registrationId: 'r-marie', door: 'Accueil' });
    expect(events.map((e) => e.type)).toEqual(['AttendeeAdmitted']);
  });

  describe('when this phone admitted the ticket already', () => {
    const first = decideLocally(scan('s1', '2026-12-02T09:41:00Z'), marie, conference, []).events;

    test('a second scan is refused with this phone’s time and door', () => {
      const { outcome } = decideLocally(scan('s2', '2026-12-02T09:45:00Z'), marie, conference, first);
      expect(outcome).toMatchObject({
        result: 'refused',
        reason: 'already_checked_in',
        previous: { at: '2026-12-02T09:41:00Z', door: 'Accueil' },
      });
    });

    test('after an undo the ticket is admitted again', () => {
      const undo: LocalEvent = undoneEvent('c', 'r-marie', 's1', 'erreur', '2026-12-02T09:42:00Z');
      const { outcome } = decideLocally(scan('s3', '2026-12-02T09:50:00Z'), marie, conference, [...first, undo]);
      expect(outcome.result).toBe('admitted');
    });
  });

  test('the list’s admission (another door) refuses the ticket, naming that door', () => {
    const admitted = { ...marie, admitted: { at: '2026-12-02T09:30:00Z', door: 'Côté' } };
    const { outcome } = decideLocally(scan('s1', '2026-12-02T09:41:00Z'), admitted, conference, []);
    expect(outcome).toMatchObject({ reason: 'already_checked_in', previous: { door: 'Côté' } });
  });

  test.each([
    ['cancelled', 'cancelled'],
    ['waitlisted', 'waitlisted'],
  ] as const)('a %s ticket is refused (%s)', (status, reason) => {
    const { outcome } = decideLocally(scan('s1', '2026-12-02T09:41:00Z'), { ...marie, status }, conference, []);
    expect(outcome).toMatchObject({ result: 'refused', reason });
  });

  test('a code the list does not know is refused unknown_ticket', () => {
    const { outcome } = decideLocally(scan('s1', '2026-12-02T09:41:00Z'), undefined, conference, []);
    expect(outcome).toMatchObject({ result: 'refused', reason: 'unknown_ticket', registrationId: null });
  });

  test('an ID check is needed where the conference requires one', () => {
    const strict = { ...conference, idCheckRequired: true };
    expect(decideLocally(scan('s1', '2026-12-02T09:41:00Z'), marie, strict, []).outcome).toMatchObject({
      reason: 'id_not_checked',
    });
    const checked = { ...scan('s2', '2026-12-02T09:41:00Z'), idCheck: { document: 'passport', nameMatches: false } };
    expect(decideLocally(checked as LocalScan, marie, strict, []).outcome).toMatchObject({ reason: 'id_mismatch' });
  });

  test('a person with no identity document is refused id_missing, as the server would', () => {
    const { outcome, events } = decideLocally(
      { ...scan('s1', '2026-12-02T09:41:00Z'), idCheck: { document: 'none', nameMatches: false } },
      marie,
      { ...conference, idCheckRequired: true },
      [],
    );
    expect(outcome).toMatchObject({ result: 'refused', reason: 'id_missing' });
    expect(events.map((e) => e.type)).toEqual(['EntryRefused']);
  });

  test('the ticket hash is the lower-case hex SHA-256 of the code’s UTF-8 bytes', async () => {
    const code = 'AapwXcCptT5ZNDh4wyNUuWkZ-é';
    await expect(ticketSha256(code)).resolves.toBe(createHash('sha256').update(code, 'utf8').digest('hex'));
  });
});
