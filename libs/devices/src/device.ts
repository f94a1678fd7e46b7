import type { DomainEvent } from '@emargement/decider';

/**
 * A device (door phone, signing tablet, display, organiser's laptop) and its
 * bearer token. The token itself is never stored, only its SHA-256: a token
 * is 256 random bits, so a plain hash is enough (there is nothing to guess).
 */

/** The roles of the contract; who may do what is the server's access policy. */
export const DEVICE_ROLES = ['organiser', 'door', 'kiosk', 'display'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

export interface DeviceEnrolledData {
  deviceId: string;
  name: string;
  role: DeviceRole;
  /** A device enrolled for one conference acts on that conference only; `null` for any. */
  conferenceId: string | null;
  tokenSha256: string;
  enrolledAt: string;
  /** The enrolling device's id. */
  enrolledBy: string;
}

export interface DeviceRevokedData {
  deviceId: string;
  revokedAt: string;
  revokedBy: string;
}

export type DeviceEnrolled = DomainEvent<'DeviceEnrolled', DeviceEnrolledData>;
export type DeviceRevoked = DomainEvent<'DeviceRevoked', DeviceRevokedData>;
export type DeviceEvent = DeviceEnrolled | DeviceRevoked;

export const DEVICE_EVENT_TYPES = ['DeviceEnrolled', 'DeviceRevoked'] as const;

export const isDeviceEvent = (event: { type: string }): event is DeviceEvent =>
  (DEVICE_EVENT_TYPES as readonly string[]).includes(event.type);

export interface Device {
  deviceId: string;
  name: string;
  role: DeviceRole;
  conferenceId: string | null;
  tokenSha256: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface UnknownDevice {
  status: 'unknown';
}
export interface EnrolledDevice {
  status: 'enrolled';
  device: Device;
}
export interface RevokedDevice {
  status: 'revoked';
  device: Device;
}
export type DeviceState = UnknownDevice | EnrolledDevice | RevokedDevice;

export const initialState = (): DeviceState => ({ status: 'unknown' });

/**
 * An enrolment counts once and a revocation is final: a second enrolment of
 * one id, or a revocation of a device never enrolled, changes nothing (the
 * earlier single stream could hold both, and a fold must never throw on
 * stored history).
 */
export const evolve = (state: DeviceState, event: DeviceEvent): DeviceState => {
  switch (event.type) {
    case 'DeviceEnrolled': {
      if (state.status !== 'unknown') return state;
      const d = event.data;
      return {
        status: 'enrolled',
        device: {
          deviceId: d.deviceId,
          name: d.name,
          role: d.role,
          conferenceId: d.conferenceId,
          tokenSha256: d.tokenSha256,
          createdAt: d.enrolledAt,
          createdBy: d.enrolledBy,
          revokedAt: null,
          revokedBy: null,
        },
      };
    }
    case 'DeviceRevoked': {
      if (state.status !== 'enrolled') return state;
      const { revokedAt, revokedBy } = event.data;
      return { status: 'revoked', device: { ...state.device, revokedAt, revokedBy } };
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unknown device event ${JSON.stringify(unknown)}`);
    }
  }
};

export const foldDevice = (events: Iterable<DeviceEvent>, from: DeviceState = initialState()): DeviceState => {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
};
