/**
 * Devices and their tokens: the pure domain (no @nestjs, no I/O, no clock,
 * no random ids: the id, the token's hash and the time come in with the
 * command). One aggregate per device, stream `device-<deviceId>`; the
 * earlier single stream `devices` is still read (see `streams.ts`).
 */
export * from './streams.js';
export {
  DEVICE_ROLES,
  DEVICE_EVENT_TYPES,
  isDeviceEvent,
  initialState as initialDeviceState,
  evolve as evolveDevice,
  foldDevice,
  type DeviceRole,
  type DeviceEnrolledData,
  type DeviceRevokedData,
  type DeviceEnrolled,
  type DeviceRevoked,
  type DeviceEvent,
  type Device,
  type UnknownDevice,
  type EnrolledDevice,
  type RevokedDevice,
  type DeviceState,
} from './device.js';
export {
  decide as decideDevice,
  deviceDecider,
  enrolDevice,
  revokeDevice,
  DEVICE_REFUSAL_REASONS,
  type EnrolDevice,
  type RevokeDevice,
  type DeviceCommand,
  type DeviceRefusalReason,
  type DeviceOutcome,
} from './device.decide.js';
export * from './device-list.js';
export * from './scope.js';
