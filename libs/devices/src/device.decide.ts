import { accept, refuse, type Decider, type Decision, type DomainCommand } from '@emargement/decider';
import {
  evolve,
  foldDevice,
  initialState,
  type Device,
  type DeviceEnrolled,
  type DeviceEvent,
  type DeviceRevoked,
  type DeviceRole,
  type DeviceState,
} from './device.js';

// -------------------------------------------------------------- commands

/** The id and the token's hash are chosen by the server, outside `decide`. */
export type EnrolDevice = DomainCommand<
  'EnrolDevice',
  {
    deviceId: string;
    name: string;
    role: DeviceRole;
    conferenceId: string | null;
    tokenSha256: string;
    enrolledAt: string;
    enrolledBy: string;
  }
>;

export type RevokeDevice = DomainCommand<'RevokeDevice', { deviceId: string; revokedAt: string; revokedBy: string }>;

export type DeviceCommand = EnrolDevice | RevokeDevice;

// ------------------------------------------------------- reasons, outcomes

export const DEVICE_REFUSAL_REASONS = ['device_not_found', 'device_id_conflict'] as const;
export type DeviceRefusalReason = (typeof DEVICE_REFUSAL_REASONS)[number];

/** The device as it stands after the command. */
export type DeviceOutcome = Device;

// ---------------------------------------------------------------- decide

export const enrolDevice = (
  command: EnrolDevice,
  state: DeviceState,
): Decision<DeviceEnrolled, DeviceOutcome, Extract<DeviceRefusalReason, 'device_id_conflict'>> => {
  const enrolled: DeviceEnrolled = { type: 'DeviceEnrolled', data: command.data };
  if (state.status !== 'unknown') {
    // The same enrolment again (a retried request) is answered as the first time; another one under this id is not.
    return state.device.tokenSha256 === command.data.tokenSha256
      ? accept([], state.device)
      : refuse('device_id_conflict');
  }
  const after = evolve(state, enrolled);
  if (after.status === 'unknown') throw new Error('An enrolment must enrol');
  return accept([enrolled], after.device);
};

/** Revokes at once; revoking a revoked device changes nothing and answers as before. */
export const revokeDevice = (
  command: RevokeDevice,
  state: DeviceState,
): Decision<DeviceRevoked, DeviceOutcome, Extract<DeviceRefusalReason, 'device_not_found'>> => {
  switch (state.status) {
    case 'unknown':
      return refuse('device_not_found');
    case 'revoked':
      return accept([], state.device);
    case 'enrolled': {
      const revoked: DeviceRevoked = { type: 'DeviceRevoked', data: command.data };
      return accept([revoked], {
        ...state.device,
        revokedAt: command.data.revokedAt,
        revokedBy: command.data.revokedBy,
      });
    }
    default: {
      const unknown: never = state;
      throw new Error(`Unknown device state ${JSON.stringify(unknown)}`);
    }
  }
};

export const decide = (
  command: DeviceCommand,
  state: DeviceState,
): Decision<DeviceEvent, DeviceOutcome, DeviceRefusalReason> => {
  switch (command.type) {
    case 'EnrolDevice':
      return enrolDevice(command, state);
    case 'RevokeDevice':
      return revokeDevice(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown device command ${JSON.stringify(unknown)}`);
    }
  }
};

export const deviceDecider: Decider<DeviceCommand, DeviceEvent, DeviceState, DeviceOutcome, DeviceRefusalReason> = {
  decide,
  evolve,
  initialState,
  fold: foldDevice,
};
