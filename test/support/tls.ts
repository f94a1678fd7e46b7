// HTTPS from the test side: free ports to put in PUBLIC_URL, requests that
// trust one given CA (Node's fetch cannot be told to), and the certificate a
// server really presents, read off the TLS socket.
import { type X509Certificate } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:tls';

/** A port free right now on 127.0.0.1 (for settings that must name it before the server starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as sent (images). */
  bytes: Buffer;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM of the one CA to trust (https:// only); the host name is verified as a browser would. */
  ca?: string;
  /** Connect here instead of resolving the URL's host (as `--host-resolver-rules` does for Chromium). */
  connectTo?: string;
}

/** One HTTP(S) request, without following redirects. */
export function send(url: string, options: RequestOptions = {}): Promise<Answer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const make = secure ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = make(
      {
        protocol: target.protocol,
        host: options.connectTo ?? target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { host: target.host, connection: 'close', ...options.headers },
        ...(secure ? { ca: options.ca, servername: target.hostname, agent: false } : { agent: false }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The certificate the server presents for `servername`, whoever signed it (the test checks that itself). */
export function peerCertificate(host: string, port: number, servername: string): Promise<X509Certificate> {
  return new Promise<X509Certificate>((resolve, reject) => {
    const socket = connect({ host, port, servername, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerX509Certificate();
      socket.end();
      if (certificate) resolve(certificate);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}
