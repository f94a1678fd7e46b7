// The rules of a space's door are the server's: the movements decider of
// libs/spaces, bundled as it is (no copy), as local-decision.ts bundles the
// entrance's. Only the facts it is given come from the phone's list.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  foldMovements,
  movementsDecider,
  movementsFromPlaces,
  spaceNamed,
  type MovementAnswer as Decided,
  type MovementEvent,
  type MovementRefusalReason,
  type MovementsState,
  type Place,
} from '@emargement/spaces';
import { api, ApiError, NetworkError, type DoorConference, type DoorTicket, type MovementRequest } from '../../api';
import { ticketSha256 } from './local-decision';

/**
 * What a space's door phone keeps to decide movements without the server
 * (issue 23), in its own IndexedDB database (the entrance's engine keeps its
 * own; a phone is at one or the other):
 *
 * - the door's list (`GET …/door-dataset`, whole then by delta): the spaces,
 *   and for each person their ticket's facts and their place (inside which
 *   space, left the site, one-entry spaces entered);
 * - a journal: the movements this phone decided since the list was built (as
 *   the decider's events, folded on top of the list so a second scan here
 *   sees the first), the outbox of those decided offline, and what the
 *   server said on upload (conflicts) until dismissed. The journal is one
 *   record, written in one transaction: a phone that dies mid-scan neither
 *   loses a movement nor counts it without sending it.
 *
 * Offline the phone decides with `decide`, on its state; the movement goes up
 * later with `offline: {result, reason?, direction}` and its `scannedAt`, and
 * the server records it as it happened, with a conflict where it would have
 * refused. The same `scanId` again writes nothing there, so a lost answer
 * and a retry are one movement.
 */

export interface QueuedMovement {
  scanId: string;
  body: MovementRequest & {
    scannedAt: string;
    offline: { result: 'admitted' | 'refused'; reason?: MovementRefusalReason; direction: 'in' | 'out' };
  };
  name: string | null;
}

export interface MovementNotice {
  scanId: string;
  name: string | null;
  space: string;
  scannedAt: string;
  /** The server's reason where it would have refused what the phone let through; or why it refused the upload. */
  conflict: string | null;
  rejected: string | null;
}

export interface OwnMovement {
  scanId: string;
  registrationId: string;
  events: MovementEvent[];
  /** When the server acknowledged it (epoch ms); null while in the outbox. */
  syncedAt: number | null;
}

interface SpaceList {
  conferenceId: string;
  cursor: string;
  refreshedAt: number;
  conference: DoorConference;
  tickets: DoorTicket[];
}

interface Journal {
  conferenceId: string;
  own: OwnMovement[];
  outbox: QueuedMovement[];
  notices: MovementNotice[];
}

interface SpaceDb extends DBSchema {
  lists: { key: string; value: SpaceList };
  journals: { key: string; value: Journal };
}

let opening: Promise<IDBPDatabase<SpaceDb>> | null = null;
const db = () =>
  (opening ??= openDB<SpaceDb>('emargement-space', 1, {
    upgrade(d) {
      d.createObjectStore('lists', { keyPath: 'conferenceId' });
      d.createObjectStore('journals', { keyPath: 'conferenceId' });
    },
  }));

/** What the screen shows of a movement, decided by the server or here: the shape of the server's answer. */
export interface SpaceAnswer {
  scanId: string;
  result: 'admitted' | 'refused';
  direction?: 'in' | 'out';
  space?: string;
  reason?: MovementRefusalReason;
  detail?: Readonly<Record<string, string | number>>;
}

export interface SpaceEngineState {
  loaded: boolean;
  /** Movements decided here and not yet told to the server. */
  pending: number;
  /** The phone holds a list to decide on. */
  hasList: boolean;
  notices: readonly MovementNotice[];
  /** Bumped on every change (the screen re-reads counts). */
  version: number;
}

const unavailable = (error: unknown): boolean =>
  error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 429));

export class SpaceEngine {
  private list: SpaceList | null = null;
  private journal: Journal;
  private byHash = new Map<string, DoorTicket>();
  private byRegistration = new Map<string, DoorTicket>();
  private folded: MovementsState | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  private state: SpaceEngineState = { loaded: false, pending: 0, hasList: false, notices: [], version: 0 };

  constructor(readonly conferenceId: string) {
    this.journal = { conferenceId, own: [], outbox: [], notices: [] };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = (): SpaceEngineState => this.state;

  private changed(): void {
    this.folded = null;
    this.state = {
      loaded: true,
      pending: this.journal.outbox.length,
      hasList: this.list !== null,
      notices: this.journal.notices,
      version: this.state.version + 1,
    };
    for (const listener of [...this.listeners]) listener();
  }

  /** One network or storage job at a time (a refresh and an upload must not interleave their writes). */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  async load(): Promise<void> {
    const d = await db();
    const [list, journal] = await Promise.all([
      d.get('lists', this.conferenceId),
      d.get('journals', this.conferenceId),
    ]);
    this.setList(list ?? null);
    if (journal) this.journal = journal;
    this.changed();
  }

  private setList(list: SpaceList | null): void {
    this.list = list;
    this.byHash = new Map((list?.tickets ?? []).map((t) => [t.ticketSha256, t]));
    this.byRegistration = new Map((list?.tickets ?? []).map((t) => [t.registrationId, t]));
  }

  private async saveJournal(): Promise<void> {
    await (await db()).put('journals', this.journal);
  }

  /** The movements as this phone knows them: the list's places, then its own movements since. */
  movements(): MovementsState | null {
    if (this.list === null) return null;
    if (this.folded === null) {
      const state = foldMovements(
        this.journal.own.flatMap((m) => m.events),
        movementsFromPlaces(
          this.conferenceId,
          this.list.conference.spaces ?? [],
          this.list.tickets.flatMap((t): Place[] =>
            t.place ? [{ registrationId: t.registrationId, ...t.place }] : [],
          ),
        ),
      );
      // Last, so an exit this phone saw after the admission still counts: only a later admission brings back.
      this.folded = foldMovements(returnsForAdmitted(state, this.conferenceId, this.list.tickets), state);
    }
    return this.folded;
  }

  /** How many are inside the space, as this phone knows it; null without a list. */
  inside(space: string): number | null {
    const state = this.movements();
    const found = state && spaceNamed(state, space);
    return found ? (state.inside.get(found.spaceId)?.size ?? 0) : null;
  }

  async lookUp(ref: { ticketCode: string } | { registrationId: string }): Promise<DoorTicket | undefined> {
    if ('registrationId' in ref) return this.byRegistration.get(ref.registrationId);
    if (this.byHash.size === 0) return undefined;
    return this.byHash.get(await ticketSha256(ref.ticketCode));
  }

  /** Brings the list up to date: whole the first time, by delta after. */
  refresh(): Promise<void> {
    return this.exclusive(() => this.refreshNow());
  }

  private async refreshNow(): Promise<void> {
    const startedAt = Date.now();
    const since = this.list?.cursor;
    const dataset = await api.doorDataset(this.conferenceId, since, { timeoutMs: since ? 10_000 : 60_000 });
    const tickets = new Map(dataset.complete ? [] : (this.list?.tickets ?? []).map((t) => [t.registrationId, t]));
    for (const id of dataset.removed) tickets.delete(id);
    for (const t of dataset.tickets) tickets.set(t.registrationId, t);
    const list: SpaceList = {
      conferenceId: this.conferenceId,
      cursor: dataset.cursor,
      refreshedAt: startedAt,
      conference: dataset.conference,
      tickets: [...tickets.values()],
    };
    // A movement the server acknowledged before this list was asked for is in it once the person's row has come
    // (a whole list, or a delta carrying that row); until then the phone keeps folding it (a list may lag).
    const changed = new Set(dataset.tickets.map((t) => t.registrationId));
    const own = this.journal.own.filter(
      (m) => m.syncedAt === null || m.syncedAt >= startedAt || (!dataset.complete && !changed.has(m.registrationId)),
    );
    // Admissions undone since the last list: whoever this phone still counts inside (a movement of its own not yet
    // in the list) is checked out by the decider's own rule, as the server does when it records the undo.
    const undone = dataset.tickets.filter(
      (t) => t.admitted === null && (this.byRegistration.get(t.registrationId)?.admitted ?? null) !== null,
    );
    if (undone.length > 0) {
      const state = foldMovements(
        own.flatMap((m) => m.events),
        movementsFromPlaces(
          this.conferenceId,
          list.conference.spaces ?? [],
          list.tickets.flatMap((t): Place[] => (t.place ? [{ registrationId: t.registrationId, ...t.place }] : [])),
        ),
      );
      own.push(...checkOutsForUndone(state, this.conferenceId, undone, new Date(startedAt).toISOString()));
    }
    const d = await db();
    const tx = d.transaction(['lists', 'journals'], 'readwrite');
    this.journal = { ...this.journal, own };
    await Promise.all([tx.objectStore('lists').put(list), tx.objectStore('journals').put(this.journal), tx.done]);
    this.setList(list);
    this.changed();
  }

  /**
   * A movement decided here, without the server: the same decider on the
   * phone's state, the same scan id and time the online attempt had.
   * `null` when the phone cannot decide (no list yet, a ticket it does not
   * know, or a space the list does not have): nothing is recorded.
   */
  async decideHere(
    scanId: string,
    scannedAt: string,
    ref: { ticketCode: string } | { registrationId: string },
    space: string,
    direction: 'in' | 'out' | 'auto',
  ): Promise<{ answer: SpaceAnswer; ticket: DoorTicket } | null> {
    const state = this.movements();
    const ticket = await this.lookUp(ref);
    const where = state && spaceNamed(state, space);
    if (!state || !ticket || !where || !this.list) return null;
    const decision = movementsDecider.decide(
      {
        type: 'MovePerson',
        data: {
          conferenceId: this.conferenceId,
          scanId,
          registrationId: ticket.registrationId,
          spaceId: where.spaceId,
          direction,
          at: scannedAt,
          timezone: this.list.conference.timezone,
          deviceId: '',
          person: {
            admitted: ticket.admitted !== null && ticket.status === 'registered',
            lunchPaid: ticket.lunchPaid,
            category: ticket.category,
          },
        },
      },
      state,
    );
    if (!decision.ok) return null;
    const decided = decision.outcome as Decided;
    const queued: QueuedMovement = {
      scanId,
      body: {
        scanId,
        registrationId: ticket.registrationId,
        space: where.name,
        direction,
        scannedAt,
        offline: {
          result: decided.result,
          ...(decided.reason !== null ? { reason: decided.reason } : {}),
          direction: decided.direction,
        },
      },
      name: `${ticket.firstName} ${ticket.lastName}`.trim() || null,
    };
    await this.exclusive(async () => {
      this.journal = {
        ...this.journal,
        own: [
          ...this.journal.own,
          { scanId, registrationId: ticket.registrationId, events: [...decision.events], syncedAt: null },
        ],
        outbox: [...this.journal.outbox, queued],
      };
      await this.saveJournal();
      this.changed();
    });
    return {
      answer: {
        scanId,
        result: decided.result,
        direction: decided.direction,
        space: where.name,
        ...(decided.reason !== null ? { reason: decided.reason } : {}),
        ...(decided.detail !== null ? { detail: decided.detail } : {}),
      },
      ticket,
    };
  }

  /**
   * A movement the server let through while online, folded here too (as the
   * entrance's engine remembers its admissions): if the network drops a
   * second later, the next scan of that person is decided knowing it, before
   * the list's next delta brings it. The events are the decider's own for
   * the movement as it happened; nothing goes to the outbox.
   */
  async remember(scanId: string, registrationId: string, space: string, direction: 'in' | 'out'): Promise<void> {
    const state = this.movements();
    const ticket = this.byRegistration.get(registrationId);
    const where = state && spaceNamed(state, space);
    if (!state || !ticket || !where || !this.list) return;
    const decision = movementsDecider.decide(
      {
        type: 'MovePerson',
        data: {
          conferenceId: this.conferenceId,
          scanId,
          registrationId,
          spaceId: where.spaceId,
          direction,
          at: new Date().toISOString(),
          timezone: this.list.conference.timezone,
          deviceId: '',
          person: { admitted: true, lunchPaid: ticket.lunchPaid, category: ticket.category },
          // Recorded as the server decided it: « as it happened », whatever this phone's older state would say.
          offline: { result: 'admitted', reason: null, direction, receivedAt: '', conflictId: '' },
        },
      },
      state,
    );
    if (!decision.ok) return;
    const events = decision.events.filter((e) => e.type !== 'MovementConflicted');
    await this.exclusive(async () => {
      this.journal = {
        ...this.journal,
        own: [...this.journal.own, { scanId, registrationId, events, syncedAt: Date.now() }],
      };
      await this.saveJournal();
      this.changed();
    });
  }

  /**
   * Sends the outbox, oldest first, one movement at a time (the server
   * judges each on what it knows when it arrives, so the order they were made
   * in is kept); stops at the first sign the server is away. Then refreshes
   * the list. Returns whether everything went.
   */
  sync(): Promise<boolean> {
    return this.exclusive(async () => {
      while (this.journal.outbox.length > 0) {
        const queued = this.journal.outbox[0]!;
        let notice: MovementNotice | null = null;
        try {
          const answer = await api.movement(this.conferenceId, queued.body, { timeoutMs: 10_000 });
          if (answer.conflict) notice = this.notice(queued, answer.conflict.reason, null);
        } catch (error) {
          if (unavailable(error) || (error instanceof ApiError && error.status === 401)) return false;
          // The server will never take this one as it is: sending it again would hold up every movement behind it.
          notice = this.notice(queued, null, error instanceof ApiError ? error.code : 'error');
        }
        const now = Date.now();
        this.journal = {
          ...this.journal,
          outbox: this.journal.outbox.slice(1),
          // A movement the server would not record is no movement: the phone stops counting it.
          own: this.journal.own.flatMap((m) =>
            m.scanId !== queued.scanId ? [m] : notice?.rejected ? [] : [{ ...m, syncedAt: now }],
          ),
          notices: notice ? [...this.journal.notices, notice] : this.journal.notices,
        };
        await this.saveJournal();
        this.changed();
      }
      await this.refreshNow().catch(() => undefined);
      return true;
    });
  }

  private notice(queued: QueuedMovement, conflict: string | null, rejected: string | null): MovementNotice {
    return {
      scanId: queued.scanId,
      name: queued.name,
      space: queued.body.space,
      scannedAt: queued.body.scannedAt,
      conflict,
      rejected,
    };
  }

  async dismiss(scanId: string): Promise<void> {
    await this.exclusive(async () => {
      this.journal = { ...this.journal, notices: this.journal.notices.filter((n) => n.scanId !== scanId) };
      await this.saveJournal();
      this.changed();
    });
  }
}

/**
 * The check-outs of people whose admission at the entrance was undone (their
 * list row says admitted before, not now) and whom `state` still has inside a
 * space: the movements decider's `CheckOutAdmissionUndone`, the rule the
 * server runs on the same undo. Kept as this phone's own movements, already
 * told (the server writes its own): the next row of that person replaces them.
 */
export function checkOutsForUndone(
  state: MovementsState,
  conferenceId: string,
  undone: readonly Pick<DoorTicket, 'registrationId'>[],
  at: string,
): OwnMovement[] {
  const own: OwnMovement[] = [];
  for (const { registrationId } of undone) {
    const decision = movementsDecider.decide(
      {
        type: 'CheckOutAdmissionUndone',
        data: { conferenceId, registrationId, at, deviceId: null, admitted: false },
      },
      state,
    );
    if (decision.ok && decision.events.length > 0) {
      own.push({ scanId: `undone-${registrationId}-${at}`, registrationId, events: [...decision.events], syncedAt: 0 });
    }
  }
  return own;
}

/**
 * The re-entries of people `state` has as having left the site whose list row
 * says they were admitted at the entrance since (their admission undone, then
 * made again): the movements decider's `ReturnAdmittedToSite`, the rule the
 * server runs on the same admission. Folded each time from the list, never
 * kept nor sent (the server records its own; the person's next row carries
 * it in their place).
 */
export function returnsForAdmitted(
  state: MovementsState,
  conferenceId: string,
  tickets: readonly Pick<DoorTicket, 'registrationId' | 'admitted'>[],
): MovementEvent[] {
  const events: MovementEvent[] = [];
  for (const { registrationId, admitted } of tickets) {
    if (admitted === null || !state.leftSite.has(registrationId)) continue;
    const decision = movementsDecider.decide(
      {
        type: 'ReturnAdmittedToSite',
        data: {
          conferenceId,
          registrationId,
          scanId: `admitted-${registrationId}-${admitted.at}`,
          at: admitted.at,
          deviceId: '',
        },
      },
      state,
    );
    if (decision.ok) events.push(...decision.events);
  }
  return events;
}

/** The server is away (no answer, a 5xx, rate-limited): the phone decides itself. */
export const serverAway = unavailable;
