// HTTPS at the venue (issue 15, ADR 009), over real sockets: the certificate
// the server presents is read off the TLS connection and checked against the
// CA it publishes, as a phone that installed that CA would check it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueServerCertificate, readLocalCa, tlsFiles, wantedNames } from '../apps/server/src/tls/local-ca.js';
import { startTestServer, type TestServer } from './support/server.js';
import { freePort, peerCertificate, send } from './support/tls.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOST = 'emargement.test';

describe('TLS=local: the server is its own certificate authority', () => {
  let server: TestServer;
  let port: number;
  let publicUrl: string;

  /** The CA as a phone downloads it: plain HTTP on the HTTPS port, before it trusts anything. */
  async function downloadCa(): Promise<{ pem: string; x509: X509Certificate }> {
    const answer = await send(`http://127.0.0.1:${port}/ca.crt`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-pem-file');
    return { pem: answer.body, x509: new X509Certificate(answer.body) };
  }

  beforeAll(async () => {
    port = await freePort();
    publicUrl = `https://${HOST}:${port}`;
    server = await startTestServer({ TLS: 'local', PUBLIC_URL: publicUrl, PORT: String(port) });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  test('the base URL is https://', () => {
    expect(server.base).toBe(`https://127.0.0.1:${port}`);
  });

  test('the served certificate chains to the CA of GET /ca.crt and covers the public host, localhost and 127.0.0.1', async () => {
    const ca = await downloadCa();
    expect(ca.x509.ca).toBe(true);
    const served = await peerCertificate('127.0.0.1', port, HOST);
    expect(served.ca).toBe(false);
    expect(served.checkIssued(ca.x509)).toBe(true);
    expect(served.verify(ca.x509.publicKey)).toBe(true);
    expect(served.checkHost(HOST, { subject: 'never' })).toBe(HOST);
    expect(served.checkHost('localhost', { subject: 'never' })).toBe('localhost');
    expect(served.checkHost('other.test', { subject: 'never' })).toBeUndefined();
    expect(served.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(served.checkIP('::1')).toBeDefined();
    for (const ip of wantedNames(undefined).ips) expect(served.checkIP(ip)).toBeDefined();
    expect(served.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // extKeyUsage serverAuth
    const days = (new Date(served.validTo).getTime() - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(60);
    expect(days).toBeLessThanOrEqual(397);

    // Node, trusting that CA only, connects by the public name (and verifies it) — as the phone will.
    const health = await send(`${publicUrl}/health/live`, { ca: ca.pem, connectTo: '127.0.0.1' });
    expect(health.status).toBe(200);
    // No HSTS with a CA of our own: a phone that lost it must still be able to reach the plain address.
    expect(health.headers['strict-transport-security']).toBeUndefined();
    const overHttps = await send(`${publicUrl}/ca.crt`, { ca: ca.pem, connectTo: '127.0.0.1' });
    expect(overHttps.status).toBe(200);
    expect(overHttps.body).toBe(ca.pem);
  });

  test('the iOS profile carries the same CA as a com.apple.security.root payload', async () => {
    const ca = await downloadCa();
    const answer = await send(`http://127.0.0.1:${port}/ca.mobileconfig`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-apple-aspen-config');
    expect(answer.body).toContain('<string>com.apple.security.root</string>');
    expect(answer.body).toContain('<string>Configuration</string>');
    const data = /<key>PayloadContent<\/key>\s*<data>([^<]*)<\/data>/.exec(answer.body)?.[1];
    expect(data?.replace(/\s+/g, '')).toBe(ca.x509.raw.toString('base64'));
  });

  test('the keys in DATA_DIR/tls are readable by the server only', () => {
    const files = tlsFiles(join(server.dataDir, 'tls'));
    expect(statSync(join(server.dataDir, 'tls')).mode & 0o777).toBe(0o700);
    expect(statSync(files.caKey).mode & 0o777).toBe(0o600);
    expect(statSync(files.serverKey).mode & 0o777).toBe(0o600);
  });

  test('plain HTTP on the HTTPS port is redirected to the public https:// address, path and query kept', async () => {
    const answer = await send(`http://127.0.0.1:${port}/door/?conference=abc`);
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe(`${publicUrl}/door/?conference=abc`);
  });

  test('a restart keeps the CA and the server certificate', async () => {
    const ca = await downloadCa();
    const before = await peerCertificate('127.0.0.1', port, HOST);
    server = await server.restart();
    expect((await downloadCa()).x509.fingerprint256).toBe(ca.x509.fingerprint256);
    expect((await peerCertificate('127.0.0.1', port, HOST)).fingerprint256).toBe(before.fingerprint256);
  }, 60_000);

  test('a server certificate near its end is renewed at start, under the same CA', async () => {
    const ca = await downloadCa();
    // A certificate of the same CA for the same names, ending in 10 days (inside the 30-day margin).
    const dir = join(server.dataDir, 'tls');
    const short = issueServerCertificate(readLocalCa(dir), wantedNames(publicUrl), new Date(), 10);
    writeFileSync(tlsFiles(dir).serverCert, short.certificate);
    writeFileSync(tlsFiles(dir).serverKey, short.key, { mode: 0o600 });
    server = await server.restart();

    const served = await peerCertificate('127.0.0.1', port, HOST);
    expect(served.fingerprint256).not.toBe(new X509Certificate(short.certificate).fingerprint256);
    expect(new Date(served.validTo).getTime() - Date.now()).toBeGreaterThan(60 * DAY_MS);
    expect((await downloadCa()).x509.fingerprint256).toBe(ca.x509.fingerprint256);
    expect(served.verify(ca.x509.publicKey)).toBe(true);
    expect(served.checkHost(HOST, { subject: 'never' })).toBe(HOST);
    expect(new X509Certificate(readFileSync(tlsFiles(dir).serverCert)).fingerprint256).toBe(served.fingerprint256);
  }, 60_000);
});

describe('a given certificate (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  const work = mkdtempSync(join(tmpdir(), 'emargement-tls-given-'));
  const certFile = join(work, 'cert.pem');
  const keyFile = join(work, 'key.pem');
  let server: TestServer;
  let port: number;
  let httpPort: number;
  let given: X509Certificate;

  beforeAll(async () => {
    // As a venue's IT would make one: openssl, self-signed, for the host and the loopback address.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '30',
        '-subj',
        `/CN=${HOST}`,
        '-addext',
        `subjectAltName=DNS:${HOST},IP:127.0.0.1`,
      ],
      { stdio: 'pipe' },
    );
    given = new X509Certificate(readFileSync(certFile));
    port = await freePort();
    httpPort = await freePort();
    server = await startTestServer({
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: keyFile,
      PORT: String(port),
      HTTP_PORT: String(httpPort),
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('is the certificate served, with HSTS', async () => {
    const served = await peerCertificate('127.0.0.1', port, HOST);
    expect(served.fingerprint256).toBe(given.fingerprint256);
    const answer = await send(`https://${HOST}:${port}/health/live`, {
      ca: readFileSync(certFile, 'utf8'),
      connectTo: '127.0.0.1',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  test('there is no local CA to download: 404 in the API error shape', async () => {
    for (const path of ['/ca.crt', '/ca.mobileconfig']) {
      const answer = await send(`https://${HOST}:${port}${path}`, {
        ca: readFileSync(certFile, 'utf8'),
        connectTo: '127.0.0.1',
      });
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
  });

  test('HTTP_PORT redirects to https:// on the HTTPS port, across a restart', async () => {
    const answer = await send(`http://127.0.0.1:${httpPort}/admin/?x=1`);
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe(`https://127.0.0.1:${port}/admin/?x=1`);
    expect(answer.headers['strict-transport-security']).toBeUndefined();
    server = await server.restart();
    const again = await send(`http://${HOST}:${httpPort}/door/`, { connectTo: '127.0.0.1' });
    expect(again.status).toBe(308);
    expect(again.headers.location).toBe(`https://${HOST}:${port}/door/`);
  }, 60_000);

  test('without PUBLIC_URL the redirect goes only to names the certificate covers (issue 21)', async () => {
    // `localhost` is a well-formed host, but this certificate names only HOST and 127.0.0.1.
    for (const host of ['localhost', 'attacker.example', '10.9.8.7', '[::1]']) {
      const answer = await send(`http://127.0.0.1:${httpPort}/admin/`, { headers: { host } });
      expect([host, answer.status, answer.headers.location]).toEqual([host, 400, undefined]);
    }
  });

  test('a forged Host header is not echoed into the redirect', async () => {
    const answer = await send(`http://127.0.0.1:${httpPort}/`, { headers: { host: 'evil.example/x?' } });
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
  });
});

describe('TLS off (the default)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  test('the server speaks plain HTTP and has no CA: 404 in the API error shape, no HSTS', async () => {
    expect(server.base.startsWith('http://')).toBe(true);
    for (const path of ['/ca.crt', '/ca.mobileconfig']) {
      const answer = await send(`${server.base}${path}`);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({
        statusCode: 404,
        code: 'not_found',
        message: expect.any(String) as unknown,
      });
      expect(answer.headers['strict-transport-security']).toBeUndefined();
    }
  });
});
