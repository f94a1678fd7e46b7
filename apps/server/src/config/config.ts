import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readP12, type SealKeys } from '../charters/charter-seal/seal-keys.js';

export type EventStoreKind = 'sqlite' | 'eventstoredb';

/**
 * How the server speaks HTTPS (ADR 009): not at all (a TLS proxy in front, or
 * a laptop on localhost), with a certificate authority of its own made in
 * `DATA_DIR/tls` (a venue without internet), or with a certificate it is
 * given. The given pair is read and checked here, at start, so that a wrong
 * file stops the server with the variable named rather than at the first
 * handshake.
 */
export type TlsConfig =
  { mode: 'off' } | { mode: 'local' } | { mode: 'files'; certFile: string; keyFile: string; cert: string; key: string };

export interface AppConfig {
  port: number;
  dataDir: string;
  eventStore: EventStoreKind;
  eventStoreConnectionString: string | undefined;
  /** The first organiser token; when unset, one is generated at first start and kept in `DATA_DIR`. */
  adminToken: string | undefined;
  /** Origins allowed to call the API from a browser page served elsewhere; none by default (CORS closed). */
  corsOrigins: string[];
  /** Whether the server sits behind a reverse proxy whose `X-Forwarded-For` is to be believed (rate limits key on the client address). */
  trustProxy: boolean;
  /** Failed authentications allowed per client address and minute before it is answered 429. */
  authFailuresPerMinute: number;
  /** Distinct tickets (PNG or PDF) one door phone may get an hour (`DOOR_TICKETS_PER_HOUR`, default 30). */
  doorTicketsPerHour: number;
  /** Requests a minute: per client address without a token, per device with one (by its role). */
  rateLimits: RateLimitConfig;
  /** pino's level for the server's log (LOG_LEVEL). */
  logLevel: LogLevel;
  /** `json` (one object a line), `pretty` (for a person at a terminal), or chosen by whether stdout is a terminal. */
  logFormat: 'json' | 'pretty' | 'auto';
  /** HTTPS on PORT, or not (TLS, TLS_CERT_FILE, TLS_KEY_FILE). */
  tls: TlsConfig;
  /** The address devices use, e.g. `https://emargement.local:3443` (an origin, no trailing slash); its host is the one the local certificate covers. */
  publicUrl: string | undefined;
  /** With TLS on, a plain HTTP port that redirects to HTTPS. */
  httpPort: number | undefined;
  /** The key sealing closed charters (CHARTER_SIGNING_P12, CHARTER_SIGNING_PASSPHRASE), or generated in DATA_DIR/charter-seal when unset (ADR 010). */
  charterSigning?: CharterSigningConfig;
  /** `postgres://…`: the personal-data keys in PostgreSQL, shared by every instance (ADR 007); unset: `DATA_DIR/keys.sqlite`. */
  personalKeysUrl: string | undefined;
  /** Continuous backups of the embedded store (BACKUP_DIR, BACKUP_EVERY, BACKUP_KEEP, BACKUP_MAX_AGE_DAYS); off when BACKUP_DIR is unset. */
  backup: BackupConfig | undefined;
  /** The CUPS server badges are printed through (CUPS_SERVER: `host:port` or a socket path); unset: the machine's own (`lp`'s default). */
  cupsServer?: string;
  /** Tickets by e-mail (SMTP_URL, MAIL_FROM, MAIL_REPLY_TO, MAIL_PER_MINUTE); undefined when SMTP_URL is unset: sending is then refused `mail_not_configured` and everything else works. */
  mail: MailConfig | undefined;
}

/** Where and how the server sends tickets by e-mail (issue 25, README « Tickets by e-mail »). */
export interface MailConfig {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465` (TLS from the start). */
  smtpUrl: string;
  /** The sender, `Name <address>` or a bare address. */
  from: string;
  /** The domain of the sender's address: the right-hand side of each message's `Message-ID`. */
  fromDomain: string;
  replyTo: string | undefined;
  /** Messages a minute, at most: the background sender paces itself so as not to be taken for a spammer. */
  perMinute: number;
}

/** Where and how often the server backs up its embedded store (issue 28, README « Backups »). */
export interface BackupConfig {
  /** A folder on another disk or a USB stick: each backup is a folder of its own in it, beside the erasure journal. */
  dir: string;
  /** Seconds between backups; a backup is taken only when something was recorded since the last one. */
  everySeconds: number;
  /** How many backups to keep (the newest). */
  keep: number;
  /** Backups older than this are deleted whatever `keep` says: an erased person's key must not outlive the delay promised (ADR 007). */
  maxAgeDays: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Requests allowed a minute, per key, sized for who calls (the README's
 * table): an organiser's integration pushes thousands of sign-ups; a door
 * phone scans at human pace (a handheld scanner a few a second) but, back
 * from an outage, uploads its whole outbox at once (1,000 scans in about
 * 10 s, BENCHMARKS.md), and it answers a 429 by deciding offline; a signing
 * tablet goes at the pace of signatures; a screen fetches a snapshot every
 * 150 ms while the replay slider is dragged. The limits bound a runaway or
 * stolen device, not the work of an honest one.
 */
export interface RateLimitConfig {
  /** Per client address (IPv6 by /64), for `/api` requests and socket.io handshakes that carry no token. */
  anonymous: number;
  organiser: number;
  door: number;
  kiosk: number;
  display: number;
}

/** Each limit's variable and default (requests a minute). */
export const RATE_LIMIT_VARIABLES: Readonly<Record<keyof RateLimitConfig, readonly [string, number]>> = {
  anonymous: ['RATE_LIMIT_ANONYMOUS_PER_MINUTE', 300],
  organiser: ['RATE_LIMIT_ORGANISER_PER_MINUTE', 30_000],
  door: ['RATE_LIMIT_DOOR_PER_MINUTE', 3_000],
  kiosk: ['RATE_LIMIT_KIOSK_PER_MINUTE', 300],
  display: ['RATE_LIMIT_DISPLAY_PER_MINUTE', 600],
};

function loadRateLimits(env: NodeJS.ProcessEnv): RateLimitConfig {
  const limits = {} as Record<keyof RateLimitConfig, number>;
  for (const [name, [variable, fallback]] of Object.entries(RATE_LIMIT_VARIABLES)) {
    const text = env[variable]?.trim() || String(fallback);
    if (!/^\d{1,7}$/.test(text) || Number(text) < 1) {
      throw new ConfigError(
        variable,
        `must be a whole number of requests a minute from 1, got ${JSON.stringify(env[variable])}`,
      );
    }
    limits[name as keyof RateLimitConfig] = Number(text);
  }
  return limits;
}

function loadLogging(env: NodeJS.ProcessEnv): Pick<AppConfig, 'logLevel' | 'logFormat'> {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }
  const format = env.LOG_FORMAT?.trim().toLowerCase() || 'auto';
  if (format !== 'json' && format !== 'pretty' && format !== 'auto') {
    throw new ConfigError('LOG_FORMAT', `must be 'json', 'pretty' or 'auto', got ${JSON.stringify(env.LOG_FORMAT)}`);
  }
  return { logLevel: level as LogLevel, logFormat: format };
}

/** A PKCS#12 read and checked at start: the key and its chain, leaf first. */
export type CharterSigningConfig = { file: string } & Omit<SealKeys, 'source'>;

/** A configuration error names the variable at fault, so the fix is obvious from the log. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const portText = env.PORT?.trim() || '3000';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new ConfigError('PORT', `must be a TCP port number (0-65535), got ${JSON.stringify(env.PORT)}`);
  }
  const dataDirText = env.DATA_DIR?.trim() || './data';
  const eventStore = (env.EVENT_STORE?.trim() || 'sqlite') as EventStoreKind;
  if (eventStore !== 'sqlite' && eventStore !== 'eventstoredb') {
    throw new ConfigError('EVENT_STORE', `must be 'sqlite' or 'eventstoredb', got ${JSON.stringify(env.EVENT_STORE)}`);
  }
  const connection = env.EVENTSTORE_CONNECTION_STRING?.trim() || undefined;
  if (eventStore === 'eventstoredb') {
    if (!connection) {
      throw new ConfigError('EVENTSTORE_CONNECTION_STRING', "is required when EVENT_STORE is 'eventstoredb'");
    }
    if (!/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/./.test(connection)) {
      throw new ConfigError(
        'EVENTSTORE_CONNECTION_STRING',
        `must look like esdb://host:2113?tls=false, got ${JSON.stringify(connection)}`,
      );
    }
  }
  const adminToken = env.ADMIN_TOKEN?.trim() || undefined;
  if (
    adminToken !== undefined &&
    (adminToken.length < 24 || adminToken.length > 512 || !/^[\x21-\x7e]+$/.test(adminToken))
  ) {
    throw new ConfigError(
      'ADMIN_TOKEN',
      'must be 24 to 512 printable ASCII characters without spaces (e.g. `openssl rand -hex 32`)',
    );
  }
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be a comma-separated list of origins like https://example.org, got ${JSON.stringify(origin)}`,
      );
    }
  }
  const trustProxyText = env.TRUST_PROXY?.trim() || 'false';
  if (trustProxyText !== 'true' && trustProxyText !== 'false') {
    throw new ConfigError('TRUST_PROXY', `must be 'true' or 'false', got ${JSON.stringify(env.TRUST_PROXY)}`);
  }
  const failuresText = env.AUTH_FAILURES_PER_MINUTE?.trim() || '30';
  if (!/^\d{1,6}$/.test(failuresText) || Number(failuresText) < 1) {
    throw new ConfigError(
      'AUTH_FAILURES_PER_MINUTE',
      `must be a whole number from 1, got ${JSON.stringify(env.AUTH_FAILURES_PER_MINUTE)}`,
    );
  }
  const doorTicketsText = env.DOOR_TICKETS_PER_HOUR?.trim() || '30';
  if (!/^\d{1,5}$/.test(doorTicketsText) || Number(doorTicketsText) < 1) {
    throw new ConfigError(
      'DOOR_TICKETS_PER_HOUR',
      `must be a whole number from 1, got ${JSON.stringify(env.DOOR_TICKETS_PER_HOUR)}`,
    );
  }
  const port = Number(portText);
  const tls = loadTls(env);
  const publicUrl = loadPublicUrl(env, tls);
  const httpPortText = env.HTTP_PORT?.trim() || undefined;
  let httpPort: number | undefined;
  if (httpPortText !== undefined) {
    if (!/^\d+$/.test(httpPortText) || Number(httpPortText) < 1 || Number(httpPortText) > 65535) {
      throw new ConfigError('HTTP_PORT', `must be a TCP port number (1-65535), got ${JSON.stringify(env.HTTP_PORT)}`);
    }
    if (tls.mode === 'off') {
      throw new ConfigError(
        'HTTP_PORT',
        'redirects plain HTTP to HTTPS: it needs TLS=local or TLS_CERT_FILE/TLS_KEY_FILE',
      );
    }
    httpPort = Number(httpPortText);
    if (httpPort === port) throw new ConfigError('HTTP_PORT', `must differ from PORT (${port})`);
  }
  const personalKeysUrl = loadPersonalKeysUrl(env);
  const backup = loadBackup(env, eventStore, personalKeysUrl);
  const mail = loadMail(env);
  return {
    port,
    dataDir: resolve(dataDirText),
    eventStore,
    eventStoreConnectionString: connection,
    adminToken,
    corsOrigins,
    trustProxy: trustProxyText === 'true',
    authFailuresPerMinute: Number(failuresText),
    doorTicketsPerHour: Number(doorTicketsText),
    rateLimits: loadRateLimits(env),
    ...loadLogging(env),
    tls,
    publicUrl,
    httpPort,
    ...loadCharterSigning(env),
    personalKeysUrl,
    backup,
    cupsServer: loadCupsServer(env),
    mail,
  };
}

/** `Name <local@domain>` or `local@domain`: the address and its domain, or null. */
function mailbox(text: string): { address: string; domain: string } | null {
  const match = /^(?:[^<>\r\n]*<([^<>\s@]+@([^<>\s@]+))>|([^<>\s@]+@([^<>\s@]+)))$/.exec(text.trim());
  if (!match) return null;
  const address = match[1] ?? match[3]!;
  const domain = match[2] ?? match[4]!;
  return /^[a-z0-9.-]+$/i.test(domain) ? { address, domain } : null;
}

/**
 * Tickets by e-mail are optional: without SMTP_URL nothing is sent and every
 * other feature works. With it, MAIL_FROM is required (a message without a
 * sender is refused by every server worth sending through) and checked here,
 * so a typo stops the start rather than 413 messages.
 */
function loadMail(env: NodeJS.ProcessEnv): MailConfig | undefined {
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl === undefined) {
    for (const variable of ['MAIL_FROM', 'MAIL_REPLY_TO'])
      if (env[variable]?.trim()) throw new ConfigError(variable, 'needs SMTP_URL: there is no server to send through');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new ConfigError('SMTP_URL', 'must look like smtp://user:pass@host:587 or smtps://user:pass@host:465');
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new ConfigError('SMTP_URL', `must start with smtp:// or smtps:// and name a host, got ${url.protocol}//…`);
  }
  const fromText = env.MAIL_FROM?.trim() || '';
  const from = mailbox(fromText);
  if (from === null) {
    throw new ConfigError(
      'MAIL_FROM',
      `is required with SMTP_URL, as "Name <address@domain>" or "address@domain", got ${JSON.stringify(env.MAIL_FROM ?? '')}`,
    );
  }
  const replyToText = env.MAIL_REPLY_TO?.trim() || undefined;
  if (replyToText !== undefined && mailbox(replyToText) === null) {
    throw new ConfigError('MAIL_REPLY_TO', `must be an address, got ${JSON.stringify(env.MAIL_REPLY_TO)}`);
  }
  return {
    smtpUrl,
    from: fromText,
    fromDomain: from.domain.toLowerCase(),
    replyTo: replyToText,
    perMinute: wholeNumber(env, 'MAIL_PER_MINUTE', 120, 1, 600_000),
  };
}

/** CUPS_SERVER, as `lp` reads it: `host`, `host:port`, `[v6]:port` or an absolute socket path. */
function loadCupsServer(env: NodeJS.ProcessEnv): string | undefined {
  const text = env.CUPS_SERVER?.trim();
  if (!text) return undefined;
  if (!/^(\/[^\s]+|\[[0-9a-fA-F:]+\](:\d{1,5})?|[A-Za-z0-9.-]+(:\d{1,5})?)$/.test(text)) {
    throw new ConfigError('CUPS_SERVER', `must be host, host:port or a socket path, got ${JSON.stringify(text)}`);
  }
  return text;
}

function wholeNumber(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number): number {
  const text = env[variable]?.trim() || String(fallback);
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(
      variable,
      `must be a whole number from ${min} to ${max}, got ${JSON.stringify(env[variable])}`,
    );
  }
  return Number(text);
}

/**
 * BACKUP_DIR turns continuous backups on. They copy the embedded store (the
 * SQLite events and keys): with EventStoreDB, or with the keys in PostgreSQL,
 * those are backed up with their own tools, and a setting that would back up
 * nothing stops the start rather than give a false sense of safety.
 */
function loadBackup(
  env: NodeJS.ProcessEnv,
  eventStore: EventStoreKind,
  personalKeysUrl: string | undefined,
): BackupConfig | undefined {
  const dirText = env.BACKUP_DIR?.trim() || undefined;
  if (dirText === undefined) {
    for (const variable of ['BACKUP_EVERY', 'BACKUP_KEEP', 'BACKUP_MAX_AGE_DAYS']) {
      if (env[variable]?.trim()) throw new ConfigError(variable, 'is set but BACKUP_DIR is not');
    }
    return undefined;
  }
  if (eventStore !== 'sqlite') {
    throw new ConfigError(
      'BACKUP_DIR',
      'backs up the embedded store: it needs EVENT_STORE=sqlite (back EventStoreDB up with its own tools)',
    );
  }
  if (personalKeysUrl !== undefined) {
    throw new ConfigError(
      'BACKUP_DIR',
      'backs up DATA_DIR/keys.sqlite: with PERSONAL_KEYS_URL, back PostgreSQL up with its own tools',
    );
  }
  return {
    dir: resolve(dirText),
    everySeconds: wholeNumber(env, 'BACKUP_EVERY', 300, 1, 86_400),
    keep: wholeNumber(env, 'BACKUP_KEEP', 24, 1, 10_000),
    maxAgeDays: wholeNumber(env, 'BACKUP_MAX_AGE_DAYS', 30, 1, 3_650),
  };
}

/** CHARTER_SIGNING_P12 with its passphrase, opened now so that a wrong file or passphrase stops the start. */
function loadCharterSigning(env: NodeJS.ProcessEnv): { charterSigning?: CharterSigningConfig } {
  const file = env.CHARTER_SIGNING_P12?.trim() || undefined;
  const passphrase = env.CHARTER_SIGNING_PASSPHRASE;
  if (file === undefined) {
    if (passphrase !== undefined && passphrase !== '')
      throw new ConfigError('CHARTER_SIGNING_PASSPHRASE', 'is set but CHARTER_SIGNING_P12 is not');
    return {};
  }
  let der: Buffer;
  try {
    der = readFileSync(file);
  } catch (error) {
    throw new ConfigError(
      'CHARTER_SIGNING_P12',
      `cannot be read (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let keys: Omit<SealKeys, 'source'>;
  try {
    keys = readP12(der, passphrase ?? '');
  } catch (error) {
    const message = (error as Error).message;
    if (/mac|password|passphrase|decrypt/i.test(message))
      throw new ConfigError('CHARTER_SIGNING_PASSPHRASE', `does not open CHARTER_SIGNING_P12 (${file}): ${message}`);
    throw new ConfigError('CHARTER_SIGNING_P12', `is not a usable PKCS#12 file (${file}): ${message}`);
  }
  return { charterSigning: { file: resolve(file), ...keys } };
}

/** Only the form is checked here; whether the database answers is checked when the key store connects, at start. */
function loadPersonalKeysUrl(env: NodeJS.ProcessEnv): string | undefined {
  const text = env.PERSONAL_KEYS_URL?.trim() || undefined;
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  // The value may hold a password: it is never echoed.
  if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname) {
    throw new ConfigError('PERSONAL_KEYS_URL', 'must look like postgres://user:password@host:5432/database');
  }
  return text;
}

function loadTls(env: NodeJS.ProcessEnv): TlsConfig {
  const modeText = env.TLS?.trim() || 'off';
  if (modeText !== 'off' && modeText !== 'local') {
    throw new ConfigError('TLS', `must be 'off' or 'local', got ${JSON.stringify(env.TLS)}`);
  }
  const certFile = env.TLS_CERT_FILE?.trim() || undefined;
  const keyFile = env.TLS_KEY_FILE?.trim() || undefined;
  if (certFile === undefined && keyFile === undefined) return { mode: modeText };
  if (modeText === 'local') {
    throw new ConfigError(
      'TLS',
      "is 'local' (a generated certificate) but TLS_CERT_FILE/TLS_KEY_FILE give one: keep one of the two",
    );
  }
  if (certFile === undefined) throw new ConfigError('TLS_CERT_FILE', 'is required with TLS_KEY_FILE');
  if (keyFile === undefined) throw new ConfigError('TLS_KEY_FILE', 'is required with TLS_CERT_FILE');
  const cert = readPem('TLS_CERT_FILE', certFile);
  const key = readPem('TLS_KEY_FILE', keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new ConfigError('TLS_CERT_FILE', `is not a PEM certificate (${certFile}): ${(error as Error).message}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new ConfigError('TLS_KEY_FILE', `is not a PEM private key (${keyFile}): ${(error as Error).message}`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError('TLS_KEY_FILE', `does not match the certificate in TLS_CERT_FILE (${keyFile})`);
  }
  return { mode: 'files', certFile: resolve(certFile), keyFile: resolve(keyFile), cert, key };
}

function readPem(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      variable,
      `cannot be read (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

function loadPublicUrl(env: NodeJS.ProcessEnv, tls: TlsConfig): string | undefined {
  const text = env.PUBLIC_URL?.trim() || undefined;
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      'PUBLIC_URL',
      `must be an address like https://emargement.local:3443, got ${JSON.stringify(text)}`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new ConfigError('PUBLIC_URL', `must be an http:// or https:// address, got ${JSON.stringify(text)}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError('PUBLIC_URL', `must be an origin without a path, got ${JSON.stringify(text)}`);
  }
  if (tls.mode !== 'off' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', `must be https:// when the server speaks HTTPS, got ${JSON.stringify(text)}`);
  }
  return url.origin;
}
