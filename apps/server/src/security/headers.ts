import type { NextFunction, Request, RequestHandler, Response } from 'express';

const policy = (directives: Record<string, readonly string[]>): string =>
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
export const WEB_CSP = policy({
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
});

/** The browsable OpenAPI page (`/api/docs`, Swagger UI): its template has an inline `<style>` and `style` attributes. */
export const DOCS_CSP = policy({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
});

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

/** Headers every answer carries, API, web pages and health alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': PERMISSIONS_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'X-DNS-Prefetch-Control': 'off',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

const API = /^\/api(?:\/|$)/i;
const DOCS = /^\/api\/docs(?:\/|$)/i;

/**
 * Express middleware, first in the chain, so that every answer (errors and
 * static files included) carries the headers. `/api` answers carry personal
 * data: `Cache-Control: no-store`, so that no browser or proxy keeps them.
 */
export function securityHeaders(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Content-Security-Policy', DOCS.test(req.path) ? DOCS_CSP : WEB_CSP);
    if (API.test(req.path)) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    // Over TLS (directly, or behind a trusted proxy that says so): HTTPS only from now on.
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=15552000');
    res.removeHeader('X-Powered-By');
    next();
  };
}
