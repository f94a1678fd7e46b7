import { queryMatcher, searchWords } from '@emargement/conference/text/search.js';
import type { DoorConference, DoorDataset, DoorTicket } from '../../api';
import { localStore, type ListMeta } from './local-store';
import { ticketSha256 } from './local-decision';

export type TicketRef = { ticketCode: string } | { registrationId: string };

/**
 * The day's list on the phone: in IndexedDB, and in memory by ticket digest
 * (a scanned code is hashed to be found; no ticket code is kept) and by
 * registration. A full list replaces it; a delta (`since` the list's cursor)
 * adds, replaces and removes lines.
 */
export class DoorList {
  private meta: ListMeta | null = null;
  private byHash = new Map<string, DoorTicket>();
  private byRegistration = new Map<string, DoorTicket>();
  /** Each ticket's search words, computed on the first search and dropped when the ticket changes. */
  private words: Map<string, string[]> | null = null;

  constructor(readonly conferenceId: string) {}

  /** The list's cursor, when it was refreshed, the conference's rules; null without a list. */
  get current(): ListMeta | null {
    return this.meta;
  }

  get size(): number {
    return this.byHash.size;
  }

  get conference(): DoorConference | null {
    return this.meta?.conference ?? null;
  }

  /** The cursor to ask the next delta from: none for another conference's list (the server sends it whole). */
  get since(): string | undefined {
    return this.meta?.conferenceId === this.conferenceId ? this.meta.cursor : undefined;
  }

  /** The list as IndexedDB held it. */
  adopt(meta: ListMeta | null, tickets: readonly DoorTicket[]): void {
    this.meta = meta;
    this.replace(tickets);
  }

  private replace(tickets: readonly DoorTicket[]): void {
    this.byHash = new Map(tickets.map((t) => [t.ticketSha256, t]));
    this.byRegistration = new Map(tickets.map((t) => [t.registrationId, t]));
    this.words = null;
  }

  /** The server's answer (`startedAt`: when it was asked), written to IndexedDB and then to memory. */
  async apply(dataset: DoorDataset, startedAt: number): Promise<void> {
    const meta: ListMeta = {
      conferenceId: this.conferenceId,
      cursor: dataset.cursor,
      refreshedAt: startedAt,
      conference: dataset.conference,
    };
    await localStore.saveList(meta, dataset.complete, dataset.tickets, dataset.removed, startedAt);
    this.meta = meta;
    if (dataset.complete) {
      this.replace(dataset.tickets);
      return;
    }
    for (const registrationId of dataset.removed) this.forget(registrationId);
    for (const ticket of dataset.tickets) this.put(ticket);
  }

  /** A line added or changed (a delta's, a walk-in made here, a payment or an undo seen here). */
  put(ticket: DoorTicket): void {
    const old = this.byRegistration.get(ticket.registrationId);
    if (old && old.ticketSha256 !== ticket.ticketSha256) this.byHash.delete(old.ticketSha256);
    this.byHash.set(ticket.ticketSha256, ticket);
    this.byRegistration.set(ticket.registrationId, ticket);
    this.words?.delete(ticket.registrationId);
  }

  /** Changes some of a line's fields in memory, until the next refresh brings the server's word. */
  patch(registrationId: string, fields: Partial<Pick<DoorTicket, 'admitted' | 'lunchPaid'>>): void {
    const ticket = this.byRegistration.get(registrationId);
    if (ticket) this.put({ ...ticket, ...fields });
  }

  /** A line gone from memory (the caller removes it from IndexedDB when it was stored alone). */
  forget(registrationId: string): DoorTicket | undefined {
    const old = this.byRegistration.get(registrationId);
    if (old) this.byHash.delete(old.ticketSha256);
    this.byRegistration.delete(registrationId);
    this.words?.delete(registrationId);
    return old;
  }

  /** The list forgotten in memory (IndexedDB is wiped by the engine, with the rest of the personal data). */
  clear(): void {
    this.adopt(null, []);
  }

  async lookUp(ref: TicketRef): Promise<DoorTicket | undefined> {
    if ('registrationId' in ref) return this.byRegistration.get(ref.registrationId);
    if (this.byHash.size === 0) return undefined;
    return this.byHash.get(await ticketSha256(ref.ticketCode));
  }

  ticketOf(registrationId: string): DoorTicket | undefined {
    return this.byRegistration.get(registrationId);
  }

  tickets(): IterableIterator<DoorTicket> {
    return this.byRegistration.values();
  }

  /** Name, organisation: the same forgiving match as the server's (accents, case, one typo), on the phone's list. */
  search(query: string, limit = 20): DoorTicket[] {
    if (this.words === null) this.words = new Map();
    const matches = queryMatcher(query);
    const found: DoorTicket[] = [];
    for (const ticket of this.byRegistration.values()) {
      let words = this.words.get(ticket.registrationId);
      if (words === undefined) {
        words = searchWords([ticket.firstName, ticket.lastName, ticket.organisation]);
        this.words.set(ticket.registrationId, words);
      }
      if (matches(words)) {
        found.push(ticket);
        if (found.length >= limit) break;
      }
    }
    return found;
  }
}
