import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/**
 * What the roll-call phone keeps in IndexedDB to call the roll with the server
 * down (issue 23): the last list of people on site it heard of, the roll
 * calls it holds (who is expected, who is ticked), and an outbox of what the
 * server has not been told yet (a roll call started offline, each tick).
 * Ticks are facts from the assembly point: each has its own id, so the same
 * tick sent twice counts once, and ticks from several phones merge.
 */

export interface Person {
  registrationId: string;
  firstName: string;
  lastName: string;
  organisation: string;
}

export interface OnSiteList {
  conferenceId: string;
  people: Person[];
  /** When it was fetched (epoch ms). */
  at: number;
}

export interface Roll {
  rollCallId: string;
  conferenceId: string;
  startedAt: string;
  people: Person[];
  /** registrationId → when ticked (ISO), by this phone or, once synced, by any. */
  present: Record<string, string>;
}

export type Outgoing =
  | { id: string; queuedAt: number; kind: 'start'; conferenceId: string; rollCallId: string; startedAt: string }
  | {
      id: string;
      queuedAt: number;
      kind: 'mark';
      conferenceId: string;
      rollCallId: string;
      registrationId: string;
      at: string;
    };

interface RollDb extends DBSchema {
  onSite: { key: string; value: OnSiteList };
  rolls: { key: string; value: Roll; indexes: { conferenceId: string } };
  outbox: { key: string; value: Outgoing; indexes: { queuedAt: number } };
}

let opened: Promise<IDBPDatabase<RollDb>> | undefined;
const db = () =>
  (opened ??= openDB<RollDb>('emargement-roll-call', 1, {
    upgrade(d) {
      d.createObjectStore('onSite', { keyPath: 'conferenceId' });
      d.createObjectStore('rolls', { keyPath: 'rollCallId' }).createIndex('conferenceId', 'conferenceId');
      d.createObjectStore('outbox', { keyPath: 'id' }).createIndex('queuedAt', 'queuedAt');
    },
  }));

export const rollStore = {
  async saveOnSite(list: OnSiteList): Promise<void> {
    await (await db()).put('onSite', list);
  },
  async onSite(conferenceId: string): Promise<OnSiteList | undefined> {
    return (await db()).get('onSite', conferenceId);
  },
  async saveRoll(roll: Roll): Promise<void> {
    await (await db()).put('rolls', roll);
  },
  /** The roll call this phone last held for the conference. */
  async latestRoll(conferenceId: string): Promise<Roll | undefined> {
    const all = await (await db()).getAllFromIndex('rolls', 'conferenceId', conferenceId);
    return all.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  },
  /** A tick and its place in the outbox, in one transaction: a phone that dies in between loses neither. */
  async tick(roll: Roll, outgoing: Outgoing): Promise<void> {
    const tx = (await db()).transaction(['rolls', 'outbox'], 'readwrite');
    await Promise.all([tx.objectStore('rolls').put(roll), tx.objectStore('outbox').put(outgoing), tx.done]);
  },
  async queue(outgoing: Outgoing): Promise<void> {
    await (await db()).put('outbox', outgoing);
  },
  async outbox(): Promise<Outgoing[]> {
    return (await db()).getAllFromIndex('outbox', 'queuedAt');
  },
  async sent(id: string): Promise<void> {
    await (await db()).delete('outbox', id);
  },
};
