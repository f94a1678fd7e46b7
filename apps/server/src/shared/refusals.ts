/**
 * HTTP status of each stable refusal code of the deciders. The body carries
 * the code itself; the status only tells generic clients what kind of no it is.
 */
const STATUS: Record<string, number> = {
  conference_exists: 409,
  duplicate_email: 409,
  registration_id_conflict: 409,
  ticket_code_conflict: 409,
  payment_id_conflict: 409,
  lunch_already_paid: 409,
  capacity_below_registered: 409,
  registration_cancelled: 409,
  not_an_admission: 409,
  conference_not_scheduled: 404,
  unknown_registration: 404,
  unknown_scan: 404,
  unknown_conflict: 404,
  lunch_not_offered: 409,
  // The charter (libs/charter). consent_missing, empty_signature, missing_organisation,
  // invalid_image and missing_reason are bad requests (400, the default).
  not_admitted: 409,
  not_a_signatory: 409,
  already_signed: 409,
  charter_closed: 409,
  text_changed: 409,
  charter_exists: 409,
  signature_id_conflict: 409,
  unknown_charter: 404,
  unknown_signature: 404,
};

export const refusalStatus = (code: string): number => STATUS[code] ?? 400;
