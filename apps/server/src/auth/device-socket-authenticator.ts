import { Injectable } from '@nestjs/common';
import { SocketAuthenticator, type SocketVerdict } from '../attendance/attendance-feed/socket-authenticator.js';
import { FEED_ROLES } from './access-policy.js';
import { DeviceRegistry } from './device-registry.js';
import { FailedAuthentications } from './failed-authentications.js';

/** The socket handshake's `auth.token`, checked like an HTTP request's bearer token. */
@Injectable()
export class DeviceSocketAuthenticator extends SocketAuthenticator {
  constructor(
    private readonly devices: DeviceRegistry,
    private readonly failures: FailedAuthentications,
  ) {
    super();
  }

  async authenticate(token: string | undefined, conferenceId: string, address: string): Promise<SocketVerdict> {
    const principal = token === undefined || token.length > 512 ? null : await this.devices.authenticate(token);
    if (principal === null) {
      const verdict = this.failures.fail(address);
      return verdict.allowed
        ? { ok: false, code: 'unauthorized', message: 'Unknown or revoked device token' }
        : { ok: false, code: 'rate_limited', message: 'Too many failed authentications from this address' };
    }
    if (!FEED_ROLES.includes(principal.role)) {
      return { ok: false, code: 'forbidden', message: `The role ${principal.role} may not watch attendance` };
    }
    if (principal.conferenceId !== null && principal.conferenceId !== conferenceId.toLowerCase()) {
      return { ok: false, code: 'forbidden', message: 'This device is enrolled for another conference' };
    }
    this.devices.touch(principal.deviceId);
    return { ok: true, principal };
  }

  onRevoked(listener: (deviceId: string) => void): () => void {
    return this.devices.onRevoked(listener);
  }
}
