/**
 * Stream names, in the `category-id` form that EventStoreDB's `$ce-<category>`
 * projections understand (the category is everything before the first dash,
 * so ids may contain dashes, as UUIDs do). Nothing else in the system builds
 * these strings: a rename here is a migration, since stored streams keep their
 * names.
 *
 * - `conference-<conferenceId>`: the conference and its registry (schedule,
 *   capacity, every registration, waitlist, promotion, cancellation).
 * - `ticket-<registrationId>`: what happens to one ticket on the day (scans,
 *   admissions, refusals, undos, lunch payments). Keyed by the registration id,
 *   never by the ticket code, which is a bearer secret and must not appear in
 *   stream names, logs or the store's UI.
 * - `door-<conferenceId>`: refused scans that belong to no ticket (unknown
 *   codes, unknown registration ids).
 */

const streamName = (category: string, id: string): string => {
  if (id.length === 0) throw new Error(`An empty id cannot name a ${category} stream`);
  return `${category}-${id}`;
};

export const CONFERENCE_CATEGORY = 'conference';
export const TICKET_CATEGORY = 'ticket';
export const DOOR_CATEGORY = 'door';

export const conferenceStream = (conferenceId: string): string => streamName(CONFERENCE_CATEGORY, conferenceId);
export const ticketStream = (registrationId: string): string => streamName(TICKET_CATEGORY, registrationId);
export const doorStream = (conferenceId: string): string => streamName(DOOR_CATEGORY, conferenceId);
/**
 * `door-<conferenceId>-<scanId>`: a scan that names no ticket, on a stream of
 * its own (issue 21). On the one door stream, every unknown scan of a
 * conference re-read all those before it; each alone, its cost is fixed, and
 * the same scan sent again still finds its first answer there. The older
 * `door-<conferenceId>` stream is still read where it holds a conflict.
 */
export const unknownScanStream = (conferenceId: string, scanId: string): string =>
  streamName(DOOR_CATEGORY, `${conferenceId}-${scanId.toLowerCase()}`);

/**
 * `scan-<scanId>`: the one claim of a scan id (`ScanIdClaimed`), whatever
 * ticket or conference it names, so that one id is one scan for ever.
 */
export const SCAN_CATEGORY = 'scan';
export const scanIdStream = (scanId: string): string => streamName(SCAN_CATEGORY, scanId);

/** `badge-<registrationId>`: a person's badge prints and the jobs a printer refused (issue 24). */
export const BADGE_CATEGORY = 'badge';
export const badgeStream = (registrationId: string): string => streamName(BADGE_CATEGORY, registrationId);
/** `badgeprinters-<conferenceId>`: which CUPS queue prints each door's badges. */
export const BADGE_PRINTERS_CATEGORY = 'badgeprinters';
export const badgePrintersStream = (conferenceId: string): string => streamName(BADGE_PRINTERS_CATEGORY, conferenceId);
/**
 * `mail-<registrationId>`: the person's ticket sent by e-mail (queued, attempted, sent, failed, dropped); one stream
 * per person, so a claim on a message is one append at a known revision (libs/conference/src/mail/ticket-mail.ts).
 */
export const MAIL_CATEGORY = 'mail';
export const mailStream = (registrationId: string): string => streamName(MAIL_CATEGORY, registrationId);
