import { afterAll, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ConfigError, loadConfig } from './config.js';

/** The config error `env` raises (fails the test when it raises none). */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('loadConfig', () => {
  test('defaults to port 3000, ./data and the embedded store', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.eventStore).toBe('sqlite');
  });

  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'postgres' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING'],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://x' }, 'EVENTSTORE_CONNECTION_STRING'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ ADMIN_TOKEN: 'a token with spaces in it, long enough' }, 'ADMIN_TOKEN'],
    [{ CORS_ORIGINS: 'evil.example' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ok.example/path' }, 'CORS_ORIGINS'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ AUTH_FAILURES_PER_MINUTE: '0' }, 'AUTH_FAILURES_PER_MINUTE'],
    [{ RATE_LIMIT_DOOR_PER_MINUTE: '0' }, 'RATE_LIMIT_DOOR_PER_MINUTE'],
    [{ RATE_LIMIT_ORGANISER_PER_MINUTE: 'lots' }, 'RATE_LIMIT_ORGANISER_PER_MINUTE'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ TLS: 'on' }, 'TLS'],
    [{ PUBLIC_URL: 'emargement.local' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://emargement.local' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://emargement.local/door/' }, 'PUBLIC_URL'],
    [{ TLS: 'local', PUBLIC_URL: 'http://emargement.local:3000' }, 'PUBLIC_URL'],
    [{ HTTP_PORT: '8080' }, 'HTTP_PORT'],
    [{ TLS: 'local', HTTP_PORT: 'http' }, 'HTTP_PORT'],
    [{ TLS: 'local', HTTP_PORT: '3000' }, 'HTTP_PORT'],
    [{ PERSONAL_KEYS_URL: 'mysql://u:p@db/keys' }, 'PERSONAL_KEYS_URL'],
    [{ PERSONAL_KEYS_URL: 'keys.sqlite' }, 'PERSONAL_KEYS_URL'],
    [{ BACKUP_EVERY: '60' }, 'BACKUP_EVERY'],
    [{ BACKUP_DIR: '/mnt/usb', BACKUP_EVERY: '0' }, 'BACKUP_EVERY'],
    [{ BACKUP_DIR: '/mnt/usb', BACKUP_KEEP: 'all' }, 'BACKUP_KEEP'],
    [{ BACKUP_DIR: '/mnt/usb', BACKUP_MAX_AGE_DAYS: '-1' }, 'BACKUP_MAX_AGE_DAYS'],
    [
      { BACKUP_DIR: '/mnt/usb', EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://h:2113' },
      'BACKUP_DIR',
    ],
    [{ BACKUP_DIR: '/mnt/usb', PERSONAL_KEYS_URL: 'postgres://u@h/d' }, 'BACKUP_DIR'],
  ])('%j is refused naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });

  test('PERSONAL_KEYS_URL: the SQLite file by default, a postgres:// address kept as given, never echoed when wrong', () => {
    expect(loadConfig({}).personalKeysUrl).toBeUndefined();
    const url = 'postgres://emargement:s3cret@db.internal:5432/emargement?sslmode=require';
    expect(loadConfig({ PERSONAL_KEYS_URL: ` ${url} ` }).personalKeysUrl).toBe(url);
    expect(loadConfig({ PERSONAL_KEYS_URL: 'postgresql://u@h/d' }).personalKeysUrl).toBe('postgresql://u@h/d');
    expect(refusal({ PERSONAL_KEYS_URL: 'mysql://u:s3cret@h/d' }).message).not.toContain('s3cret');
  });

  test('backups: off by default; BACKUP_DIR turns them on, every 300 s, 24 kept, none older than 30 days', () => {
    expect(loadConfig({}).backup).toBeUndefined();
    expect(loadConfig({ BACKUP_DIR: '/mnt/usb' }).backup).toEqual({
      dir: '/mnt/usb',
      everySeconds: 300,
      keep: 24,
      maxAgeDays: 30,
    });
    expect(
      loadConfig({ BACKUP_DIR: '/mnt/usb', BACKUP_EVERY: '60', BACKUP_KEEP: '5', BACKUP_MAX_AGE_DAYS: '7' }).backup,
    ).toEqual({ dir: '/mnt/usb', everySeconds: 60, keep: 5, maxAgeDays: 7 });
  });

  test('tickets by e-mail: off without SMTP_URL; with it, MAIL_FROM required and checked, never echoing a password', () => {
    expect(loadConfig({}).mail).toBeUndefined();
    expect(
      loadConfig({
        SMTP_URL: 'smtp://u:s3cret@mail.example.org:587',
        MAIL_FROM: 'Journée des PTCE <billets@ptce.example.org>',
        MAIL_REPLY_TO: 'contact@ptce.example.org',
      }).mail,
    ).toEqual({
      smtpUrl: 'smtp://u:s3cret@mail.example.org:587',
      from: 'Journée des PTCE <billets@ptce.example.org>',
      fromDomain: 'ptce.example.org',
      replyTo: 'contact@ptce.example.org',
      perMinute: 120,
    });
    expect(refusal({ SMTP_URL: 'smtp://mail.example.org' }).variable).toBe('MAIL_FROM');
    expect(refusal({ SMTP_URL: 'smtp://h', MAIL_FROM: 'no address' }).variable).toBe('MAIL_FROM');
    expect(refusal({ MAIL_FROM: 'a@b.org' }).variable).toBe('MAIL_FROM');
    const wrong = refusal({ SMTP_URL: 'http://u:s3cret@h', MAIL_FROM: 'a@b.org' });
    expect(wrong.variable).toBe('SMTP_URL');
    expect(wrong.message).not.toContain('s3cret');
    expect(refusal({ SMTP_URL: 'smtp://h', MAIL_FROM: 'a@b.org', MAIL_PER_MINUTE: '0' }).variable).toBe(
      'MAIL_PER_MINUTE',
    );
  });

  test('security defaults: no ADMIN_TOKEN (one is generated), CORS closed, no proxy trusted', () => {
    const c = loadConfig({});
    expect(c.adminToken).toBeUndefined();
    expect(c.corsOrigins).toEqual([]);
    expect(c.trustProxy).toBe(false);
    expect(c.authFailuresPerMinute).toBe(30);
  });

  test('rate limits per role and logging: defaults, and each read from its variable', () => {
    const c = loadConfig({});
    expect(c.rateLimits).toEqual({ anonymous: 300, organiser: 30_000, door: 3_000, kiosk: 300, display: 600 });
    expect([c.logLevel, c.logFormat]).toEqual(['info', 'auto']);
    const d = loadConfig({
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10',
      RATE_LIMIT_ORGANISER_PER_MINUTE: '100000',
      RATE_LIMIT_DOOR_PER_MINUTE: '20',
      RATE_LIMIT_KIOSK_PER_MINUTE: '30',
      RATE_LIMIT_DISPLAY_PER_MINUTE: '40',
      LOG_LEVEL: 'DEBUG',
      LOG_FORMAT: 'pretty',
    });
    expect(d.rateLimits).toEqual({ anonymous: 10, organiser: 100_000, door: 20, kiosk: 30, display: 40 });
    expect([d.logLevel, d.logFormat]).toEqual(['debug', 'pretty']);
  });

  test('reads a fixed ADMIN_TOKEN and a list of CORS origins', () => {
    const c = loadConfig({
      ADMIN_TOKEN: 'fixed-organiser-token-0123456789',
      CORS_ORIGINS: 'https://a.example, http://b.example:8080',
    });
    expect(c.adminToken).toBe('fixed-organiser-token-0123456789');
    expect(c.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });

  test('accepts an EventStoreDB connection string', () => {
    const c = loadConfig({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
    });
    expect(c.eventStore).toBe('eventstoredb');
    expect(c.eventStoreConnectionString).toBe('esdb://localhost:2113?tls=false');
  });

  describe('HTTPS settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emargement-config-tls-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** A self-signed certificate and its key, as PEM files; `otherKey` is a key that does not match it. */
    function pair(name: string): { cert: string; key: string; otherKey: string } {
      const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
      const cert = forge.pki.createCertificate();
      cert.publicKey = keys.publicKey;
      cert.serialNumber = '01';
      cert.validity.notBefore = new Date();
      cert.validity.notAfter = new Date(Date.now() + 86_400_000);
      cert.setSubject([{ name: 'commonName', value: 'emargement.test' }]);
      cert.setIssuer([{ name: 'commonName', value: 'emargement.test' }]);
      cert.sign(keys.privateKey, forge.md.sha256.create());
      const files = {
        cert: join(dir, `${name}.crt`),
        key: join(dir, `${name}.key`),
        otherKey: join(dir, `${name}-other.key`),
      };
      writeFileSync(files.cert, forge.pki.certificateToPem(cert));
      writeFileSync(files.key, forge.pki.privateKeyToPem(keys.privateKey));
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(files.otherKey, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      return files;
    }
    const good = pair('good');

    test('defaults: TLS off, no PUBLIC_URL, no HTTP_PORT', () => {
      const c = loadConfig({});
      expect(c.tls).toEqual({ mode: 'off' });
      expect(c.publicUrl).toBeUndefined();
      expect(c.httpPort).toBeUndefined();
    });

    test('TLS=local with a PUBLIC_URL (kept as an origin) and an HTTP_PORT', () => {
      const c = loadConfig({ TLS: 'local', PUBLIC_URL: 'https://Emargement.local:3443/', HTTP_PORT: '8080' });
      expect(c.tls).toEqual({ mode: 'local' });
      expect(c.publicUrl).toBe('https://emargement.local:3443');
      expect(c.httpPort).toBe(8080);
    });

    test('a given certificate and its key are read at start', () => {
      const c = loadConfig({ TLS_CERT_FILE: good.cert, TLS_KEY_FILE: good.key });
      expect(c.tls).toMatchObject({ mode: 'files', certFile: good.cert, keyFile: good.key });
      expect(c.tls.mode === 'files' && c.tls.cert).toContain('BEGIN CERTIFICATE');
    });

    test('a plain http:// PUBLIC_URL is accepted without TLS (a proxy in front, or a laptop)', () => {
      expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).publicUrl).toBe('http://localhost:3000');
    });

    test('one of the two files alone is refused, naming the missing one', () => {
      expect(refusal({ TLS_CERT_FILE: good.cert }).variable).toBe('TLS_KEY_FILE');
      expect(refusal({ TLS_KEY_FILE: good.key }).variable).toBe('TLS_CERT_FILE');
    });

    test('a missing file is refused naming its variable', () => {
      const missingCert = refusal({ TLS_CERT_FILE: join(dir, 'nope.crt'), TLS_KEY_FILE: good.key });
      expect(missingCert.variable).toBe('TLS_CERT_FILE');
      expect(missingCert.message).toContain('nope.crt');
      expect(refusal({ TLS_CERT_FILE: good.cert, TLS_KEY_FILE: join(dir, 'nope.key') }).variable).toBe('TLS_KEY_FILE');
    });

    test('a key that does not match the certificate is refused naming TLS_KEY_FILE', () => {
      const e = refusal({ TLS_CERT_FILE: good.cert, TLS_KEY_FILE: good.otherKey });
      expect(e.variable).toBe('TLS_KEY_FILE');
      expect(e.message).toContain('does not match');
    });

    test('a file that is not PEM is refused naming its variable', () => {
      expect(refusal({ TLS_CERT_FILE: good.key, TLS_KEY_FILE: good.key }).variable).toBe('TLS_CERT_FILE');
      expect(refusal({ TLS_CERT_FILE: good.cert, TLS_KEY_FILE: good.cert }).variable).toBe('TLS_KEY_FILE');
    });

    test('TLS=local and given files together are refused naming TLS', () => {
      expect(refusal({ TLS: 'local', TLS_CERT_FILE: good.cert, TLS_KEY_FILE: good.key }).variable).toBe('TLS');
    });
  });
});
