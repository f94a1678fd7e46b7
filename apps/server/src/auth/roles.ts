import { SetMetadata } from '@nestjs/common';
import { DEVICE_ROLES, type DeviceRole } from '@emargement/devices';

/** The roles of the contract (a device is enrolled for one); each route declares who may call it with `@Roles`. */
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

/** The metadata key `@Roles` writes on a route's handler, read by the auth guard and the access matrix test. */
export const ROLES_METADATA = 'emargement:roles';

/** Every role: routes that carry no person's data (who am I, the conferences a device may see, the seal's root). */
export const ANY_ROLE = ROLES;

/**
 * Who may call this route, declared on the controller method beside the
 * route it guards. The auth guard refuses (403) a route under `/api` that
 * declares no roles, so a new route is closed until someone decides who may
 * use it. `organiser` may do everything; the others get what their work
 * needs (API.md, devices and roles):
 *
 * - `door`: tickets, scans, attendee search, walk-ins (registrations) and lunch payments;
 * - `kiosk`: the charter, the admitted signatories' names, and signing;
 * - `display`: aggregate attendance only, never a person's data.
 *
 * Routes outside `/api` (health, the web pages, the OpenAPI document, the
 * ticket link sent by e-mail) carry no token and are not guarded. The matrix
 * test (test/access.e2e.spec.ts) reads these declarations from every
 * controller and checks them, and every cell, against its own table.
 */
export const Roles = (...roles: readonly [Role, ...Role[]]): MethodDecorator => SetMetadata(ROLES_METADATA, roles);
