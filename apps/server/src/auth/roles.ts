/** The roles of the contract: who may do what is in `access-policy.ts`. */
// Declared once, in the contract: the web's enrolment form offers the same list.
import { ROLES, type Role } from '@emargement/contract';

export { ROLES, type Role };

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** The authenticated device a request or a socket comes from. */
export interface Principal {
  deviceId: string;
  name: string;
  role: Role;
  /** A device enrolled for one conference may act on that conference only; `null` for any. */
  conferenceId: string | null;
}
