import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import {
  CONTRACT_REQUESTS,
  CONTRACT_SCHEMAS,
  file,
  publish,
  type ContractRequestName,
  type ContractSchemaName,
} from '@emargement/contract';

/**
 * Documents an operation's answers from libs/contract: the success status
 * with its named schema (`#/components/schemas/<name>`, registered by
 * `contractComponents`), and the error statuses with the one error body.
 * The handler's return type is the same contract type, so the document and
 * the code cannot drift apart without a type error or a failing contract
 * test (test/contract.e2e.spec.ts).
 */

const ERRORS: Record<number, string> = {
  400: 'validation_failed (with `errors`), or another bad-request code',
  401: 'unauthorized: no token, or an unknown or revoked one',
  403: 'forbidden: the role may not do this, or another conference',
  404: 'not found: conference_not_found, unknown_registration, ...',
  409: 'refused by the rules: the reason code, with its details beside it',
  413: 'payload_too_large',
  415: 'unsupported_media_type or unsupported_charset',
  429: 'rate_limited (with Retry-After)',
  503: 'not ready: the first failing check’s code',
};

/** What every `/api` operation may answer besides its success. */
const API_ERRORS = [400, 401, 403, 429] as const;

const ref = (name: ContractSchemaName | ContractRequestName) => ({ $ref: `#/components/schemas/${name}` });

const errorAnswers = (statuses: readonly number[]) =>
  [...new Set(statuses)].map((status) =>
    // JSON whatever the operation produces (a PDF's 404 is JSON too): the content is given, not inferred.
    ApiResponse({
      status,
      description: ERRORS[status] ?? 'error',
      content: { 'application/json': { schema: ref('ApiError') } },
    }),
  );

export interface AnswerOptions {
  /** Error statuses beyond 400, 401, 403 and 429. */
  errors?: readonly number[];
  description?: string;
  /** The operation is outside `/api` (no token, no rate limit): only `errors` are documented. */
  public?: boolean;
}

/** A JSON answer: `status` with the contract's schema `name`. */
export const ApiAnswer = (status: number, name: ContractSchemaName, options: AnswerOptions = {}) =>
  applyDecorators(
    ApiResponse({ status, description: options.description ?? name, schema: ref(name) }),
    ...errorAnswers([...(options.public ? [] : API_ERRORS), ...(options.errors ?? [])]),
  );

/** A file answer (PDF, PNG, CSV, PEM) of `mediaType`. */
export const ApiFileAnswer = (mediaType: string, description: string, options: AnswerOptions = {}) =>
  applyDecorators(
    ApiResponse({ status: 200, description, content: { [mediaType]: { schema: file } } }),
    ...errorAnswers([...(options.public ? [] : API_ERRORS), ...(options.errors ?? [])]),
  );

/**
 * The request body from libs/contract (`#/components/schemas/<name>`): the
 * DTO that takes it implements the same type, and keeps class-validator's
 * checks and messages.
 */
export const ApiRequest = (name: ContractRequestName) =>
  // A body whose fields are all optional may be left out (an acknowledgement without a note, « send to everyone »).
  ApiBody({ required: 'required' in CONTRACT_REQUESTS[name], schema: ref(name) });

/**
 * The contract's schemas as the document publishes them: answers open to
 * fields added later; request bodies as declared, closed (the server refuses
 * a field it does not know).
 */
export const contractComponents = (): Record<string, Record<string, unknown>> => ({
  ...Object.fromEntries(Object.entries(CONTRACT_SCHEMAS).map(([name, schema]) => [name, publish(schema)])),
  ...(CONTRACT_REQUESTS as unknown as Record<string, Record<string, unknown>>),
});
