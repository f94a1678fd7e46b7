// TLS=local: a certificate authority of the venue's own, made once in
// DATA_DIR/tls, and a server certificate it signs, remade whenever it nears
// its end or no longer covers the addresses the phones use (ADR 009).
// node-forge builds and signs the certificates (no hand-written ASN.1);
// Node's own X509Certificate reads them back, to decide what to keep.
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { caCovers, nameConstraintsExtension } from './name-constraints.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The CA outlives many events: re-installing it on every phone is the costly step. */
export const CA_VALIDITY_DAYS = 10 * 365;
/** Browsers refuse server certificates valid for more than 398 days (Apple's rule, followed by Chromium). */
export const SERVER_VALIDITY_DAYS = 180;
/** A server certificate this close to its end is remade at start: an event may last a few days. */
export const RENEW_WITHIN_DAYS = 30;
/** Clocks of phones lag: a certificate starts an hour in the past. */
const BACKDATE_MS = 60 * 60 * 1000;

/** What the server certificate must cover. */
export interface CertificateNames {
  dns: string[];
  ips: string[];
}

/**
 * `localhost` and the host of PUBLIC_URL (a name, or an address), 127.0.0.1,
 * ::1 and every address of this machine's interfaces: a phone may reach the
 * server by any of them (a DHCP lease at the venue, a hotspot).
 */
export function wantedNames(
  publicUrl: string | undefined,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): CertificateNames {
  const dns = new Set<string>();
  const ips = new Set<string>(['127.0.0.1', '::1']);
  if (publicUrl) {
    const host = new URL(publicUrl).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (isIP(host)) ips.add(host);
    else dns.add(host);
  }
  dns.add('localhost');
  for (const addresses of Object.values(interfaces)) {
    for (const a of addresses ?? []) ips.add(a.address.replace(/%.*$/, ''));
  }
  return { dns: [...dns], ips: [...ips] };
}

export interface LocalTls {
  /** PEM of the CA certificate: what phones install, served at /ca.crt. */
  caCertificate: string;
  /** PEM of the server certificate and its key, for the HTTPS server. */
  certificate: string;
  key: string;
  /** Where the CA certificate lives, for the start-up log. */
  caFile: string;
  /** What this start had to make: phones must install a new CA only when `ca` is true. */
  made: { ca: boolean; server: boolean };
}

interface Issuer {
  certificate: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

/**
 * Keeps the CA in `dir` (makes it when missing, unreadable or near its end),
 * and keeps the server certificate when it is the CA's, lasts more than
 * RENEW_WITHIN_DAYS and covers `names`; otherwise makes a new one.
 */
export function ensureLocalTls(dir: string, names: CertificateNames, now: Date = new Date()): LocalTls {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const files = tlsFiles(dir);
  let issuer = readIssuer(files.caCert, files.caKey, now);
  // A name or address outside the CA's constraints (a PUBLIC_URL moved to
  // another domain, a public address) needs a new CA: phones install it again.
  if (issuer && !caCovers(issuer.certificate, names)) issuer = undefined;
  const madeCa = issuer === undefined;
  if (!issuer) {
    issuer = makeCa(now, names);
    writeFile(files.caKey, forge.pki.privateKeyToPem(issuer.key), 0o600);
    writeFile(files.caCert, forge.pki.certificateToPem(issuer.certificate), 0o644);
  }
  const caCertificate = readFileSync(files.caCert, 'utf8');
  let certificate = madeCa ? undefined : keptServerCertificate(files, caCertificate, names, now);
  const madeServer = certificate === undefined;
  if (!certificate) {
    const issued = issueServerCertificate(issuer, names, now, SERVER_VALIDITY_DAYS);
    writeFile(files.serverKey, issued.key, 0o600);
    writeFile(files.serverCert, issued.certificate, 0o644);
    certificate = issued.certificate;
  }
  return {
    caCertificate,
    certificate,
    key: readFileSync(files.serverKey, 'utf8'),
    caFile: files.caCert,
    made: { ca: madeCa, server: madeServer },
  };
}

export const tlsFiles = (dir: string) => ({
  caCert: join(dir, 'ca.crt'),
  caKey: join(dir, 'ca.key'),
  serverCert: join(dir, 'server.crt'),
  serverKey: join(dir, 'server.key'),
});

/** The stored CA, if it is whole, its key matches and it does not end soon. */
function readIssuer(certFile: string, keyFile: string, now: Date): Issuer | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const certPem = readFileSync(certFile, 'utf8');
    const keyPem = readFileSync(keyFile, 'utf8');
    const x509 = new X509Certificate(certPem);
    if (!x509.ca || !x509.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (new Date(x509.validTo).getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) return undefined;
    return { certificate: forge.pki.certificateFromPem(certPem), key: forge.pki.privateKeyFromPem(keyPem) };
  } catch {
    return undefined;
  }
}

/** The stored server certificate (PEM) if it still serves; undefined when it must be remade. */
function keptServerCertificate(
  files: ReturnType<typeof tlsFiles>,
  caCertificate: string,
  names: CertificateNames,
  now: Date,
): string | undefined {
  if (!existsSync(files.serverCert) || !existsSync(files.serverKey)) return undefined;
  try {
    const pem = readFileSync(files.serverCert, 'utf8');
    const x509 = new X509Certificate(pem);
    const ca = new X509Certificate(caCertificate);
    if (!x509.checkIssued(ca) || !x509.verify(ca.publicKey)) return undefined;
    if (!x509.checkPrivateKey(createPrivateKey(readFileSync(files.serverKey, 'utf8')))) return undefined;
    if (new Date(x509.validFrom).getTime() > now.getTime()) return undefined;
    if (new Date(x509.validTo).getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) return undefined;
    if (!names.dns.every((name) => x509.checkHost(name, { subject: 'never', wildcards: false }) === name)) {
      return undefined;
    }
    if (!names.ips.every((ip) => x509.checkIP(ip) !== undefined)) return undefined;
    return pem;
  } catch {
    return undefined;
  }
}

function makeCa(now: Date, names: CertificateNames): Issuer {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  certificate.validity.notAfter = new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS);
  // The name a phone shows in its list of trusted certificates: which machine, since when.
  const subject = [
    { name: 'commonName', value: `Emargement local CA (${asciiHost()}, ${now.toISOString().slice(0, 10)})` },
    { name: 'organizationName', value: 'Emargement' },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    nameConstraintsExtension(names),
  ]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  return { certificate, key: keys.privateKey };
}

/**
 * A server certificate for `names`, signed by `issuer`, valid `days` from
 * `now` (exported for the tests, which make one near its end).
 */
export function issueServerCertificate(
  issuer: Issuer,
  names: CertificateNames,
  now: Date,
  days: number,
): { certificate: string; key: string } {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  certificate.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
  // Browsers read only the SANs; the common name is for people reading the certificate.
  certificate.setSubject([{ name: 'commonName', value: names.dns[0] ?? 'localhost' }]);
  certificate.setIssuer(issuer.certificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...names.dns.map((value) => ({ type: 2, value })), ...names.ips.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: issuer.certificate.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  certificate.sign(issuer.key, forge.md.sha256.create());
  return { certificate: forge.pki.certificateToPem(certificate), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** The CA stored in `dir`, for the tests that sign a certificate of their own with it. */
export function readLocalCa(dir: string): Issuer {
  const files = tlsFiles(dir);
  return {
    certificate: forge.pki.certificateFromPem(readFileSync(files.caCert, 'utf8')),
    key: forge.pki.privateKeyFromPem(readFileSync(files.caKey, 'utf8')),
  };
}

/** Positive (top bit clear) and random: RFC 5280 wants serials unique per CA and at most 20 bytes. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

const asciiHost = (): string =>
  hostname()
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 32) || 'server';

/** Written whole or not at all (a crash mid-write must not leave half a key), with its mode set. */
function writeFile(path: string, content: string, mode: number): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, content, { mode });
  chmodSync(partial, mode);
  renameSync(partial, path);
}
