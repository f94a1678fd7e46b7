import type { ScanOutcome } from '@emargement/conference/arrival/arrival.js';
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
  type RegisterRequest,
  type ScanRequest,
  type EntranceScanAnswer,
} from '../../api';
import { newId } from '../../ids';
import {
  Connectivity,
  ONLINE_SCAN_TIMEOUT_MS,
  PROBE_EVERY_MS,
  unavailable,
  type ConnectivityState,
} from './connectivity';
import { DoorList, type TicketRef } from './door-list';
import { decideLocally, LIST_ADMISSION_ID, standingAdmission, ticketSha256, undoneEvent } from './local-decision';
import {
  localStore,
  type Decision,
  type LunchJob,
  type QueuedScan,
  type SyncNotice,
  type UndoJob,
} from './local-store';
import { LunchTill, type TakenPayment, type Till } from './lunch-till';
import { Outbox } from './outbox';
import { OwnDecisions, serverAdmission } from './own-decisions';
import { sendJob } from './upload';
import {
  decideWalkInLocally,
  newTicketCode,
  placesFromList,
  type WalkInPlaces,
  type WalkInRegistered,
} from './walk-ins';

/**
 * The door's offline engine: the day's list, the phone's own decisions, the
 * outbox, and the switch between asking the server and deciding here. A
 * facade over its parts, each with its own tests:
 *
 * - `connectivity.ts`: online or offline (2 failures of the last 5 calls), the
 *   probe that brings the phone back;
 * - `door-list.ts`: the day's list, its deltas, look-up and search;
 * - `own-decisions.ts` and `local-decision.ts`: what the phone decided, folded
 *   by the server's own decider;
 * - `outbox.ts` and `upload.ts`: what waits for the server, sent oldest first
 *   with the same ids, and the notices staff must see;
 * - `lunch-till.ts`: the money this phone took; `walk-ins.ts`: walk-ins.
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

export type { TakenPayment, TicketRef, Till };

export interface EngineState {
  /** The local copy has been read from IndexedDB. */
  loaded: boolean;
  connectivity: ConnectivityState;
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

/**
 * What a scan came to on this phone, for the screen. Not the server's answer
 * (the contract's `EntranceScanAnswer`, carried in `answer` when the server
 * decided), hence a name of its own: the phone may have decided the scan
 * itself (`local`, with the decider's outcome and the outbox's length), or
 * kept it undecided (`queued`).
 */
export type DoorScanResult =
  | { source: 'server'; scanId: string; answer: EntranceScanAnswer; ticket: DoorTicket | undefined }
  | { source: 'local'; scanId: string; outcome: ScanOutcome; ticket: DoorTicket | undefined; pendingAfter: number }
  /** No list on the phone to decide on: the scan is kept, undecided, and the server decides when it gets it. */
  | { source: 'queued'; scanId: string; ticket: undefined; pendingAfter: number };

export const REFRESH_EVERY_MS = 15_000;
/** Twelve hours after the conference's end, the phone forgets the list. */
const KEEP_AFTER_END_MS = 12 * 60 * 60 * 1000;

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
  private readonly list: DoorList;
  private readonly decisions = new OwnDecisions();
  private readonly outbox = new Outbox();
  private readonly lunch: LunchTill;
  private readonly connectivity = new Connectivity(
    () => this.state.connectivity,
    (connectivity) => this.set({ connectivity }),
    (options) => api.ready(options),
  );
  private timers: ReturnType<typeof setInterval>[] = [];
  private cleanups: (() => void)[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private stopAuth: (() => void) | null = null;
  private loading: Promise<void> | null = null;
  private started = false;

  constructor(
    readonly conferenceId: string,
    readonly door: string,
    /** The conference's rules as the setup read them, until the list brings its own. */
    private readonly fallbackConference: DoorConference,
  ) {
    this.list = new DoorList(conferenceId);
    this.lunch = new LunchTill(conferenceId);
  }

  // ------------------------------------------------------------ lifecycle

  start(): void {
    if (this.started) return;
    this.started = true;
    this.set({ till: this.lunch.read() });
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
    this.cleanups.push(() => window.removeEventListener('online', online));
    void this.load().then(() => this.tick());
  }

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
      this.list.adopt(snapshot.meta, snapshot.tickets);
      this.decisions.adopt(snapshot.decisions);
      await this.outbox.adopt(snapshot.outbox);
      this.set({
        loaded: true,
        pending: this.outbox.length,
        refreshedAt: this.list.current?.refreshedAt ?? null,
        listSize: this.list.size,
        conference: this.list.conference,
        notices: snapshot.notices.sort((a, b) => a.at - b.at),
      });
      await this.expireIfOver();
    })();
    return this.loading;
  }

  private conference(): DoorConference {
    return this.list.conference ?? this.fallbackConference;
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
    if (this.list.current !== null || this.list.size > 0) await this.wipe('ended');
    else if (this.state.wiped === null) this.set({ wiped: 'ended' });
    return true;
  }

  /** One network job at a time (a refresh and an upload must not interleave their writes). */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Offline: does the server answer again? Then upload and refresh. */
  probe(): Promise<void> {
    return this.connectivity.probe(() => this.sync());
  }

  // ------------------------------------------------------------------ list

  /** Brings the list up to date: in full the first time (or for another conference), by delta after that. */
  refresh(): Promise<void> {
    return this.exclusive(async () => {
      const startedAt = Date.now();
      const since = this.list.since;
      let dataset: DoorDataset;
      try {
        dataset = await api.doorDataset(this.conferenceId, since, { timeoutMs: since ? 10_000 : 60_000 });
      } catch (error) {
        if (unavailable(error)) this.connectivity.observe(true);
        return;
      }
      this.connectivity.observe(false);
      await this.applyList(dataset, startedAt);
    });
  }

  private async applyList(dataset: DoorDataset, startedAt: number): Promise<void> {
    await this.list.apply(dataset, startedAt);
    // The list now says what the server knew when it was asked: decisions acknowledged before then are in it.
    this.decisions.forgetSyncedBefore(startedAt);
    this.set({ refreshedAt: startedAt, listSize: this.list.size, conference: dataset.conference, wiped: null });
  }

  // --------------------------------------------------------------- look-up

  lookUp(ref: TicketRef): Promise<DoorTicket | undefined> {
    return this.list.lookUp(ref);
  }

  ticketOf(registrationId: string): DoorTicket | undefined {
    return this.list.ticketOf(registrationId);
  }

  /** Name, organisation: the same forgiving match as the server's (accents, case, one typo), on the phone's list. */
  search(query: string, limit = 20): DoorTicket[] {
    return this.list.search(query, limit);
  }

  /**
   * What the phone would decide now, without recording anything: the screen
   * uses it to know whether the scan needs an ID check before it is sent.
   */
  async preview(
    ref: TicketRef,
    idCheck: IdCheck | null,
  ): Promise<{ outcome: ScanOutcome; ticket: DoorTicket | undefined }> {
    const ticket = await this.list.lookUp(ref);
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
      this.decisions.eventsOf(ticket?.registrationId),
    );
    return { outcome, ticket };
  }

  // ------------------------------------------------------------------ scans

  /** A scan: to the server when online (3 s at most), otherwise, or failing that, decided here and queued. */
  async scan(ref: TicketRef, idCheck: IdCheck | null): Promise<DoorScanResult> {
    const scanId = newId();
    const scannedAt = new Date().toISOString();
    const ticket = await this.list.lookUp(ref);
    const body: ScanRequest = { scanId, ...ref, door: this.door, ...(idCheck ? { idCheck } : {}), scannedAt };
    const online = await this.connectivity.call(() =>
      api.scan(this.conferenceId, body, { timeoutMs: ONLINE_SCAN_TIMEOUT_MS }),
    );
    if (online !== 'unavailable') {
      const { answer } = online;
      await this.rememberServerAnswer(answer, ticket, scannedAt);
      if (this.outbox.length > 0) void this.sync();
      return { source: 'server', scanId, answer, ticket };
    }
    return this.decideHere(body, ref, ticket, idCheck);
  }

  /** The scan the server could not take, decided here on the list and queued with what was decided. */
  private async decideHere(
    asRead: ScanRequest,
    ref: TicketRef,
    ticket: DoorTicket | undefined,
    idCheck: IdCheck | null,
  ): Promise<DoorScanResult> {
    const { scanId, scannedAt } = asRead;
    /*
     * Without a list (never downloaded, or wiped) the phone has nothing to
     * decide on: saying « billet inconnu » would be a guess. The scan is kept as
     * it was read and sent later like any retry; the server then decides it.
     */
    if (this.list.current === null) {
      await this.queue({ scanId, body: asRead, name: null });
      return { source: 'queued', scanId, ticket: undefined, pendingAfter: this.outbox.length };
    }
    const { outcome, events } = decideLocally(
      { conferenceId: this.conferenceId, scanId, door: this.door, deviceId: '', scannedAt, idCheck },
      ticket,
      this.conference(),
      this.decisions.eventsOf(ticket?.registrationId),
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
    await this.queue({ scanId, body, name: ticket ? `${ticket.firstName} ${ticket.lastName}`.trim() : null }, decision);
    return { source: 'local', scanId, outcome, ticket, pendingAfter: this.outbox.length };
  }

  /** A job into the outbox, behind every other, with the decision it carries. */
  private async queue(
    job: Omit<QueuedScan, 'conferenceId' | 'queuedAt'>,
    decision: Decision | null = null,
  ): Promise<void> {
    const queued: QueuedScan = { ...job, conferenceId: this.conferenceId, queuedAt: this.outbox.nextPlace() };
    await this.outbox.add(queued, decision);
    if (decision) this.decisions.add(decision);
    this.set({ pending: this.outbox.length });
  }

  /** An online admission is remembered here too: if the network drops a second later, the phone still knows. */
  private async rememberServerAnswer(answer: EntranceScanAnswer, ticket: DoorTicket | undefined, scannedAt: string) {
    if (answer.result !== 'admitted') return;
    const registrationId = ticket?.registrationId ?? answer.attendee?.registrationId;
    if (!registrationId) return;
    await this.remember(serverAdmission(this.conferenceId, this.door, answer, registrationId, scannedAt, Date.now()));
  }

  /** A decision the server already has (an online admission, an online undo): in the phone's fold only. */
  private async remember(decision: Decision): Promise<void> {
    await localStore.record(decision, null);
    this.decisions.add(decision);
  }

  /** An undo the server accepted: the phone may admit the person again. */
  async recordUndo(scanId: string, reason: string): Promise<void> {
    const admitted = this.decisions.get(scanId);
    if (!admitted) return;
    const now = Date.now();
    await this.remember({
      scanId: `${scanId}:undo`,
      conferenceId: this.conferenceId,
      registrationId: admitted.registrationId,
      events: [undoneEvent(this.conferenceId, admitted.registrationId, scanId, reason, new Date(now).toISOString())],
      recordedAt: now,
      syncedAt: now,
    });
  }

  // -------------------------------------------------------------- walk-ins

  /** The places of the day as the phone's list counts them (see walk-ins.ts). */
  walkInPlaces(): WalkInPlaces | null {
    return placesFromList(this.list.conference, this.list.tickets(), this.list.current?.refreshedAt ?? null);
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
    const online = await this.connectivity.call(() =>
      api.register(this.conferenceId, request, { timeoutMs: ONLINE_SCAN_TIMEOUT_MS }),
    );
    if (online !== 'unavailable') return online.answer;
    return this.registerWalkInHere(request);
  }

  private async registerWalkInHere(request: RegisterRequest & { ticketCode: string }): Promise<WalkInRegistered> {
    const places = this.walkInPlaces();
    const conference = this.list.conference;
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
    const scanId = `${request.registrationId}:walk-in`;
    await this.outbox.addWalkIn(ticket, {
      scanId,
      conferenceId: this.conferenceId,
      body: { scanId, registrationId: request.registrationId, door: this.door, scannedAt: registeredAt },
      walkIn: { request, decided: status },
      queuedAt: this.outbox.nextPlace(),
      name: `${request.firstName} ${request.lastName}`,
    });
    this.list.put(ticket);
    this.set({ pending: this.outbox.length, listSize: this.list.size });
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

  // ----------------------------------------------------------------- undos

  /** The admission that stands for the person on this phone's list (with its own scans and undos), if any. */
  admissionOf(registrationId: string): { scanId: string | null; at: string; door: string } | undefined {
    return standingAdmission(
      this.list.ticketOf(registrationId),
      this.conferenceId,
      this.decisions.eventsOf(registrationId),
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
    const online = await this.connectivity.call(() =>
      api.undoAdmission(
        this.conferenceId,
        registrationId,
        { undoId, reason, ...(target !== null ? { scanId: target } : {}) },
        { timeoutMs: ONLINE_SCAN_TIMEOUT_MS },
      ),
    );
    const queued = online === 'unavailable';
    const now = Date.now();
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
    if (queued) {
      const body: ScanRequest = {
        scanId: undoId,
        registrationId,
        door: this.door,
        scannedAt: new Date(now).toISOString(),
      };
      await this.queue({ scanId: undoId, body, undo: job, name });
    }
    await this.remember(decision);
    // The list's ticket without its admission (search shows « Entré·e » from it), until the next refresh; kept
    // in the fold by the undo's own event.
    if (this.list.ticketOf(registrationId)?.admitted) this.list.patch(registrationId, { admitted: null });
    return { queued };
  }

  // ------------------------------------------------------------------ lunch

  paymentOf(registrationId: string): TakenPayment | null {
    return this.lunch.paymentOf(registrationId);
  }

  private async queueLunch(job: LunchJob, name: string | null): Promise<void> {
    const scanId = job.kind === 'pay' ? job.paymentId : `${job.paymentId}:reverse`;
    await this.queue({
      scanId,
      body: { scanId, registrationId: job.registrationId, door: this.door, scannedAt: new Date().toISOString() },
      lunch: job,
      name,
    });
  }

  /**
   * A lunch payment: to the server when it is there, otherwise kept in the
   * outbox (same payment id) and sent with the scans. Either way the money is
   * in the till: `queued` says whether the server knows yet.
   */
  async payLunch(registrationId: string, name: string | null, payment: TakenPayment): Promise<{ queued: boolean }> {
    const online = await this.connectivity.call(() =>
      api.payLunch(this.conferenceId, registrationId, payment, { timeoutMs: ONLINE_SCAN_TIMEOUT_MS }),
    );
    const queued = online === 'unavailable';
    if (queued) await this.queueLunch({ kind: 'pay', registrationId, ...payment }, name);
    this.set({ till: this.lunch.took(registrationId, payment) });
    // What the phone's list says of the person's lunch, until the next refresh brings the server's word.
    this.list.patch(registrationId, { lunchPaid: true });
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
    let queued = false;
    if (this.outbox.jobs.some((q) => q.scanId === payment.paymentId && q.lunch?.kind === 'pay')) {
      await this.outbox.remove(payment.paymentId);
      this.set({ pending: this.outbox.length });
    } else {
      const online = await this.connectivity.call(() =>
        api.reverseLunch(this.conferenceId, registrationId, payment.paymentId, reason, {
          timeoutMs: ONLINE_SCAN_TIMEOUT_MS,
        }),
      );
      queued = online === 'unavailable';
      if (queued) await this.queueLunch({ kind: 'reverse', registrationId, ...payment, reason }, name);
    }
    // The money leaves this phone's till (a payment taken at another door and given back here too).
    this.set({ till: this.lunch.gaveBack(registrationId, payment) });
    this.list.patch(registrationId, { lunchPaid: false });
    return { queued };
  }

  // ----------------------------------------------------------------- upload

  /** Sends the outbox, oldest first (see `Outbox.upload`); then refreshes the list. */
  sync(): Promise<void> {
    return this.exclusive(async () => {
      if (this.outbox.length === 0 && this.state.connectivity !== 'offline') return;
      this.set({ connectivity: 'syncing', lastSyncAgreed: 0 });
      let agreed = 0;
      const ended = await this.outbox.upload(
        (queued) =>
          sendJob(queued, {
            synced: (scanId) => this.decisions.synced(scanId, Date.now()),
            walkInRefused: async (registrationId) => {
              const ticket = this.list.forget(registrationId);
              if (ticket) await localStore.removeTicket(ticket.ticketSha256);
            },
          }),
        (batch) => {
          agreed += batch.filter((b) => b.notice === null).length;
          const mine = batch.flatMap((b) => (b.notice?.conferenceId === this.conferenceId ? [b.notice] : []));
          this.set({
            pending: this.outbox.length,
            lastSyncAgreed: agreed,
            notices: mine.length > 0 ? [...this.state.notices, ...mine] : this.state.notices,
          });
        },
      );
      if (ended === 'stopped') {
        this.set({ connectivity: 'offline' });
        return;
      }
      this.connectivity.reset();
      this.set({ connectivity: 'online' });
      // The list, with what the others did meanwhile (inside this job: nothing else runs before it).
      if (this.isOver()) return;
      const startedAt = Date.now();
      try {
        const dataset = await api.doorDataset(this.conferenceId, this.list.current?.cursor, { timeoutMs: 10_000 });
        await this.applyList(dataset, startedAt);
      } catch (error) {
        if (unavailable(error)) this.connectivity.observe(true);
      }
    });
  }

  async dismiss(scanId: string): Promise<void> {
    await localStore.dismiss(scanId);
    this.set({ notices: this.state.notices.filter((n) => n.scanId !== scanId) });
  }

  // ------------------------------------------------------------------ wipe

  /** The personal data forgotten, in IndexedDB and in memory; what the door did still goes up, without names. */
  async wipe(why: 'revoked' | 'ended'): Promise<void> {
    await localStore.wipePersonalData();
    this.list.clear();
    this.decisions.clear();
    this.outbox.forgetNames();
    this.set({ wiped: why, listSize: 0, refreshedAt: null, conference: null, notices: [] });
  }
}
