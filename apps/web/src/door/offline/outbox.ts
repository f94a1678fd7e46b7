import type { DoorTicket, ScanRequest } from '../../api';
import { storage } from '../../storage';
import { localStore, type Decision, type QueuedScan, type SyncNotice } from './local-store';

/** Scans of different tickets in flight at once during an upload (see `Outbox.upload`). */
export const UPLOAD_WINDOW = 4;

/** Where the door kept its retry queue before the outbox (localStorage). */
const OLD_QUEUE_KEY = 'scanQueue';

/** One job's upload: its id, and what staff must be told of the server's answer (null: it agreed). */
export interface Sent {
  scanId: string;
  notice: SyncNotice | null;
}

/**
 * What the phone did without the server and the server has not acknowledged
 * yet (every conference's: each job goes to its own), oldest first: scans,
 * walk-in registrations, undos, lunch payments. Kept in IndexedDB with the
 * decision it carries, in one transaction, and sent again with the same id
 * until answered, so the server writes each once.
 */
export class Outbox {
  private items: QueuedScan[] = [];
  /** The last `queuedAt` given: a job's place in the line, never before the one queued before it. */
  private seq = 0;

  /** The jobs as IndexedDB held them, with any left by the door before it had an outbox. */
  async adopt(items: readonly QueuedScan[]): Promise<void> {
    this.items = [...items];
    this.seq = this.items.reduce((max, q) => Math.max(max, q.queuedAt), 0);
    await this.adoptOldQueue();
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
      if (this.items.some((q) => q.scanId === scan.body.scanId)) continue;
      this.seq += 1;
      const queued: QueuedScan = {
        scanId: scan.body.scanId,
        conferenceId: scan.conferenceId,
        body: scan.body,
        queuedAt: this.seq,
        name: scan.label ?? null,
      };
      await localStore.record(null, queued);
      this.items = [...this.items, queued];
    }
    storage.remove(OLD_QUEUE_KEY);
  }

  get length(): number {
    return this.items.length;
  }

  /** The jobs, oldest first. */
  get jobs(): readonly QueuedScan[] {
    return this.items;
  }

  /** The place of a job queued now: after every other, and near the clock (jobs queued by an older phone too). */
  nextPlace(): number {
    this.seq = Math.max(this.seq + 1, Date.now());
    return this.seq;
  }

  /** A job queued, with the decision it carries (if any) in the same transaction. */
  async add(queued: QueuedScan, decision: Decision | null = null): Promise<void> {
    await localStore.record(decision, queued);
    this.items = [...this.items, queued];
  }

  /** A walk-in's registration queued, its ticket added to the stored list in the same transaction. */
  async addWalkIn(ticket: DoorTicket, queued: QueuedScan): Promise<void> {
    await localStore.recordWalkIn(ticket, queued);
    this.items = [...this.items, queued];
  }

  /** A job taken back before it went up (a payment given back while still queued). */
  async remove(scanId: string): Promise<void> {
    await localStore.unqueue(scanId);
    this.items = this.items.filter((q) => q.scanId !== scanId);
  }

  /** A wipe keeps the jobs (what the door did still goes up) but not the names. */
  forgetNames(): void {
    this.items = this.items.map((q) => ({ ...q, name: null }));
  }

  /**
   * Sends the jobs, oldest first, with `send`; `acknowledged` is told of each
   * batch written. `stopped`: the server went away (or refused the device's
   * token) part way, and what is left waits for the next upload.
   *
   * Never two jobs of one ticket at once: the next job of a ticket leaves only
   * when the server has answered the one before it, so each ticket's jobs
   * arrive in the order they were made. Up to UPLOAD_WINDOW jobs of different
   * tickets are in flight together (the server judges offline scans by their
   * scan time, so their order of arrival across tickets changes nothing).
   *
   * What the phone writes about each answer is written in batches, not after
   * each one. A phone that dies before a batch is written sends those jobs
   * again: the server answers a known id as the first time and writes
   * nothing, so the cost of the batch is a few repeated requests, never a
   * double count.
   */
  async upload(
    send: (queued: QueuedScan) => Promise<Sent | 'stop'>,
    acknowledged: (batch: readonly Sent[]) => void,
  ): Promise<'done' | 'stopped'> {
    let done: Sent[] = [];
    let lastFlush = Date.now();
    const flush = async () => {
      if (done.length === 0) return;
      const batch = done;
      done = [];
      lastFlush = Date.now();
      await localStore.acknowledgeMany(batch, Date.now());
      const ids = new Set(batch.map((b) => b.scanId));
      this.items = this.items.filter((q) => !ids.has(q.scanId));
      acknowledged(batch);
    };
    const sent = new Set<string>();
    const busy = new Set<string>();
    const inFlight = new Set<Promise<void>>();
    let stopped = false;
    const ticketOf = (q: QueuedScan) => q.body.registrationId ?? q.body.ticketCode ?? q.scanId;
    const next = () => this.items.find((q) => !sent.has(q.scanId) && !busy.has(ticketOf(q)));
    for (;;) {
      let queued: QueuedScan | undefined;
      while (!stopped && inFlight.size < UPLOAD_WINDOW && (queued = next()) !== undefined) {
        const job = queued;
        sent.add(job.scanId);
        busy.add(ticketOf(job));
        const flight: Promise<void> = send(job).then((result) => {
          busy.delete(ticketOf(job));
          inFlight.delete(flight);
          if (result === 'stop') stopped = true;
          else done.push(result);
        });
        inFlight.add(flight);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
      // A conflict is shown at once; the rest every 50 jobs or half a second.
      if (done.some((d) => d.notice) || done.length >= 50 || Date.now() - lastFlush > 500) await flush();
    }
    await flush();
    return stopped ? 'stopped' : 'done';
  }
}
