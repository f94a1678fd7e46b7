import { Controller, Get, Header, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ConferenceRegistry } from '../../conference-registry.js';
import { ArrivalsIndex } from '../../../arrivals/arrivals-index.js';
import { byLastName, conferenceOnTicket, fileName, ticketSheet, type TicketSheet } from '../ticket-sheet.js';
import { ticketsPdf } from '../ticket-pdf.js';
import { ApiFileAnswer } from '../../../shared/api-answers.js';
import { Roles } from '../../../auth/roles.js';

export interface TicketBatch {
  conference: TicketSheet['conference'];
  tickets: TicketSheet[];
}

export class PrintTicketsQuery extends Query<TicketBatch> {
  constructor(readonly conferenceId: string) {
    super();
  }
}

/**
 * Every ticket to print for a conference: the registered people only, sorted
 * by last name (the order of a welcome desk's list). Waitlisted people are
 * left out on purpose: a batch that mixed them in would put tickets the door
 * refuses into envelopes; theirs is printed one by one once they are promoted.
 */
@QueryHandler(PrintTicketsQuery)
export class PrintTicketsHandler implements IQueryHandler<PrintTicketsQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
  ) {}

  async execute(q: PrintTicketsQuery): Promise<TicketBatch> {
    const conference = await this.registry.scheduled(q.conferenceId);
    await this.arrivals.fresh();
    const tickets: TicketSheet[] = [];
    for (const r of conference.registrations.values()) {
      if (r.status !== 'registered') continue;
      const { lunchPaid } = this.arrivals.summary(r.registrationId);
      tickets.push(ticketSheet(conference.conferenceId, conference.details, r, lunchPaid));
    }
    tickets.sort(byLastName);
    return { conference: conferenceOnTicket(conference.details), tickets };
  }
}

@ApiTags('tickets')
@Controller('conferences/:cid')
export class PrintTicketsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('tickets.pdf')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/pdf')
  @ApiFileAnswer('application/pdf', 'Every ticket, one per page (PDF)', { errors: [404] })
  @ApiOperation({
    summary: 'Every ticket of the conference in one PDF, one per page, sorted by last name',
    description: 'Registered people only: waitlisted and cancelled registrations get no ticket in the batch.',
  })
  @Roles('organiser')
  async pdf(@Param('cid', ParseUUIDPipe) cid: string): Promise<StreamableFile> {
    const { conference, tickets } = await this.queries.execute(new PrintTicketsQuery(cid));
    return new StreamableFile(ticketsPdf(conference, tickets), {
      type: 'application/pdf',
      disposition: `attachment; filename="${fileName('billets', [conference.name], 'pdf')}"`,
    });
  }
}
