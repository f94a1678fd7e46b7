// HTTPS at the venue (ADR 009): what createApp needs to speak it, the public
// CA files, HSTS, and plain HTTP turned into a redirect, on HTTP_PORT and on
// the HTTPS port itself. Nothing here is a Nest route: /ca.crt is answered
// before the access guard (it must be fetched by a phone that has no token
// yet) and stays out of the OpenAPI document.
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { AppConfig } from '../config/config.js';
import { ensureLocalTls, wantedNames, type LocalTls } from './local-ca.js';
import { caMobileConfig } from './mobileconfig.js';

export interface TlsSetup {
  /** For NestFactory.create; undefined when the server speaks plain HTTP. */
  httpsOptions: { cert: string; key: string } | undefined;
  /** TLS=local: the CA phones install, and what this start made. */
  local: LocalTls | undefined;
  /** Strict-Transport-Security on every answer: only with a certificate browsers trust by themselves. */
  hsts: boolean;
}

const setups = new WeakMap<object, TlsSetup>();

/** What createApp set up for `app` (for main.ts's start-up lines). */
export const tlsSetupOf = (app: object): TlsSetup | undefined => setups.get(app);

/** Reads or makes the certificates the config asks for; called once, before the server exists. */
export function prepareTls(config: AppConfig): TlsSetup {
  switch (config.tls.mode) {
    case 'off':
      return { httpsOptions: undefined, local: undefined, hsts: false };
    case 'files':
      return { httpsOptions: { cert: config.tls.cert, key: config.tls.key }, local: undefined, hsts: true };
    case 'local': {
      const local = ensureLocalTls(join(config.dataDir, 'tls'), wantedNames(config.publicUrl));
      return { httpsOptions: { cert: local.certificate, key: local.key }, local, hsts: false };
    }
  }
}

/**
 * A year, without includeSubDomains: the venue's host name may share its
 * domain with machines that speak plain HTTP. Never with TLS=local: a browser
 * that pinned HSTS to a host whose CA is later lost could not reach it at all.
 */
const HSTS = 'max-age=31536000';

export const CA_PATHS = { pem: '/ca.crt', mobileconfig: '/ca.mobileconfig' } as const;

/** HSTS, and the CA's two forms; when there is no local CA, a 404 in the API's error shape. */
export function tlsMiddleware(setup: TlsSetup, httpPort?: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (setup.hsts && req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    // The common security headers add HSTS to any answer over TLS; a CA of our own must not pin it.
    else if (setup.local) res.removeHeader('Strict-Transport-Security');
    // Where phones fetch the CA over plain HTTP (HTTP_PORT): the organisers' page points its links and QR codes there.
    if (setup.local && httpPort !== undefined) res.setHeader(PLAIN_HTTP_PORT_HEADER, String(httpPort));
    if (!answerCa(setup, req, res)) next();
  };
}

/** Sent with `/ca.crt` over HTTPS when `HTTP_PORT` is set: the port a phone without the CA can reach it on. */
export const PLAIN_HTTP_PORT_HEADER = 'X-Emargement-Http-Port';

/** Answers GET/HEAD /ca.crt and /ca.mobileconfig; false for any other request. */
function answerCa(setup: TlsSetup, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== CA_PATHS.pem && path !== CA_PATHS.mobileconfig) return false;
  if (!setup.local) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        statusCode: 404,
        code: 'not_found',
        message: 'No local certificate authority: the server does not run with TLS=local',
      }),
    );
    return true;
  }
  const [type, body, filename] =
    path === CA_PATHS.pem
      ? ['application/x-pem-file', setup.local.caCertificate, 'emargement-ca.crt']
      : ['application/x-apple-aspen-config', caMobileConfig(setup.local.caCertificate), 'emargement-ca.mobileconfig'];
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  // Short: a CA remade after a lost key must reach the phones the same day.
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** Host names and addresses only: what goes into a Location must not come from a crafted Host header verbatim. */
const SAFE_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

/**
 * The plain HTTP answer: the CA files as they are (a phone that does not yet
 * trust the CA fetches it here without a certificate warning; it is public,
 * and the organisers' page shows its fingerprint to compare), anything else a
 * 308 to the same path over HTTPS, at PUBLIC_URL when set, else at the host
 * asked for on the HTTPS port when the certificate covers it (400 otherwise).
 */
export function plainHttpHandler(config: AppConfig, setup: TlsSetup, httpsPort: () => number) {
  // Without PUBLIC_URL the redirect goes to the host asked for, but only to a
  // name or address the certificate covers: a 308 is cacheable, and one to
  // any Host a client sent would send the next visitor elsewhere.
  const certificate = setup.httpsOptions ? new X509Certificate(setup.httpsOptions.cert) : undefined;
  const covered = (host: string): boolean => {
    if (certificate === undefined) return false;
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    return isIP(bare) ? certificate.checkIP(bare) !== undefined : certificate.checkHost(bare) !== undefined;
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Connection', 'close');
    if (answerCa(setup, req, res)) return;
    const path = req.url?.startsWith('/') ? req.url : '/';
    let origin = config.publicUrl;
    if (!origin) {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!SAFE_HOST.test(host) || !covered(host)) {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('Use https://\n');
        return;
      }
      const port = httpsPort();
      origin = `https://${host}${port === 443 ? '' : `:${port}`}`;
    }
    res.statusCode = 308;
    res.setHeader('Location', `${origin}${path}`);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(`Moved to ${origin}${path}\n`);
  };
}

/** A TLS record starts with its content type; 22 is a handshake (a ClientHello, for a new connection). */
const TLS_HANDSHAKE = 0x16;
/** A connection that says nothing is dropped after this long (before TLS or HTTP takes over its timeouts). */
const FIRST_BYTE_TIMEOUT_MS = 30_000;

/**
 * Sorts connections to the HTTPS port by their first byte: a TLS handshake
 * goes on to the HTTPS server as usual, anything else (a person typing
 * http://host:port) to `plain`. The byte is read and pushed back (`unshift`),
 * and Node's TLS socket replays what is buffered on the socket it wraps, so
 * neither side misses it. The same trick as httpolyglot.
 */
export function sortConnectionsByFirstByte(server: HttpServer, plain: HttpServer): void {
  const tlsListeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const drop = (): void => {
      socket.destroy();
    };
    socket.on('error', drop);
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, drop);
    const sort = (): void => {
      const head = socket.read(1) as Buffer | null;
      if (head === null) {
        if (socket.readableEnded || socket.destroyed) return drop();
        socket.once('readable', sort);
        return;
      }
      socket.removeListener('error', drop);
      socket.setTimeout(0);
      socket.unshift(head);
      if (head[0] === TLS_HANDSHAKE) for (const listener of tlsListeners) listener.call(server, socket);
      else plain.emit('connection', socket);
    };
    sort();
  });
}

/**
 * With HTTPS on: plain HTTP on the HTTPS port is redirected, and HTTP_PORT,
 * when set, is a plain listener doing the same. HTTP_PORT starts and stops
 * with the application (`listen` resolves once both listen, so a busy
 * HTTP_PORT fails the start, and `close` frees both).
 */
export function servePlainHttp(app: NestExpressApplication, config: AppConfig, setup: TlsSetup): void {
  setups.set(app, setup);
  if (!setup.httpsOptions) return;
  const server = app.getHttpServer();
  const httpsPort = (): number => {
    const address = server.address() as AddressInfo | null;
    return address?.port ?? config.port;
  };
  const handler = plainHttpHandler(config, setup, httpsPort);
  sortConnectionsByFirstByte(server, createServer(handler));
  const httpPort = config.httpPort;
  if (httpPort === undefined) return;
  const redirect = createServer(handler);
  // Nest's listen() resolves from the callback of the server's listen(): the
  // callback is held back until HTTP_PORT listens too, or is given the error.
  // (The server, not Nest's application object, which is a proxy.)
  const listen = server.listen.bind(server) as (...args: unknown[]) => HttpServer;
  const listenBoth = (...args: unknown[]): HttpServer => {
    const done = typeof args[args.length - 1] === 'function' ? (args.pop() as (error?: Error) => void) : undefined;
    return listen(...args, () => {
      const address = server.address() as AddressInfo | null;
      const failed = (error: Error): void => {
        server.close();
        if (done) done(error);
        else server.emit('error', error);
      };
      redirect.once('error', failed);
      redirect.listen(httpPort, address?.address, () => {
        redirect.off('error', failed);
        done?.();
      });
    });
  };
  (server as { listen: unknown }).listen = listenBoth;
  server.on('close', () => {
    redirect.close();
    redirect.closeAllConnections();
  });
}
