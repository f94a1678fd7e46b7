import type { DomainEvent } from '@emargement/decider';

/**
 * The charter's vocabulary and events: plain data, shared by the decider
 * (`charter.ts`, `charter.decide.ts`) and the hash chain (`chain.ts`), which
 * depend on this file and never on each other's types.
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
