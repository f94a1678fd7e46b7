import type { EntranceScanAnswer } from '../../api';
import type { LocalEvent } from './local-decision';
import type { Decision } from './local-store';

/**
 * What this phone decided (online and offline) since its list was built, as
 * the arrival events it folds with the list's admission: a second scan here is
 * refused on the spot even before the server knows of the first. A decision
 * the server acknowledged is forgotten once a list asked for after that
 * acknowledgement holds it.
 */
export class OwnDecisions {
  private byScan = new Map<string, Decision>();

  adopt(decisions: readonly Decision[]): void {
    this.byScan = new Map(decisions.map((d) => [d.scanId, d]));
  }

  get(scanId: string): Decision | undefined {
    return this.byScan.get(scanId);
  }

  add(decision: Decision): void {
    this.byScan.set(decision.scanId, decision);
  }

  /** The server has it (its upload was answered): forgotten at the next list asked for after `at`. */
  synced(scanId: string, at: number): void {
    const decision = this.byScan.get(scanId);
    if (decision) this.byScan.set(scanId, { ...decision, syncedAt: at });
  }

  /** A list asked for at `startedAt` says what the server knew then: the decisions acknowledged before are in it. */
  forgetSyncedBefore(startedAt: number): void {
    for (const [scanId, decision] of this.byScan) {
      if (decision.syncedAt !== null && decision.syncedAt < startedAt) this.byScan.delete(scanId);
    }
  }

  clear(): void {
    this.byScan.clear();
  }

  /** The person's events on this phone, in the order they were decided. */
  eventsOf(registrationId: string | undefined): LocalEvent[] {
    if (registrationId === undefined) return [];
    return [...this.byScan.values()]
      .filter((d) => d.registrationId === registrationId)
      .sort((a, b) => a.recordedAt - b.recordedAt)
      .flatMap((d) => d.events);
  }
}

/** An online admission as the phone remembers it: if the network drops a second later, the phone still knows. */
export function serverAdmission(
  conferenceId: string,
  door: string,
  answer: EntranceScanAnswer,
  registrationId: string,
  scannedAt: string,
  now: number,
): Decision {
  return {
    scanId: answer.scanId,
    conferenceId,
    registrationId,
    events: [
      {
        type: 'AttendeeAdmitted',
        data: {
          conferenceId,
          scanId: answer.scanId,
          door: answer.door ?? door,
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
}
