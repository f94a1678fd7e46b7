/**
 * The closed sets of words the contract uses. Where a domain library owns the
 * set (categories, refusal codes, ...) it is taken from there, not copied: a
 * value added to the domain reaches the schemas, the server's types and the
 * web's types in one edit. Statuses with no array in the domain are
 * declared here, checked against the domain's union at compile time.
 */
import {
  CATEGORIES,
  DOCUMENT_KINDS,
  ENTRY_REFUSAL_REASONS,
  PAYMENT_METHODS,
  REGISTRATION_SOURCES,
  type RegistrationStatus as DomainRegistrationStatus,
} from '@emargement/conference/vocabulary.js';
import { CSV_ENCODINGS } from '@emargement/conference/import/encoding.js';
import { BADGE_LAYOUTS } from '@emargement/conference/badge/badge.js';
import { DEVICE_ROLES } from '@emargement/devices/device.js';
import { MOVEMENT_REFUSAL_REASONS } from '@emargement/spaces/movements.js';
// Type only: the charter's module holds the hash chain (node:crypto), which the browser must not load for a word list.
import type { CharterLang as DomainCharterLang } from '@emargement/charter/charter.js';

export {
  BADGE_LAYOUTS,
  CATEGORIES,
  CSV_ENCODINGS,
  DOCUMENT_KINDS,
  ENTRY_REFUSAL_REASONS,
  MOVEMENT_REFUSAL_REASONS,
  PAYMENT_METHODS,
  REGISTRATION_SOURCES,
};
export type Category = (typeof CATEGORIES)[number];
export type BadgeLayout = (typeof BADGE_LAYOUTS)[number];
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type RefusalReason = (typeof ENTRY_REFUSAL_REASONS)[number];
export type MovementRefusalReason = (typeof MOVEMENT_REFUSAL_REASONS)[number];

export const REGISTRATION_STATUSES = ['registered', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
// Both ways: the list names every status of the domain and nothing else.
const _statusesCoverDomain: readonly RegistrationStatus[] = [] as DomainRegistrationStatus[];
const _domainCoversStatuses: readonly DomainRegistrationStatus[] = REGISTRATION_STATUSES;
void _statusesCoverDomain;
void _domainCoversStatuses;

export const CHARTER_LANGS = ['fr', 'en'] as const;
export type CharterLang = (typeof CHARTER_LANGS)[number];
const _langsCoverDomain: readonly CharterLang[] = [] as DomainCharterLang[];
const _domainCoversLangs: readonly DomainCharterLang[] = CHARTER_LANGS;
void _langsCoverDomain;
void _domainCoversLangs;

/** What a ticket is when the door looks it up. */
export const TICKET_STATES = ['expected', 'admitted', 'cancelled', 'waitlisted'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const SCAN_RESULTS = ['admitted', 'refused'] as const;
export type ScanResultKind = (typeof SCAN_RESULTS)[number];

/** What a device may do (ADR 008): the devices library's list; the server's access policy is written against it. */
export const ROLES = DEVICE_ROLES;
export type Role = (typeof ROLES)[number];

export const CHARTER_STATUSES = ['open', 'closed'] as const;
export type CharterStatus = (typeof CHARTER_STATUSES)[number];

/** Filters of the organisers' registrations table: at the door, admitted, not yet, or refused with none standing. */
export const ARRIVALS = ['arrived', 'not_arrived', 'refused'] as const;
export type Arrival = (typeof ARRIVALS)[number];
