import type { ReverseLunchPaymentRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { EventStore } from '@emargement/event-store';
import { arrivalDecider, lookUpTicket, ticketStream, type LunchReversalOutcome } from '@emargement/conference';
import type { LunchPaymentReversed } from '@emargement/contract';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { runDecider } from '../../shared/decider-runner.js';
import { notFound } from '../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class ReverseLunchPaymentDto implements ReverseLunchPaymentRequest {
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ReverseLunchPaymentCommand extends Command<LunchReversalOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly paymentId: string,
    readonly reason: string,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/**
 * A lunch payment taken back: recorded as `LunchPaymentReversed` on the
 * ticket's stream, beside the payment it reverses (which stays). Whether it
 * can be is the decider's (the payment must be the ticket's standing one).
 */
@CommandHandler(ReverseLunchPaymentCommand)
export class ReverseLunchPaymentHandler implements ICommandHandler<ReverseLunchPaymentCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(c: ReverseLunchPaymentCommand): Promise<LunchReversalOutcome> {
    const conference = await this.registry.scheduled(c.conferenceId);
    const ticket = lookUpTicket(conference, { registrationId: c.registrationId });
    if (!ticket.found) throw notFound('unknown_registration', `No registration ${c.registrationId}`);
    const { outcome } = await runDecider(
      this.store,
      ticketStream(c.registrationId),
      arrivalDecider,
      {
        type: 'ReverseLunchPayment',
        data: {
          conferenceId: c.conferenceId,
          registrationId: c.registrationId,
          paymentId: c.paymentId,
          reason: c.reason,
          deviceId: c.ctx.deviceId,
          reversedAt: this.clock.now().toISOString(),
        },
      },
      eventMetadata(c.ctx),
    );
    return outcome as LunchReversalOutcome;
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/registrations/:rid/lunch-payment/:paymentId/reverse')
export class ReverseLunchPaymentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('ReverseLunchPaymentRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'LunchPaymentReversed', { errors: [400, 404] })
  @Roles('organiser', 'door')
  reverse(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Param('paymentId', ParseUUIDPipe) paymentId: string,
    @Body() dto: ReverseLunchPaymentDto,
    @Ctx() ctx: RequestContext,
  ): Promise<LunchPaymentReversed> {
    return this.commands.execute(new ReverseLunchPaymentCommand(cid, rid, paymentId, dto.reason, ctx));
  }
}
