import { accept, refuse, type Decider, type Decision, type DomainCommand, type DomainEvent } from '@emargement/decider';

/**
 * A scan id names one scan for ever. Scans are decided on their ticket's
 * stream, which cannot see a scan id used on another ticket: without a claim,
 * the same id on two tickets wrote two scans under one id (two admissions,
 * one conflict id, an undo that reaches only one). Each scan id is therefore
 * claimed once, on its own stream (`scan-<scanId>`), with a fingerprint of
 * what the scan said (ticket, door, device, times, the offline decision; a
 * hash, never the ticket code). The same scan sent again carries the same
 * fingerprint and goes on to get its first answer; anything else under that
 * id is refused `scan_id_reused`, and nothing is written.
 */
export type ScanIdClaimed = DomainEvent<
  'ScanIdClaimed',
  { conferenceId: string; scanId: string; fingerprint: string; claimedAt: string }
>;

export type ClaimScanId = DomainCommand<
  'ClaimScanId',
  { conferenceId: string; scanId: string; fingerprint: string; claimedAt: string }
>;

export type ScanClaimState = { status: 'free' } | { status: 'claimed'; fingerprint: string };

export const SCAN_CLAIM_REFUSAL_REASONS = ['scan_id_reused'] as const;
export type ScanClaimRefusalReason = (typeof SCAN_CLAIM_REFUSAL_REASONS)[number];

export interface ScanClaimOutcome {
  scanId: string;
}

const initialState = (): ScanClaimState => ({ status: 'free' });

/** The first claim stands; a stream holds one, and any later one cannot change it. */
const evolve = (state: ScanClaimState, event: ScanIdClaimed): ScanClaimState =>
  state.status === 'claimed' ? state : { status: 'claimed', fingerprint: event.data.fingerprint };

export const claimScanId = (
  command: ClaimScanId,
  state: ScanClaimState,
): Decision<ScanIdClaimed, ScanClaimOutcome, ScanClaimRefusalReason> => {
  const { scanId, fingerprint } = command.data;
  switch (state.status) {
    case 'free':
      return accept([{ type: 'ScanIdClaimed', data: command.data }], { scanId });
    case 'claimed':
      return state.fingerprint === fingerprint ? accept([], { scanId }) : refuse('scan_id_reused', { scanId });
    default: {
      const unknown: never = state;
      throw new Error(`Unknown scan claim state ${JSON.stringify(unknown)}`);
    }
  }
};

export const scanClaimDecider: Decider<
  ClaimScanId,
  ScanIdClaimed,
  ScanClaimState,
  ScanClaimOutcome,
  ScanClaimRefusalReason
> = {
  decide: claimScanId,
  evolve,
  initialState,
  fold: (events, from = initialState()) => {
    let state = from;
    for (const e of events) state = evolve(state, e);
    return state;
  },
};
