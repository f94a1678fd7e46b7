import { accept, refuse, type Decider, type Decision, type DomainCommand } from '@emargement/decider';
import { imageSha256, nameSha256, signatureHash, strokesSha256, textSha256, voidHash } from './chain.js';
import { decodePngDataUrl } from './png-decode.js';
import { MAX_IMAGE_BYTES } from './png.js';
import { MAX_CHARTER_TEXT_LENGTH } from './markdown.js';
import {
  evolve,
  foldCharter,
  initialState,
  organisationKey,
  type AdmissionProof,
  type CanvasSize,
  type CharterClosed,
  type CharterLang,
  type CharterEvent,
  type CharterPublished,
  type CharterSigned,
  type CharterState,
  type Consent,
  type Published,
  type SignatureRecord,
  type SignatureVoided,
  type Strokes,
} from './charter.js';

// -------------------------------------------------------------- commands

export type PublishCharter = DomainCommand<
  'PublishCharter',
  { charterId: string; conferenceId: string; title: string; text: string; publishedAt: string; lang?: CharterLang }
>;

/**
 * What the registry and the ticket's stream say about the signer when the
 * command is handled: the decider cannot read them, so they come in the
 * command, as `TicketFacts` do for a scan.
 */
export interface SignerFacts {
  registrationId: string;
  /** As registered: first name and last name. */
  name: string;
  /** The registry's category; only `signatory` may sign. */
  category: string;
  /** The registry's status; only `registered` may sign. */
  status: 'registered' | 'waitlisted' | 'cancelled';
  /** The current admission read from the ticket's stream, or `null` when the person is not (or no longer) admitted. */
  admission: AdmissionProof | null;
}

export type SignCharter = DomainCommand<
  'SignCharter',
  {
    charterId: string;
    conferenceId: string;
    signatureId: string;
    signer: SignerFacts;
    onBehalfOf: string;
    /** The hash of the text the tablet showed. */
    textSha256: string;
    /** `null` when the signer did not tick the consent. */
    consent: Consent | null;
    strokes: Strokes;
    /** The drawing surface; `null` when the tablet did not say (the picture's own size is then recorded). */
    canvas: CanvasSize | null;
    /** A PNG data URL, or `null` when the tablet sent none. */
    image: string | null;
    /** Random, chosen by the server (never inside `decide`). */
    nameSalt: string;
    signedAt: string;
    deviceSignedAt: string | null;
    kiosk: string;
    userAgent: string | null;
  }
>;

export type VoidSignature = DomainCommand<
  'VoidSignature',
  { charterId: string; conferenceId: string; signatureId: string; reason: string; voidedBy: string; voidedAt: string }
>;

export type CloseCharter = DomainCommand<
  'CloseCharter',
  { charterId: string; conferenceId: string; closedBy: string; closedAt: string }
>;

export type CharterCommand = PublishCharter | SignCharter | VoidSignature | CloseCharter;

// ------------------------------------------------------- reasons, outcomes

/** Stable refusal codes; the contract's six first. */
export const CHARTER_REFUSAL_REASONS = [
  'not_admitted',
  'already_signed',
  'charter_closed',
  'text_changed',
  'consent_missing',
  'empty_signature',
  'not_a_signatory',
  'missing_organisation',
  'invalid_image',
  'image_too_large',
  'signature_id_conflict',
  'charter_exists',
  'empty_charter',
  'unknown_charter',
  'unknown_signature',
  'missing_reason',
  'charter_too_long',
] as const;
export type CharterRefusalReason = (typeof CHARTER_REFUSAL_REASONS)[number];

export type PublishRefusalReason = Extract<
  CharterRefusalReason,
  'charter_exists' | 'empty_charter' | 'charter_too_long'
>;
export type SignRefusalReason = Extract<
  CharterRefusalReason,
  | 'unknown_charter'
  | 'signature_id_conflict'
  | 'charter_closed'
  | 'not_admitted'
  | 'not_a_signatory'
  | 'already_signed'
  | 'missing_organisation'
  | 'text_changed'
  | 'consent_missing'
  | 'empty_signature'
  | 'invalid_image'
  | 'image_too_large'
>;
export type VoidRefusalReason = Extract<
  CharterRefusalReason,
  'unknown_charter' | 'unknown_signature' | 'charter_closed' | 'missing_reason'
>;
export type CloseRefusalReason = Extract<CharterRefusalReason, 'unknown_charter'>;

export interface PublishOutcome {
  charterId: string;
  textSha256: string;
  publishedAt: string;
}

export interface SignOutcome {
  signatureId: string;
  sequence: number;
  hash: string;
  previousHash: string;
  signedAt: string;
  name: string;
  onBehalfOf: string;
}

export interface VoidOutcome {
  signatureId: string;
  sequence: number;
  voidedAt: string;
  hash: string;
  previousHash: string;
}

export interface CloseOutcome {
  count: number;
  voided: number;
  head: string;
  closedAt: string;
}

export type CharterOutcome = PublishOutcome | SignOutcome | VoidOutcome | CloseOutcome;

// ---------------------------------------------------------------- decide

export const publishCharter = (
  command: PublishCharter,
  state: CharterState,
): Decision<CharterPublished, PublishOutcome, PublishRefusalReason> => {
  const { charterId, conferenceId, text, publishedAt } = command.data;
  const title = command.data.title.trim();
  if (state.status !== 'not_published') {
    // The same publication again (a retry) gets the first answer; anything else under this id is another charter.
    const c = state.charter;
    return c.conferenceId === conferenceId &&
      c.title === title &&
      c.text === text &&
      (c.lang ?? 'fr') === (command.data.lang ?? 'fr')
      ? accept([], { charterId, textSha256: c.textSha256, publishedAt: c.publishedAt })
      : refuse('charter_exists');
  }
  if (title === '' || text.trim() === '') return refuse('empty_charter');
  // Its Markdown is parsed for every PDF and on every tablet: bounded, as every text that comes from outside.
  if (text.length > MAX_CHARTER_TEXT_LENGTH) return refuse('charter_too_long', { maxLength: MAX_CHARTER_TEXT_LENGTH });
  const digest = textSha256(text);
  return accept(
    [
      {
        type: 'CharterPublished',
        data: {
          charterId,
          conferenceId,
          title,
          text,
          textSha256: digest,
          publishedAt,
          ...(command.data.lang !== undefined ? { lang: command.data.lang } : {}),
        },
      },
    ],
    { charterId, textSha256: digest, publishedAt },
  );
};

const publishedFor = (state: CharterState, conferenceId: string): Published | undefined =>
  state.status !== 'not_published' && state.charter.conferenceId === conferenceId ? state : undefined;

const signOutcome = (s: SignatureRecord): SignOutcome => ({
  signatureId: s.signatureId,
  sequence: s.sequence,
  hash: s.hash,
  previousHash: s.previousHash,
  signedAt: s.signedAt,
  name: s.name,
  onBehalfOf: s.onBehalfOf,
});

/** A stroke of one point is a tap, not a line: a signature needs at least one stroke of two points. */
const hasALine = (strokes: Strokes): boolean => strokes.some((stroke) => stroke.length >= 2);

export const signCharter = (
  command: SignCharter,
  state: CharterState,
): Decision<CharterSigned, SignOutcome, SignRefusalReason> => {
  const { charterId, conferenceId, signatureId, signer, consent, strokes, image } = command.data;
  const onBehalfOf = command.data.onBehalfOf.trim();
  const charter = publishedFor(state, conferenceId);
  if (charter === undefined) return refuse('unknown_charter');

  // A tablet that did not hear the answer sends the same signature again: the
  // first answer, nothing written, even once the charter is closed.
  const prior = charter.signatures.get(signatureId);
  if (prior !== undefined) {
    const same =
      prior.registrationId === signer.registrationId &&
      organisationKey(prior.onBehalfOf) === organisationKey(onBehalfOf) &&
      image !== null &&
      prior.imageSha256 === imageSha256(image) &&
      prior.strokesSha256 === strokesSha256(strokes);
    return same ? accept([], signOutcome(prior)) : refuse('signature_id_conflict', { sequence: prior.sequence });
  }

  if (charter.status === 'closed') return refuse('charter_closed');
  // Who, first: a person who may not sign is told so before anything about the drawing.
  if (signer.status !== 'registered' || signer.admission === null)
    return refuse('not_admitted', signer.status === 'registered' ? undefined : { status: signer.status });
  if (signer.category !== 'signatory') return refuse('not_a_signatory', { category: signer.category });
  const mine = charter.standingByPerson.get(signer.registrationId);
  if (mine !== undefined)
    return refuse('already_signed', { scope: 'person', sequence: charter.signatures.get(mine)?.sequence ?? null });
  const key = organisationKey(onBehalfOf);
  if (key === '') return refuse('missing_organisation');
  const theirs = charter.standingByOrganisation.get(key);
  if (theirs !== undefined) {
    const signed = charter.signatures.get(theirs);
    return refuse('already_signed', {
      scope: 'organisation',
      sequence: signed?.sequence ?? null,
      onBehalfOf: signed?.onBehalfOf ?? null,
    });
  }
  // What, then intent, then the signature itself.
  if (command.data.textSha256 !== charter.charter.textSha256)
    return refuse('text_changed', { textSha256: charter.charter.textSha256 });
  if (consent === null || consent.wording.trim() === '') return refuse('consent_missing');
  if (image === null || image === '' || !hasALine(strokes)) return refuse('empty_signature');
  // The PDF embeds these bytes and the chain hashes them: a picture that is not what it claims is refused here,
  // and only a picture that decodes completely is what it claims (issue 20: one that did not crashed every render).
  const png = decodePngDataUrl(image);
  if (!png.ok)
    return png.problem === 'too_large'
      ? refuse('image_too_large', { maxBytes: MAX_IMAGE_BYTES })
      : refuse('invalid_image', { problem: png.problem });
  const imageDigest = imageSha256(image);
  if (imageDigest === null) return refuse('invalid_image', { problem: 'not_a_data_url' });
  // Without the canvas's size, the picture's own is the best record of the drawing surface.
  const canvas = command.data.canvas ?? { width: png.width, height: png.height, devicePixelRatio: null };

  const sealed = {
    charterId,
    conferenceId,
    sequence: charter.count + 1,
    signatureId,
    registrationId: signer.registrationId,
    nameSha256: nameSha256(signer.name, command.data.nameSalt),
    onBehalfOf,
    admission: signer.admission,
    textSha256: charter.charter.textSha256,
    consent,
    canvas,
    strokesSha256: strokesSha256(strokes),
    imageSha256: imageDigest,
    signedAt: command.data.signedAt,
    deviceSignedAt: command.data.deviceSignedAt,
    kiosk: command.data.kiosk,
    userAgent: command.data.userAgent,
    previousHash: charter.head,
  };
  const hash = signatureHash(sealed);
  return accept(
    [
      {
        type: 'CharterSigned',
        data: { ...sealed, name: signer.name, nameSalt: command.data.nameSalt, strokes, image, hash },
      },
    ],
    {
      signatureId,
      sequence: sealed.sequence,
      hash,
      previousHash: sealed.previousHash,
      signedAt: sealed.signedAt,
      name: signer.name,
      onBehalfOf,
    },
  );
};

export const voidSignature = (
  command: VoidSignature,
  state: CharterState,
): Decision<SignatureVoided, VoidOutcome, VoidRefusalReason> => {
  const { charterId, conferenceId, signatureId, voidedBy, voidedAt } = command.data;
  const charter = publishedFor(state, conferenceId);
  if (charter === undefined) return refuse('unknown_charter');
  const signature = charter.signatures.get(signatureId);
  if (signature === undefined) return refuse('unknown_signature');
  if (signature.voided !== null) {
    const v = signature.voided;
    return accept([], {
      signatureId,
      sequence: signature.sequence,
      voidedAt: v.voidedAt,
      hash: v.hash,
      previousHash: v.previousHash,
    });
  }
  // Closing fixed the head: a voiding after it would change what was closed.
  if (charter.status === 'closed') return refuse('charter_closed');
  const reason = command.data.reason.trim();
  if (reason === '') return refuse('missing_reason');
  const sealed = {
    charterId,
    conferenceId,
    signatureId,
    sequence: signature.sequence,
    registrationId: signature.registrationId,
    reason,
    voidedBy,
    voidedAt,
    previousHash: charter.head,
  };
  const hash = voidHash(sealed);
  return accept([{ type: 'SignatureVoided', data: { ...sealed, hash } }], {
    signatureId,
    sequence: signature.sequence,
    voidedAt,
    hash,
    previousHash: charter.head,
  });
};

export const closeCharter = (
  command: CloseCharter,
  state: CharterState,
): Decision<CharterClosed, CloseOutcome, CloseRefusalReason> => {
  const { charterId, conferenceId, closedBy, closedAt } = command.data;
  const charter = publishedFor(state, conferenceId);
  if (charter === undefined) return refuse('unknown_charter');
  if (charter.closure !== null) {
    const { count, voided, head } = charter.closure;
    return accept([], { count, voided, head, closedAt: charter.closure.closedAt });
  }
  const { count, voided, head } = charter;
  return accept(
    [{ type: 'CharterClosed', data: { charterId, conferenceId, count, voided, head, closedBy, closedAt } }],
    { count, voided, head, closedAt },
  );
};

export const decide = (
  command: CharterCommand,
  state: CharterState,
): Decision<CharterEvent, CharterOutcome, CharterRefusalReason> => {
  switch (command.type) {
    case 'PublishCharter':
      return publishCharter(command, state);
    case 'SignCharter':
      return signCharter(command, state);
    case 'VoidSignature':
      return voidSignature(command, state);
    case 'CloseCharter':
      return closeCharter(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown charter command ${JSON.stringify(unknown)}`);
    }
  }
};

export const charterDecider: Decider<CharterCommand, CharterEvent, CharterState, CharterOutcome, CharterRefusalReason> =
  { decide, evolve, initialState, fold: foldCharter };
