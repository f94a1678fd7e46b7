import { Controller, Get, Header, Param, ParseUUIDPipe, Req, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../../../auth/auth.guard.js';
import { DoorTicketBudget } from '../door-ticket-budget.js';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { registrationById } from '@emargement/conference';
import { ConferenceRegistry } from '../../conference-registry.js';
import { ArrivalsIndex } from '../../../arrivals/arrivals-index.js';
import { conflict, notFound } from '../../../shared/api-error.js';
import { fileName, ticketSheet, type TicketSheet } from '../ticket-sheet.js';
import { renderTicketPng } from '../ticket-png.js';
import { ticketPdf } from '../ticket-pdf.js';
import { ApiFileAnswer } from '../../../shared/api-answers.js';
import { Roles } from '../../../auth/roles.js';

export class GetTicketQuery extends Query<TicketSheet> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
  ) {
    super();
  }
}

/**
 * What one person's ticket says. A cancelled registration has no ticket
 * (`ticket_cancelled`): printing one would hand out a code the door refuses.
 * A waitlisted one does, marked as such: its code becomes good as it is the
 * day the person is promoted.
 */
@QueryHandler(GetTicketQuery)
export class GetTicketHandler implements IQueryHandler<GetTicketQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
  ) {}

  async execute(q: GetTicketQuery): Promise<TicketSheet> {
    const conference = await this.registry.scheduled(q.conferenceId);
    const registration = registrationById(conference, q.registrationId);
    if (!registration) throw notFound('unknown_registration', `No registration ${q.registrationId}`);
    // An erased person's ticket is cancelled (issue 21): no ticket to hand out.
    if (registration.status === 'cancelled' || registration.erasedAt !== undefined) {
      throw conflict('ticket_cancelled', 'This registration is cancelled: it has no ticket');
    }
    await this.arrivals.fresh();
    const { lunchPaid } = this.arrivals.summary(registration.registrationId);
    return ticketSheet(conference.conferenceId, conference.details, registration, lunchPaid);
  }
}

// Tickets hold a person's name and a bearer code: no shared cache may keep them.
const NO_STORE = 'private, no-store';

@ApiTags('tickets')
@Controller('conferences/:cid/registrations/:rid')
export class GetTicketController {
  /** A door gets a few tickets an hour (walk-ins, reprints), never the list in bulk (DoorTicketBudget). */
  constructor(
    private readonly queries: QueryBus,
    private readonly budget: DoorTicketBudget,
  ) {}

  @Get('ticket.png')
  @Header('Cache-Control', NO_STORE)
  @ApiProduces('image/png')
  @ApiFileAnswer('image/png', 'The ticket as a PNG', { errors: [404, 409] })
  @ApiOperation({ summary: 'The ticket as a PNG: the QR code (carrying exactly the ticket code) and the name' })
  @Roles('organiser', 'door')
  async png(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const t = await this.queries.execute(new GetTicketQuery(cid, rid));
    this.budget.takeForRequest(req, res, rid);
    return new StreamableFile(await renderTicketPng(t), {
      type: 'image/png',
      disposition: `inline; filename="${fileName('billet', [t.lastName, t.firstName], 'png')}"`,
    });
  }

  @Get('ticket.pdf')
  @Header('Cache-Control', NO_STORE)
  @ApiProduces('application/pdf')
  @ApiFileAnswer('application/pdf', 'The printable ticket (PDF)', { errors: [404, 409] })
  @ApiOperation({ summary: 'The printable ticket (A6): conference, name, organisation, category, QR code, lunch' })
  @Roles('organiser', 'door')
  async pdf(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const t = await this.queries.execute(new GetTicketQuery(cid, rid));
    this.budget.takeForRequest(req, res, rid);
    return new StreamableFile(ticketPdf(t), {
      type: 'application/pdf',
      disposition: `inline; filename="${fileName('billet', [t.lastName, t.firstName], 'pdf')}"`,
    });
  }
}
