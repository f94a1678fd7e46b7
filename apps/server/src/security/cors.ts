import type { INestApplicationContext } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RateLimitConfig } from '../config/config.js';
import type { RateLimits } from './rate-limit.js';

/**
 * Cross-origin access: closed unless `CORS_ORIGINS` names origins. The web
 * apps are served by this server, so they never need it; an integration
 * hosted elsewhere (a registration form on the conference's site) gets its
 * origin listed. Tokens travel in `Authorization`, never in cookies, so no
 * credentials are allowed.
 */

export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** What a cross-origin caller may send (lower case, as browsers list them in a preflight). */
export const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'x-correlation-id',
  'x-device-id',
  'x-door-pending',
] as const;
/** What a cross-origin caller may read beyond the safelisted response headers. */
export const CORS_EXPOSED_HEADERS = [
  'Retry-After',
  'Content-Disposition',
  'X-Correlation-Id',
  'RateLimit',
  'RateLimit-Policy',
] as const;
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** An `Origin` header as browsers send it, lower-cased for comparison (scheme and host are case-insensitive). */
const normalise = (origin: string): string => origin.trim().replace(/\/+$/, '').toLowerCase();

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map(normalise));
  }

  get open(): boolean {
    return this.origins.size > 0;
  }

  /** Whether `origin` is one of the configured origins (`null`, the opaque origin, never is). */
  allows(origin: string | undefined): boolean {
    return origin !== undefined && origin !== 'null' && this.origins.has(normalise(origin));
  }
}

const firstHeader = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Options for Nest's `app.enableCors` (the `cors` package): a listed origin
 * gets `Access-Control-Allow-Origin` (its own, echoed) and `Vary: Origin`,
 * and its preflights are answered 204 with the methods and headers above;
 * any other origin gets no CORS header at all. No credentials: tokens travel
 * in `Authorization`.
 */
export function corsOptions(policy: CorsPolicy): CorsOptions {
  return {
    origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
      callback(null, policy.allows(origin)),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_REQUEST_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    credentials: false,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  };
}

/**
 * What the `cors` package does not do: a preflight from an origin that is not
 * listed would fall through to the routes (and meet the auth guard's 401);
 * the contract answers it `403 cors_origin_not_allowed`, with no CORS header,
 * so the browser refuses the request. Runs before the auth guard: a preflight
 * never carries a token.
 */
export function refuseForeignPreflights(policy: CorsPolicy): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = firstHeader(req.headers.origin);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (origin === undefined || !preflight || policy.allows(origin)) return next();
    res.vary('Origin');
    res.status(403).json({
      statusCode: 403,
      code: 'cors_origin_not_allowed',
      message: 'This origin may not call the API from a browser',
    });
  };
}

/**
 * Whether a socket.io handshake may proceed: no `Origin` (not a browser: a
 * script, a native client, the tests), this very server's origin (the web
 * apps), or a listed origin. Browsers send `Origin` on WebSocket handshakes
 * and socket.io does not check it for that transport; this does, for both.
 */
export function handshakeAllowed(req: IncomingMessage, policy: CorsPolicy, trustProxy: boolean): boolean {
  const origin = firstHeader(req.headers.origin);
  if (origin === undefined) return true;
  if (policy.allows(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = trustProxy ? firstHeader(req.headers['x-forwarded-host'])?.split(',')[0]?.trim() : undefined;
  const served = (forwarded || firstHeader(req.headers.host) || '').toLowerCase();
  return served !== '' && host.toLowerCase() === served;
}

type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

/**
 * socket.io with the same CORS policy as HTTP (its own `cors` option, for
 * long-polling) and an `Origin` check on every handshake, whatever the
 * gateway's own options say. Set with `app.useWebSocketAdapter(...)`.
 */
export class SecureIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly policy: CorsPolicy,
    private readonly trustProxy: boolean,
    private readonly limits: RateLimits,
    /**
     * The device of a bearer token sent on the handshake itself (`Authorization`,
     * socket.io's `extraHeaders`), or null. Such a handshake is counted on the
     * device's budget, not on its address's budget of requests without a token:
     * a thousand screens behind one address (a venue's proxy, the live feed's
     * benchmark) are one device's pace, not a stranger's (issue 27).
     */
    private readonly handshakeDevice?: (
      token: string,
    ) => Promise<{ deviceId: string; role: keyof RateLimitConfig } | null>,
  ) {
    super(app);
  }

  // The types are the adapter's own: @nestjs/platform-socket.io may bring its own copy of socket.io.
  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const { cors: _ignored, allowRequest: _own, ...rest } = options ?? {};
    const policy = this.policy;
    const trustProxy = this.trustProxy;
    const limits = this.limits;
    const handshakeDevice = this.handshakeDevice;
    /** The budget a new engine.io session is counted on: its device's when it names a valid token, else its address's. */
    const verdictOf = async (req: IncomingMessage) => {
      const token = handshakeDevice ? bearerOf(req.headers.authorization) : undefined;
      const principal = token === undefined ? null : await handshakeDevice!(token);
      if (principal === null) return limits.handshake(req);
      return limits.deviceHandshake(req, principal);
    };
    return super.createIOServer(port, {
      ...rest,
      ...(policy.open
        ? {
            cors: {
              origin: (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void) =>
                cb(null, policy.allows(origin)),
              methods: ['GET', 'POST'],
              allowedHeaders: [...CORS_REQUEST_HEADERS],
              credentials: false,
            },
          }
        : {}),
      // Every new engine.io session (polling or WebSocket), before any namespace sees it: the Origin, then a
      // budget: the device's when the handshake carries its token, else the address's budget of requests
      // without a token (the same key and counter as HTTP's; an unknown token is a stranger). engine.io answers
      // a refusal 403 with the message; the rate-limited client backs off and reconnects (socket.io's own delay).
      allowRequest: (req, callback) => {
        if (!handshakeAllowed(req, policy, trustProxy)) return callback('origin not allowed', false);
        verdictOf(req).then(
          (verdict) => callback(verdict.allowed ? null : 'rate_limited', verdict.allowed),
          () => callback('rate limit unavailable', false),
        );
      },
    } as IoServerOptions);
  }
}

/** `Authorization: Bearer <token>` on a handshake: the token, or undefined. */
function bearerOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer ([\x21-\x7e]{1,512})$/i.exec(value.trim());
  return match?.[1];
}
