import type { TicketSendRequest } from '@emargement/contract';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  Command,
  CommandBus,
  CommandHandler,
  Query,
  QueryBus,
  QueryHandler,
  type ICommandHandler,
  type IQueryHandler,
} from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { CommandRefusedError } from '@emargement/decider';
import { CATEGORIES, type Category } from '@emargement/conference';
import type { TicketMailProgress, TicketsQueued } from '@emargement/contract';
import { ConferenceRegistry } from '../../../conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../../../shared/api-answers.js';
import { ApiError, notFound } from '../../../../shared/api-error.js';
import { Clock } from '../../../../shared/clock.js';
import { within } from '../../../../shared/within.js';
import { TicketOutbox } from '../ticket-outbox.js';
import { Mailer } from '../mailer.js';
import { Roles } from '../../../../auth/roles.js';

export class SendTicketsDto implements TicketSendRequest {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100_000)
  @IsUUID('all', { each: true })
  registrationIds?: string[];
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;
  @IsOptional()
  @IsBoolean()
  resend?: boolean;
}

const notConfigured = () =>
  new ApiError(409, 'mail_not_configured', 'E-mail is not configured on this server (SMTP_URL, MAIL_FROM)');

export class SendTicketsCommand extends Command<TicketsQueued> {
  constructor(
    readonly conferenceId: string,
    readonly dto: SendTicketsDto,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/** Appends run a few at a time: 400 queueings one after another would hold the organiser's page for seconds. */
const QUEUEING_CONCURRENCY = 8;

/**
 * Queues one message per person: the registered people (waitlisted ones get no ticket in a batch, as in the
 * printed one; cancelled and erased ones none at all), optionally only some ids or one category. Someone already
 * sent their ticket, or with a message already waiting, is skipped unless `resend` (then the waiting one stays,
 * and only those already sent are queued again). Each queueing is one append on the person's `mail-<rid>`
 * stream, decided there (`already_sent`, `already_queued`), so two organisers clicking at once queue once.
 */
@CommandHandler(SendTicketsCommand)
export class SendTicketsHandler implements ICommandHandler<SendTicketsCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly outbox: TicketOutbox,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  async execute({ conferenceId, dto, ctx }: SendTicketsCommand): Promise<TicketsQueued> {
    if (this.mailer.config === undefined) throw notConfigured();
    const conference = await this.registry.scheduled(conferenceId);
    const wanted = dto.registrationIds?.map((id) => id.toLowerCase());
    const unknown = wanted?.filter((id) => !conference.registrations.has(id)) ?? [];
    if (unknown.length > 0) throw notFound('unknown_registration', `No registration ${unknown.slice(0, 5).join(', ')}`);
    const people = (wanted ?? [...conference.registrations.keys()]).map((id) => conference.registrations.get(id)!);
    const eligible = people.filter(
      (r) =>
        r.status === 'registered' &&
        r.erasedAt === undefined &&
        r.person.email !== '' &&
        (dto.category === undefined || r.category === dto.category),
    );
    let queued = 0;
    const metadata = eventMetadata(ctx);
    const queuedAt = this.clock.now().toISOString();
    let next = 0;
    const worker = async () => {
      while (next < eligible.length) {
        const r = eligible[next++]!;
        try {
          await this.outbox.execute(
            conferenceId,
            r.registrationId,
            {
              type: 'QueueTicketSend',
              data: {
                conferenceId,
                registrationId: r.registrationId,
                messageId: randomUUID(),
                recipient: { email: r.person.email },
                language: r.language ?? 'fr',
                resend: dto.resend === true,
                queuedAt,
              },
            },
            metadata,
          );
          queued++;
        } catch (error) {
          if (!(error instanceof CommandRefusedError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: QUEUEING_CONCURRENCY }, worker));
    return { queued, skipped: people.length - queued };
  }
}

export class TicketMailProgressQuery extends Query<TicketMailProgress> {
  constructor(readonly conferenceId: string) {
    super();
  }
}

@QueryHandler(TicketMailProgressQuery)
export class TicketMailProgressHandler implements IQueryHandler<TicketMailProgressQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly outbox: TicketOutbox,
    private readonly mailer: Mailer,
  ) {}

  async execute({ conferenceId }: TicketMailProgressQuery): Promise<TicketMailProgress> {
    await this.registry.scheduled(conferenceId);
    // What this instance has learnt of the store's history (at start, it catches up first; at most 5 s).
    await within(this.outbox.ready, 5_000);
    const counts = { queued: 0, sending: 0, sent: 0, failed: 0, dropped: 0 };
    const people: TicketMailProgress['people'][number][] = [];
    for (const { registrationId, messages } of this.outbox.messagesOf(conferenceId)) {
      const last = messages[messages.length - 1];
      if (last === undefined) continue;
      counts[last.status]++;
      people.push({
        registrationId,
        status: last.status,
        messageId: last.messageId,
        at: last.closedAt ?? last.attemptedAt ?? last.queuedAt,
        response: last.response ?? null,
        reason: last.reason ?? null,
      });
    }
    return { configured: this.mailer.config !== undefined, ...counts, people };
  }
}

@ApiTags('tickets')
@Controller('conferences/:cid')
export class SendTicketsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('tickets/send')
  @ApiRequest('TicketSendRequest')
  @HttpCode(202)
  @ApiAnswer(202, 'TicketsQueued', { errors: [404, 409] })
  @ApiOperation({
    summary: 'Each person’s ticket by e-mail, sent in the background, exactly once, resumed after a restart',
    description:
      'No body: everyone registered who has not been sent their ticket. `409 mail_not_configured` without SMTP_URL.',
  })
  @Roles('organiser')
  send(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: SendTicketsDto,
    @Ctx() ctx: RequestContext,
  ): Promise<TicketsQueued> {
    return this.commands.execute(new SendTicketsCommand(cid, dto, ctx));
  }

  // Not under `tickets/`: `GET tickets/:ticketCode` is the door's look-up.
  @Get('ticket-mail')
  @ApiAnswer(200, 'TicketMailProgress', { errors: [404] })
  @ApiOperation({ summary: 'How the sending goes: counts, and each person’s latest message with the SMTP answer' })
  @Roles('organiser')
  progress(@Param('cid', ParseUUIDPipe) cid: string): Promise<TicketMailProgress> {
    return this.queries.execute(new TicketMailProgressQuery(cid));
  }
}
