import { HttpException } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The contract's error body: `{ statusCode, code, message, errors? }` with a
 * stable snake_case `code`. Clients (door phones, tablets) switch on `code`,
 * never on `message`.
 */
export class ApiError extends HttpException {
  constructor(
    statusCode: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super({ statusCode, code, message, ...(errors ? { errors } : {}), ...(extra ?? {}) }, statusCode);
  }
}

export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) =>
  new ApiError(409, code, message, undefined, extra);
export const badRequest = (code: string, message: string, errors?: FieldError[]) =>
  new ApiError(400, code, message, errors);
