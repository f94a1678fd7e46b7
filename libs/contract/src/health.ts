import { object, position, type Answer } from './schema.js';

export const LiveSchema = object({ status: { type: 'string', enum: ['ok'] } });
export type Live = Answer<typeof LiveSchema>;

/** `GET /health/ready`: 200 once every check passes (503 with the first failing check's code until then). */
export const ReadySchema = object({
  status: { type: 'string', enum: ['ready'] },
  position: { ...position, nullable: true },
  checks: { type: 'object', additionalProperties: true, description: 'Each check by name, with its detail' },
});
export type Ready = Answer<typeof ReadySchema>;
