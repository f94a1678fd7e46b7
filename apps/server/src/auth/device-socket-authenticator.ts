import { Injectable } from '@nestjs/common';
import { SocketAuthenticator, type SocketVerdict } from '../attendance/attendance-feed/socket-authenticator.js';
import { RateLimits } from '../security/rate-limit.js';
import { DeviceRegistry } from './device-registry.js';
import type { Role } from './roles.js';
import { FailedAuthentications } from './failed-authentications.js';

/** The socket handshake's `auth.token`, checked like an HTTP request's bearer token. */
@Injectable()
export class DeviceSocketAuthenticator extends SocketAuthenticator {
  constructor(
    private readonly devices: DeviceRegistry,
    private readonly failures: FailedAuthentications,
    private readonly limits: RateLimits,
  ) {
    super();
  }

  async authenticate(
    token: string | undefined,
    conferenceId: string,
    address: string,
    roles: readonly Role[],
    countedFor?: string,
  ): Promise<SocketVerdict> {
    const principal = token === undefined || token.length > 512 ? null : await this.devices.authenticate(token);
    if (principal === null) {
      const verdict = await this.failures.fail(address);
      return verdict.allowed
        ? { ok: false, code: 'unauthorized', message: 'Unknown or revoked device token' }
        : { ok: false, code: 'rate_limited', message: 'Too many failed authentications from this address' };
    }
    if (!roles.includes(principal.role)) {
      return { ok: false, code: 'forbidden', message: `The role ${principal.role} may not watch attendance` };
    }
    if (principal.conferenceId !== null && principal.conferenceId !== conferenceId.toLowerCase()) {
      return { ok: false, code: 'forbidden', message: 'This device is enrolled for another conference' };
    }
    // Counted with the device's HTTP requests: a screen stuck reconnecting is held to its role's pace
    // (once: a handshake that carried this device's token was counted when it arrived).
    if (countedFor !== principal.deviceId && !(await this.limits.device(principal)).allowed) {
      return { ok: false, code: 'rate_limited', message: 'Too many requests from this device; try again later' };
    }
    this.devices.touch(principal.deviceId);
    return { ok: true, principal };
  }

  onRevoked(listener: (deviceId: string) => void): () => void {
    return this.devices.onRevoked(listener);
  }
}
