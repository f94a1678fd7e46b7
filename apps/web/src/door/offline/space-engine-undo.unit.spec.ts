// A space's phone learning from its list that an admission was undone (issue 23): the engine itself, on an
// IndexedDB in memory (fake-indexeddb), with the network answered by a stub of `fetch` (the boundary, not the
// thing under test).
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { DoorDataset, DoorTicket } from '@emargement/contract';
import { SpaceEngine } from './space-engine';

const conferenceId = '00000000-0000-4000-8000-0000000000c1';
const alice = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';

const ticket = (registrationId: string, admitted: boolean): DoorTicket => ({
  registrationId,
  ticketSha256: registrationId.replace(/-/g, '').padEnd(64, '0'),
  firstName: registrationId === alice ? 'Alice' : 'Bob',
  lastName: 'Martin',
  organisation: null,
  category: 'participant',
  status: 'registered',
  lunch: false,
  lunchPaid: false,
  admitted: admitted ? { at: '2014-09-19T07:40:00.000Z', door: 'Accueil' } : null,
  place: null,
});
const dataset = (cursor: string, complete: boolean, tickets: DoorTicket[]): DoorDataset => ({
  cursor,
  complete,
  conference: {
    name: 'Journée',
    doors: ['Accueil'],
    idCheckRequired: false,
    lunch: null,
    startsAt: '2014-09-19T07:00:00.000Z',
    endsAt: '2014-09-19T15:00:00.000Z',
    timezone: 'Europe/Paris',
    capacity: 100,
    walkIns: { beyondCapacity: false },
    spaces: [
      {
        spaceId: 'buffet',
        name: 'Buffet',
        opens: '12:30',
        closes: '14:00',
        capacity: null,
        audience: null,
        requiresLunch: false,
        oneEntry: false,
        exitScan: false,
      },
    ],
  },
  tickets,
  removed: [],
});

describe('a space’s phone told by its list that an admission was undone', () => {
  const answers: DoorDataset[] = [];
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    // The page the engine runs in: the door app (its token key); no localStorage (storage forgets, as in a
    // private mode).
    (globalThis as { window?: unknown }).window = { location: { pathname: '/door/' } };
    globalThis.fetch = () => {
      const next = answers.shift();
      if (next === undefined) return Promise.reject(new TypeError('offline'));
      return Promise.resolve(new Response(JSON.stringify(next), { status: 200 }));
    };
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
    delete (globalThis as { window?: unknown }).window;
  });

  test('checks out whoever it let in offline, by the decider’s rule; the others stay', async () => {
    const engine = new SpaceEngine(conferenceId);
    await engine.load();
    answers.push(dataset('1', true, [ticket(alice, true), ticket(bob, true)]));
    await engine.refresh();
    // Offline at 12:40: both let into the buffet by the phone itself (in its outbox).
    for (const who of [alice, bob]) {
      const decided = await engine.decideHere(
        `in-${who}`,
        '2014-09-19T12:40:00+02:00',
        { registrationId: who },
        'Buffet',
        'in',
      );
      expect(decided?.answer.result).toBe('admitted');
    }
    expect(engine.inside('Buffet')).toBe(2);
    // The list's next delta: Alice's admission was undone at the entrance.
    answers.push(dataset('2', false, [ticket(alice, false)]));
    await engine.refresh();
    expect(engine.inside('Buffet')).toBe(1);
    const state = engine.movements()!;
    expect([...state.inside.get('buffet')!]).toEqual([bob]);
    // The movement stays in the outbox (it happened; the server records it with its conflict).
    expect(engine.getState().pending).toBe(2);
    // A later delta that does not change Alice leaves her out (the check-out stays until her row changes).
    answers.push(dataset('3', false, [ticket(bob, true)]));
    await engine.refresh();
    expect(engine.inside('Buffet')).toBe(1);
  });

  test('someone who left the site and is admitted again at the entrance is back on site: the buffet lets them in', async () => {
    const engine = new SpaceEngine('00000000-0000-4000-8000-0000000000c2');
    await engine.load();
    // Alice left the site at 11:00 (a site door's exit scan, in her place on the list).
    const left = (admittedAt: string): DoorTicket => ({
      ...ticket(alice, true),
      admitted: { at: admittedAt, door: 'Accueil' },
      place: { inside: null, leftSiteAt: '2014-09-19T09:00:00.000Z', entered: [] },
    });
    answers.push(dataset('1', true, [left('2014-09-19T07:40:00.000Z'), ticket(bob, true)]));
    await engine.refresh();
    const tryBuffet = async (scanId: string) =>
      (await engine.decideHere(scanId, '2014-09-19T12:40:00+02:00', { registrationId: alice }, 'Buffet', 'in'))?.answer;
    expect(await tryBuffet('a1')).toMatchObject({ result: 'refused', reason: 'not_admitted' });
    // Her admission undone and made again at 11:20: the list says so before its place does (the server's re-entry
    // is recorded a moment later); the phone applies the decider's rule to what its list says.
    answers.push(dataset('2', false, [left('2014-09-19T09:20:00.000Z')]));
    await engine.refresh();
    expect(engine.movements()!.leftSite.has(alice)).toBe(false);
    expect(await tryBuffet('a2')).toMatchObject({ result: 'admitted', direction: 'in' });
    expect(engine.inside('Buffet')).toBe(1);
  });
});
