import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { CharterRegistry } from '../charter-registry.js';
import type { CharterList } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export interface CharterSummary {
  charterId: string;
  title: string;
  textSha256: string;
  publishedAt: string;
  status: 'open' | 'closed';
  count: number;
}

export class ListChartersQuery extends Query<{ items: CharterSummary[] }> {
  constructor(readonly conferenceId: string) {
    super();
  }
}

/** A conference's charters, found in the store itself (so every instance and every restart answers the same). */
@QueryHandler(ListChartersQuery)
export class ListChartersHandler implements IQueryHandler<ListChartersQuery> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
  ) {}

  async execute({ conferenceId }: ListChartersQuery): Promise<{ items: CharterSummary[] }> {
    await this.conferences.scheduled(conferenceId);
    const items: CharterSummary[] = [];
    for (const charterId of await this.charters.publishedIn(conferenceId)) {
      const state = await this.charters.published(conferenceId, charterId);
      items.push({
        charterId: state.charter.charterId,
        title: state.charter.title,
        textSha256: state.charter.textSha256,
        publishedAt: state.charter.publishedAt,
        status: state.status,
        count: state.count,
      });
    }
    return { items };
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters')
export class ListChartersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiAnswer(200, 'CharterList', { errors: [404] })
  @Roles('organiser', 'kiosk')
  list(@Param('cid', ParseUUIDPipe) cid: string): Promise<CharterList> {
    return this.queries.execute(new ListChartersQuery(cid));
  }
}
