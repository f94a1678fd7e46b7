/**
 * The charter: the pure domain (no @nestjs, no I/O, no clock, no random ids;
 * time, ids and the name's salt come in with the command).
 *
 * Stream `charter-<charterId>` (see `streams.ts`): `CharterPublished`, then
 * `CharterSigned` and `SignatureVoided` (the entries of the hash chain, see
 * `chain.ts`), then `CharterClosed`, which fixes the chain's head.
 */
export * from './canonical-json.js';
export * from './png.js';
export * from './png-decode.js';
export * from './streams.js';
export * from './chain.js';
export * from './cms.js';
export * from './receipt.js';
export * from './verify-pdf.js';
export {
  initialState as initialCharterState,
  evolve as evolveCharter,
  foldCharter,
  organisationKey,
  standingSignatures,
  SIGNATURE_PERSONAL_FIELDS,
  CHARTER_EVENT_TYPES,
  CHARTER_LANGS,
  type CharterLang,
  type StrokePoint,
  type Strokes,
  type CanvasSize,
  type AdmissionProof,
  type Consent,
  type CharterPublishedData,
  type CharterSignedData,
  type SignatureVoidedData,
  type CharterClosedData,
  type CharterPublished,
  type CharterSigned,
  type SignatureVoided,
  type CharterClosed,
  type CharterEvent,
  type Voiding,
  type SignatureRecord,
  type Closure,
  type NotPublished,
  type Published,
  type CharterState,
} from './charter.js';
export {
  decide as decideCharter,
  charterDecider,
  publishCharter,
  signCharter,
  voidSignature,
  closeCharter,
  CHARTER_REFUSAL_REASONS,
  type CharterRefusalReason,
  type PublishRefusalReason,
  type SignRefusalReason,
  type VoidRefusalReason,
  type CloseRefusalReason,
  type PublishCharter,
  type SignerFacts,
  type SignCharter,
  type VoidSignature,
  type CloseCharter,
  type CharterCommand,
  type PublishOutcome,
  type SignOutcome,
  type VoidOutcome,
  type CloseOutcome,
  type CharterOutcome,
} from './charter.decide.js';
export * from './markdown.js';
