import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface RateLimiterOptions {
  /** Hits allowed per key within any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** The clock, in milliseconds (tests inject one). */
  now?: () => number;
  /**
   * Keys remembered at most; past this, the key hit least recently is
   * forgotten (it starts afresh). Bounds memory whatever the number of
   * client addresses. Default 10,000 (at `limit` timestamps each).
   */
  maxKeys?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** 0 when allowed; otherwise whole seconds until the oldest hit in the window leaves it (at least 1). */
  retryAfterSeconds: number;
  /** Hits still allowed in the current window (after this one, for `hit`). */
  remaining: number;
}

/**
 * An exact sliding-window limiter, in memory: at most `limit` hits per key in
 * any `windowMs`. Each key keeps the times of its hits in the window (so at
 * most `limit` numbers); a refused hit is not counted, so a client that keeps
 * knocking is let in again as soon as its oldest counted hit is a window old.
 *
 * Memory is bounded: keys live in a Map in order of their last hit, so the
 * keys whose hits have all left the window are at its front and are swept as
 * they age out, and past `maxKeys` the least recently hit key is evicted.
 *
 * Per process: a cluster of servers has one limiter per server (good enough
 * to blunt a brute force or a flood; not an accounting tool).
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;
  /** key → hit times in ascending order; Map order = order of last hit (least recent first). */
  private readonly hits = new Map<string, number[]>();

  constructor({ limit, windowMs, now = Date.now, maxKeys = 10_000 }: RateLimiterOptions) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError('windowMs must be positive');
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
    this.limit = limit;
    this.windowMs = windowMs;
    this.now = now;
    this.maxKeys = maxKeys;
  }

  /** Counts a hit for `key` when it is allowed; a refused hit is not counted. */
  hit(key: string): RateLimitDecision {
    const now = this.now();
    this.sweep(now);
    const times = this.live(key, now);
    if (times.length >= this.limit) return this.refusal(times, now);
    times.push(now);
    // Re-inserted: the Map's order stays the order of last hit.
    this.hits.delete(key);
    this.hits.set(key, times);
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value as string;
      this.hits.delete(oldest);
    }
    return { allowed: true, retryAfterSeconds: 0, remaining: this.limit - times.length };
  }

  /** What `hit` would answer, without counting anything. */
  peek(key: string): RateLimitDecision {
    const now = this.now();
    const times = this.live(key, now);
    if (times.length >= this.limit) return this.refusal(times, now);
    return { allowed: true, retryAfterSeconds: 0, remaining: this.limit - times.length };
  }

  /**
   * Takes back the most recent hit of `key` (a hit that turned out not to
   * count, e.g. a request refused 401 before doing anything).
   */
  refund(key: string): void {
    const times = this.hits.get(key);
    if (times && times.length > 0) times.pop();
  }

  /** Forgets `key` (e.g. after a successful authentication). */
  reset(key: string): void {
    this.hits.delete(key);
  }

  /** Keys held in memory (for tests and metrics). */
  get size(): number {
    return this.hits.size;
  }

  /** The key's hits still in the window (dropping the older ones in place). */
  private live(key: string, now: number): number[] {
    const times = this.hits.get(key);
    if (!times) return [];
    const cutoff = now - this.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired]! <= cutoff) expired += 1;
    if (expired > 0) times.splice(0, expired);
    return times;
  }

  private refusal(times: number[], now: number): RateLimitDecision {
    const freedAt = times[0]! + this.windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)), remaining: 0 };
  }

  /** Drops the keys whose every hit has left the window; they sit at the front of the Map. */
  private sweep(now: number): void {
    const cutoff = now - this.windowMs;
    for (const [key, times] of this.hits) {
      const last = times[times.length - 1];
      if (last !== undefined && last > cutoff) return;
      this.hits.delete(key);
    }
  }
}

/**
 * The key for a client address: IPv4 as is (an IPv4-mapped IPv6 address
 * included), IPv6 by its /64, since one subscriber usually holds a whole /64
 * and could otherwise rotate through it.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = ''] = address.toLowerCase().split('%'); // no zone id
  const halves = head.split('::');
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const groups =
    halves.length > 1 ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export interface RateLimitRoute {
  method: string;
  /** Matched against the request's path (without the query string). */
  path: RegExp;
}

/**
 * Registration: `POST /api/conferences/:cid/registrations` (one person, a
 * door's walk-in included) and `.../registrations/import` (a file). Routing is
 * case-insensitive and forgives a trailing slash, and so is this.
 */
export const REGISTRATION_ROUTES: readonly RateLimitRoute[] = [
  { method: 'POST', path: /^\/api\/conferences\/[^/]+\/registrations(?:\/import)?\/?$/i },
];

/**
 * Registrations per client address: 60 a minute. A door registering walk-ins
 * does a few a minute at its busiest, an organiser's import is one request;
 * a script filling the registry is stopped after a minute's worth.
 */
export const REGISTRATION_RATE_LIMIT = { limit: 60, windowMs: 60_000 } as const;

/**
 * Express middleware: requests matching `routes` count against `limiter`,
 * keyed on the client address (`req.ip`, which honours `trust proxy`); over
 * the limit they are answered `429 {statusCode, code: 'rate_limited',
 * message}` with `Retry-After`, before their body is parsed.
 *
 * A request then refused 401 (no valid token) is taken back: a stranger
 * behind the venue's shared address cannot use up the door phones' quota
 * (failed authentications have their own limit, in the auth guard).
 */
export function rateLimitMiddleware(limiter: RateLimiter, routes: readonly RateLimitRoute[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!routes.some((r) => r.method === req.method && r.path.test(req.path))) return next();
    const key = clientKey(req.ip ?? req.socket.remoteAddress);
    const decision = limiter.hit(key);
    if (decision.allowed) {
      res.on('finish', () => {
        if (res.statusCode === 401) limiter.refund(key);
      });
      return next();
    }
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    res.status(429).json({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many requests from this address; retry in ${decision.retryAfterSeconds} s`,
    });
  };
}
