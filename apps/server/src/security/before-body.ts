import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { bearerToken, type AuthenticatedRequest } from '../auth/auth.guard.js';
import type { DeviceRegistry } from '../auth/device-registry.js';
import type { FailedAuthentications } from '../auth/failed-authentications.js';
import { ApiError } from '../shared/api-error.js';
import type { RateLimits } from './rate-limit.js';
import { IMPORT_ROUTE } from './input-guards.js';

/**
 * What happens to an `/api` request before a byte of its body is read.
 * Nest's guard runs after the body parsers, so without this a made-up token
 * got a 20 MB import read into memory before its 401 (twenty such requests
 * took the process from 250 to 585 MB), and any bearer token, even false,
 * skipped the limit on requests without one.
 *
 * - The token is looked up first (the guard looks it up again and stays the
 *   authority on roles and conferences): a valid one sets `req.device`.
 * - A request with no valid token counts against its address's anonymous
 *   budget (`RateLimits.anonymous` skips only requests with `req.device`),
 *   and one that carries a body is answered 401 (or 429 past the failed
 *   authentications' limit) at once, its body unread, the connection closed.
 * - A valid one is counted against its device's budget here, before its
 *   body is read.
 * - Bodies have a size per route (`bodyLimitOf`), and large bodies in
 *   flight share one budget of bytes: past it, `503 server_busy` with
 *   `Retry-After`, before reading.
 */

const API = /^\/api(?:\/|$)/i;
/** The OpenAPI document and its page: public, carry no data (not guarded). */
const PUBLIC = /^\/api\/docs(?:-json)?(?:\/|$)/i;
const SIGNATURE_ROUTE = /^\/api\/conferences\/[^/]+\/charters\/[^/]+\/signatures\/?$/i;
const CHARTER_ROUTE = /^\/api\/conferences\/[^/]+\/charters\/?$/i;

const KiB = 1024;
const MiB = 1024 * KiB;

/** What each route's body may weigh, as the body parsers enforce it (413 past it). */
export const BODY_LIMITS = {
  /** A CSV file of registrations (100,000 rows fit). */
  import: 20 * MiB,
  /** A signature: a PNG of at most 256 KiB as a data URL, and its strokes. */
  signature: 1 * MiB,
  /** A charter's text: at most 100,000 characters, up to 4 bytes each in UTF-8. */
  charter: 512 * KiB,
  /** Everything else: a person, a scan, a conference, a note. */
  json: 64 * KiB,
} as const;

const pathOf = (url: string | undefined): string => (url ?? '/').split('?', 1)[0]!;

export function bodyLimitOf(req: IncomingMessage): number {
  const path = pathOf(req.url);
  if (IMPORT_ROUTE.test(path)) return BODY_LIMITS.import;
  if (SIGNATURE_ROUTE.test(path)) return BODY_LIMITS.signature;
  if (CHARTER_ROUTE.test(path)) return BODY_LIMITS.charter;
  return BODY_LIMITS.json;
}

const carriesBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** Large bodies in flight, in bytes (declared, or the route's limit when chunked). */
export class BodyBudget {
  private inFlight = 0;
  constructor(
    /** Bytes of large bodies the process reads at once. */
    readonly capacity: number = 64 * MiB,
    /** A body below this is not counted. */
    readonly large: number = BODY_LIMITS.json,
  ) {}

  /** Reserves the request's body; `false` when the budget is spent. Released when the answer is done. */
  reserve(req: IncomingMessage, res: Response): boolean {
    const declared = Number(req.headers['content-length']);
    const size = Number.isSafeInteger(declared) && declared >= 0 ? declared : bodyLimitOf(req);
    if (size < this.large) return true;
    if (this.inFlight + size > this.capacity) return false;
    this.inFlight += size;
    res.once('close', () => {
      this.inFlight -= size;
    });
    return true;
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }
}

/** Looks the token up and sets `req.device` when it is valid; never answers. */
export function identifyDevice(devices: DeviceRegistry): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!API.test(req.path) || PUBLIC.test(req.path)) return next();
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) return next();
    devices.authenticate(token).then(
      (principal) => {
        if (principal !== null) (req as AuthenticatedRequest).device = principal;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** After the anonymous limit: a body from no valid device is refused unread; a device's request is counted. */
export function beforeBody(failures: FailedAuthentications, limits: RateLimits, budget: BodyBudget): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!API.test(req.path) || PUBLIC.test(req.path)) return next();
    const device = (req as AuthenticatedRequest).device;
    if (device === undefined) {
      if (!carriesBody(req) || req.method === 'GET' || req.method === 'HEAD') return next();
      // Its body is never read: the connection goes with the answer.
      res.setHeader('Connection', 'close');
      failures.fail(req.ip).then(
        (verdict) => {
          if (!verdict.allowed) {
            res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
            return next(
              new ApiError(429, 'rate_limited', 'Too many failed authentications from this address; try again later'),
            );
          }
          const token = bearerToken(req.headers.authorization);
          next(
            new ApiError(
              401,
              'unauthorized',
              token === undefined
                ? 'Authentication required: send Authorization: Bearer <device token>'
                : 'Unknown or revoked device token',
            ),
          );
        },
        (error: unknown) => next(error),
      );
      return;
    }
    void limits.perDevice(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      if (carriesBody(req) && !budget.reserve(req, res)) {
        res.setHeader('Retry-After', '5');
        res.setHeader('Connection', 'close');
        return next(new ApiError(503, 'server_busy', 'Too many large bodies in flight; try again in a few seconds'));
      }
      next();
    });
  };
}
