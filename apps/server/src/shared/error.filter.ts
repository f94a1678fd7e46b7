import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { EventStoreUnavailableError, InvalidEventStoreArgumentError } from '@emargement/event-store';
import { CommandRefusedError } from '@emargement/decider';
import type { Response } from 'express';
import { refusalFieldErrors, refusalStatus } from './refusals.js';

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

const PARSER_CODES: Record<string, string> = {
  'entity.parse.failed': 'invalid_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
};

/** Turns every error into the contract's body, so no client ever sees an HTML page or a stack. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toBody(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : exception);
    res.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const r = (typeof response === 'object' && response !== null ? response : { message: response }) as Record<
        string,
        unknown
      >;
      const message = Array.isArray(r.message)
        ? r.message.join('; ')
        : typeof r.message === 'string'
          ? r.message
          : exception.message;
      // Body-parser and URI errors arrive wrapped by the Express adapter, the original as `cause`.
      const cause = exception.cause as { type?: string } | undefined;
      if (typeof r.code !== 'string' && cause?.type) {
        const code = PARSER_CODES[cause.type] ?? STATUS_CODES[status] ?? 'bad_request';
        return { status, body: { statusCode: status, code, message } };
      }
      return {
        status,
        body: {
          ...r,
          statusCode: status,
          code: typeof r.code === 'string' ? r.code : (STATUS_CODES[status] ?? 'error'),
          message,
        },
      };
    }
    // Body-parser errors (malformed JSON, too large) carry a status and a type.
    const e = exception as { status?: number; type?: string; message?: string };
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      const code = (e.type && PARSER_CODES[e.type]) ?? STATUS_CODES[e.status] ?? 'bad_request';
      return { status: e.status, body: { statusCode: e.status, code, message: e.message ?? code } };
    }
    if (exception instanceof CommandRefusedError) {
      const status = refusalStatus(exception.reason);
      const detail = exception.detail ?? {};
      const errors = refusalFieldErrors(exception.reason, detail);
      return {
        status,
        body: {
          statusCode: status,
          code: exception.reason,
          message: refusalMessage(exception.reason, detail),
          ...detail,
          ...(errors ? { errors } : {}),
        },
      };
    }
    if (exception instanceof EventStoreUnavailableError) {
      return { status: 503, body: { statusCode: 503, code: 'event_store_unavailable', message: exception.message } };
    }
    if (exception instanceof InvalidEventStoreArgumentError) {
      return { status: 400, body: { statusCode: 400, code: 'invalid_argument', message: exception.message } };
    }
    return { status: 500, body: { statusCode: 500, code: 'internal_error', message: 'Internal error' } };
  }
}

function refusalMessage(code: string, detail: Record<string, unknown>): string {
  const d = Object.entries(detail)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return `Refused: ${code.replace(/_/g, ' ')}${d ? ` (${d})` : ''}`;
}
