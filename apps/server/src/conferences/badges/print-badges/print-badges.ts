import { Controller, Get, Header, Param, ParseUUIDPipe, Query as QueryParam, StreamableFile } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BADGE_LAYOUTS, CATEGORIES, type Category } from '@emargement/conference';
import { ConferenceRegistry } from '../../conference-registry.js';
import { ArrivalsIndex } from '../../../arrivals/arrivals-index.js';
import { ApiFileAnswer } from '../../../shared/api-answers.js';
import { byLastName, fileName } from '../../tickets/ticket-sheet.js';
import { badgeSheet, badgesPdf, withDividers, type BadgeSheet } from '../badge-pdf.js';
import { parseCategory, parseFlag, parseLayout, parseSort } from '../badge-params.js';
import { Roles } from '../../../auth/roles.js';

export class PrintBadgesQuery extends Query<{ conferenceName: string; badges: BadgeSheet[] }> {
  constructor(
    readonly conferenceId: string,
    readonly category: Category | null,
    readonly unprinted: boolean,
  ) {
    super();
  }
}

/**
 * The badges to lay out on the welcome tables: registered people only (the
 * waitlisted have no seat yet, the cancelled and the erased none at all),
 * sorted by last name as the volunteers look for them, optionally one
 * category, optionally only those with no badge printed yet (the print log,
 * through the arrivals projection).
 */
@QueryHandler(PrintBadgesQuery)
export class PrintBadgesHandler implements IQueryHandler<PrintBadgesQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
  ) {}

  async execute(q: PrintBadgesQuery): Promise<{ conferenceName: string; badges: BadgeSheet[] }> {
    const conference = await this.registry.scheduled(q.conferenceId);
    if (q.unprinted) await this.arrivals.fresh();
    const badges: BadgeSheet[] = [];
    for (const r of conference.registrations.values()) {
      if (r.status !== 'registered' || r.erasedAt !== undefined) continue;
      if (q.category !== null && r.category !== q.category) continue;
      if (q.unprinted && this.arrivals.summary(r.registrationId).badge !== null) continue;
      badges.push(badgeSheet(conference.conferenceId, conference.details, r));
    }
    badges.sort(byLastName);
    return { conferenceName: conference.details.name, badges };
  }
}

@ApiTags('badges')
@Controller('conferences/:cid')
export class PrintBadgesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('badges.pdf')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/pdf')
  @ApiQuery({ name: 'layout', required: false, enum: BADGE_LAYOUTS, description: 'a4-8 when absent' })
  @ApiQuery({ name: 'sort', required: false, enum: ['lastName'] })
  @ApiQuery({ name: 'category', required: false, enum: CATEGORIES })
  @ApiQuery({ name: 'unprinted', required: false, enum: ['true', 'false'] })
  @ApiFileAnswer('application/pdf', 'The badges, alphabetical, with a divider card before each letter', {
    errors: [404],
  })
  @ApiOperation({
    summary: 'Pre-printed badges for the welcome tables: alphabetical by last name, a divider card per letter',
    description: 'Registered people only. Writes nothing: the print log is POST …/registrations/:rid/badge-prints.',
  })
  // The sheets for the welcome tables are the organisers'; one badge and its print are the door's too.
  @Roles('organiser')
  async pdf(
    @Param('cid', ParseUUIDPipe) cid: string,
    @QueryParam('layout') layoutParam: string | undefined,
    @QueryParam('sort') sortParam: string | undefined,
    @QueryParam('category') categoryParam: string | undefined,
    @QueryParam('unprinted') unprintedParam: string | undefined,
  ): Promise<StreamableFile> {
    const layout = parseLayout(layoutParam);
    parseSort(sortParam);
    const category = parseCategory(categoryParam);
    const unprinted = parseFlag('unprinted', unprintedParam);
    const { conferenceName, badges } = await this.queries.execute(new PrintBadgesQuery(cid, category, unprinted));
    return new StreamableFile(badgesPdf(`Badges — ${conferenceName}`, layout, withDividers(badges)), {
      type: 'application/pdf',
      disposition: `attachment; filename="${fileName('badges', [conferenceName], 'pdf')}"`,
    });
  }
}
