import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type {
  DoorConference,
  DoorTicket,
  PaymentMethod,
  RegisterRequest,
  ScanRequest,
  EntranceScanAnswer,
} from '../../api';
import type { LocalEvent } from './local-decision';

/**
 * What the door phone keeps in IndexedDB to work without the server:
 *
 * - `tickets`, the day's list (`GET .../door-dataset`), keyed by the ticket
 *   code's SHA-256: no ticket code is ever stored, a scanned code is hashed
 *   to be found;
 * - `meta`, the list's cursor, when it was last refreshed and the
 *   conference's rules;
 * - `decisions`, what this phone decided (online and offline) since the list
 *   was built, as the arrival events it folds with the list's admission, so
 *   that a second scan here is refused on the spot even before the server
 *   knows of the first;
 * - `outbox`, the scans decided offline and not yet acknowledged by the
 *   server, oldest first. It survives reloads, and a wipe of personal data
 *   keeps the scans (the admission happened) but drops the names.
 *
 * Every write that records a decision is one transaction over `decisions` and
 * `outbox`: a phone that dies between the two must not admit twice nor lose
 * a scan.
 */

export interface ListMeta {
  conferenceId: string;
  cursor: string;
  /** When the list was last brought up to date (epoch ms): « liste du 9:41 ». */
  refreshedAt: number;
  conference: DoorConference;
}

export interface Decision {
  scanId: string;
  conferenceId: string;
  registrationId: string;
  events: LocalEvent[];
  /** When the phone decided (epoch ms): the order in which its events are folded. */
  recordedAt: number;
  /** When the server acknowledged it (epoch ms); null while it waits in the outbox. */
  syncedAt: number | null;
}

/**
 * A lunch payment, or its reversal, taken while the server was away: it waits
 * in the outbox like a scan (keyed by `paymentId`, or `paymentId:reverse`),
 * behind that person's scans, and goes up with the same payment id, so a
 * repeated upload records one payment.
 */
export interface LunchJob {
  kind: 'pay' | 'reverse';
  registrationId: string;
  paymentId: string;
  amountCents: number;
  method: PaymentMethod;
  /** For a reversal: why the money was given back. */
  reason?: string;
}

/**
 * A walk-in registered while the server was away: the registration as the
 * door will send it (with the registration id and ticket code the phone drew),
 * queued ahead of the admission made on it, and what the phone decided.
 */
export interface WalkInJob {
  request: RegisterRequest & { ticketCode: string };
  decided: 'registered' | 'waitlisted';
}

/** An undo of an admission made without the server, sent on sync (same `undoId`: the server writes it once). */
export interface UndoJob {
  registrationId: string;
  undoId: string;
  reason: string;
  /** The admission meant, when the phone knows its scan; otherwise the one standing when the server gets it. */
  scanId: string | null;
}

export interface QueuedScan {
  scanId: string;
  conferenceId: string;
  /** For a lunch job, a scan-shaped label of it (registrationId, door, time): what orders and names it. */
  body: ScanRequest;
  /** Present for a lunch payment or reversal rather than a scan. */
  lunch?: LunchJob;
  /** Present for a walk-in registered offline rather than a scan. */
  walkIn?: WalkInJob;
  /** Present for an undo of an admission rather than a scan. */
  undo?: UndoJob;
  /** Order of arrival in the outbox. */
  queuedAt: number;
  /** For the notices after the upload; dropped when the phone wipes its personal data. */
  name: string | null;
}

/** The outcome of an upload, kept until staff dismiss it (a conflict must be seen). */
export interface SyncNotice {
  scanId: string;
  conferenceId: string;
  name: string | null;
  door: string;
  scannedAt: string;
  /** What the phone decided; null for a scan kept undecided (no list), which the server decided on upload. */
  offline: NonNullable<ScanRequest['offline']> | null;
  answer: EntranceScanAnswer | null;
  /** The server refused the upload itself (a 4xx): the scan could not be recorded. */
  rejected: string | null;
  /** A lunch payment or reversal rather than a scan. */
  lunch?: LunchJob['kind'];
  /** A walk-in registered offline that the server refused, or put on the waiting list. */
  walkIn?: 'rejected' | 'waitlisted';
  /** An undo of an admission rather than a scan. */
  undo?: boolean;
  at: number;
}

interface DoorDb extends DBSchema {
  tickets: { key: string; value: DoorTicket; indexes: { registrationId: string } };
  meta: { key: string; value: ListMeta };
  decisions: { key: string; value: Decision; indexes: { registrationId: string } };
  outbox: { key: string; value: QueuedScan; indexes: { queuedAt: number } };
  notices: { key: string; value: SyncNotice };
}

const DB_NAME = 'emargement-door';
const LIST = 'list';

let opening: Promise<IDBPDatabase<DoorDb>> | null = null;

function db(): Promise<IDBPDatabase<DoorDb>> {
  opening ??= openDB<DoorDb>(DB_NAME, 1, {
    upgrade(database) {
      const tickets = database.createObjectStore('tickets', { keyPath: 'ticketSha256' });
      tickets.createIndex('registrationId', 'registrationId', { unique: true });
      database.createObjectStore('meta');
      const decisions = database.createObjectStore('decisions', { keyPath: 'scanId' });
      decisions.createIndex('registrationId', 'registrationId');
      const outbox = database.createObjectStore('outbox', { keyPath: 'scanId' });
      outbox.createIndex('queuedAt', 'queuedAt');
      database.createObjectStore('notices', { keyPath: 'scanId' });
    },
  });
  return opening;
}

export interface LocalSnapshot {
  meta: ListMeta | null;
  tickets: DoorTicket[];
  decisions: Decision[];
  outbox: QueuedScan[];
  notices: SyncNotice[];
}

export const localStore = {
  /** Everything, for the engine's in-memory copy (one read at start). */
  async load(conferenceId: string): Promise<LocalSnapshot> {
    const d = await db();
    const tx = d.transaction(['meta', 'tickets', 'decisions', 'outbox', 'notices'], 'readonly');
    const [meta, tickets, decisions, outbox, notices] = await Promise.all([
      tx.objectStore('meta').get(LIST),
      tx.objectStore('tickets').getAll(),
      tx.objectStore('decisions').getAll(),
      tx.objectStore('outbox').index('queuedAt').getAll(),
      tx.objectStore('notices').getAll(),
    ]);
    await tx.done;
    const mine = meta?.conferenceId === conferenceId;
    return {
      meta: mine ? meta : null,
      tickets: mine ? tickets : [],
      decisions: decisions.filter((x) => x.conferenceId === conferenceId),
      // Every conference's scans: the engine sends each to its own conference.
      outbox,
      notices: notices.filter((n) => n.conferenceId === conferenceId),
    };
  },

  /**
   * Stores a list: a complete one replaces the tickets (and forgets the
   * decisions the server has acknowledged since `acknowledgedBefore`); a
   * delta upserts and removes.
   */
  async saveList(
    meta: ListMeta,
    complete: boolean,
    tickets: readonly DoorTicket[],
    removed: readonly string[],
    acknowledgedBefore: number,
  ): Promise<void> {
    const d = await db();
    const tx = d.transaction(['meta', 'tickets', 'decisions'], 'readwrite');
    const store = tx.objectStore('tickets');
    const writes: Promise<unknown>[] = [];
    if (complete) writes.push(store.clear());
    for (const registrationId of removed) {
      writes.push(
        store
          .index('registrationId')
          .getKey(registrationId)
          .then((key) => (key === undefined ? undefined : store.delete(key))),
      );
    }
    for (const ticket of tickets) {
      if (complete) {
        writes.push(store.put(ticket));
        continue;
      }
      // A ticket's hash does not change, but a re-issued one would: drop the old row of the same person first.
      writes.push(
        store
          .index('registrationId')
          .getKey(ticket.registrationId)
          .then(async (key) => {
            if (key !== undefined && key !== ticket.ticketSha256) await store.delete(key);
            await store.put(ticket);
          }),
      );
    }
    const decisions = tx.objectStore('decisions');
    writes.push(
      decisions
        .getAll()
        .then((all) =>
          Promise.all(
            all
              .filter((x) => x.syncedAt !== null && x.syncedAt < acknowledgedBefore)
              .map((x) => decisions.delete(x.scanId)),
          ),
        ),
    );
    writes.push(tx.objectStore('meta').put(meta, LIST));
    await Promise.all(writes);
    await tx.done;
  },

  /** A decision (none for a ticket the list does not know) and, made offline, its place in the outbox: both or neither. */
  async record(decision: Decision | null, queued: QueuedScan | null): Promise<void> {
    const d = await db();
    const tx = d.transaction(['decisions', 'outbox'], 'readwrite');
    await Promise.all([
      decision ? tx.objectStore('decisions').put(decision) : Promise.resolve(),
      queued ? tx.objectStore('outbox').put(queued) : Promise.resolve(),
      tx.done,
    ]);
  },

  /** Many answers at once (an upload writes in batches): one transaction. */
  async acknowledgeMany(answers: { scanId: string; notice: SyncNotice | null }[], syncedAt: number): Promise<void> {
    const d = await db();
    const tx = d.transaction(['decisions', 'outbox', 'notices'], 'readwrite');
    const decisions = tx.objectStore('decisions');
    const writes: Promise<unknown>[] = [];
    for (const { scanId, notice } of answers) {
      writes.push(
        decisions.get(scanId).then((decision) => (decision ? decisions.put({ ...decision, syncedAt }) : undefined)),
        tx.objectStore('outbox').delete(scanId),
      );
      if (notice) writes.push(tx.objectStore('notices').put(notice));
    }
    await Promise.all([...writes, tx.done]);
  },

  /**
   * A walk-in registered here, offline: its ticket joins the list and its
   * registration the outbox, in one transaction (the admission made on it
   * follows in the outbox, so the registration always goes up first).
   */
  async recordWalkIn(ticket: DoorTicket, queued: QueuedScan): Promise<void> {
    const d = await db();
    const tx = d.transaction(['tickets', 'outbox'], 'readwrite');
    await Promise.all([tx.objectStore('tickets').put(ticket), tx.objectStore('outbox').put(queued), tx.done]);
  },

  /** A walk-in's ticket the server did not take (a duplicate, say): the next list would drop it too. */
  async removeTicket(ticketSha256: string): Promise<void> {
    const d = await db();
    await d.delete('tickets', ticketSha256);
  },

  /** A job taken out of the outbox before it went up (a queued payment reversed on the spot). */
  async unqueue(scanId: string): Promise<void> {
    const d = await db();
    await d.delete('outbox', scanId);
  },

  async dismiss(scanId: string): Promise<void> {
    const d = await db();
    await d.delete('notices', scanId);
  },

  /**
   * The device was revoked, or the conference is long over: the list and the
   * names go. Queued scans stay (they are what happened at the door), without
   * the names the notices would have used.
   */
  async wipePersonalData(): Promise<void> {
    const d = await db();
    const tx = d.transaction(['meta', 'tickets', 'decisions', 'outbox', 'notices'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const queued = await outbox.getAll();
    await Promise.all([
      tx.objectStore('meta').clear(),
      tx.objectStore('tickets').clear(),
      tx.objectStore('decisions').clear(),
      tx.objectStore('notices').clear(),
      ...queued.map((q) => outbox.put({ ...q, name: null })),
      tx.done,
    ]);
  },
};
