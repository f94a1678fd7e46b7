import { DEVICE_ROLES, type DeviceRole } from '@emargement/devices';

/** The roles of the contract (a device is enrolled for one): who may do what is in `access-policy.ts`. */
export const ROLES = DEVICE_ROLES;
export type Role = DeviceRole;

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
