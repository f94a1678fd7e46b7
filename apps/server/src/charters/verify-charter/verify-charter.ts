import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { verify, type Verification } from '@emargement/charter';
import { CharterRegistry } from '../charter-registry.js';
import type { Verification as VerificationAnswer } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export class VerifyCharterQuery extends Query<Verification> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
  ) {
    super();
  }
}

/** Recomputed from the stored events at every call: nothing in memory is trusted. */
@QueryHandler(VerifyCharterQuery)
export class VerifyCharterHandler implements IQueryHandler<VerifyCharterQuery> {
  constructor(private readonly charters: CharterRegistry) {}

  async execute(q: VerifyCharterQuery): Promise<Verification> {
    const events = await this.charters.storedEvents(q.conferenceId, q.charterId);
    return verify(events.map((e) => ({ type: e.type, data: e.data })));
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid/verify')
export class VerifyCharterController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Recompute the chain from the stored events',
    description:
      'Answers {valid, count, voided, head, status, firstInvalidSequence?, problem?}; sequence 0 is the publication.',
  })
  @ApiAnswer(200, 'Verification', { errors: [404] })
  @Roles('organiser', 'kiosk')
  verify(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
  ): Promise<VerificationAnswer> {
    return this.queries.execute(new VerifyCharterQuery(cid, chid));
  }
}
