import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { eventTypes, type EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
  ) {}

  async execute({ conferenceId }: ListChartersQuery): Promise<{ items: CharterSummary[] }> {
    await this.conferences.scheduled(conferenceId);
    const published = await this.store.readAll({ filter: eventTypes('CharterPublished') });
    const items: CharterSummary[] = [];
    for (const e of published) {
      const data = e.data as { charterId: string; conferenceId: string };
      if (data.conferenceId !== conferenceId) continue;
      const state = await this.charters.published(conferenceId, data.charterId);
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
