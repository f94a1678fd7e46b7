import type { CharterRefusalReason } from '@emargement/charter';
import type {
  ArrivalRefusalReason,
  BadgeRefusalReason,
  ConferenceRefusalReason,
  DoorPrintersRefusalReason,
  ScanClaimRefusalReason,
  TicketMailRefusalReason,
} from '@emargement/conference';
import type { DeviceRefusalReason } from '@emargement/devices';
import type { MovementCommandRefusal } from '@emargement/spaces';
import type { FieldError } from './api-error.js';

/** Every refusal code a decider can answer with. */
export type RefusalReason =
  | ConferenceRefusalReason
  | ArrivalRefusalReason
  | ScanClaimRefusalReason
  | BadgeRefusalReason
  | DoorPrintersRefusalReason
  | CharterRefusalReason
  | DeviceRefusalReason
  | MovementCommandRefusal
  | TicketMailRefusalReason;

/**
 * HTTP status of each stable refusal code of the deciders. The body carries
 * the code itself; the status only tells generic clients what kind of no it
 * is. Typed against the deciders' reason unions: a new code without a status
 * here is a type error, never a silent 400.
 */
const STATUS: Record<RefusalReason, number> = {
  // The conference and its registry (libs/conference)
  conference_exists: 409,
  conference_not_scheduled: 404,
  missing_field: 400,
  invalid_capacity: 400,
  invalid_period: 400,
  invalid_timezone: 400,
  invalid_lunch_fee: 400,
  invalid_doors: 400,
  invalid_programme: 400,
  capacity_below_registered: 409,
  invalid_email: 400,
  duplicate_email: 409,
  registration_id_conflict: 409,
  ticket_code_conflict: 409,
  unknown_registration: 404,
  beyond_capacity_not_allowed: 409,
  registration_erased: 409,
  // Arrivals (libs/conference)
  missing_reason: 400,
  unknown_scan: 404,
  not_an_admission: 409,
  already_undone: 409,
  nothing_to_undo: 409,
  payment_id_conflict: 409,
  lunch_not_offered: 409,
  registration_cancelled: 409,
  lunch_already_paid: 409,
  unknown_payment: 404,
  payment_reversed: 409,
  wrong_amount: 400,
  unknown_conflict: 404,
  offline_reason_missing: 400,
  unknown_door: 400,
  scan_id_reused: 409,
  // Badges (libs/conference/src/badge): a reprint is allowed, with a reason; an erased person's badge is gone for good.
  reprint_reason_required: 409,
  person_erased: 410,
  invalid_queue: 400,
  // The charter (libs/charter)
  not_admitted: 409,
  already_signed: 409,
  charter_closed: 409,
  text_changed: 409,
  consent_missing: 400,
  empty_signature: 400,
  not_a_signatory: 409,
  missing_organisation: 400,
  invalid_image: 400,
  image_too_large: 413,
  signature_id_conflict: 409,
  charter_exists: 409,
  empty_charter: 400,
  charter_too_long: 400,
  unknown_charter: 404,
  unknown_signature: 404,
  // Devices (libs/devices)
  device_not_found: 404,
  device_id_conflict: 409,
  // Spaces and movements (libs/spaces)
  unknown_space: 400,
  space_name_taken: 409,
  unknown_roll_call: 404,
  roll_call_full: 409,
  // Tickets by e-mail (libs/conference/src/mail)
  already_sent: 409,
  already_queued: 409,
  not_queued: 409,
  not_sending: 409,
  unknown_message: 404,
};

const isRefusalReason = (code: string): code is RefusalReason => Object.hasOwn(STATUS, code);

/** 400 for a code no decider declares (it cannot come from one: a defect, but still a refusal). */
export const refusalStatus = (code: string): number => (isRefusalReason(code) ? STATUS[code] : 400);

/**
 * The request field a refusal is about, for the codes whose answer names it
 * (`errors: [{field, message}]`, as a validation error does), so that a form
 * can point at the field.
 */
const FIELD: Partial<Record<RefusalReason, (detail: Readonly<Record<string, unknown>>) => FieldError>> = {
  unknown_door: () => ({ field: 'door', message: 'unknown door' }),
  unknown_space: () => ({ field: 'space', message: 'unknown space' }),
  invalid_image: (d) => ({
    field: 'image',
    message: typeof d['problem'] === 'string' ? d['problem'] : 'invalid image',
  }),
  image_too_large: (d) => ({ field: 'image', message: `at most ${String(d['maxBytes'])} bytes decoded` }),
};

export const refusalFieldErrors = (
  code: string,
  detail: Readonly<Record<string, unknown>>,
): FieldError[] | undefined => {
  const field = isRefusalReason(code) ? FIELD[code] : undefined;
  return field ? [field(detail)] : undefined;
};
