import {
  Controller,
  Get,
  Header,
  Param,
  ParseUUIDPipe,
  Query as QueryParam,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import type { Response } from 'express';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BADGE_LAYOUTS, registrationById } from '@emargement/conference';
import type { AuthenticatedRequest } from '../../../auth/auth.guard.js';
import { ConferenceRegistry } from '../../conference-registry.js';
import { ApiError, conflict, notFound } from '../../../shared/api-error.js';
import { ApiFileAnswer } from '../../../shared/api-answers.js';
import { DoorTicketBudget } from '../../tickets/door-ticket-budget.js';
import { fileName } from '../../tickets/ticket-sheet.js';
import { badgePdf, badgeSheet, type BadgeSheet } from '../badge-pdf.js';
import { parseLayout } from '../badge-params.js';
import { Roles } from '../../../auth/roles.js';

export class GetBadgeQuery extends Query<BadgeSheet> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
  ) {
    super();
  }
}

/**
 * What one person's badge says. An erased person's badge can no longer be
 * made (`410 person_erased`: gone for good, unlike a cancellation, `409
 * registration_cancelled`). A waitlisted person may have one: a badge admits
 * no one, the door decides on the ticket.
 */
@QueryHandler(GetBadgeQuery)
export class GetBadgeHandler implements IQueryHandler<GetBadgeQuery> {
  constructor(private readonly registry: ConferenceRegistry) {}

  async execute(q: GetBadgeQuery): Promise<BadgeSheet> {
    const conference = await this.registry.scheduled(q.conferenceId);
    const r = registrationById(conference, q.registrationId);
    if (!r) throw notFound('unknown_registration', `No registration ${q.registrationId}`);
    if (r.erasedAt !== undefined) throw new ApiError(410, 'person_erased', 'This person was erased: no badge');
    if (r.status === 'cancelled') throw conflict('registration_cancelled', 'This registration is cancelled: no badge');
    return badgeSheet(conference.conferenceId, conference.details, r);
  }
}

@ApiTags('badges')
@Controller('conferences/:cid/registrations/:rid')
export class GetBadgeController {
  constructor(
    private readonly queries: QueryBus,
    private readonly budget: DoorTicketBudget,
  ) {}

  @Get('badge.pdf')
  // A badge holds a name and the ticket's code: no shared cache may keep it.
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/pdf')
  @ApiQuery({ name: 'layout', required: false, enum: BADGE_LAYOUTS, description: 'a4-8 when absent' })
  @ApiFileAnswer('application/pdf', 'One badge (PDF), for the device’s print dialog', { errors: [404, 409, 410] })
  @ApiOperation({
    summary: 'One person’s name badge: name, organisation, category band, conference, small QR of the ticket',
    description:
      'Writes nothing: a print is recorded with POST …/badge-prints. A door takes from its ticket budget ' +
      '(DOOR_TICKETS_PER_HOUR, shared with ticket.png and ticket.pdf): the badge carries the ticket code.',
  })
  @Roles('organiser', 'door')
  async pdf(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @QueryParam('layout') layoutParam: string | undefined,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const layout = parseLayout(layoutParam);
    const badge = await this.queries.execute(new GetBadgeQuery(cid, rid));
    this.budget.takeForRequest(req, res, rid);
    return new StreamableFile(badgePdf(layout, badge), {
      type: 'application/pdf',
      disposition: `inline; filename="${fileName('badge', [badge.lastName, badge.firstName], 'pdf')}"`,
    });
  }
}
