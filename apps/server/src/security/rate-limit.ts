import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig, RateLimitConfig } from '../config/config.js';
import { ApiError } from '../shared/api-error.js';

/** Every limit counts requests in a window of a minute (the variables say "per minute"). */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * The client's address: Express's `req.ip` where there is one (it honours
 * `trust proxy`, i.e. TRUST_PROXY), otherwise, for a raw request (a socket.io
 * handshake), what Express would have said: with TRUST_PROXY, the first
 * address of `X-Forwarded-For` (the proxy sets it to the client's, as the
 * README's nginx example does), else the socket's.
 */
export function clientAddress(req: IncomingMessage & { ip?: unknown }, trustProxy: boolean): string | undefined {
  if (typeof req.ip === 'string' && req.ip !== '') return req.ip;
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first && isIP(first)) return first;
  }
  return req.socket?.remoteAddress;
}

/**
 * The key an address is counted under: IPv4 as is (an IPv4-mapped IPv6
 * address included), IPv6 by its /64, since one subscriber usually holds a
 * whole /64 and could otherwise rotate through it (express-rate-limit's own
 * `ipKeyGenerator`). Anything that is not an address counts as one client.
 */
export function clientKey(address: string | undefined): string {
  return address !== undefined && isIP(address) ? ipKeyGenerator(address, 64) : 'unknown';
}

const API = /^\/api(?:\/|$)/i;

/** The client address of each socket.io handshake, as `RateLimits.handshake` found it (trust-proxy aware). */
const handshakeAddresses = new WeakMap<IncomingMessage, string>();

/** The device whose budget counted a socket.io handshake that carried its token (see `RateLimits.deviceHandshake`). */
const handshakeDevices = new WeakMap<IncomingMessage, string>();

/** The device already counted for this handshake request, so that the namespace does not count it twice. */
export const handshakeCountedFor = (req: IncomingMessage): string | undefined => handshakeDevices.get(req);

/** The client address of a socket's handshake request (`socket.request`), for the namespace's own checks. */
export const handshakeAddress = (req: IncomingMessage): string | undefined =>
  handshakeAddresses.get(req) ?? req.socket?.remoteAddress;

export interface RateLimitVerdict {
  allowed: boolean;
  /** Whole seconds until the key's window ends (at least 1); 0 when allowed. */
  retryAfterSeconds: number;
}

/** The contract's refusal: `429 {statusCode, code: 'rate_limited', message}`, with `Retry-After` set beside it. */
export const rateLimited = (message: string): ApiError => new ApiError(429, 'rate_limited', message);

/** A fixed window of a minute per key, `points` requests in it; what goes past is counted and refused. */
const perMinute = (points: number): RateLimiterMemory =>
  new RateLimiterMemory({ points, duration: RATE_LIMIT_WINDOW_SECONDS });

/** One count against `limiter` for `key`: the library resolves within the limit and rejects past it. */
async function count(limiter: RateLimiterMemory, key: string): Promise<RateLimiterRes & { allowed: boolean }> {
  try {
    return Object.assign(await limiter.consume(key), { allowed: true });
  } catch (refusal) {
    // The memory limiter rejects only with its verdict; anything else is a bug to surface.
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return Object.assign(refusal, { allowed: false });
  }
}

/** Whole seconds until the key's window ends, at least 1. */
const secondsLeft = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

const verdictOf = (res: RateLimiterRes & { allowed: boolean }): RateLimitVerdict =>
  res.allowed ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds: secondsLeft(res) };

/**
 * The headers of a counted HTTP answer, as the IETF draft 7 writes them (and
 * express-rate-limit did before): `RateLimit-Policy`, `RateLimit`, and
 * `Retry-After` on a refusal. CORS exposes the first two (cors.ts).
 */
function setHeaders(res: Response, limit: number, counted: RateLimiterRes & { allowed: boolean }): void {
  const reset = secondsLeft(counted);
  res.setHeader('RateLimit-Policy', `${limit};w=${RATE_LIMIT_WINDOW_SECONDS}`);
  res.setHeader('RateLimit', `limit=${limit}, remaining=${counted.remainingPoints}, reset=${reset}`);
  if (!counted.allowed) res.setHeader('Retry-After', String(reset));
}

/**
 * Every rate limit of the server, on rate-limiter-flexible's memory limiter,
 * per instance (see the README's « Several instances »), one key function for
 * all (`clientKey`); HTTP requests and socket handshakes of one client count
 * against the same limiter, so they share one budget:
 *
 * - **without a token**, per client address: `/api` requests and socket.io
 *   handshakes (`RATE_LIMIT_ANONYMOUS_PER_MINUTE`), answered before any body
 *   is read. The web pages' files and `/health` are not counted: a venue's
 *   phones share one address and load the app together, and a load balancer
 *   polls health;
 * - **failed authentications**, per client address (`AUTH_FAILURES_PER_MINUTE`,
 *   HTTP and socket handshakes together): past it, the address's requests
 *   without a valid token are answered 429, while devices with a valid token
 *   behind the same address (the venue's Wi-Fi) keep working;
 * - **with a valid token**, per device, at its role's pace
 *   (`RATE_LIMIT_<ROLE>_PER_MINUTE`), counted once the token is known (after
 *   the auth guard), so that a door phone cannot use up an organiser's
 *   allowance behind the same address, and the reverse.
 */
export class RateLimits {
  /** Shared by HTTP requests without a token and socket.io handshakes: one budget per address. */
  private readonly anonymousLimiter: RateLimiterMemory;
  /** One per role (its pace), keyed by device: shared by a device's HTTP requests and socket handshakes. */
  private readonly deviceLimiters: Record<keyof RateLimitConfig, RateLimiterMemory>;
  private readonly failureLimiter: RateLimiterMemory;
  private readonly limits: RateLimitConfig;
  private readonly trustProxy: boolean;
  /** Express middleware, before body parsing: `/api` requests that carry no token, per client address. */
  readonly anonymous: RequestHandler;
  /** Express middleware, run by `beforeBody` (before-body.ts) once `req.device` is set: per device, by role. */
  readonly perDevice: RequestHandler;

  constructor(config: Pick<AppConfig, 'rateLimits' | 'authFailuresPerMinute' | 'trustProxy'>) {
    this.limits = config.rateLimits;
    this.trustProxy = config.trustProxy;
    this.anonymousLimiter = perMinute(this.limits.anonymous);
    this.failureLimiter = perMinute(config.authFailuresPerMinute);
    this.deviceLimiters = {
      anonymous: this.anonymousLimiter,
      organiser: perMinute(this.limits.organiser),
      door: perMinute(this.limits.door),
      kiosk: perMinute(this.limits.kiosk),
      display: perMinute(this.limits.display),
    };
    this.anonymous = (req: Request, res: Response, next: NextFunction) => {
      // Only a token found valid (before-body.ts sets req.device) leaves this budget: a made-up one stays in it.
      if (!API.test(req.path) || deviceOf(req) !== undefined) return next();
      count(this.anonymousLimiter, this.keyOf(req)).then((counted) => {
        setHeaders(res, this.limits.anonymous, counted);
        if (counted.allowed) return next();
        // Plain Express middleware, ahead of Nest: the contract's body is written here.
        res.status(429).json({
          statusCode: 429,
          code: 'rate_limited',
          message: `Too many requests without a token from this address; retry in ${secondsLeft(counted)} s`,
        });
      }, next);
    };
    this.perDevice = (req: Request, res: Response, next: NextFunction) => {
      const device = deviceOf(req);
      if (device === undefined) return next();
      count(this.deviceLimiters[device.role], device.deviceId).then((counted) => {
        setHeaders(res, this.limits[device.role], counted);
        // Thrown into Nest, whose error filter writes the contract's body.
        if (!counted.allowed)
          return next(rateLimited(`Too many requests from this device (${device.role}); try again later`));
        next();
      }, next);
    };
  }

  /** The key of a request or a socket handshake: its client address, IPv6 by /64. */
  keyOf(req: IncomingMessage & { ip?: unknown }): string {
    return clientKey(clientAddress(req, this.trustProxy));
  }

  /**
   * A socket.io handshake (engine.io's, which carries no token): counted with
   * the address's requests without a token.
   */
  async handshake(req: IncomingMessage): Promise<RateLimitVerdict> {
    const address = clientAddress(req, this.trustProxy);
    if (address !== undefined) handshakeAddresses.set(req, address);
    return verdictOf(await count(this.anonymousLimiter, clientKey(address)));
  }

  /**
   * An engine.io handshake that carries a valid device token (`Authorization`):
   * counted on that device's budget, once (the namespace then skips its own count).
   */
  async deviceHandshake(
    req: IncomingMessage,
    principal: { deviceId: string; role: keyof RateLimitConfig },
  ): Promise<RateLimitVerdict> {
    const address = clientAddress(req, this.trustProxy);
    if (address !== undefined) handshakeAddresses.set(req, address);
    handshakeDevices.set(req, principal.deviceId);
    return this.device(principal);
  }

  /** A device's socket handshake, counted with its HTTP requests. */
  async device(principal: { deviceId: string; role: keyof RateLimitConfig }): Promise<RateLimitVerdict> {
    return verdictOf(await count(this.deviceLimiters[principal.role], principal.deviceId));
  }

  /** A failed authentication from `address` (HTTP or socket); `allowed: false` once the address is over the limit. */
  async authenticationFailed(address: string | undefined): Promise<RateLimitVerdict> {
    return verdictOf(await count(this.failureLimiter, clientKey(address)));
  }
}

const deviceOf = (req: Request): { deviceId: string; role: keyof RateLimitConfig } | undefined =>
  (req as Request & { device?: { deviceId: string; role: keyof RateLimitConfig } }).device;
