import helmet from 'helmet';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

type Directives = Record<string, readonly string[]>;

/** A policy as the header's text (for reading and for the tests: helmet writes the same directives). */
const policy = (directives: Directives): string =>
  Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');

/**
 * The web apps' Content-Security-Policy. The Vite build is one module script
 * and one stylesheet, both files of this origin (no inline script or style
 * in the HTML); React sets `style` through the CSSOM, which CSP allows.
 * - `'wasm-unsafe-eval'`: the door's QR decoder (zxing-wasm) compiles its
 *   WebAssembly, served from this origin (never a CDN);
 * - images: this origin (ticket PNGs), `data:` and `blob:` (the signature
 *   pad's and QR codes' pictures);
 * - `connect-src 'self'`: fetch and the socket.io feed (ws/wss to this host);
 * - nothing may frame the pages, no plugin, no `<base>`, forms post here only.
 */
export const WEB_CSP_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'media-src': ["'self'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};
export const WEB_CSP = policy(WEB_CSP_DIRECTIVES);

/** The browsable OpenAPI page (`/api/docs`, Swagger UI): its template has an inline `<style>` and `style` attributes. */
export const DOCS_CSP_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};
export const DOCS_CSP = policy(DOCS_CSP_DIRECTIVES);

/** Only the door's scanner needs a device; nothing else is granted, even to this origin. */
export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'display-capture=()',
].join(', ');

/**
 * The policies helmet writes, with the values this server has always sent:
 * the CSP above, `nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy:
 * no-referrer`, COOP and CORP `same-origin`, `Origin-Agent-Cluster: ?1`, DNS
 * prefetch off, no cross-domain policy files. Left out: HSTS (sent only over
 * TLS and not with the local CA, below and in tls/https.ts: helmet would send
 * it on plain HTTP too), COEP (the pages embed nothing cross-origin, and it
 * was never sent), and the two legacy headers helmet adds by default
 * (`X-XSS-Protection`, `X-Download-Options`), never sent either.
 */
const helmetFor = (directives: Directives): RequestHandler =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: true,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    xContentTypeOptions: true,
    xDnsPrefetchControl: { allow: false },
    xDownloadOptions: false,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xPoweredBy: true,
    xXssProtection: false,
  });

const API = /^\/api(?:\/|$)/i;
const DOCS = /^\/api\/docs(?:\/|$)/i;

/**
 * The headers helmet's middleware writes, asked once: its policies here are
 * fixed strings, so what it would do on every request (eleven middlewares in
 * a chain, each setting its header) is done at start, and each answer only
 * gets the list (issue 27: work per request that can be done once).
 */
function headersOf(middleware: RequestHandler): readonly (readonly [string, string])[] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let error: unknown = undefined;
  let done = false;
  middleware({} as Request, res as unknown as Response, (e?: unknown) => {
    error = e;
    done = true;
  });
  if (!done || error !== undefined) throw new Error(`security headers: helmet did not finish (${String(error)})`);
  return [...headers];
}

/**
 * Express middleware, first in the chain, so that every answer (errors and
 * static files included) carries the headers: helmet's, then what helmet has
 * no option for. `/api` answers carry personal data: `Cache-Control:
 * no-store`, so that no browser or proxy keeps them.
 */
export function securityHeaders(): RequestHandler {
  const web = headersOf(helmetFor(WEB_CSP_DIRECTIVES));
  const docs = headersOf(helmetFor(DOCS_CSP_DIRECTIVES));
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    if (API.test(req.path)) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    // Over TLS (directly, or behind a trusted proxy that says so): HTTPS only from now on. tls/https.ts
    // lengthens it with a given certificate and takes it off with the local CA (ADR 009).
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=15552000');
    for (const [name, value] of DOCS.test(req.path) ? docs : web) res.setHeader(name, value);
    next();
  };
}
