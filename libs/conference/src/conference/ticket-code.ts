import { createHash } from 'node:crypto';

/**
 * The SHA-256 (lower-case hex) of a ticket code as UTF-8: the one form of a ticket the log keeps in clear.
 * A code is a bearer secret (whoever holds it walks in), so the store seals the code itself with the
 * person's other data (ADR 007) and the door finds a ticket by this digest, the same digest the door
 * phone's offline list holds (`ticketSha256`). (`node:crypto` is mapped to a synchronous SHA-256 in the
 * browser build, as for the charter's chain.)
 */
export const ticketSha256 = (ticketCode: string): string =>
  createHash('sha256').update(ticketCode, 'utf8').digest('hex');
