import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { DoorDataset, DoorTicket } from '../../api';
import { DoorList } from './door-list';
import { localStore } from './local-store';
import { dayConference, doorDb, emptyDoorDb, installDoorPage, lineOf } from './test/node-door';

beforeAll(installDoorPage);
beforeEach(emptyDoorDb);

const dataset = (complete: boolean, cursor: string, tickets: DoorTicket[], removed: string[] = []): DoorDataset => ({
  cursor,
  complete,
  conference: dayConference,
  tickets,
  removed,
});

describe('the door list: a full list, then deltas since its cursor', () => {
  test('a delta adds, replaces and removes lines, in memory and in IndexedDB', async () => {
    const list = new DoorList('c');
    const marie = await lineOf('r-marie', 'Marie');
    const paul = await lineOf('r-paul', 'Paul');
    const anne = await lineOf('r-anne', 'Anne');
    await list.apply(dataset(true, '10', [marie, paul]), 1_000);
    expect(list.since).toBe('10');

    // Paul's ticket re-issued (another code), Marie erased, Anne registered.
    const paulAgain = { ...paul, ticketSha256: 'another-digest', lunchPaid: true };
    await list.apply(dataset(false, '12', [paulAgain, anne], ['r-marie']), 2_000);

    expect(list.size).toBe(2);
    expect(list.since).toBe('12');
    expect(list.current?.refreshedAt).toBe(2_000);
    expect(await list.lookUp({ ticketCode: 'code-r-marie' })).toBeUndefined();
    expect(list.ticketOf('r-marie')).toBeUndefined();
    // The old code of Paul's no longer finds him; his registration does, with the new line.
    expect(await list.lookUp({ ticketCode: 'code-r-paul' })).toBeUndefined();
    expect(await list.lookUp({ registrationId: 'r-paul' })).toEqual(paulAgain);
    expect(await list.lookUp({ ticketCode: 'code-r-anne' })).toEqual(anne);

    const stored = await doorDb();
    expect((stored.tickets as DoorTicket[]).map((t) => t.registrationId).sort()).toEqual(['r-anne', 'r-paul']);
    // What the phone reads after a reload is what it holds now.
    const reloaded = await localStore.load('c');
    expect(reloaded.meta?.cursor).toBe('12');
    expect(reloaded.tickets.map((t) => t.ticketSha256).sort()).toEqual([anne.ticketSha256, 'another-digest'].sort());
  });

  test('a complete list replaces the old one whole', async () => {
    const list = new DoorList('c');
    await list.apply(dataset(true, '10', [await lineOf('r-marie', 'Marie')]), 1_000);
    const paul = await lineOf('r-paul', 'Paul');
    await list.apply(dataset(true, '20', [paul]), 2_000);
    expect([...list.tickets()]).toEqual([paul]);
    expect((await doorDb()).tickets).toEqual([paul]);
  });

  test('another conference’s list is not a base for a delta: the next one is asked whole', () => {
    const list = new DoorList('c');
    list.adopt({ conferenceId: 'other', cursor: '99', refreshedAt: 1, conference: dayConference }, []);
    expect(list.since).toBeUndefined();
  });

  test('search finds a person whatever the accents and case, and a changed line is searched afresh', async () => {
    const list = new DoorList('c');
    await list.apply(dataset(true, '1', [await lineOf('r-helene', 'Hélène'), await lineOf('r-paul', 'Paul')]), 1);
    expect(list.search('helene').map((t) => t.registrationId)).toEqual(['r-helene']);
    list.put({ ...(await lineOf('r-paul', 'Paulette')) });
    expect(list.search('paulette').map((t) => t.registrationId)).toEqual(['r-paul']);
    list.forget('r-helene');
    expect(list.search('helene')).toEqual([]);
  });
});
