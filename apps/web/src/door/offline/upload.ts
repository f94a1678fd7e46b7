import { api, type EntranceScanAnswer } from '../../api';
import { attempt } from './connectivity';
import type { QueuedScan, SyncNotice, WalkInJob } from './local-store';
import type { Sent } from './outbox';

/** What an upload changes on the phone besides the outbox. */
export interface UploadEffects {
  /** The server has the job's decision (a scan's, an undo's): the phone may forget it at the next list. */
  synced(scanId: string): void;
  /** The server refused a walk-in registered here: the ticket the phone made up leaves its list. */
  walkInRefused(registrationId: string): Promise<void>;
}

const UPLOAD_TIMEOUT_MS = 10_000;

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

/**
 * Sends one outbox job, as it was queued (same id: a repeat is answered as the
 * first time and written once): `'stop'` when the server is away, to try again
 * on the next upload; otherwise what staff must be told, if anything.
 */
export async function sendJob(queued: QueuedScan, effects: UploadEffects): Promise<Sent | 'stop'> {
  const { walkIn, undo, lunch } = queued;
  if (walkIn) return sendWalkIn({ ...queued, walkIn }, effects);
  if (undo) {
    const sent = await attempt(() =>
      api.undoAdmission(
        queued.conferenceId,
        undo.registrationId,
        { undoId: undo.undoId, reason: undo.reason, ...(undo.scanId !== null ? { scanId: undo.scanId } : {}) },
        { timeoutMs: UPLOAD_TIMEOUT_MS },
      ),
    );
    // Undone meanwhile by another door or an organiser: recorded by the server, told to staff here.
    if (sent === 'stop') return 'stop';
    effects.synced(undo.undoId);
    return {
      scanId: queued.scanId,
      notice: sent.refused === null ? null : refusedNotice(queued, sent.refused, { undo: true }),
    };
  }
  if (lunch) {
    const sent = await attempt(() =>
      lunch.kind === 'pay'
        ? api.payLunch(
            queued.conferenceId,
            lunch.registrationId,
            { paymentId: lunch.paymentId, amountCents: lunch.amountCents, method: lunch.method },
            { timeoutMs: UPLOAD_TIMEOUT_MS },
          )
        : api.reverseLunch(queued.conferenceId, lunch.registrationId, lunch.paymentId, lunch.reason ?? '', {
            timeoutMs: UPLOAD_TIMEOUT_MS,
          }),
    );
    // Paid meanwhile at another door, say: the money taken here must be given back, so staff are told.
    if (sent === 'stop') return 'stop';
    return {
      scanId: queued.scanId,
      notice: sent.refused === null ? null : refusedNotice(queued, sent.refused, { lunch: lunch.kind }),
    };
  }
  let answer: EntranceScanAnswer | null = null;
  const sent = await attempt(async () => {
    answer = await api.scan(queued.conferenceId, queued.body, { timeoutMs: UPLOAD_TIMEOUT_MS });
  });
  if (sent === 'stop') return 'stop';
  // Refused for good (a door the conference no longer has, say): sending it again would get the same answer
  // and hold up every scan behind it, so it becomes a notice.
  const rejected = sent.refused;
  const got = answer as EntranceScanAnswer | null;
  // An undecided scan (no list) that the server refused is news to the door too.
  const refusedLate = !queued.body.offline && got?.result === 'refused';
  effects.synced(queued.scanId);
  if (!got?.conflict && rejected === null && !refusedLate) return { scanId: queued.scanId, notice: null };
  return {
    scanId: queued.scanId,
    notice: {
      scanId: queued.scanId,
      conferenceId: queued.conferenceId,
      name: queued.name,
      door: queued.body.door,
      scannedAt: queued.body.scannedAt,
      offline: queued.body.offline ?? null,
      answer: got,
      rejected,
      at: Date.now(),
    },
  };
}

/** Sends a walk-in registered offline; a refusal or a different answer becomes a notice staff must see. */
async function sendWalkIn(queued: QueuedScan & { walkIn: WalkInJob }, effects: UploadEffects): Promise<Sent | 'stop'> {
  let status: 'registered' | 'waitlisted' | null = null;
  const sent = await attempt(async () => {
    status = (await api.register(queued.conferenceId, queued.walkIn.request, { timeoutMs: UPLOAD_TIMEOUT_MS })).status;
  });
  // A duplicate (the same person registered meanwhile), say. The admission made on this
  // ticket still goes up after it, and the server records it as a conflict: nothing is lost.
  if (sent === 'stop') return 'stop';
  const rejected = sent.refused;
  // The server has no such registration: the phone's list forgets the ticket it made up.
  if (rejected !== null) await effects.walkInRefused(queued.walkIn.request.registrationId);
  if (rejected === null && status === queued.walkIn.decided) return { scanId: queued.scanId, notice: null };
  return {
    scanId: queued.scanId,
    notice: refusedNotice(queued, rejected, { walkIn: rejected === null ? 'waitlisted' : 'rejected' }),
  };
}
