import { publicationHash } from './chain.js';
import type { CharterEvent, CharterPublishedData } from './events.js';
import { organisationKey } from './organisation.js';

/**
 * A charter: published with its text and the SHA-256 of that text, signed by
 * hand on a tablet by one representative per organisation, a signature voided
 * by an organiser when it must not count (a new event, never an erasure), and
 * closed, which fixes the head of the chain. See `chain.ts` for the hashes.
 */

export * from './events.js';
export { organisationKey } from './organisation.js';

// ----------------------------------------------------------------- state

export interface Voiding {
  reason: string;
  voidedBy: string;
  voidedAt: string;
  previousHash: string;
  hash: string;
}

/** What the decider and the listings need of a signature; the strokes and the image stay in the store. */
export interface SignatureRecord {
  sequence: number;
  signatureId: string;
  registrationId: string;
  name: string;
  onBehalfOf: string;
  signedAt: string;
  kiosk: string;
  imageSha256: string;
  strokesSha256: string;
  previousHash: string;
  hash: string;
  voided: Voiding | null;
}

export interface Closure {
  count: number;
  voided: number;
  head: string;
  closedBy: string;
  closedAt: string;
}

export interface NotPublished {
  status: 'not_published';
}

export interface Published {
  status: 'open' | 'closed';
  charter: CharterPublishedData;
  /** By signature id, in sequence order. */
  signatures: ReadonlyMap<string, SignatureRecord>;
  /** Registration id → the standing (not voided) signature's id. */
  standingByPerson: ReadonlyMap<string, string>;
  /** `organisationKey(onBehalfOf)` → the standing signature's id. */
  standingByOrganisation: ReadonlyMap<string, string>;
  /** Signatures in the chain, voided ones included. */
  count: number;
  voided: number;
  /** The last entry's hash, or the publication's (`publicationHash`) before the first signature. */
  head: string;
  closure: Closure | null;
}

export type CharterState = NotPublished | Published;

export const initialState = (): CharterState => ({ status: 'not_published' });

/*
 * Folding is linear, as for the other deciders: `evolve` copies the state's
 * maps once, `foldCharter` copies them once for all its events, and only that
 * private copy is changed. Records are replaced, never mutated.
 */

interface WorkingPublished extends Omit<Published, 'signatures' | 'standingByPerson' | 'standingByOrganisation'> {
  signatures: Map<string, SignatureRecord>;
  standingByPerson: Map<string, string>;
  standingByOrganisation: Map<string, string>;
}

type WorkingState = NotPublished | WorkingPublished;

const workingCopy = (state: CharterState): WorkingState =>
  state.status === 'not_published'
    ? state
    : {
        ...state,
        signatures: new Map(state.signatures),
        standingByPerson: new Map(state.standingByPerson),
        standingByOrganisation: new Map(state.standingByOrganisation),
      };

const published = (state: WorkingState, event: CharterEvent): WorkingPublished => {
  if (state.status === 'not_published') throw new Error(`${event.type} on a charter that was never published`);
  return state;
};

const applyInPlace = (state: WorkingState, event: CharterEvent): WorkingState => {
  switch (event.type) {
    case 'CharterPublished':
      return {
        status: 'open',
        charter: event.data,
        signatures: new Map(),
        standingByPerson: new Map(),
        standingByOrganisation: new Map(),
        count: 0,
        voided: 0,
        head: publicationHash(event.data),
        closure: null,
      } satisfies WorkingPublished;
    case 'CharterSigned': {
      const s = published(state, event);
      const d = event.data;
      s.signatures.set(d.signatureId, {
        sequence: d.sequence,
        signatureId: d.signatureId,
        registrationId: d.registrationId,
        name: d.name,
        onBehalfOf: d.onBehalfOf,
        signedAt: d.signedAt,
        kiosk: d.kiosk,
        imageSha256: d.imageSha256,
        strokesSha256: d.strokesSha256,
        previousHash: d.previousHash,
        hash: d.hash,
        voided: null,
      });
      s.standingByPerson.set(d.registrationId, d.signatureId);
      s.standingByOrganisation.set(organisationKey(d.onBehalfOf), d.signatureId);
      s.count = Math.max(s.count, d.sequence);
      s.head = d.hash;
      return s;
    }
    case 'SignatureVoided': {
      const s = published(state, event);
      const d = event.data;
      const record = s.signatures.get(d.signatureId);
      if (record !== undefined && record.voided === null) {
        s.signatures.set(d.signatureId, {
          ...record,
          voided: {
            reason: d.reason,
            voidedBy: d.voidedBy,
            voidedAt: d.voidedAt,
            previousHash: d.previousHash,
            hash: d.hash,
          },
        });
        if (s.standingByPerson.get(record.registrationId) === d.signatureId)
          s.standingByPerson.delete(record.registrationId);
        const key = organisationKey(record.onBehalfOf);
        if (s.standingByOrganisation.get(key) === d.signatureId) s.standingByOrganisation.delete(key);
        s.voided += 1;
      }
      s.head = d.hash;
      return s;
    }
    case 'CharterClosed': {
      const s = published(state, event);
      const { count, voided, head, closedBy, closedAt } = event.data;
      s.status = 'closed';
      s.closure = { count, voided, head, closedBy, closedAt };
      return s;
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unknown charter event ${JSON.stringify(unknown)}`);
    }
  }
};

export const evolve = (state: CharterState, event: CharterEvent): CharterState =>
  applyInPlace(workingCopy(state), event);

/** `events.reduce(evolve, from)`, in linear time. */
export const foldCharter = (events: Iterable<CharterEvent>, from: CharterState = initialState()): CharterState => {
  let state = workingCopy(from);
  for (const event of events) state = applyInPlace(state, event);
  return state;
};

/** Standing (not voided) signatures, in sequence order. */
export const standingSignatures = (state: Published): SignatureRecord[] =>
  [...state.signatures.values()].filter((s) => s.voided === null);
