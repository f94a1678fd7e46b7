import { instant, object, position, type Answer } from './schema.js';

export const LiveSchema = object({ status: { type: 'string', enum: ['ok'] } });
export type Live = Answer<typeof LiveSchema>;

/** `GET /health/ready`: 200 once every check passes (503 with the first failing check's code until then). */
export const ReadySchema = object({
  status: { type: 'string', enum: ['ready'] },
  position: { ...position, nullable: true },
  checks: { type: 'object', additionalProperties: true, description: 'Each check by name, with its detail' },
});
export type Ready = Answer<typeof ReadySchema>;

/**
 * `GET /api/backups` (organiser): the continuous backups of the embedded
 * store, for the organisers' page (« dernière sauvegarde il y a 4 min », or
 * the last failure, in red). Also in `/health/ready`'s `checks.backups`.
 */
export const BackupStatusSchema = object({
  enabled: { type: 'boolean', description: 'BACKUP_DIR is set' },
  everySeconds: { type: 'integer', nullable: true },
  last: {
    type: 'object',
    nullable: true,
    additionalProperties: false,
    required: ['at', 'position', 'eventCount', 'folder'],
    properties: {
      at: instant,
      position: { ...position, nullable: true },
      eventCount: { type: 'integer' },
      folder: { type: 'string' },
    },
  },
  lastFailure: {
    type: 'object',
    nullable: true,
    additionalProperties: false,
    required: ['at', 'message'],
    properties: { at: instant, message: { type: 'string' } },
  },
});
export type BackupStatus = Answer<typeof BackupStatusSchema>;
