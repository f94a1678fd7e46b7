/**
 * What the door engine's parts need of a browser, for their unit tests in
 * Node (never bundled: only the `*.unit.spec.ts` files import it): an
 * in-memory localStorage, the door's page address, IndexedDB from
 * fake-indexeddb, and a real HTTP server on a free port that the app's own
 * `fetch` calls reach (the app asks for `/api/...`, relative to its page).
 */
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import 'fake-indexeddb/auto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDB } from 'idb';
import type { DoorConference, DoorTicket } from '../../../api';
import { localStore } from '../local-store';

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem = (key: string): string | null => this.items.get(key) ?? null;
  setItem = (key: string, value: string): void => void this.items.set(key, value);
  removeItem = (key: string): void => void this.items.delete(key);
  clear = (): void => this.items.clear();
}

/** The door's page (`/door/`, a secure context) and its storage, as globals. */
export function installDoorPage(): void {
  const page = globalThis as unknown as Record<string, unknown>;
  page.localStorage = new MemoryStorage();
  page.window = {
    location: { pathname: '/door/', href: 'http://door.test/door/' },
    isSecureContext: true,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
}

/** Every store of the door's database emptied: each test starts from a phone that has nothing. */
export async function emptyDoorDb(): Promise<void> {
  // The app opens (and creates) its database first: opened here first, it would have no stores.
  await localStore.load('');
  const db = await openDB('emargement-door');
  const names = [...db.objectStoreNames];
  const tx = db.transaction(names, 'readwrite');
  await Promise.all([...names.map((name) => tx.objectStore(name).clear()), tx.done]);
  db.close();
  (globalThis.localStorage as unknown as MemoryStorage).clear();
}

/** Every store of the door's database, as IndexedDB holds it now. */
export async function doorDb(): Promise<Record<string, unknown[]>> {
  const db = await openDB('emargement-door');
  const names = [...db.objectStoreNames];
  const tx = db.transaction(names, 'readonly');
  const all = await Promise.all(names.map(async (name) => [name, await tx.objectStore(name).getAll()] as const));
  db.close();
  return Object.fromEntries(all);
}

export interface Received {
  method: string;
  path: string;
  body: unknown;
}

/** An answer of the test's server: a status and a JSON body. */
export interface Reply {
  status: number;
  body?: unknown;
}

export interface DoorServer {
  /** Every request since the test began, in the order it arrived. */
  received: Received[];
  /** How the server answers from now on. */
  answer(reply: (request: Received) => Reply): void;
}

const bodyOf = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : (JSON.parse(text) as unknown);
};

/**
 * For a spec file: the door's page, a phone with nothing stored before each
 * test, and a real HTTP server on a free port with the page's `fetch` pointed
 * at it: the app's requests (`/api/...`) travel over the network as in the
 * browser, through the app's own client (its timeouts, its error codes).
 */
export function withDoorServer(): DoorServer {
  let reply: (request: Received) => Reply = () => ({ status: 503, body: { code: 'not_ready', message: '' } });
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const got: Received = { method: request.method ?? 'GET', path: request.url ?? '/', body: await bodyOf(request) };
      received.push(got);
      const answer = reply(got);
      response.writeHead(answer.status, { 'Content-Type': 'application/json' });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    })();
  });
  const nodeFetch = globalThis.fetch;
  beforeAll(async () => {
    installDoorPage();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    globalThis.fetch = (input, init) => nodeFetch(new URL(input instanceof Request ? input.url : input, base), init);
  });
  beforeEach(async () => {
    await emptyDoorDb();
    received.length = 0;
  });
  afterAll(async () => {
    globalThis.fetch = nodeFetch;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    received,
    answer: (next) => {
      reply = next;
    },
  };
}

/** A conference of the day (its end far ahead, so that no test's phone forgets its list). */
export const dayConference = {
  name: 'Journée',
  doors: ['Accueil', 'Côté'],
  idCheckRequired: false,
  lunch: null,
  startsAt: '2026-12-02T08:00:00Z',
  endsAt: '2999-12-02T18:00:00Z',
  timezone: 'Europe/Paris',
} as const satisfies DoorConference;

/** A line of the list for a person, its ticket code being `code-<registrationId>`. */
export async function lineOf(
  registrationId: string,
  firstName: string,
  fields: Partial<DoorTicket> = {},
): Promise<DoorTicket> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`code-${registrationId}`));
  return {
    registrationId,
    ticketSha256: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''),
    firstName,
    lastName: 'Dupont',
    organisation: null,
    category: 'speaker',
    status: 'registered',
    lunch: false,
    lunchPaid: false,
    admitted: null,
    ...fields,
  };
}
