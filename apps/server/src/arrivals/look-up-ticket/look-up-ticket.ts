import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@emargement/event-store';
import { arrivalDecider, registrationByTicketCode, ticketStream } from '@emargement/conference';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { loadStream } from '../../shared/decider-runner.js';
import { notFound } from '../../shared/api-error.js';
import { attendeeView } from '../attendee-view.js';
import type { TicketPreview } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export interface TicketView {
  ticketCode: string;
  state: 'expected' | 'admitted' | 'cancelled' | 'waitlisted';
  attendee: ReturnType<typeof attendeeView>;
  admittedAt?: string;
  door?: string;
  idCheckRequired: boolean;
  lunch: { expected: boolean; paid: boolean; priceCents: number | null; currency: string | null };
}

export class LookUpTicketQuery extends Query<TicketView> {
  constructor(
    readonly conferenceId: string,
    readonly ticketCode: string,
  ) {
    super();
  }
}

/** Writes nothing: a preview before the door decides (the scan is what gets recorded). */
@QueryHandler(LookUpTicketQuery)
export class LookUpTicketHandler implements IQueryHandler<LookUpTicketQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(q: LookUpTicketQuery): Promise<TicketView> {
    const conference = await this.registry.scheduled(q.conferenceId);
    const registration = registrationByTicketCode(conference, q.ticketCode);
    if (!registration) throw notFound('unknown_ticket', 'No registration has this ticket code');
    // Straight from the ticket's own stream: the freshest answer there is.
    const { state } = await loadStream(this.store, ticketStream(registration.registrationId), arrivalDecider);
    const admitted = state.status === 'admitted' ? state.admission : undefined;
    // An erased person's ticket is cancelled at the door (`lookUpTicket`), and shown so.
    const ticketState =
      registration.status === 'cancelled' || registration.erasedAt !== undefined
        ? 'cancelled'
        : registration.status === 'waitlisted'
          ? 'waitlisted'
          : admitted
            ? 'admitted'
            : 'expected';
    const fee = conference.details.lunch;
    return {
      ticketCode: registration.ticketCode,
      state: ticketState,
      attendee: attendeeView(registration),
      ...(admitted ? { admittedAt: admitted.at, door: admitted.door } : {}),
      idCheckRequired: conference.details.idCheckRequired,
      lunch: {
        expected: registration.lunch,
        paid: state.lunchPayment !== null,
        priceCents: fee?.priceCents ?? null,
        currency: fee?.currency ?? null,
      },
    };
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/tickets/:ticketCode')
export class LookUpTicketController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiAnswer(200, 'TicketPreview', { errors: [404] })
  @Roles('organiser', 'door')
  get(@Param('cid', ParseUUIDPipe) cid: string, @Param('ticketCode') ticketCode: string): Promise<TicketPreview> {
    return this.queries.execute(new LookUpTicketQuery(cid, ticketCode));
  }
}
