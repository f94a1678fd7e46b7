/**
 * The words of the contract (`API.md`), as closed sets. Each list is the one
 * source for its type, for run-time checks and for DTO enums, so that adding
 * a value is one edit.
 */

export const CATEGORIES = ['participant', 'speaker', 'signatory', 'press', 'staff', 'official'] as const;
export type Category = (typeof CATEGORIES)[number];
export const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);

/** The kind of identity document shown at the door. Its number is never sent nor stored. */
export const DOCUMENT_KINDS = ['national_id', 'passport', 'residence_permit', 'driving_licence', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const isDocumentKind = (value: string): value is DocumentKind =>
  (DOCUMENT_KINDS as readonly string[]).includes(value);

export const PAYMENT_METHODS = ['cash', 'cheque', 'card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const isPaymentMethod = (value: string): value is PaymentMethod =>
  (PAYMENT_METHODS as readonly string[]).includes(value);

/** How a registration reached the registry; kept for the dashboard and the audit, never used to decide. */
export const REGISTRATION_SOURCES = ['api', 'import', 'walk_in'] as const;
export type RegistrationSource = (typeof REGISTRATION_SOURCES)[number];

/** The languages a person is written to in (their ticket by e-mail); French when none was given. */
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

export type RegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

/**
 * Why a scan did not admit anyone: exactly the contract's codes, in the order
 * they are checked (a cancelled ticket is reported as cancelled even if it was
 * admitted before the cancellation; an ID check only matters for a ticket that
 * would otherwise be admitted).
 */
export const ENTRY_REFUSAL_REASONS = [
  'unknown_ticket',
  'cancelled',
  'waitlisted',
  'already_checked_in',
  'id_not_checked',
  'id_mismatch',
  'id_missing',
] as const;
export type EntryRefusalReason = (typeof ENTRY_REFUSAL_REASONS)[number];

/** A document kind, or `none`: the person showed no identity document at all (refused `id_missing`). */
export const ID_CHECK_DOCUMENTS = [...DOCUMENT_KINDS, 'none'] as const;
export type IdCheckDocument = (typeof ID_CHECK_DOCUMENTS)[number];

/**
 * What a door records about an identity check: the document's kind and whether
 * the name matched, nothing else. With no document (`none`) there was no name
 * to compare: `nameMatches` is then `false`.
 */
export interface IdCheck {
  document: IdCheckDocument;
  nameMatches: boolean;
}

export interface LunchFee {
  priceCents: number;
  /** ISO 4217, e.g. `EUR`. */
  currency: string;
}

/**
 * The personal data of a registration, kept together in every event so that
 * erasing a person (crypto-shredding, see FIELD-NOTES) has one field to
 * encrypt and one to blank.
 */
/** The longest a person's fields may be, wherever they come from (the API, a CSV import). */
export const PERSON_FIELD_MAX_LENGTH = { firstName: 100, lastName: 100, email: 254, organisation: 200 } as const;

export interface Person {
  firstName: string;
  lastName: string;
  /** As given, trimmed; uniqueness is decided on `normaliseEmail(email)`. */
  email: string;
  organisation: string | null;
  /** Set when the person's data was erased: the names and the address are then empty strings. */
  erased?: true;
}
