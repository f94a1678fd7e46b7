/**
 * Stream names of the devices, in the `category-id` form of every other
 * aggregate: `device-<deviceId>`, one stream per device (its enrolment, its
 * revocation).
 *
 * `devices` is the single stream an earlier version wrote every device into.
 * It is never written again but is read for ever: the tokens it enrolled keep
 * working and its revocations stay. Mind that a stream-name prefix `device`
 * matches both; `isDeviceStream` tells them apart exactly.
 */

export const DEVICE_CATEGORY = 'device';
/** The stream every device was recorded in before `device-<deviceId>` (read, never written). */
export const LEGACY_DEVICES_STREAM = 'devices';

export const deviceStream = (deviceId: string): string => {
  if (deviceId.length === 0) throw new Error('An empty id cannot name a device stream');
  return `${DEVICE_CATEGORY}-${deviceId}`;
};

/** Prefixes for a stream-name filter on `$all` that finds every device event, old and new. */
export const DEVICE_STREAM_PREFIXES: readonly string[] = [`${DEVICE_CATEGORY}-`, LEGACY_DEVICES_STREAM];

/** A device stream of either form, and nothing else the prefixes happen to match. */
export const isDeviceStream = (streamName: string): boolean =>
  streamName === LEGACY_DEVICES_STREAM || streamName.startsWith(`${DEVICE_CATEGORY}-`);
