import type { ScanOutcome } from '../../../../../libs/conference/src/arrival/arrival';
import { queryMatcher, searchWords } from '../../../../../libs/conference/src/text/search';
import {
  api,
  ApiError,
  NetworkError,
  onAuthFailure,
  setAmbientHeaders,
  type DoorConference,
  type DoorDataset,
  type DoorTicket,
  type IdCheck,
  type PaymentMethod,
  type RegisterRequest,
  type ScanRequest,
  type ScanResult,
} from '../../api';
import { newId } from '../../format';
import { storage } from '../../storage';
import {
  decideLocally,
  LIST_ADMISSION_ID,
  standingAdmission,
  ticketSha256,
  undoneEvent,
  type LocalEvent,
} from './local-decision';
import {
  decideWalkInLocally,
  newTicketCode,
  placesFromList,
  type WalkInPlaces,
  type WalkInRegistered,
} from './walk-ins';
import {
  localStore,
  type Decision,
  type ListMeta,
  type LunchJob,
  type QueuedScan,
  type WalkInJob,
  type SyncNotice,
  type UndoJob,
} from './local-store';

/**
 * The door's offline engine: the day's list, the phone's own decisions, the
 * outbox, and the switch between asking the server and deciding here.
 *
 * The switch works as pretixSCAN's does (shared/FIELD-NOTES.md):
 * - online, a scan goes to the server with a short timeout; no answer in
 *   time, a network error or a 5xx, and the same scan (same scanId, same
 *   scannedAt) is decided here and queued with what was decided, so a late
 *   server answer and the local decision are one scan, never two;
 * - after 2 failures among the last 5 calls (a failed scan is followed at
 *   once by a health check, which counts too), the phone stays offline and
 *   decides every scan at once, probing the server every few seconds;
 * - when the server answers again, the outbox goes up oldest first, one scan
 *   at a time, then the list is refreshed.
 *
 * What could still go wrong is the case pretix calls dangerous: the server
 * admitted, its answer was lost, and the phone decided otherwise. The scan's
 * id is the same, so the server keeps its first answer and writes nothing
 * new: what the server recorded stands, and the phone learns it on upload.
 */

export type Connectivity = 'online' | 'offline' | 'syncing';

export interface EngineState {
  /** The local copy has been read from IndexedDB. */
  loaded: boolean;
  connectivity: Connectivity;
  /** Scans waiting in the outbox (every conference's). */
  pending: number;
  /** When the list was last brought up to date (epoch ms), null without a list. */
  refreshedAt: number | null;
  listSize: number;
  conference: DoorConference | null;
  /** Conflicts and rejections from uploads, until dismissed. */
  notices: SyncNotice[];
  /** How many uploaded scans the server agreed with, since the last sync started. */
  lastSyncAgreed: number;
  /** The personal data was wiped: the device was revoked, or the conference is long over. */
  wiped: 'revoked' | 'ended' | null;
  /** Lunch money this phone took for this conference, by method, reversals deducted: what its till should hold. */
  till: Till;
}

export type Till = Partial<Record<PaymentMethod, { count: number; cents: number }>>;

/** A lunch payment as the door took it (what a reversal gives back). */
export interface TakenPayment {
  paymentId: string;
  amountCents: number;
  method: PaymentMethod;
}

/** What a scan came to, for the screen. */
export type ScanAnswer =
  | { source: 'server'; scanId: string; answer: ScanResult; ticket: DoorTicket | undefined }
  | { source: 'local'; scanId: string; outcome: ScanOutcome; ticket: DoorTicket | undefined; pendingAfter: number }
  /** No list on the phone to decide on: the scan is kept, undecided, and the server decides when it gets it. */
  | { source: 'queued'; scanId: string; ticket: undefined; pendingAfter: number };

export type TicketRef = { ticketCode: string } | { registrationId: string };

export const ONLINE_SCAN_TIMEOUT_MS = 3_000;
export const REFRESH_EVERY_MS = 15_000;
export const PROBE_EVERY_MS = 3_000;
/** Scans of different tickets in flight at once during an upload (see `sync`). */
export const UPLOAD_WINDOW = 4;
const WINDOW = 5;
const FAILURES_TO_GO_OFFLINE = 2;
/** Twelve hours after the conference's end, the phone forgets the list. */
const KEEP_AFTER_END_MS = 12 * 60 * 60 * 1000;

/** Where the door kept its retry queue before the outbox (localStorage). */
const OLD_QUEUE_KEY = 'scanQueue';

const unavailable = (error: unknown): boolean =>
  error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 429));

/**
 * Sends one outbox job: `refused: null` when the server took it, its refusal code when it never will (sending
 * it again would get the same answer and hold up the jobs behind it), `'stop'` when the server is away or the
 * device's token refused, to try again on the next sync.
 */
async function attempt(send: () => Promise<unknown>): Promise<{ refused: string | null } | 'stop'> {
  try {
    await send();
    return { refused: null };
  } catch (error) {
    if (unavailable(error) || (error instanceof ApiError && error.status === 401)) return 'stop';
    return { refused: error instanceof ApiError ? error.code : 'error' };
  }
}

/** What staff are told of an outbox job the server refused or answered otherwise on sync (`kind`: which job). */
const refusedNotice = (
  queued: QueuedScan,
  rejected: string | null,
  kind: Pick<SyncNotice, 'undo' | 'lunch' | 'walkIn'>,
): SyncNotice => ({
  scanId: queued.scanId,
  conferenceId: queued.conferenceId,
  name: queued.name,
  door: queued.body.door,
  scannedAt: queued.body.scannedAt,
  offline: null,
  answer: null,
  rejected,
  ...kind,
  at: Date.now(),
});

export class DoorEngine {
  private state: EngineState = {
    loaded: false,
    connectivity: 'online',
    pending: 0,
    refreshedAt: null,
    listSize: 0,
    conference: null,
    notices: [],
    lastSyncAgreed: 0,
    wiped: null,
    till: {},
  };
  private readonly listeners = new Set<() => void>();
  private meta: ListMeta | null = null;
  private byHash = new Map<string, DoorTicket>();
  private byRegistration = new Map<string, DoorTicket>();
  private words: Map<string, string[]> | null = null;
  private decisions = new Map<string, Decision>();
  private outbox: QueuedScan[] = [];
  /** true for each of the last calls that got no usable answer. */
  private recent: boolean[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private stopAuth: (() => void) | null = null;
  private loading: Promise<void> | null = null;
  private started = false;
  private queueSeq = 0;

  constructor(
    readonly conferenceId: string,
    readonly door: string,
    /** The conference's rules as the setup read them, until the list brings its own. */
    private readonly fallbackConference: DoorConference,
  ) {}

  // ------------------------------------------------------------ lifecycle

  start(): void {
    if (this.started) return;
    this.started = true;
    this.set({ till: storage.json<Till>(this.tillKey(), {}) });
    setAmbientHeaders(() => ({ 'X-Door-Pending': String(this.outbox.length) }));
    this.stopAuth = onAuthFailure((failure) => {
      if (failure === 'unauthorized') void this.wipe('revoked');
    });
    const online = () => void (this.state.connectivity === 'offline' ? this.probe() : this.tick());
    window.addEventListener('online', online);
    this.timers.push(
      setInterval(() => void this.tick(), REFRESH_EVERY_MS),
      setInterval(() => {
        if (this.state.connectivity === 'offline') void this.probe();
      }, PROBE_EVERY_MS),
    );
    const removeOnline = () => window.removeEventListener('online', online);
    this.cleanups.push(removeOnline);
    void this.load().then(() => this.tick());
  }

  private cleanups: (() => void)[] = [];

  stop(): void {
    this.started = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups = [];
    this.stopAuth?.();
    this.stopAuth = null;
    setAmbientHeaders(null);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getState = (): EngineState => this.state;

  private set(patch: Partial<EngineState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  /** Reads the phone's copy once (idempotent). */
  load(): Promise<void> {
    this.loading ??= (async () => {
      const snapshot = await localStore.load(this.conferenceId);
      this.meta = snapshot.meta;
      this.setTickets(snapshot.tickets);
      this.decisions = new Map(snapshot.decisions.map((d) => [d.scanId, d]));
      this.outbox = snapshot.outbox;
      await this.adoptOldQueue();
      this.queueSeq = this.outbox.reduce((max, q) => Math.max(max, q.queuedAt), 0);
      this.set({
        loaded: true,
        pending: this.outbox.length,
        refreshedAt: this.meta?.refreshedAt ?? null,
        listSize: this.byHash.size,
        conference: this.meta?.conference ?? null,
        notices: snapshot.notices.sort((a, b) => a.at - b.at),
      });
      await this.expireIfOver();
    })();
    return this.loading;
  }

  /**
   * Scans left in localStorage by the door before it had an outbox (a phone
   * updated in the middle of the day) join the outbox as they were: sent
   * again with their scanId, so the server recognises any it already has.
   */
  private async adoptOldQueue(): Promise<void> {
    const old = storage.json<{ conferenceId: string; body: ScanRequest; label?: string }[] | null>(OLD_QUEUE_KEY, []);
    if (!Array.isArray(old) || old.length === 0) return;
    for (const scan of old) {
      if (this.outbox.some((q) => q.scanId === scan.body.scanId)) continue;
      this.queueSeq += 1;
      const queued: QueuedScan = {
        scanId: scan.body.scanId,
        conferenceId: scan.conferenceId,
        body: scan.body,
        queuedAt: this.queueSeq,
        name: scan.label ?? null,
      };
      await localStore.record(null, queued);
      this.outbox = [...this.outbox, queued];
    }
    storage.remove(OLD_QUEUE_KEY);
  }

  private setTickets(tickets: readonly DoorTicket[]): void {
    this.byHash = new Map(tickets.map((t) => [t.ticketSha256, t]));
    this.byRegistration = new Map(tickets.map((t) => [t.registrationId, t]));
    this.words = null;
  }

  private conference(): DoorConference {
    return this.meta?.conference ?? this.fallbackConference;
  }

  /** Every few seconds: forget an old conference, send what waits, bring the list up to date. */
  private async tick(): Promise<void> {
    // Long over: no list any more, but what the door did still goes up.
    const over = await this.expireIfOver();
    if (this.state.connectivity !== 'online') return;
    if (this.outbox.length > 0) await this.sync();
    else if (!over) await this.refresh();
  }

  private isOver(): boolean {
    const ends = Date.parse(this.conference().endsAt);
    return !Number.isNaN(ends) && Date.now() >= ends + KEEP_AFTER_END_MS;
  }

  private async expireIfOver(): Promise<boolean> {
    if (!this.isOver()) return false;
    if (this.meta !== null || this.byHash.size > 0) await this.wipe('ended');
    else if (this.state.wiped === null) this.set({ wiped: 'ended' });
    return true;
  }

  /** One network job at a time (a refresh and an upload must not interleave their writes). */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  // ---------------------------------------------------------- connectivity

  private observe(failed: boolean): void {
    this.recent = [...this.recent, failed].slice(-WINDOW);
    if (failed && this.state.connectivity === 'online') {
      const failures = this.recent.filter(Boolean).length;
      if (failures >= FAILURES_TO_GO_OFFLINE) this.set({ connectivity: 'offline' });
    }
  }

  /** Online, after a failure: a second one (the server does not answer its health check either) means offline. */
  private async check(): Promise<void> {
    try {
      await api.ready({ timeoutMs: ONLINE_SCAN_TIMEOUT_MS });
      this.observe(false);
    } catch {
      this.observe(true);
    }
  }

  /** Offline: does the server answer again? Then upload and refresh. */
  async probe(): Promise<void> {
    if (this.state.connectivity !== 'offline') return;
    try {
      await api.ready({ timeoutMs: PROBE_EVERY_MS - 500 });
    } catch {
      return;
    }
    if (this.state.connectivity !== 'offline') return;
    this.recent = [];
    await this.sync();
  }

  // ------------------------------------------------------------------ list

  /** Brings the list up to date: in full the first time (or for another conference), by delta after that. */
  refresh(): Promise<void> {
    return this.exclusive(async () => {
      const startedAt = Date.now();
      const since = this.meta?.conferenceId === this.conferenceId ? this.meta.cursor : undefined;
      let dataset: DoorDataset;
      try {
        dataset = await api.doorDataset(this.conferenceId, since, { timeoutMs: since ? 10_000 : 60_000 });
      } catch (error) {
        if (unavailable(error)) this.observe(true);
        return;
      }
      this.observe(false);
      await this.applyList(dataset, startedAt);
    });
  }

  private async applyList(dataset: DoorDataset, startedAt: number): Promise<void> {
    const meta: ListMeta = {
      conferenceId: this.conferenceId,
      cursor: dataset.cursor,
      refreshedAt: startedAt,
      conference: dataset.conference,
    };
    await localStore.saveList(meta, dataset.complete, dataset.tickets, dataset.removed, startedAt);
    this.meta = meta;
    if (dataset.complete) {
      this.setTickets(dataset.tickets);
    } else {
      for (const registrationId of dataset.removed) {
        const old = this.byRegistration.get(registrationId);
        if (old) this.byHash.delete(old.ticketSha256);
        this.byRegistration.delete(registrationId);
        this.words?.delete(registrationId);
      }
      for (const ticket of dataset.tickets) {
        const old = this.byRegistration.get(ticket.registrationId);
        if (old && old.ticketSha256 !== ticket.ticketSha256) this.byHash.delete(old.ticketSha256);
        this.byHash.set(ticket.ticketSha256, ticket);
        this.byRegistration.set(ticket.registrationId, ticket);
        this.words?.delete(ticket.registrationId);
      }
    }
    // The list now says what the server knew when it was asked: decisions acknowledged before then are in it.
    for (const [scanId, decision] of this.decisions) {
      if (decision.syncedAt !== null && decision.syncedAt < startedAt) this.decisions.delete(scanId);
    }
    this.set({
      refreshedAt: startedAt,
      listSize: this.byHash.size,
      conference: dataset.conference,
      wiped: null,
    });
  }

  // --------------------------------------------------------------- look-up

  async lookUp(ref: TicketRef): Promise<DoorTicket | undefined> {
    if ('registrationId' in ref) return this.byRegistration.get(ref.registrationId);
    if (this.byHash.size === 0) return undefined;
    return this.byHash.get(await ticketSha256(ref.ticketCode));
  }

  ticketOf(registrationId: string): DoorTicket | undefined {
    return this.byRegistration.get(registrationId);
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

  private ownEvents(registrationId: string | undefined): LocalEvent[] {
    if (registrationId === undefined) return [];
    const events: LocalEvent[] = [];
    const mine = [...this.decisions.values()]
      .filter((d) => d.registrationId === registrationId)
      .sort((a, b) => a.recordedAt - b.recordedAt);
    for (const decision of mine) events.push(...decision.events);
    return events;
  }

  /**
   * What the phone would decide now, without recording anything: the screen
   * uses it to know whether the scan needs an ID check before it is sent.
   */
  async preview(
    ref: TicketRef,
    idCheck: IdCheck | null,
  ): Promise<{ outcome: ScanOutcome; ticket: DoorTicket | undefined }> {
    const ticket = await this.lookUp(ref);
    const { outcome } = decideLocally(
      {
        conferenceId: this.conferenceId,
        scanId: 'preview',
        door: this.door,
        deviceId: '',
        scannedAt: new Date().toISOString(),
        idCheck,
      },
      ticket,
      this.conference(),
      this.ownEvents(ticket?.registrationId),
    );
    return { outcome, ticket };
  }

  // ------------------------------------------------------------------ scans

  /** A scan: to the server when online (3 s at most), otherwise, or failing that, decided here and queued. */
  async scan(ref: TicketRef, idCheck: IdCheck | null): Promise<ScanAnswer> {
    const scanId = newId();
    const scannedAt = new Date().toISOString();
    const ticket = await this.lookUp(ref);
    if (this.state.connectivity === 'online') {
      const body: ScanRequest = { scanId, ...ref, door: this.door, ...(idCheck ? { idCheck } : {}), scannedAt };
      try {
        const answer = await api.scan(this.conferenceId, body, { timeoutMs: ONLINE_SCAN_TIMEOUT_MS });
        this.observe(false);
        await this.rememberServerAnswer(answer, ticket, scannedAt);
        if (this.outbox.length > 0) void this.sync();
        return { source: 'server', scanId, answer, ticket };
      } catch (error) {
        if (!unavailable(error)) throw error;
        this.observe(true);
        // One failure may be a blip: ask the server at once whether it is there, rather than at the next scan.
        void this.check();
      }
    }
    return this.decideHere(scanId, scannedAt, ref, ticket, idCheck);
  }

  private async decideHere(
    scanId: string,
    scannedAt: string,
    ref: TicketRef,
    ticket: DoorTicket | undefined,
    idCheck: IdCheck | null,
  ): Promise<ScanAnswer> {
    if (this.meta === null) return this.keepUndecided(scanId, scannedAt, ref, idCheck);
    const { outcome, events } = decideLocally(
      { conferenceId: this.conferenceId, scanId, door: this.door, deviceId: '', scannedAt, idCheck },
      ticket,
      this.conference(),
      this.ownEvents(ticket?.registrationId),
    );
    const offline: NonNullable<ScanRequest['offline']> =
      outcome.result === 'admitted' ? { result: 'admitted' } : { result: 'refused', reason: outcome.reason };
    // A ticket of the list goes up by its registration id: the phone keeps no ticket code. An unknown code must
    // go up as it was read, for the server to judge (the ticket may be newer than the list).
    const reference = ticket ? { registrationId: ticket.registrationId } : ref;
    const body: ScanRequest = {
      scanId,
      ...reference,
      door: this.door,
      ...(idCheck ? { idCheck } : {}),
      scannedAt,
      offline,
    };
    this.queueSeq = Math.max(this.queueSeq + 1, Date.now());
    const queued: QueuedScan = {
      scanId,
      conferenceId: this.conferenceId,
      body,
      queuedAt: this.queueSeq,
      name: ticket ? `${ticket.firstName} ${ticket.lastName}`.trim() : null,
    };
    const decision: Decision | null = ticket
      ? {
          scanId,
          conferenceId: this.conferenceId,
          registrationId: ticket.registrationId,
          events,
          recordedAt: Date.now(),
          syncedAt: null,
        }
      : null;
    await localStore.record(decision, queued);
    if (decision) this.decisions.set(scanId, decision);
    this.outbox = [...this.outbox, queued];
    this.set({ pending: this.outbox.length });
    return { source: 'local', scanId, outcome, ticket, pendingAfter: this.outbox.length };
  }

  /**
   * Without a list (never downloaded, or wiped) the phone has nothing to
   * decide on: saying « billet inconnu » would be a guess. The scan is kept as
   * it was read and sent later like any retry; the server then decides it.
   */
  private async keepUndecided(
    scanId: string,
    scannedAt: string,
    ref: TicketRef,
    idCheck: IdCheck | null,
  ): Promise<ScanAnswer> {
    this.queueSeq = Math.max(this.queueSeq + 1, Date.now());
    const queued: QueuedScan = {
      scanId,
      conferenceId: this.conferenceId,
      body: { scanId, ...ref, door: this.door, ...(idCheck ? { idCheck } : {}), scannedAt },
      queuedAt: this.queueSeq,
      name: null,
    };
    await localStore.record(null, queued);
    this.outbox = [...this.outbox, queued];
    this.set({ pending: this.outbox.length });
    return { source: 'queued', scanId, ticket: undefined, pendingAfter: this.outbox.length };
  }

  /** An online admission is remembered here too: if the network drops a second later, the phone still knows. */
  private async rememberServerAnswer(answer: ScanResult, ticket: DoorTicket | undefined, scannedAt: string) {
    if (answer.result !== 'admitted') return;
    const registrationId = ticket?.registrationId ?? answer.attendee?.registrationId;
    if (!registrationId) return;
    const now = Date.now();
    const decision: Decision = {
      scanId: answer.scanId,
      conferenceId: this.conferenceId,
      registrationId,
      events: [
        {
          type: 'AttendeeAdmitted',
          data: {
            conferenceId: this.conferenceId,
            scanId: answer.scanId,
            door: answer.door ?? this.door,
            deviceId: '',
            scannedAt: answer.admittedAt ?? scannedAt,
            idCheck: null,
            registrationId,
          },
        },
      ],
      recordedAt: now,
      syncedAt: now,
    };
    await localStore.record(decision, null);
    this.decisions.set(decision.scanId, decision);
  }

  /** An undo the server accepted: the phone may admit the person again. */
  async recordUndo(scanId: string, reason: string): Promise<void> {
    const admitted = this.decisions.get(scanId);
    if (!admitted) return;
    const now = Date.now();
    const decision: Decision = {
      scanId: `${scanId}:undo`,
      conferenceId: this.conferenceId,
      registrationId: admitted.registrationId,
      events: [undoneEvent(this.conferenceId, admitted.registrationId, scanId, reason, new Date(now).toISOString())],
      recordedAt: now,
      syncedAt: now,
    };
    await localStore.record(decision, null);
    this.decisions.set(decision.scanId, decision);
  }

  // -------------------------------------------------------------- walk-ins

  /** The places of the day as the phone's list counts them (see walk-ins.ts). */
  walkInPlaces(): WalkInPlaces | null {
    return placesFromList(this.meta?.conference ?? null, this.byRegistration.values(), this.meta?.refreshedAt ?? null);
  }

  /**
   * A walk-in: registered by the server when it answers; otherwise decided
   * here by the conference's decider on the phone's list, its ticket added to
   * the list and its registration queued in the outbox, ahead of the
   * admission the door then makes on it. The phone draws the ticket code
   * either way, so that a lost answer and the queued registration are one
   * registration (same id, same code) when they meet at the server.
   */
  async registerWalkIn(body: RegisterRequest): Promise<WalkInRegistered> {
    const request = { ...body, ticketCode: body.ticketCode ?? newTicketCode() };
    if (this.state.connectivity === 'online') {
      try {
        const answer = await api.register(this.conferenceId, request, { timeoutMs: ONLINE_SCAN_TIMEOUT_MS });
        this.observe(false);
        return answer;
      } catch (error) {
        if (!unavailable(error)) throw error;
        this.observe(true);
        void this.check();
      }
    }
    return this.registerWalkInHere(request);
  }

  private async registerWalkInHere(request: RegisterRequest & { ticketCode: string }): Promise<WalkInRegistered> {
    const places = this.walkInPlaces();
    const conference = this.meta?.conference;
    // Without the day's list the phone knows neither the places nor the rules: no guess.
    if (!places || !conference) throw new NetworkError('no list on this phone for a walk-in without network');
    const registeredAt = new Date().toISOString();
    const decision = decideWalkInLocally(this.conferenceId, conference, places, request, registeredAt);
    if (!decision.ok) {
      throw new ApiError(
        decision.reason === 'missing_field' || decision.reason === 'invalid_email' ? 400 : 409,
        decision.reason,
        decision.reason,
      );
    }
    const event = decision.events[0];
    if (event?.type === 'WalkInRefused') {
      throw new ApiError(409, event.data.reason, event.data.reason);
    }
    const status = event?.type === 'PersonWaitlisted' ? 'waitlisted' : 'registered';
    const ticket: DoorTicket = {
      registrationId: request.registrationId,
      ticketSha256: await ticketSha256(request.ticketCode),
      firstName: request.firstName,
      lastName: request.lastName,
      organisation: request.organisation ?? null,
      category: request.category,
      status,
      lunch: request.lunch,
      lunchPaid: false,
      admitted: null,
    };
    this.queueSeq = Math.max(this.queueSeq + 1, Date.now());
    const scanId = `${request.registrationId}:walk-in`;
    const queued: QueuedScan = {
      scanId,
      conferenceId: this.conferenceId,
      body: { scanId, registrationId: request.registrationId, door: this.door, scannedAt: registeredAt },
      walkIn: { request, decided: status },
      queuedAt: this.queueSeq,
      name: `${request.firstName} ${request.lastName}`,
    };
    await localStore.recordWalkIn(ticket, queued);
    this.byHash.set(ticket.ticketSha256, ticket);
    this.byRegistration.set(ticket.registrationId, ticket);
    this.words?.delete(ticket.registrationId);
    this.outbox = [...this.outbox, queued];
    this.set({ pending: this.outbox.length, listSize: this.byHash.size });
    return {
      registrationId: request.registrationId,
      ticketCode: request.ticketCode,
      status,
      ...(request.beyondCapacity === true && status === 'registered' && places.registered >= places.capacity
        ? { beyondCapacity: true as const }
        : {}),
      local: true,
    };
  }

  /** Sends a walk-in registered offline; a refusal or a different answer becomes a notice staff must see. */
  private async sendWalkIn(queued: QueuedScan & { walkIn: WalkInJob }): Promise<SyncNotice | null | 'stop'> {
    let status: 'registered' | 'waitlisted' | null = null;
    const sent = await attempt(async () => {
      status = (await api.register(queued.conferenceId, queued.walkIn.request, { timeoutMs: 10_000 })).status;
    });
    // A duplicate (the same person registered meanwhile), say. The admission made on this
    // ticket still goes up after it, and the server records it as a conflict: nothing is lost.
    if (sent === 'stop') return 'stop';
    const rejected = sent.refused;
    if (rejected !== null) {
      // The server has no such registration: the phone's list forgets the ticket it made up.
      const ticket = this.byRegistration.get(queued.walkIn.request.registrationId);
      if (ticket) {
        await localStore.removeTicket(ticket.ticketSha256);
        this.byHash.delete(ticket.ticketSha256);
        this.byRegistration.delete(ticket.registrationId);
        this.words?.delete(ticket.registrationId);
      }
    }
    if (rejected === null && status === queued.walkIn.decided) return null;
    return refusedNotice(queued, rejected, { walkIn: rejected === null ? 'waitlisted' : 'rejected' });
  }

  /** The admission that stands for the person on this phone's list (with its own scans and undos), if any. */
  admissionOf(registrationId: string): { scanId: string | null; at: string; door: string } | undefined {
    return standingAdmission(
      this.byRegistration.get(registrationId),
      this.conferenceId,
      this.ownEvents(registrationId),
    );
  }

  /**
   * Any admission undone, with the reason, from wherever the person is on
   * screen: to the server when it is there, otherwise kept in the outbox (its
   * `undoId` makes a resend harmless) and sent on sync, behind the scans of
   * the same ticket. Either way the phone forgets the admission at once, so
   * the person can be admitted again here. A refusal from the server (undone
   * already, nothing to undo) is thrown online, and shown as a notice after a
   * sync; the server records it in both cases.
   */
  async undoAdmission(
    registrationId: string,
    name: string | null,
    reason: string,
    scanId?: string,
  ): Promise<{ queued: boolean }> {
    const undoId = newId();
    const standing = this.admissionOf(registrationId);
    const target = scanId ?? standing?.scanId ?? null;
    const job: UndoJob = { registrationId, undoId, reason, scanId: target };
    let queued = true;
    if (this.state.connectivity === 'online') {
      try {
        await api.undoAdmission(
          this.conferenceId,
          registrationId,
          { undoId, reason, ...(target !== null ? { scanId: target } : {}) },
          { timeoutMs: ONLINE_SCAN_TIMEOUT_MS },
        );
        this.observe(false);
        queued = false;
      } catch (error) {
        if (!unavailable(error)) throw error;
        this.observe(true);
        void this.check();
      }
    }
    const now = Date.now();
    if (queued) {
      this.queueSeq = Math.max(this.queueSeq + 1, now);
      const body: ScanRequest = {
        scanId: undoId,
        registrationId,
        door: this.door,
        scannedAt: new Date(now).toISOString(),
      };
      const item: QueuedScan = {
        scanId: undoId,
        conferenceId: this.conferenceId,
        body,
        undo: job,
        queuedAt: this.queueSeq,
        name,
      };
      await localStore.record(null, item);
      this.outbox = [...this.outbox, item];
      this.set({ pending: this.outbox.length });
    }
    // The phone's own fold forgets the admission (the list's, or one of its own scans) until the list says more.
    // Keyed by the undo's id, as its outbox entry is: the upload's acknowledgement marks both.
    const decision: Decision = {
      scanId: undoId,
      conferenceId: this.conferenceId,
      registrationId,
      events: [
        undoneEvent(
          this.conferenceId,
          registrationId,
          target ?? LIST_ADMISSION_ID,
          reason,
          new Date(now).toISOString(),
        ),
      ],
      recordedAt: now,
      syncedAt: queued ? null : now,
    };
    await localStore.record(decision, null);
    this.decisions.set(decision.scanId, decision);
    this.markAdmitted(registrationId);
    return { queued };
  }

  /** The list's ticket without its admission (search shows « Entré·e » from it), until the next refresh. */
  private markAdmitted(registrationId: string): void {
    const ticket = this.byRegistration.get(registrationId);
    if (!ticket || ticket.admitted === null) return;
    // Kept in the fold by the undo's own event; only the list's line changes here.
    const updated = { ...ticket, admitted: null };
    this.byRegistration.set(registrationId, updated);
    this.byHash.set(ticket.ticketSha256, updated);
  }

  // ------------------------------------------------------------------ lunch

  private tillKey(): string {
    return `till.${this.conferenceId}`;
  }

  /** The payments this phone took, by registration: a later screen of the same person can give one back. */
  private takenKey(): string {
    return `lunchTaken.${this.conferenceId}`;
  }

  paymentOf(registrationId: string): TakenPayment | null {
    return storage.json<Record<string, TakenPayment>>(this.takenKey(), {})[registrationId] ?? null;
  }

  private rememberPayment(registrationId: string, payment: TakenPayment | null): void {
    const taken = storage.json<Record<string, TakenPayment>>(this.takenKey(), {});
    if (payment) taken[registrationId] = payment;
    else delete taken[registrationId];
    storage.setJson(this.takenKey(), taken);
  }

  /** The till moves with each payment taken (+1) or given back (-1), kept across reloads. */
  private count(payment: TakenPayment, sign: 1 | -1): void {
    const now = this.state.till[payment.method] ?? { count: 0, cents: 0 };
    const till = {
      ...this.state.till,
      [payment.method]: { count: now.count + sign, cents: now.cents + sign * payment.amountCents },
    };
    storage.setJson(this.tillKey(), till);
    this.set({ till });
  }

  /** What the phone's list says of the person's lunch, until the next refresh brings the server's word. */
  private markPaid(registrationId: string, lunchPaid: boolean): void {
    const ticket = this.byRegistration.get(registrationId);
    if (!ticket) return;
    const updated = { ...ticket, lunchPaid };
    this.byRegistration.set(registrationId, updated);
    this.byHash.set(ticket.ticketSha256, updated);
  }

  private async queueLunch(job: LunchJob, name: string | null): Promise<void> {
    this.queueSeq = Math.max(this.queueSeq + 1, Date.now());
    const scanId = job.kind === 'pay' ? job.paymentId : `${job.paymentId}:reverse`;
    const queued: QueuedScan = {
      scanId,
      conferenceId: this.conferenceId,
      body: { scanId, registrationId: job.registrationId, door: this.door, scannedAt: new Date().toISOString() },
      lunch: job,
      queuedAt: this.queueSeq,
      name,
    };
    await localStore.record(null, queued);
    this.outbox = [...this.outbox, queued];
    this.set({ pending: this.outbox.length });
  }

  /**
   * A lunch payment: to the server when it is there, otherwise kept in the
   * outbox (same payment id) and sent with the scans. Either way the money is
   * in the till: `queued` says whether the server knows yet.
   */
  async payLunch(registrationId: string, name: string | null, payment: TakenPayment): Promise<{ queued: boolean }> {
    let queued = true;
    if (this.state.connectivity === 'online') {
      try {
        await api.payLunch(this.conferenceId, registrationId, payment, { timeoutMs: ONLINE_SCAN_TIMEOUT_MS });
        this.observe(false);
        queued = false;
      } catch (error) {
        if (!unavailable(error)) throw error;
        this.observe(true);
        void this.check();
      }
    }
    if (queued) await this.queueLunch({ kind: 'pay', registrationId, ...payment }, name);
    this.count(payment, 1);
    this.rememberPayment(registrationId, payment);
    this.markPaid(registrationId, true);
    return { queued };
  }

  /**
   * A payment given back, with the reason. Still in the outbox, it never goes
   * up at all; otherwise the reversal goes to the server, or waits in the
   * outbox behind the payment.
   */
  async reverseLunch(
    registrationId: string,
    name: string | null,
    payment: TakenPayment,
    reason: string,
  ): Promise<{ queued: boolean }> {
    let queued = true;
    if (this.outbox.some((q) => q.scanId === payment.paymentId && q.lunch?.kind === 'pay')) {
      await localStore.unqueue(payment.paymentId);
      this.outbox = this.outbox.filter((q) => q.scanId !== payment.paymentId);
      this.set({ pending: this.outbox.length });
      queued = false;
    } else {
      if (this.state.connectivity === 'online') {
        try {
          await api.reverseLunch(this.conferenceId, registrationId, payment.paymentId, reason, {
            timeoutMs: ONLINE_SCAN_TIMEOUT_MS,
          });
          this.observe(false);
          queued = false;
        } catch (error) {
          if (!unavailable(error)) throw error;
          this.observe(true);
          void this.check();
        }
      }
      if (queued) await this.queueLunch({ kind: 'reverse', registrationId, ...payment, reason }, name);
    }
    // The money leaves this phone's till (a payment taken at another door and given back here too).
    this.count(payment, -1);
    if (this.paymentOf(registrationId)?.paymentId === payment.paymentId) this.rememberPayment(registrationId, null);
    this.markPaid(registrationId, false);
    return { queued };
  }

  // ----------------------------------------------------------------- upload

  /** Sends the outbox, oldest first, one scan at a time; then refreshes the list. */
  sync(): Promise<void> {
    return this.exclusive(async () => {
      if (this.outbox.length === 0 && this.state.connectivity !== 'offline') return;
      this.set({ connectivity: 'syncing', lastSyncAgreed: 0 });
      let agreed = 0;
      /*
       * The scans go up one at a time, in order; what the phone writes about
       * each answer is written in batches, not after each one. A phone that
       * dies before a batch is written sends those scans again: the server
       * answers a known scanId as the first time and writes nothing, so the
       * cost of the batch is a few repeated requests, never a double count.
       */
      let done: { scanId: string; notice: SyncNotice | null }[] = [];
      let lastFlush = Date.now();
      const flush = async () => {
        if (done.length === 0) return;
        const batch = done;
        done = [];
        lastFlush = Date.now();
        await localStore.acknowledgeMany(batch, Date.now());
        const ids = new Set(batch.map((b) => b.scanId));
        this.outbox = this.outbox.filter((q) => !ids.has(q.scanId));
        const mine = batch.flatMap((b) => (b.notice && b.notice.conferenceId === this.conferenceId ? [b.notice] : []));
        this.set({
          pending: this.outbox.length,
          lastSyncAgreed: agreed,
          notices: mine.length > 0 ? [...this.state.notices, ...mine] : this.state.notices,
        });
      };
      const sendOne = async (queued: QueuedScan): Promise<{ scanId: string; notice: SyncNotice | null } | 'stop'> => {
        if (queued.walkIn) {
          const notice = await this.sendWalkIn({ ...queued, walkIn: queued.walkIn });
          if (notice === 'stop') return 'stop';
          if (notice === null) agreed += 1;
          return { scanId: queued.scanId, notice };
        }
        let answer: ScanResult | null = null;
        let rejected: string | null = null;
        const { lunch, undo } = queued;
        if (undo) {
          const undoSent = await attempt(() =>
            api.undoAdmission(
              queued.conferenceId,
              undo.registrationId,
              { undoId: undo.undoId, reason: undo.reason, ...(undo.scanId !== null ? { scanId: undo.scanId } : {}) },
              { timeoutMs: 10_000 },
            ),
          );
          // Undone meanwhile by another door or an organiser: recorded by the server, told to staff here.
          if (undoSent === 'stop') return 'stop';
          const undoRefused = undoSent.refused;
          const decision = this.decisions.get(undo.undoId);
          if (decision) this.decisions.set(decision.scanId, { ...decision, syncedAt: Date.now() });
          if (undoRefused === null) {
            agreed += 1;
            return { scanId: queued.scanId, notice: null };
          }
          return { scanId: queued.scanId, notice: refusedNotice(queued, undoRefused, { undo: true }) };
        }
        if (lunch) {
          const lunchSent = await attempt(() =>
            lunch.kind === 'pay'
              ? api.payLunch(
                  queued.conferenceId,
                  lunch.registrationId,
                  { paymentId: lunch.paymentId, amountCents: lunch.amountCents, method: lunch.method },
                  { timeoutMs: 10_000 },
                )
              : api.reverseLunch(queued.conferenceId, lunch.registrationId, lunch.paymentId, lunch.reason ?? '', {
                  timeoutMs: 10_000,
                }),
          );
          // Paid meanwhile at another door, say: the money taken here must be given back, so staff are told.
          if (lunchSent === 'stop') return 'stop';
          const lunchRefused = lunchSent.refused;
          if (lunchRefused === null) {
            agreed += 1;
            return { scanId: queued.scanId, notice: null };
          }
          return { scanId: queued.scanId, notice: refusedNotice(queued, lunchRefused, { lunch: lunch.kind }) };
        }
        try {
          answer = await api.scan(queued.conferenceId, queued.body, { timeoutMs: 10_000 });
        } catch (error) {
          if (unavailable(error) || (error instanceof ApiError && error.status === 401)) return 'stop';
          // The server will never take this one as it is (a door the conference no longer has, say):
          // sending it again would get the same answer and hold up every scan behind it.
          rejected = error instanceof ApiError ? error.code : 'error';
        }
        // An undecided scan (no list) that the server refused is news to the door too.
        const refusedLate = !queued.body.offline && answer?.result === 'refused';
        const notice: SyncNotice | null =
          answer?.conflict || rejected || refusedLate
            ? {
                scanId: queued.scanId,
                conferenceId: queued.conferenceId,
                name: queued.name,
                door: queued.body.door,
                scannedAt: queued.body.scannedAt,
                offline: queued.body.offline ?? null,
                answer,
                rejected,
                at: Date.now(),
              }
            : null;
        if (!notice) agreed += 1;
        const decision = this.decisions.get(queued.scanId);
        if (decision) this.decisions.set(queued.scanId, { ...decision, syncedAt: Date.now() });
        return { scanId: queued.scanId, notice };
      };
      /*
       * Oldest first, and never two scans of one ticket at once: the next
       * scan of a ticket leaves only when the server has answered the one
       * before it, so each ticket's scans arrive in the order they were made.
       * Up to UPLOAD_WINDOW scans of different tickets are in flight together
       * (the server judges offline scans by their scan time, so their order
       * of arrival across tickets changes nothing).
       */
      const sent = new Set<string>();
      const busy = new Set<string>();
      const inFlight = new Set<Promise<void>>();
      let stopped = false;
      const ticketOf = (q: QueuedScan) => q.body.registrationId ?? q.body.ticketCode ?? q.scanId;
      const next = () => this.outbox.find((q) => !sent.has(q.scanId) && !busy.has(ticketOf(q)));
      for (;;) {
        let queued: QueuedScan | undefined;
        while (!stopped && inFlight.size < UPLOAD_WINDOW && (queued = next()) !== undefined) {
          const scan = queued;
          sent.add(scan.scanId);
          busy.add(ticketOf(scan));
          const flight: Promise<void> = sendOne(scan).then((result) => {
            busy.delete(ticketOf(scan));
            inFlight.delete(flight);
            if (result === 'stop') stopped = true;
            else done.push(result);
          });
          inFlight.add(flight);
        }
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
        // A conflict is shown at once; the rest every 50 scans or half a second.
        if (done.some((d) => d.notice) || done.length >= 50 || Date.now() - lastFlush > 500) await flush();
      }
      if (stopped) {
        await flush();
        this.set({ connectivity: 'offline' });
        return;
      }
      await flush();
      this.recent = [];
      this.set({ connectivity: 'online' });
      // The list, with what the others did meanwhile (inside this job: nothing else runs before it).
      if (this.isOver()) return;
      const startedAt = Date.now();
      try {
        const dataset = await api.doorDataset(this.conferenceId, this.meta?.cursor, { timeoutMs: 10_000 });
        await this.applyList(dataset, startedAt);
      } catch (error) {
        if (unavailable(error)) this.observe(true);
      }
    });
  }

  async dismiss(scanId: string): Promise<void> {
    await localStore.dismiss(scanId);
    this.set({ notices: this.state.notices.filter((n) => n.scanId !== scanId) });
  }

  // ------------------------------------------------------------------ wipe

  private async wipe(why: 'revoked' | 'ended'): Promise<void> {
    await localStore.wipePersonalData();
    this.meta = null;
    this.setTickets([]);
    this.decisions.clear();
    this.outbox = this.outbox.map((q) => ({ ...q, name: null }));
    this.set({ wiped: why, listSize: 0, refreshedAt: null, conference: null, notices: [] });
  }
}
