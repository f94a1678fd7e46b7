import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who did it, from where: carried into the metadata of every event a request causes. */
export interface RequestContext {
  deviceId: string;
  role: string | null;
  correlationId: string;
  userAgent: string | null;
}

/**
 * A caller's id is taken as it is when it is 1 to 200 visible ASCII
 * characters: it goes into event metadata, into every log line and back in a
 * response header, so nothing that could split a line, fake a field or break
 * a header is accepted (such an id is replaced, not refused).
 */
const CALLER_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * The request's correlation id, decided once per request and kept on it
 * (`req.id`, which the HTTP log line carries too): the caller's
 * `X-Correlation-Id`, or its `X-Request-Id` (what proxies and many clients
 * send), when well formed, otherwise a new UUID. Every event the request
 * causes carries it in its metadata.
 */
export function correlationIdOf(req: IncomingMessage): string {
  if (typeof req.id === 'string') return req.id;
  let id: string = randomUUID();
  for (const name of ['x-correlation-id', 'x-request-id']) {
    const v = req.headers[name];
    if (typeof v === 'string' && CALLER_ID.test(v)) {
      id = v;
      break;
    }
  }
  req.id = id;
  return id;
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
    correlationId: correlationIdOf(req),
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
