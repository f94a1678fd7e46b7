import type { Role } from './roles.js';

/**
 * Devices are recorded as events in one stream, `devices`: who enrolled which
 * device for which role, and who revoked it. The token itself is never
 * stored, only its SHA-256 (a token is 256 random bits, so a plain hash is
 * enough: there is nothing to guess).
 */
export const DEVICES_STREAM = 'devices';

export interface DeviceEnrolledData {
  deviceId: string;
  name: string;
  role: Role;
  conferenceId: string | null;
  tokenSha256: string;
  enrolledAt: string;
  enrolledBy: string;
}

export interface DeviceRevokedData {
  deviceId: string;
  revokedAt: string;
  revokedBy: string;
}

export type DeviceEvent =
  { type: 'DeviceEnrolled'; data: DeviceEnrolledData } | { type: 'DeviceRevoked'; data: DeviceRevokedData };

export interface Device {
  deviceId: string;
  name: string;
  role: Role;
  conferenceId: string | null;
  tokenSha256: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface DevicesState {
  byId: Map<string, Device>;
  byTokenHash: Map<string, Device>;
}

export const initialDevices = (): DevicesState => ({ byId: new Map(), byTokenHash: new Map() });

/** Folds in place (the registry owns its state and replaces devices, never mutates one). */
export function evolveDevices(state: DevicesState, event: { type: string; data: unknown }): DevicesState {
  switch (event.type) {
    case 'DeviceEnrolled': {
      const d = event.data as DeviceEnrolledData;
      if (state.byId.has(d.deviceId)) return state;
      const device: Device = {
        deviceId: d.deviceId,
        name: d.name,
        role: d.role,
        conferenceId: d.conferenceId,
        tokenSha256: d.tokenSha256,
        createdAt: d.enrolledAt,
        createdBy: d.enrolledBy,
        revokedAt: null,
        revokedBy: null,
      };
      state.byId.set(device.deviceId, device);
      state.byTokenHash.set(device.tokenSha256, device);
      return state;
    }
    case 'DeviceRevoked': {
      const d = event.data as DeviceRevokedData;
      const device = state.byId.get(d.deviceId);
      if (!device || device.revokedAt !== null) return state;
      const revoked: Device = { ...device, revokedAt: d.revokedAt, revokedBy: d.revokedBy };
      state.byId.set(revoked.deviceId, revoked);
      state.byTokenHash.set(revoked.tokenSha256, revoked);
      return state;
    }
    default:
      return state;
  }
}
