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
  lunch_not_offered: 409,
};

export const refusalStatus = (code: string): number => STATUS[code] ?? 400;
