import { integer, listOf, object, string, type Answer } from './schema.js';

/**
 * Every error answer: `{statusCode, code, message, errors?}` with a stable
 * snake_case `code` that clients switch on. Open: a refusal adds its
 * details beside them (`scope`, `previous`, `sequence`, ...).
 */
export const ApiErrorSchema = {
  ...object(
    {
      statusCode: integer,
      code: { type: 'string', pattern: '^[a-z0-9_]+$' },
      message: string,
      errors: listOf(object({ field: string, message: string })),
    },
    ['errors'],
  ),
  additionalProperties: true,
} as const;
export type ApiErrorBody = Answer<typeof ApiErrorSchema>;
