import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import envSchema from 'env-schema';
import type { FromSchema } from 'json-schema-to-ts';

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
  /**
   * The key sealing closed charters (CHARTER_SIGNING_P12, CHARTER_SIGNING_PASSPHRASE), or generated in
   * DATA_DIR/charter-seal when unset (ADR 010). Opened by the charter seal at start (charter-seal/seal-config.ts).
   */
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
export const RATE_LIMIT_VARIABLES = {
  anonymous: ['RATE_LIMIT_ANONYMOUS_PER_MINUTE', 300],
  organiser: ['RATE_LIMIT_ORGANISER_PER_MINUTE', 30_000],
  door: ['RATE_LIMIT_DOOR_PER_MINUTE', 3_000],
  kiosk: ['RATE_LIMIT_KIOSK_PER_MINUTE', 300],
  display: ['RATE_LIMIT_DISPLAY_PER_MINUTE', 600],
} as const satisfies Readonly<Record<keyof RateLimitConfig, readonly [string, number]>>;

/** CHARTER_SIGNING_P12 and its passphrase, as given: the charter seal opens and checks them at start. */
export interface CharterSigningConfig {
  /** The PKCS#12 file, resolved. */
  file: string;
  passphrase: string;
}

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

const count = (description: string, fallback: number, maximum: number, minimum = 1) =>
  ({ type: 'integer', minimum, maximum, default: fallback, description }) as const;
const rateLimit = (fallback: number) =>
  count('must be a whole number of requests a minute from 1', fallback, 9_999_999);
const text = (description: string) => ({ type: 'string', description }) as const;
const PORT_NUMBER = 'must be a TCP port number (0-65535)';

/**
 * Every variable the server reads, what each must look like and its default,
 * as a JSON Schema checked by env-schema (ajv: numbers and booleans coerced
 * from their text, defaults filled in). Each `description` is the error
 * message's end, after the variable's name. What depends on several variables
 * (TLS files, mail, backups) or on a file's content is checked in code below.
 */
const ENVIRONMENT = {
  type: 'object',
  properties: {
    PORT: count(PORT_NUMBER, 3000, 65_535, 0),
    DATA_DIR: { type: 'string', default: './data', description: 'must be a folder' },
    EVENT_STORE: {
      type: 'string',
      enum: ['sqlite', 'eventstoredb'],
      default: 'sqlite',
      description: "must be 'sqlite' or 'eventstoredb'",
    },
    EVENTSTORE_CONNECTION_STRING: text('must look like esdb://host:2113?tls=false'),
    ADMIN_TOKEN: {
      type: 'string',
      pattern: '^[\\x21-\\x7e]{24,512}$',
      description: 'must be 24 to 512 printable ASCII characters without spaces (e.g. `openssl rand -hex 32`)',
    },
    CORS_ORIGINS: {
      type: 'string',
      // Empty items are allowed (a trailing comma); each other one an origin.
      pattern: '^\\s*(https?://[^/\\s,]+)?\\s*(,\\s*(https?://[^/\\s,]+)?\\s*)*$',
      description: 'must be a comma-separated list of origins like https://example.org',
    },
    TRUST_PROXY: { type: 'boolean', default: false, description: "must be 'true' or 'false'" },
    AUTH_FAILURES_PER_MINUTE: count('must be a whole number from 1', 30, 999_999),
    DOOR_TICKETS_PER_HOUR: count('must be a whole number from 1', 30, 99_999),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: rateLimit(RATE_LIMIT_VARIABLES.anonymous[1]),
    RATE_LIMIT_ORGANISER_PER_MINUTE: rateLimit(RATE_LIMIT_VARIABLES.organiser[1]),
    RATE_LIMIT_DOOR_PER_MINUTE: rateLimit(RATE_LIMIT_VARIABLES.door[1]),
    RATE_LIMIT_KIOSK_PER_MINUTE: rateLimit(RATE_LIMIT_VARIABLES.kiosk[1]),
    RATE_LIMIT_DISPLAY_PER_MINUTE: rateLimit(RATE_LIMIT_VARIABLES.display[1]),
    LOG_LEVEL: {
      type: 'string',
      enum: LOG_LEVELS,
      default: 'info',
      description: `must be one of ${LOG_LEVELS.join(', ')}`,
    },
    LOG_FORMAT: {
      type: 'string',
      enum: ['json', 'pretty', 'auto'],
      default: 'auto',
      description: "must be 'json', 'pretty' or 'auto'",
    },
    TLS: { type: 'string', enum: ['off', 'local'], default: 'off', description: "must be 'off' or 'local'" },
    TLS_CERT_FILE: text('must be a PEM certificate file'),
    TLS_KEY_FILE: text('must be a PEM private key file'),
    PUBLIC_URL: text('must be an address like https://emargement.local:3443'),
    HTTP_PORT: count('must be a TCP port number (1-65535)', 80, 65_535),
    CHARTER_SIGNING_P12: text('must be a PKCS#12 file'),
    CHARTER_SIGNING_PASSPHRASE: text('must be the passphrase of CHARTER_SIGNING_P12'),
    PERSONAL_KEYS_URL: text('must look like postgres://user:password@host:5432/database'),
    BACKUP_DIR: text('must be a folder'),
    BACKUP_EVERY: count('must be a whole number from 1 to 86400', 300, 86_400),
    BACKUP_KEEP: count('must be a whole number from 1 to 10000', 24, 10_000),
    BACKUP_MAX_AGE_DAYS: count('must be a whole number from 1 to 3650', 30, 3_650),
    CUPS_SERVER: {
      type: 'string',
      pattern: '^(/\\S+|\\[[0-9a-fA-F:]+\\](:\\d{1,5})?|[A-Za-z0-9.-]+(:\\d{1,5})?)$',
      description: 'must be host, host:port or a socket path',
    },
    SMTP_URL: text('must look like smtp://user:pass@host:587 or smtps://user:pass@host:465'),
    MAIL_FROM: text('must be "Name <address@domain>" or "address@domain"'),
    MAIL_REPLY_TO: text('must be an address'),
    MAIL_PER_MINUTE: count('must be a whole number from 1 to 600000', 120, 600_000),
  },
} as const;

type Environment = FromSchema<typeof ENVIRONMENT>;
type Variable = keyof typeof ENVIRONMENT.properties;

/** Never repeated in an error: they may hold a password or a token. */
const NEVER_ECHOED: ReadonlySet<Variable> = new Set([
  'ADMIN_TOKEN',
  'PERSONAL_KEYS_URL',
  'SMTP_URL',
  'CHARTER_SIGNING_PASSPHRASE',
]);

/**
 * The environment as the schema sees it: each variable the server reads,
 * trimmed, an empty one left out (it takes its default), the log settings in
 * lower case; the passphrase as given (its spaces are part of it).
 */
function given(env: NodeJS.ProcessEnv): Partial<Record<Variable, string>> {
  const values: Partial<Record<Variable, string>> = {};
  for (const variable of Object.keys(ENVIRONMENT.properties) as Variable[]) {
    const raw = env[variable];
    const value = variable === 'CHARTER_SIGNING_PASSPHRASE' ? raw : raw?.trim();
    if (value === undefined || value === '') continue;
    values[variable] = variable === 'LOG_LEVEL' || variable === 'LOG_FORMAT' ? value.toLowerCase() : value;
  }
  return values;
}

/** Checks `values` against the schema; the first variable at fault is named, with the schema's words. */
function validated(values: Partial<Record<Variable, string>>, env: NodeJS.ProcessEnv): Environment {
  try {
    return envSchema<Environment>({ schema: ENVIRONMENT, data: { ...values }, env: false });
  } catch (error) {
    const [first] = (error as { errors?: { instancePath: string }[] }).errors ?? [];
    const variable = first?.instancePath.slice(1) as Variable | undefined;
    if (variable === undefined || !(variable in ENVIRONMENT.properties)) throw error;
    const echo = NEVER_ECHOED.has(variable) ? '' : `, got ${JSON.stringify(env[variable])}`;
    throw new ConfigError(variable, `${ENVIRONMENT.properties[variable].description}${echo}`);
  }
}

/** Reads and validates the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const set = given(env);
  const e = validated(set, env);
  const eventStore: EventStoreKind = e.EVENT_STORE;
  const connection = e.EVENTSTORE_CONNECTION_STRING;
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
  const port = e.PORT;
  const tls = loadTls(e);
  const publicUrl = loadPublicUrl(e.PUBLIC_URL, tls);
  let httpPort: number | undefined;
  if (set.HTTP_PORT !== undefined) {
    if (tls.mode === 'off') {
      throw new ConfigError(
        'HTTP_PORT',
        'redirects plain HTTP to HTTPS: it needs TLS=local or TLS_CERT_FILE/TLS_KEY_FILE',
      );
    }
    httpPort = e.HTTP_PORT;
    if (httpPort === port) throw new ConfigError('HTTP_PORT', `must differ from PORT (${port})`);
  }
  const personalKeysUrl = loadPersonalKeysUrl(e.PERSONAL_KEYS_URL);
  return {
    port,
    dataDir: resolve(e.DATA_DIR),
    eventStore,
    eventStoreConnectionString: connection,
    adminToken: e.ADMIN_TOKEN,
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
    trustProxy: e.TRUST_PROXY,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    doorTicketsPerHour: e.DOOR_TICKETS_PER_HOUR,
    rateLimits: {
      anonymous: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      organiser: e.RATE_LIMIT_ORGANISER_PER_MINUTE,
      door: e.RATE_LIMIT_DOOR_PER_MINUTE,
      kiosk: e.RATE_LIMIT_KIOSK_PER_MINUTE,
      display: e.RATE_LIMIT_DISPLAY_PER_MINUTE,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    tls,
    publicUrl,
    httpPort,
    ...loadCharterSigning(e),
    personalKeysUrl,
    backup: loadBackup(e, set, personalKeysUrl),
    cupsServer: e.CUPS_SERVER,
    mail: loadMail(e, set),
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
function loadMail(e: Environment, set: Partial<Record<Variable, string>>): MailConfig | undefined {
  const smtpUrl = e.SMTP_URL;
  if (smtpUrl === undefined) {
    for (const variable of ['MAIL_FROM', 'MAIL_REPLY_TO'] as const)
      if (set[variable] !== undefined)
        throw new ConfigError(variable, 'needs SMTP_URL: there is no server to send through');
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
  const fromText = e.MAIL_FROM ?? '';
  const from = mailbox(fromText);
  if (from === null) {
    throw new ConfigError(
      'MAIL_FROM',
      `is required with SMTP_URL, as "Name <address@domain>" or "address@domain", got ${JSON.stringify(fromText)}`,
    );
  }
  if (e.MAIL_REPLY_TO !== undefined && mailbox(e.MAIL_REPLY_TO) === null) {
    throw new ConfigError('MAIL_REPLY_TO', `must be an address, got ${JSON.stringify(e.MAIL_REPLY_TO)}`);
  }
  return {
    smtpUrl,
    from: fromText,
    fromDomain: from.domain.toLowerCase(),
    replyTo: e.MAIL_REPLY_TO,
    perMinute: e.MAIL_PER_MINUTE,
  };
}

/**
 * BACKUP_DIR turns continuous backups on. They copy the embedded store (the
 * SQLite events and keys): with EventStoreDB, or with the keys in PostgreSQL,
 * those are backed up with their own tools, and a setting that would back up
 * nothing stops the start rather than give a false sense of safety.
 */
function loadBackup(
  e: Environment,
  set: Partial<Record<Variable, string>>,
  personalKeysUrl: string | undefined,
): BackupConfig | undefined {
  if (e.BACKUP_DIR === undefined) {
    for (const variable of ['BACKUP_EVERY', 'BACKUP_KEEP', 'BACKUP_MAX_AGE_DAYS'] as const) {
      if (set[variable] !== undefined) throw new ConfigError(variable, 'is set but BACKUP_DIR is not');
    }
    return undefined;
  }
  if (e.EVENT_STORE !== 'sqlite') {
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
    dir: resolve(e.BACKUP_DIR),
    everySeconds: e.BACKUP_EVERY,
    keep: e.BACKUP_KEEP,
    maxAgeDays: e.BACKUP_MAX_AGE_DAYS,
  };
}

/**
 * CHARTER_SIGNING_P12 with its passphrase. Whether the file opens is the
 * charter seal's to check, at start (charter-seal/seal-config.ts): the
 * configuration knows nothing of PKCS#12.
 */
function loadCharterSigning(e: Environment): { charterSigning?: CharterSigningConfig } {
  const file = e.CHARTER_SIGNING_P12;
  const passphrase = e.CHARTER_SIGNING_PASSPHRASE;
  if (file === undefined) {
    if (passphrase !== undefined)
      throw new ConfigError('CHARTER_SIGNING_PASSPHRASE', 'is set but CHARTER_SIGNING_P12 is not');
    return {};
  }
  return { charterSigning: { file: resolve(file), passphrase: passphrase ?? '' } };
}

/** Only the form is checked here; whether the database answers is checked when the key store connects, at start. */
function loadPersonalKeysUrl(text: string | undefined): string | undefined {
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

function loadTls(e: Environment): TlsConfig {
  const certFile = e.TLS_CERT_FILE;
  const keyFile = e.TLS_KEY_FILE;
  if (certFile === undefined && keyFile === undefined) return { mode: e.TLS };
  if (e.TLS === 'local') {
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

function loadPublicUrl(text: string | undefined, tls: TlsConfig): string | undefined {
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
