import { describe, expect, test } from '@jest/globals';
import { api, type Attendee, type DoorDataset } from '../api';
import { attendeeOf, emptyAttendee } from './attendee';
import { DoorEngine } from './offline/door-engine';
import { dayConference, lineOf, withDoorServer } from './offline/test/node-door';
import { firstStep, shownAnswer, type ScanDoor } from './scan-flow';

const server = withDoorServer();

const checking = { ...dayConference, idCheckRequired: true };

/** The door as DoorApp wires it: its engine (with the list the server gives, if any) and the server's look-up. */
async function door(withList: boolean): Promise<ScanDoor> {
  const marie = await lineOf('r-marie', 'Marie');
  const paul = await lineOf('r-paul', 'Paul', { admitted: { at: '2026-12-02T08:30:00Z', door: 'Côté' } });
  server.answer((r) => {
    if (r.path.startsWith('/api/conferences/c/door-dataset')) {
      const dataset: DoorDataset = {
        cursor: '1',
        complete: true,
        conference: checking,
        tickets: [marie, paul],
        removed: [],
      };
      return withList ? { status: 200, body: dataset } : { status: 503, body: { code: 'not_ready', message: '' } };
    }
    if (r.path === '/api/conferences/c/tickets/new-code') {
      return {
        status: 200,
        body: {
          ticketCode: 'new-code',
          state: 'expected',
          attendee: { ...attendeeOf(marie), registrationId: 'r-new', firstName: 'Nouvelle', category: 'speaker' },
          idCheckRequired: true,
          lunch: { expected: false, paid: false, priceCents: null, currency: null },
        },
      };
    }
    if (r.path === '/api/conferences/c/tickets/not-yours')
      return { status: 403, body: { code: 'forbidden', message: '' } };
    return { status: 404, body: { code: 'unknown_ticket', message: '' } };
  });
  const engine = new DoorEngine('c', 'Accueil', checking);
  await engine.load();
  await engine.refresh();
  return {
    preview: (ref) => engine.preview(ref, null),
    online: () => true,
    lookUp: (ticketCode) => api.ticket('c', ticketCode),
    idCheckRequired: true,
  };
}

describe('a ticket read: the ID check first when the decider wants one, else the scan at once', () => {
  test('a ticket of the list not yet in, at a conference that checks IDs: the check first', async () => {
    const step = await firstStep({ ticketCode: 'code-r-marie' }, null, await door(true));
    expect(step).toMatchObject({ kind: 'confirm', attendee: { registrationId: 'r-marie' } });
  });

  test('a ticket of the list already in: no check, the scan goes on (to be refused for what it is)', async () => {
    expect(await firstStep({ ticketCode: 'code-r-paul' }, null, await door(true))).toMatchObject({ kind: 'send' });
  });

  test('a person found by the server’s search, no list on the phone: the decider’s question on their state', async () => {
    const scanDoor = await door(false);
    const found: Attendee = { ...emptyAttendee, registrationId: 'r-x', firstName: 'X', status: 'registered' };
    const admitted = { ...found, admitted: { at: '2026-12-02T08:30:00Z', door: 'Côté' } };
    const waitlisted: Attendee = { ...found, status: 'waitlisted' };
    expect(await firstStep({ registrationId: 'r-x' }, found, scanDoor)).toEqual({ kind: 'confirm', attendee: found });
    expect(await firstStep({ registrationId: 'r-x' }, admitted, scanDoor)).toMatchObject({ kind: 'send' });
    expect(await firstStep({ registrationId: 'r-x' }, waitlisted, scanDoor)).toMatchObject({ kind: 'send' });
  });

  test('a code the list does not know is asked of the server: expected, the check first', async () => {
    const step = await firstStep({ ticketCode: 'new-code' }, null, await door(true));
    expect(step).toMatchObject({ kind: 'confirm', attendee: { registrationId: 'r-new', firstName: 'Nouvelle' } });
  });

  test('unknown to the server too, the scan goes on and is recorded; refused access is an error shown', async () => {
    const scanDoor = await door(true);
    expect(await firstStep({ ticketCode: 'nobody' }, null, scanDoor)).toEqual({ kind: 'send', attendee: null });
    expect(await firstStep({ ticketCode: 'not-yours' }, null, scanDoor)).toMatchObject({
      kind: 'error',
      error: { code: 'forbidden' },
    });
  });
});

describe('what a scan’s answer shows', () => {
  const nameOf = (a: Attendee) => `${a.firstName} ${a.lastName}`;

  test('admitted by the server: the undo button takes that scan back', async () => {
    const ticket = await lineOf('r-marie', 'Marie');
    const shown = shownAnswer(
      { source: 'server', scanId: 's1', answer: { scanId: 's1', result: 'admitted' }, ticket },
      null,
      nameOf,
    );
    expect(shown).toMatchObject({
      tune: 'admitted',
      lastAdmission: { scanId: 's1', name: 'Marie Dupont' },
      screen: { outcome: 'admitted', local: false, attendee: { registrationId: 'r-marie' } },
    });
  });

  test('admitted on the phone: no undo button (the server does not know the scan yet)', async () => {
    const ticket = await lineOf('r-marie', 'Marie');
    const shown = shownAnswer(
      {
        source: 'local',
        scanId: 's2',
        outcome: { scanId: 's2', result: 'admitted' } as never,
        ticket,
        pendingAfter: 1,
      },
      null,
      nameOf,
    );
    expect(shown).toMatchObject({ tune: 'admitted', lastAdmission: null, screen: { local: true } });
  });

  test('refused on the phone: the reason and the earlier admission; kept undecided: the queued sound', () => {
    const previous = { at: '2026-12-02T08:30:00Z', door: 'Côté' };
    const refused = shownAnswer(
      {
        source: 'local',
        scanId: 's3',
        outcome: { scanId: 's3', result: 'refused', reason: 'already_checked_in', previous } as never,
        ticket: undefined,
        pendingAfter: 1,
      },
      null,
      nameOf,
    );
    expect(refused).toEqual({
      tune: 'refused',
      screen: {
        kind: 'result',
        outcome: 'refused',
        local: true,
        scanId: 's3',
        attendee: null,
        reason: 'already_checked_in',
        previous,
      },
    });
    const queued = shownAnswer({ source: 'queued', scanId: 's4', ticket: undefined, pendingAfter: 2 }, null, nameOf);
    expect(queued).toEqual({
      tune: 'queued',
      screen: { kind: 'result', outcome: 'queued', local: false, scanId: 's4', attendee: null },
    });
  });
});
