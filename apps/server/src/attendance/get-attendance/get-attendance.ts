import { Controller, Get, Param, ParseUUIDPipe, Query as QueryParam } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AttendanceSnapshot } from '@emargement/attendance';
import { parseInstant } from '@emargement/conference';
import { ApiError, badRequest, notFound } from '../../shared/api-error.js';
import { AttendanceReadModel } from '../attendance-read-model.js';
import type { AttendanceSnapshot as AttendanceBody } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export type AttendanceAnswer = AttendanceSnapshot & { asOf?: string };

export class GetAttendanceQuery extends Query<AttendanceAnswer> {
  constructor(
    readonly conferenceId: string,
    /** Epoch ms and the text given; absent: now, from the read model. */
    readonly asOf: { ms: number; text: string } | null,
  ) {
    super();
  }
}

@QueryHandler(GetAttendanceQuery)
export class GetAttendanceHandler implements IQueryHandler<GetAttendanceQuery> {
  constructor(private readonly attendance: AttendanceReadModel) {}

  async execute({ conferenceId, asOf }: GetAttendanceQuery): Promise<AttendanceAnswer> {
    const missing = () => notFound('conference_not_found', `No conference ${conferenceId}`);
    if (asOf !== null) {
      const snapshot = await this.attendance.asOf(conferenceId, asOf.ms);
      if (!snapshot) throw missing();
      return { ...snapshot, asOf: asOf.text };
    }
    if (!(await this.attendance.fresh())) {
      throw new ApiError(
        503,
        'projections_catching_up',
        'The attendance figures are catching up with the event store; try again shortly',
      );
    }
    const snapshot = this.attendance.snapshot(conferenceId);
    if (!snapshot) throw missing();
    return snapshot;
  }
}

/** ISO-8601 with a date, a time and an offset: a moment, whatever the server's zone. */

@ApiTags('attendance')
@Controller('conferences/:cid/attendance')
export class GetAttendanceController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * The dashboard's figures, with the `$all` position they include; with
   * `asOf`, the same figures from the events that had happened by then (by
   * each event's own time: `scannedAt` for a scan, `registeredAt` for a
   * registration, ...), replayed from the store.
   */
  @Get()
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 with offset, e.g. 2014-09-19T10:00:00+02:00' })
  @ApiAnswer(200, 'AttendanceSnapshot', { errors: [404] })
  @Roles('organiser', 'display')
  get(@Param('cid', ParseUUIDPipe) cid: string, @QueryParam('asOf') asOf?: string): Promise<AttendanceBody> {
    let moment: { ms: number; text: string } | null = null;
    if (asOf !== undefined) {
      // The one parser of times (libs/conference); the code stays the one this query always answered.
      const parsed = parseInstant(asOf);
      if (parsed === null) {
        throw badRequest('validation_failed', 'asOf must be an RFC 3339 time with an offset', [
          { field: 'asOf', message: 'RFC 3339 time with an offset, e.g. 2014-09-19T10:00:00+02:00' },
        ]);
      }
      moment = { ms: parsed.ms, text: parsed.text };
    }
    return this.queries.execute(new GetAttendanceQuery(cid, moment));
  }
}
