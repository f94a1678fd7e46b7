import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiError } from '../shared/api-error.js';
import { DeviceRegistry } from './device-registry.js';
import { FailedAuthentications } from './failed-authentications.js';
import { ROLES_METADATA, type Principal, type Role } from './roles.js';

export type AuthenticatedRequest = Request & { device?: Principal };

/** `Authorization: Bearer <token>`: the token, or undefined when absent or malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return match?.[1];
}

const unauthorized = (message: string): ApiError => new ApiError(401, 'unauthorized', message);
const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);

/**
 * Every HTTP route: authenticated by a device token, then allowed by the
 * roles its controller method declares (`@Roles`, roles.ts), default deny
 * (a route that declares none is refused).
 * A device enrolled for one conference is refused on any other. Sets
 * `req.device`, which the request context carries into event metadata.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly devices: DeviceRegistry,
    @Inject(FailedAuthentications) private readonly failures: FailedAuthentications,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const route = (req.route as { path?: unknown } | undefined)?.path;
    const path = typeof route === 'string' ? route : undefined;
    // Outside /api (health): open by design.
    if (path !== undefined && !path.startsWith('/api/')) return true;

    const address = req.ip;
    const token = bearerToken(req.headers.authorization);
    const principal = token === undefined ? null : await this.devices.authenticate(token);
    if (principal === null) {
      const verdict = await this.failures.fail(address);
      if (!verdict.allowed) {
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
        throw new ApiError(429, 'rate_limited', 'Too many failed authentications from this address; try again later');
      }
      throw unauthorized(
        token === undefined
          ? 'Authentication required: send Authorization: Bearer <device token>'
          : 'Unknown or revoked device token',
      );
    }
    req.device = principal;
    this.devices.touch(principal.deviceId);
    // A door phone tells, on every request, how many scans it still holds (offline outbox).
    const pending = req.headers['x-door-pending'];
    if (principal.role === 'door' && typeof pending === 'string' && /^\d{1,7}$/.test(pending)) {
      this.devices.reportDoor(principal.deviceId, { pendingScans: Number(pending) });
    }

    const allowed = this.reflector.get<readonly Role[] | undefined>(ROLES_METADATA, context.getHandler());
    if (allowed === undefined) {
      this.logger.warn(`Refused ${req.method} ${path ?? req.path}: the route declares no roles`);
      throw forbidden('This route is not open to any role');
    }
    if (!allowed.includes(principal.role)) {
      throw forbidden(`The role ${principal.role} may not do this`);
    }
    const cid = (req.params as Record<string, string | undefined>).cid;
    if (principal.conferenceId !== null && cid !== undefined && cid.toLowerCase() !== principal.conferenceId) {
      throw forbidden('This device is enrolled for another conference');
    }
    return true;
  }
}
