import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { correlationIdOf } from '../shared/request-context.js';

/**
 * The request an asynchronous piece of work belongs to, so that an error no
 * caller can catch (thrown from a library's callback, say) is still logged
 * with the correlation id of the request that set it off.
 */
export const requestScope = new AsyncLocalStorage<{ correlationId: string }>();

/** Express middleware: the rest of the request (and what it schedules) runs in its scope. */
export function correlationScope() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    requestScope.run({ correlationId: correlationIdOf(req) }, next);
  };
}

export const FATAL_EXIT_CODE = 1;

/**
 * The policy for errors that no caller can catch (issue 20). Such an error
 * escaped every request's error handling: what it left half done (a write, a
 * projection, a socket) is unknown, so the process does not carry on as if
 * nothing happened. It writes one structured line (level fatal, the error,
 * where it came from, the correlation id when a request set it off), says
 * the same on stderr for a person, and exits with code 1, for the supervisor
 * (systemd's Restart=always, compose's restart: unless-stopped, see the
 * README) to start it again; every state is rebuilt from the store on start.
 */
export function installFatalHandlers(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  let exiting = false;
  const fatal = (error: unknown, origin: 'uncaughtException' | 'unhandledRejection'): void => {
    if (exiting) return; // a second error while leaving: the first line said it
    exiting = true;
    const correlationId = requestScope.getStore()?.correlationId ?? null;
    try {
      log.fatal(
        { event: 'process_fatal', origin, correlationId, err: error },
        `${origin}: ${error instanceof Error ? error.message : String(error)}; exiting with code ${FATAL_EXIT_CODE} for the supervisor to restart the server`,
      );
    } finally {
      process.stderr.write(
        `Émargement stops: an error no request could handle (${origin}${correlationId ? `, request ${correlationId}` : ''}). ` +
          `Exit code ${FATAL_EXIT_CODE}; a supervisor (systemd, Docker) starts it again, see the README.\n`,
      );
      exit(FATAL_EXIT_CODE);
    }
  };
  process.on('uncaughtException', (error) => fatal(error, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => fatal(reason, 'unhandledRejection'));
}
