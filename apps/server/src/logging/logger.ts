import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../config/config.js';
import { correlationIdOf } from '../shared/request-context.js';

/**
 * What never reaches a log line: device tokens (`Authorization`), cookies
 * (none are used, but a proxy or a browser may send some). Query strings and
 * ticket codes are cleaned in `loggedUrl`.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];
export const REDACTED = '[redacted]';

/**
 * Query parameters whose value is logged: words of the API's own vocabulary
 * and numbers, never a person's. Every other value (a search's `q`, which is
 * people's names; a token or a code, should one ever arrive as a query) is
 * `[redacted]`: the log outlives an erasure, and must hold nothing of the
 * person erased.
 */
const LOGGED_PARAMS = /^(?:since|limit|offset|sort|order|category|status|lunch|arrival|asof)$/i;
/** Names the API or a client may send whose value is not logged; any other name may itself be a person's: the whole pair goes. */
const KNOWN_PARAMS = /^(?:q|token|access_token|auth|key|secret|password|code|ticketcode)$/i;
/** A ticket code is what the QR code carries, as good as the ticket: `/tickets/<code>` is logged without it. */
const TICKET_PATH = /(\/api\/conferences\/[^/]+\/tickets\/)[^/?#]+/i;

/** The URL as logged: ticket codes and every query value but the API's own words replaced by `[redacted]`. */
export function loggedUrl(url: string | undefined): string {
  const [path = '/', query] = (url ?? '/').split(/\?(.*)/s, 2);
  const cleanPath = path.replace(TICKET_PATH, `$1${REDACTED}`);
  if (query === undefined || query === '') return cleanPath;
  const cleaned = query
    .split('&')
    .map((pair) => {
      const [name = '', value] = pair.split(/=(.*)/s, 2);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // an undecodable name is kept as sent
      }
      if (LOGGED_PARAMS.test(decoded)) return pair;
      return KNOWN_PARAMS.test(decoded) && value !== undefined ? `${name}=${REDACTED}` : REDACTED;
    })
    .join('&');
  return `${cleanPath}?${cleaned}`;
}

/**
 * The server's logger: JSON, one object a line, for machines (a container's
 * log, a collector), or pino-pretty's colourful lines for a person: with
 * LOG_FORMAT=pretty, or `auto` (the default) when stdout is a terminal.
 * pino-pretty is a development dependency: where it is not installed (the
 * Docker image), the log stays JSON and says why. Writes are synchronous, so
 * the log's lines and the start-up notes printed beside them keep their order.
 */
export function createLogger(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
  };
  if (destination !== undefined) return pino(options, destination);
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
  if (pretty) {
    try {
      const require = createRequire(import.meta.url);
      const pinoPretty = require('pino-pretty') as (o: Record<string, unknown>) => DestinationStream;
      return pino(
        options,
        pinoPretty({
          sync: true,
          colorize: process.stdout.isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          // The message already says method, URL, status and time: a person reads one line a request.
          ignore: 'pid,hostname,req,res,responseTime',
        }),
      );
    } catch {
      const logger = pino(options, stdoutLog());
      logger.warn('pino-pretty is not installed (a production install): the log stays JSON');
      return logger;
    }
  }
  return pino(options, stdoutLog());
}

/**
 * At most this much of the log waits in memory for a stdout that does not
 * take it (about 13,000 request lines); beyond, lines are dropped and counted
 * (`droppedLogLines`) rather than the server stopped or its memory grown
 * without bound.
 */
export const LOG_BUFFER_BYTES = 8 * 1024 * 1024;

let stdout: ReturnType<typeof pino.destination> | undefined;
let dropped = 0;
let flushing = false;

/**
 * The one asynchronous stdout destination of the process (pino's SonicBoom):
 * each line is handed to the OS off the event loop, lines written meanwhile
 * are batched into the next write, and a full pipe (EAGAIN) is retried on a
 * timer, never in a busy wait.
 */
function stdoutLog(): ReturnType<typeof pino.destination> {
  if (stdout === undefined) {
    stdout = pino.destination({
      dest: 1,
      sync: false,
      maxLength: LOG_BUFFER_BYTES,
      // A synchronous flush gives up on a full pipe rather than spin (see flushLog).
      retryEAGAIN: () => !flushing,
    });
    stdout.on('drop', () => {
      dropped += 1;
    });
    // A closed stdout (EPIPE) is not a reason to stop admitting people.
    stdout.on('error', () => undefined);
    process.once('exit', () => flushLog());
  }
  return stdout;
}

/** Log lines dropped because stdout did not take them (a stalled reader). */
export const droppedLogLines = (): number => dropped;

/**
 * Writes out what the log holds, synchronously: before the start-up notes
 * (so lines keep their order) and when the process exits (a fatal error's
 * line must reach the supervisor). A stdout that does not take it (a full
 * pipe) is given up on, never waited for.
 */
export function flushLog(): void {
  if (stdout === undefined) return;
  flushing = true;
  try {
    stdout.flushSync();
  } catch {
    // Not ready yet, or stdout refuses (EAGAIN, EPIPE): what is left goes out asynchronously, or not at all.
  } finally {
    flushing = false;
  }
}

type Device = { deviceId: string; role: string };

declare module 'http' {
  interface IncomingMessage {
    /** The request's correlation id, decided once by `correlationIdOf` (where pino-http used to keep its own). */
    id?: string;
  }
}

/** The request as `httpLogger` reads it: Express adds `ip` and `originalUrl`, the auth guard `device`. */
type LoggedRequest = IncomingMessage & { ip?: string; originalUrl?: string; device?: Device };

/**
 * One line per HTTP request, written when its answer is finished: method,
 * URL (cleaned), status, time taken, the device and its role when
 * authenticated, and `req.id`, the request's correlation id, the very value
 * the events it stored carry in their metadata (`correlationId`), so a log
 * line leads to the events and back. The id is the caller's
 * `X-Correlation-Id` (or `X-Request-Id`) when well formed, else a new UUID;
 * it is sent back in `X-Correlation-Id`, set on arrival.
 *
 * Our own middleware rather than pino-http (issue 27): pino-http made a
 * child logger per request on arrival whose bindings serialised the whole
 * request (every header, the client address, redaction) and a second one at
 * the end for the device, about 5 % of a scan's CPU, even at
 * LOG_LEVEL=silent when no line is ever written. Here nothing is done on
 * arrival but the id, its header and three listeners; at the end the level
 * is decided first and, when it is not enabled, nothing is serialised (no
 * child logger either way: the line's fields are passed to the call). The line is the
 * one pino-http wrote, field for field and in the same order (pinned by
 * `http-log.int.spec.ts`), through the same logger, so its `redact` paths
 * (`req.headers.authorization`…) still apply.
 */
export function httpLogger(logger: Logger): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const id = correlationIdOf(req);
    res.setHeader('X-Correlation-Id', id);
    const started = Date.now();
    // Node forgets the client's address once the socket is gone (an aborted request's line is written on
    // `close`) unless it was asked before: asked here when a line may be written at all (error is the
    // highest level it takes), a system call once per connection, cached by Node for the next requests.
    if (logger.isLevelEnabled('error')) void req.socket?.remoteAddress;
    const finished = (error?: Error): void => {
      res.removeListener('close', finished);
      res.removeListener('finish', finished);
      res.removeListener('error', finished);
      writeRequestLine(logger, req, res, id, Date.now() - started, error);
    };
    // As pino-http: `finish` for an answer sent, `close` for one the client gave up on, `error` for a failure.
    res.on('close', finished);
    res.on('finish', finished);
    res.on('error', finished);
    next();
  };
}

/** The request's line, as pino-http wrote it; nothing is read from the request when its level is not enabled. */
function writeRequestLine(
  logger: Logger,
  req: LoggedRequest,
  res: ServerResponse,
  id: string,
  responseTime: number,
  error: Error | undefined,
): void {
  const failed = error !== undefined || res.statusCode >= 500;
  const level: Level = failed ? 'error' : res.statusCode === 429 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const device = req.device;
  const fields = {
    req: {
      id,
      method: req.method,
      url: loggedUrl(req.originalUrl ?? req.url),
      // Express's client address (TRUST_PROXY honoured), the one the rate limits count.
      remoteAddress: req.ip ?? req.socket?.remoteAddress,
      headers: req.headers,
    },
    correlationId: id,
    ...(device ? { deviceId: device.deviceId, role: device.role } : {}),
    // No status was sent when the client gave up first: null, as pino's response serialiser says.
    res: { statusCode: res.headersSent ? res.statusCode : null },
    ...(failed ? { err: error ?? new Error(`failed with status code ${res.statusCode}`) } : {}),
    responseTime,
  };
  const request = `${req.method ?? ''} ${loggedUrl(req.url)} ${res.statusCode}`;
  logger[level](fields, failed ? `${request} failed` : `${request} ${responseTime} ms`);
}

/**
 * Nest's own log (start-up, the error filter's 5xx, warnings) into the same
 * pino logger, its context as a field.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest calls `(message, context?)`, and for errors `(message, stack?, context?)`. */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    const strings = rest.filter((r): r is string => typeof r === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = level === 'error' && strings.length > 1 ? strings[0] : undefined;
    const fields: Record<string, unknown> = { ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}
