import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Request, Response } from 'express';
import { MemoryStore, ipKeyGenerator, rateLimit, type Options, type RateLimitRequestHandler } from 'express-rate-limit';
import type { AppConfig, RateLimitConfig } from '../config/config.js';
import { ApiError } from '../shared/api-error.js';

/** Every limit counts requests in a window of a minute (the variables say "per minute"). */
export const RATE_LIMIT_WINDOW_MS = 60_000;

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

const retryAfter = (resetTime: Date | undefined): number =>
  Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + RATE_LIMIT_WINDOW_MS) - Date.now()) / 1000));

/** The contract's refusal: `429 {statusCode, code: 'rate_limited', message}`, with `Retry-After` set beside it. */
export const rateLimited = (message: string): ApiError => new ApiError(429, 'rate_limited', message);

/** A MemoryStore that no middleware initialises (counted by hand, for sockets and failed authentications). */
function standaloneStore(): MemoryStore {
  const store = new MemoryStore();
  store.init({ windowMs: RATE_LIMIT_WINDOW_MS } as Options);
  return store;
}

/**
 * Every rate limit of the server, on express-rate-limit, in memory, per
 * instance (see the README's « Several instances »), one key function for
 * all (`clientKey`):
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
  private readonly anonymousStore = new MemoryStore();
  /** Shared by HTTP requests and socket handshakes with a valid token: one budget per device. */
  private readonly deviceStore = new MemoryStore();
  private readonly failureStore = standaloneStore();
  private readonly limits: RateLimitConfig;
  private readonly authFailures: number;
  private readonly trustProxy: boolean;
  /** Express middleware, before body parsing: `/api` requests that carry no token, per client address. */
  readonly anonymous: RateLimitRequestHandler;
  /** Express middleware, run by `beforeBody` (before-body.ts) once `req.device` is set: per device, by role. */
  readonly perDevice: RateLimitRequestHandler;

  constructor(config: Pick<AppConfig, 'rateLimits' | 'authFailuresPerMinute' | 'trustProxy'>) {
    this.limits = config.rateLimits;
    this.authFailures = config.authFailuresPerMinute;
    this.trustProxy = config.trustProxy;
    // RateLimit and RateLimit-Policy (IETF draft 7) on counted answers, and Retry-After on a 429.
    const common = { windowMs: RATE_LIMIT_WINDOW_MS, standardHeaders: 'draft-7', legacyHeaders: false } as const;
    this.anonymous = rateLimit({
      ...common,
      store: this.anonymousStore,
      limit: this.limits.anonymous,
      // Only a token found valid (before-body.ts sets req.device) leaves this budget: a made-up one stays in it.
      skip: (req) => !API.test(req.path) || deviceOf(req) !== undefined,
      keyGenerator: (req) => this.keyOf(req),
      // Plain Express middleware, ahead of Nest: the contract's body is written here.
      handler: (_req: Request, res: Response) => {
        res.status(429).json({
          statusCode: 429,
          code: 'rate_limited',
          message: `Too many requests without a token from this address; retry in ${String(res.getHeader('Retry-After'))} s`,
        });
      },
    });
    this.perDevice = rateLimit({
      ...common,
      store: this.deviceStore,
      limit: (req) => this.limits[deviceOf(req)?.role ?? 'display'],
      skip: (req) => deviceOf(req) === undefined,
      keyGenerator: (req) => deviceOf(req)!.deviceId,
      // Thrown into Nest, whose error filter writes the contract's body.
      handler: (req, _res, next) => {
        next(rateLimited(`Too many requests from this device (${deviceOf(req)?.role ?? 'device'}); try again later`));
      },
    });
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
    return verdict(await this.anonymousStore.increment(clientKey(address)), this.limits.anonymous);
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
    return verdict(await this.deviceStore.increment(principal.deviceId), this.limits[principal.role]);
  }

  /** A failed authentication from `address` (HTTP or socket); `allowed: false` once the address is over the limit. */
  async authenticationFailed(address: string | undefined): Promise<RateLimitVerdict> {
    return verdict(await this.failureStore.increment(clientKey(address)), this.authFailures);
  }

  /** Stops the stores' sweeping timers (they are unref'd; this is for tidy shutdowns). */
  shutdown(): void {
    this.anonymousStore.shutdown();
    this.deviceStore.shutdown();
    this.failureStore.shutdown();
  }
}

function verdict(info: { totalHits: number; resetTime: Date | undefined }, limit: number): RateLimitVerdict {
  return info.totalHits > limit
    ? { allowed: false, retryAfterSeconds: retryAfter(info.resetTime) }
    : { allowed: true, retryAfterSeconds: 0 };
}

const deviceOf = (req: Request): { deviceId: string; role: keyof RateLimitConfig } | undefined =>
  (req as Request & { device?: { deviceId: string; role: keyof RateLimitConfig } }).device;
