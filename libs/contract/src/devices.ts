import { instant, listOf, nullableInstant, nullableString, object, string, type Answer } from './schema.js';
import { ROLES } from './vocabulary.js';

const role = { type: 'string', enum: ROLES } as const;

/** `GET /api/me`: which device a token is (`deviceId` is `admin` for ADMIN_TOKEN). */
export const PrincipalSchema = object({
  deviceId: string,
  name: string,
  role,
  conferenceId: { ...nullableString, description: 'The one conference it may act on; null for any' },
});
export type Principal = Answer<typeof PrincipalSchema>;

const deviceProperties = {
  deviceId: string,
  name: string,
  role,
  conferenceId: nullableString,
  createdAt: instant,
  createdBy: string,
  lastSeenAt: nullableInstant,
  revokedAt: nullableInstant,
  revokedBy: nullableString,
  door: {
    ...object({
      datasetCursor: nullableString,
      datasetAt: nullableInstant,
      pendingScans: { type: 'integer', nullable: true },
      reportedAt: instant,
    }),
    description: "A door phone's offline state, as the instance that answers last heard it",
  },
} as const;

export const DeviceSchema = object(deviceProperties, ['door']);
export type Device = Answer<typeof DeviceSchema>;

/** `POST /api/devices`: the device and its token, shown this once (only its hash is kept). */
export const EnrolledDeviceSchema = object({ ...deviceProperties, token: string }, ['door']);
export type EnrolledDevice = Answer<typeof EnrolledDeviceSchema>;

export const DeviceListSchema = object({
  devices: listOf(DeviceSchema),
  publicUrl: { ...nullableString, description: 'PUBLIC_URL as configured: the address to pair devices on' },
});
export type DeviceList = Answer<typeof DeviceListSchema>;
