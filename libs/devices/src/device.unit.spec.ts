import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import { deviceDecider, type EnrolDevice, type RevokeDevice } from './device.decide.js';
import type { DeviceEnrolled, DeviceRevoked } from './device.js';
import { applyToDeviceList, devicesOf, emptyDeviceList } from './device-list.js';
import { deviceStream, isDeviceStream, LEGACY_DEVICES_STREAM } from './streams.js';

const given = DeciderSpecification.for(deviceDecider);

const DEVICE = '6f1c7a52-1d0e-4c55-9a57-2f4f3c1d9e01';
const enrolment = {
  deviceId: DEVICE,
  name: 'Porte A',
  role: 'door' as const,
  conferenceId: 'b2b1f0a4-6d39-4d2e-8f0b-7c9a0e8d1c22',
  tokenSha256: 'a'.repeat(64),
  enrolledAt: '2026-09-18T07:30:00.000Z',
  enrolledBy: 'admin',
};
const enrol: EnrolDevice = { type: 'EnrolDevice', data: enrolment };
const enrolled: DeviceEnrolled = { type: 'DeviceEnrolled', data: enrolment };
const revocation = { deviceId: DEVICE, revokedAt: '2026-09-18T11:00:00.000Z', revokedBy: 'admin' };
const revoke: RevokeDevice = { type: 'RevokeDevice', data: revocation };
const revoked: DeviceRevoked = { type: 'DeviceRevoked', data: revocation };

const device = {
  deviceId: DEVICE,
  name: 'Porte A',
  role: 'door' as const,
  conferenceId: enrolment.conferenceId,
  tokenSha256: enrolment.tokenSha256,
  createdAt: enrolment.enrolledAt,
  createdBy: 'admin',
  revokedAt: null,
  revokedBy: null,
};

describe('enrolling a device', () => {
  describe('when the id is new', () => {
    test('it is enrolled, token hash and all', () => given([]).when(enrol).then([enrolled], device));
  });

  describe('when the device is already enrolled', () => {
    test('the same enrolment again writes nothing and answers as before', () =>
      given([enrolled]).when(enrol).thenNothingHappens(device));
    test('another token under the same id is refused', () =>
      given([enrolled])
        .when({ ...enrol, data: { ...enrolment, tokenSha256: 'b'.repeat(64) } })
        .thenRefused('device_id_conflict'));
  });
});

describe('revoking a device', () => {
  describe('when the device was never enrolled', () => {
    test('it is refused device_not_found', () => given([]).when(revoke).thenRefused('device_not_found'));
  });

  describe('when the device is enrolled', () => {
    test('it is revoked, by whom and when', () =>
      given([enrolled])
        .when(revoke)
        .then([revoked], { ...device, revokedAt: revocation.revokedAt, revokedBy: 'admin' }));
  });

  describe('when the device is already revoked', () => {
    test('nothing is written and the first revocation stands', () =>
      given([enrolled, revoked])
        .when({ ...revoke, data: { ...revocation, revokedAt: '2026-09-18T12:00:00.000Z' } })
        .thenNothingHappens({ ...device, revokedAt: revocation.revokedAt, revokedBy: 'admin' }));
  });
});

describe('folding stored history (the earlier single stream included)', () => {
  test('a second enrolment of one id and a revocation of an unknown device change nothing', () => {
    const state = deviceDecider.fold([
      { type: 'DeviceRevoked', data: revocation },
      enrolled,
      { type: 'DeviceEnrolled', data: { ...enrolment, name: 'Autre' } },
    ]);
    expect(state).toEqual({ status: 'enrolled', device });
  });

  test('the list finds a device by its token hash, and sees its revocation', () => {
    const list = emptyDeviceList();
    applyToDeviceList(list, enrolled);
    expect(list.byTokenHash.get('a'.repeat(64))?.revokedAt).toBeNull();
    const { before, after } = applyToDeviceList(list, revoked);
    expect([before.status, after.status]).toEqual(['enrolled', 'revoked']);
    expect(list.byTokenHash.get('a'.repeat(64))?.revokedAt).toBe(revocation.revokedAt);
    expect(devicesOf(list)).toHaveLength(1);
  });
});

describe('stream names', () => {
  test('one stream per device, in the category-id form', () => {
    expect(deviceStream(DEVICE)).toBe(`device-${DEVICE}`);
    expect(() => deviceStream('')).toThrow();
  });

  test('the earlier single stream is a device stream; a look-alike is not', () => {
    expect(isDeviceStream(LEGACY_DEVICES_STREAM)).toBe(true);
    expect(isDeviceStream(deviceStream(DEVICE))).toBe(true);
    expect(isDeviceStream('devicesx')).toBe(false);
    expect(isDeviceStream('devices-archive')).toBe(false);
  });
});
