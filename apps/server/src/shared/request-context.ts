import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';

/** Who did it, from where: carried into the metadata of every event a request causes. */
export interface RequestContext {
  deviceId: string;
  role: string | null;
  correlationId: string;
  userAgent: string | null;
}

export function contextOf(req: Request): RequestContext {
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
  };
  const auth = (req as Request & { device?: { deviceId: string; role: string } }).device;
  return {
    deviceId: auth?.deviceId ?? header('x-device-id') ?? 'unidentified',
    role: auth?.role ?? null,
    correlationId: header('x-correlation-id') ?? randomUUID(),
    userAgent: header('user-agent'),
  };
}

export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  contextOf(ctx.switchToHttp().getRequest<Request>()),
);

/** Event metadata: actor, device, correlation; `extra` adds the door or kiosk. */
export function eventMetadata(ctx: RequestContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    actor: { deviceId: ctx.deviceId, role: ctx.role },
    deviceId: ctx.deviceId,
    correlationId: ctx.correlationId,
    causationId: ctx.correlationId,
    userAgent: ctx.userAgent,
    ...extra,
  };
}
