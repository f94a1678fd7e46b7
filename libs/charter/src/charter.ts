import { normaliseText, type DomainEvent } from '@emargement/conference';
import { publicationHash } from './chain.js';

/**
 * A charter: published with its text and the SHA-256 of that text, signed by
 * hand on a tablet by one representative per organisation, a signature voided
 * by an organiser when it must not count (a new event, never an erasure), and
 * closed, which fixes the head of the chain. See `chain.ts` for the hashes.
 */

// ------------------------------------------------------------ vocabulary

/** One point of signature_pad's `toData()`: CSS pixels on the canvas, `time` in ms since the epoch. */
export interface StrokePoint {
  x: number;
  y: number;
  time: number;
  pressure?: number;
}

/** signature_pad's point groups, one array per stroke, in drawing order. */
export type Strokes = readonly (readonly StrokePoint[])[];

/** The drawing surface the strokes' coordinates refer to. */
export interface CanvasSize {
  /** CSS pixels. */
  width: number;
  height: number;
  /** The device's pixel ratio the image was drawn at, when the tablet said. */
  devicePixelRatio: number | null;
}

/** The admission that proves the signer's identity was checked at a door, and when. */
export interface AdmissionProof {
  /** The scan that admitted them. */
  scanId: string | null;
  at: string;
  door: string;
}

/** The intent: the words the signer ticked, and when (tablet time). */
export interface Consent {
  wording: string;
  givenAt: string;
}

/**
 * Fields of `CharterSigned` that hold a person's data (or their handwriting).
 * The chain seals their digests, never their values, so that they can be
 * encrypted and later erased (crypto-shredding) while `verify` still holds.
 */
export const SIGNATURE_PERSONAL_FIELDS = ['name', 'nameSalt', 'strokes', 'image'] as const;

/** The key under which one organisation signs once: case, accents and punctuation ignored. */
export const organisationKey = (organisation: string): string => normaliseText(organisation);

// ---------------------------------------------------------------- events

export interface CharterPublishedData {
  charterId: string;
  conferenceId: string;
  title: string;
  /** Markdown, exactly as published: `textSha256` is over these UTF-8 bytes. */
  text: string;
  textSha256: string;
  publishedAt: string;
  /**
   * The language the charter is written in (`fr` when absent, as before it
   * existed): the tablet shows the consent wording in it. Not sealed: the
   * text itself is.
   */
  lang?: CharterLang;
}

export const CHARTER_LANGS = ['fr', 'en'] as const;
export type CharterLang = (typeof CHARTER_LANGS)[number];

export interface CharterSignedData {
  charterId: string;
  conferenceId: string;
  /** 1, 2, 3 ... in signing order, voided signatures included: the number on the receipt. */
  sequence: number;
  /** Chosen by the tablet: a repeated one is the same signature. */
  signatureId: string;
  // Who
  registrationId: string;
  /** The name as registered, when the signature was made. */
  name: string;
  /** Random, per signature; sealed with the name so that the sealed digest cannot be guessed from a list of names. */
  nameSalt: string;
  nameSha256: string;
  /** The organisation signed for, as the signer confirmed it. */
  onBehalfOf: string;
  admission: AdmissionProof;
  // What
  textSha256: string;
  // Intent
  consent: Consent;
  // The signature itself
  strokes: Strokes;
  canvas: CanvasSize;
  strokesSha256: string;
  /** `data:image/png;base64,...` */
  image: string;
  /** Of the PNG bytes, not of the data URL. */
  imageSha256: string;
  // When and where
  /** Server time. */
  signedAt: string;
  /** The tablet's clock, when it sent one. */
  deviceSignedAt: string | null;
  kiosk: string;
  userAgent: string | null;
  // The chain
  previousHash: string;
  hash: string;
}

export interface SignatureVoidedData {
  charterId: string;
  conferenceId: string;
  signatureId: string;
  /** The voided signature's sequence. */
  sequence: number;
  registrationId: string;
  reason: string;
  /** The organiser's device. */
  voidedBy: string;
  voidedAt: string;
  previousHash: string;
  hash: string;
}

export interface CharterClosedData {
  charterId: string;
  conferenceId: string;
  /** Signatures in the chain, voided ones included (the last sequence). */
  count: number;
  voided: number;
  /** The chain's head when it was closed: the charter's fingerprint. */
  head: string;
  closedBy: string;
  closedAt: string;
}

export type CharterPublished = DomainEvent<'CharterPublished', CharterPublishedData>;
export type CharterSigned = DomainEvent<'CharterSigned', CharterSignedData>;
export type SignatureVoided = DomainEvent<'SignatureVoided', SignatureVoidedData>;
export type CharterClosed = DomainEvent<'CharterClosed', CharterClosedData>;

export type CharterEvent = CharterPublished | CharterSigned | SignatureVoided | CharterClosed;

export const CHARTER_EVENT_TYPES = ['CharterPublished', 'CharterSigned', 'SignatureVoided', 'CharterClosed'] as const;

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
