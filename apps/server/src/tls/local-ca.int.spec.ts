// The local CA on a real directory: what each start keeps and what it remakes.
import { afterEach, describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ensureLocalTls, issueServerCertificate, tlsFiles, wantedNames } from './local-ca.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const names = (host: string) => wantedNames(`https://${host}:3443`, {});

describe('ensureLocalTls', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'emargement-local-ca-')), 'tls');
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  test('the first start makes a CA (cA critical, keyCertSign) and a server certificate (serverAuth) it signs', () => {
    const dir = fresh();
    const made = ensureLocalTls(dir, names('emargement.local'));
    expect(made.made).toEqual({ ca: true, server: true });
    const ca = forge.pki.certificateFromPem(made.caCertificate);
    expect(ca.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true });
    expect(ca.getExtension('keyUsage')).toMatchObject({ keyCertSign: true, critical: true });
    const server = forge.pki.certificateFromPem(made.certificate);
    expect(server.getExtension('basicConstraints')).toMatchObject({ cA: false });
    expect(server.getExtension('extKeyUsage')).toMatchObject({ serverAuth: true });
    expect(server.getExtension('keyUsage')).toMatchObject({ digitalSignature: true, keyEncipherment: true });
    expect(ca.verify(server)).toBe(true);
    const days = (server.validity.notAfter.getTime() - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThanOrEqual(90);
    expect(days).toBeLessThanOrEqual(365);
  });

  test('the next start keeps both', () => {
    const dir = fresh();
    const first = ensureLocalTls(dir, names('emargement.local'));
    const second = ensureLocalTls(dir, names('emargement.local'));
    expect(second.made).toEqual({ ca: false, server: false });
    expect(second.certificate).toBe(first.certificate);
    expect(second.caCertificate).toBe(first.caCertificate);
  });

  test('a new host name gets a new server certificate covering it, under the same CA', () => {
    const dir = fresh();
    const first = ensureLocalTls(dir, names('emargement.local'));
    const moved = ensureLocalTls(dir, names('accueil.lan'));
    expect(moved.made).toEqual({ ca: false, server: true });
    expect(moved.caCertificate).toBe(first.caCertificate);
    const x509 = new X509Certificate(moved.certificate);
    expect(x509.checkHost('accueil.lan', { subject: 'never' })).toBe('accueil.lan');
    expect(x509.verify(new X509Certificate(first.caCertificate).publicKey)).toBe(true);
  });

  test('the CA is name-constrained: it signs for the venue’s names and private addresses, not for any domain (issue 21)', () => {
    const dir = fresh();
    const made = ensureLocalTls(dir, names('emargement.local'));
    const ca = forge.pki.certificateFromPem(made.caCertificate);
    expect(ca.getExtension('nameConstraints')).toMatchObject({ critical: true });
    const caFile = join(dir, 'ca.crt');
    const verify = (pem: string): string => {
      const file = join(dir, `check-${Math.random().toString(36).slice(2)}.crt`);
      writeFileSync(file, pem);
      try {
        return execFileSync('openssl', ['verify', '-CAfile', caFile, file], { stdio: 'pipe' }).toString();
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
        return `${String(stdout ?? '')}${String(stderr ?? '')}`;
      }
    };
    expect(verify(made.certificate)).toMatch(/OK/);
    // The same CA's key signing for a bank's name or a public address: refused by the constraints.
    const issuer = { certificate: ca, key: forge.pki.privateKeyFromPem(readFileSync(tlsFiles(dir).caKey, 'utf8')) };
    for (const foreign of [
      { dns: ['www.example-bank.com'], ips: [] },
      { dns: [], ips: ['8.8.8.8'] },
    ]) {
      const forged = issueServerCertificate(issuer, foreign, new Date(), 30).certificate;
      expect(verify(forged)).toMatch(/subtree violation|name constraint/i);
    }
  });

  test('a PUBLIC_URL outside the CA’s names gets a new CA; one on the venue network keeps it', () => {
    const dir = fresh();
    const first = ensureLocalTls(dir, names('emargement.local'));
    expect(ensureLocalTls(dir, names('accueil.lan')).made.ca).toBe(false);
    const moved = ensureLocalTls(dir, names('checkin.example.org'));
    expect(moved.made).toEqual({ ca: true, server: true });
    expect(moved.caCertificate).not.toBe(first.caCertificate);
  });

  test('a new interface address gets a new server certificate', () => {
    const dir = fresh();
    ensureLocalTls(dir, names('emargement.local'));
    const withLan = wantedNames('https://emargement.local:3443', {
      wlan0: [
        {
          address: '192.168.1.23',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: '192.168.1.23/24',
        },
      ],
    });
    const again = ensureLocalTls(dir, withLan);
    expect(again.made.server).toBe(true);
    expect(new X509Certificate(again.certificate).checkIP('192.168.1.23')).toBe('192.168.1.23');
  });

  test('a server certificate near its end is remade; a start 31 days before it ends keeps it', () => {
    const dir = fresh();
    const first = ensureLocalTls(dir, names('emargement.local'));
    const end = new Date(new X509Certificate(first.certificate).validTo).getTime();
    expect(ensureLocalTls(dir, names('emargement.local'), new Date(end - 31 * DAY_MS)).made.server).toBe(false);
    const late = ensureLocalTls(dir, names('emargement.local'), new Date(end - 29 * DAY_MS));
    expect(late.made).toEqual({ ca: false, server: true });
  });

  test('a lost CA key means a new CA (and the phones must install it again)', () => {
    const dir = fresh();
    const first = ensureLocalTls(dir, names('emargement.local'));
    unlinkSync(tlsFiles(dir).caKey);
    const again = ensureLocalTls(dir, names('emargement.local'));
    expect(again.made).toEqual({ ca: true, server: true });
    expect(again.caCertificate).not.toBe(first.caCertificate);
    expect(readFileSync(tlsFiles(dir).caCert, 'utf8')).toBe(again.caCertificate);
  });
});

describe('wantedNames', () => {
  test('localhost, the public host, the loopback addresses and every interface address', () => {
    const wanted = wantedNames('https://[fd00::5]:3443', {
      eth0: [
        {
          address: 'fe80::1',
          netmask: 'ffff:ffff:ffff:ffff::',
          family: 'IPv6',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: 'fe80::1/64',
          scopeid: 2,
        },
      ],
    });
    expect(wanted.dns).toEqual(['localhost']);
    expect(wanted.ips).toEqual(['127.0.0.1', '::1', 'fd00::5', 'fe80::1']);
    expect(wantedNames('https://Emargement.Local', {}).dns).toEqual(['emargement.local', 'localhost']);
  });
});
