import {
  boolean,
  instant,
  integer,
  listOf,
  nullableInstant,
  nullableString,
  object,
  string,
  type Answer,
} from './schema.js';
import { CHARTER_LANGS, CHARTER_STATUSES } from './vocabulary.js';

const charterStatus = { type: 'string', enum: CHARTER_STATUSES } as const;
const sha256 = { type: 'string', description: 'SHA-256, lower-case hex' } as const;

export const CharterSignatureSchema = object({
  sequence: integer,
  signatureId: string,
  registrationId: string,
  name: {
    type: 'string',
    nullable: true,
    description: 'null once the signer was erased: the entry stays in the chain',
  },
  onBehalfOf: string,
  signedAt: instant,
  kiosk: string,
  hash: sha256,
  previousHash: sha256,
  voided: {
    ...object({ reason: string, voidedAt: instant, hash: sha256 }),
    nullable: true,
    description: 'When and why an organiser voided it; the signature stays in the chain',
  },
});
export type CharterSignature = Answer<typeof CharterSignatureSchema>;

/** `GET .../charters/:chid`: the text and its hash, the status, every signature and the chain's head. */
export const CharterSchema = object({
  charterId: string,
  conferenceId: string,
  title: string,
  text: { type: 'string', description: 'Markdown, exactly as published: its SHA-256 is textSha256' },
  textSha256: sha256,
  publishedAt: instant,
  lang: { type: 'string', enum: CHARTER_LANGS },
  status: charterStatus,
  signatures: listOf(CharterSignatureSchema),
  count: { type: 'integer', description: 'Signatures in the chain, voided ones included' },
  voided: integer,
  head: sha256,
  closedAt: nullableInstant,
});
export type Charter = Answer<typeof CharterSchema>;

export const CharterSummarySchema = object({
  charterId: string,
  title: string,
  textSha256: sha256,
  publishedAt: instant,
  status: charterStatus,
  count: integer,
});
export type CharterSummary = Answer<typeof CharterSummarySchema>;
export const CharterListSchema = object({ items: listOf(CharterSummarySchema) });
export type CharterList = Answer<typeof CharterListSchema>;

/** What the signing tablet shows of a person: a name to pick, and the organisation to confirm. */
export const SignatorySchema = object({
  registrationId: string,
  firstName: string,
  lastName: string,
  name: string,
  organisation: nullableString,
  organisationSigned: { type: 'boolean', description: 'Another representative has already signed for it' },
});
export type Signatory = Answer<typeof SignatorySchema>;
export const SignatoryListSchema = listOf(SignatorySchema);
export type SignatoryList = Answer<typeof SignatoryListSchema>;

export const CharterPublishedSchema = object({ charterId: string, textSha256: sha256 });
export type CharterPublished = Answer<typeof CharterPublishedSchema>;

export const CharterSignedSchema = object({
  signatureId: string,
  sequence: integer,
  hash: sha256,
  previousHash: sha256,
  signedAt: instant,
  name: string,
  onBehalfOf: string,
});
export type CharterSigned = Answer<typeof CharterSignedSchema>;

/** The signer's receipt; the same fields are found unchanged in the sealed PDF's evidence. */
export const SignatureReceiptSchema = object({
  charterId: string,
  signatureId: string,
  sequence: integer,
  hash: sha256,
  previousHash: sha256,
  signedAt: instant,
});
export type SignatureReceipt = Answer<typeof SignatureReceiptSchema>;

export const SignatureVoidedSchema = object({
  signatureId: string,
  sequence: integer,
  voidedAt: instant,
  hash: sha256,
  previousHash: sha256,
});
export type SignatureVoided = Answer<typeof SignatureVoidedSchema>;

export const CharterClosedSchema = object({ count: integer, voided: integer, head: sha256, closedAt: instant });
export type CharterClosed = Answer<typeof CharterClosedSchema>;

/** `GET .../verify`: the chain recomputed from the stored events; sequence 0 is the publication. */
export const VerificationSchema = object(
  {
    valid: boolean,
    count: integer,
    voided: integer,
    head: { ...nullableString, description: 'The last stored entry’s hash' },
    status: { type: 'string', enum: ['not_published', ...CHARTER_STATUSES] },
    firstInvalidSequence: integer,
    problem: object({ code: string, entry: string, sequence: integer }, ['sequence']),
  },
  ['firstInvalidSequence', 'problem'],
);
export type Verification = Answer<typeof VerificationSchema>;
