import type { LunchPaymentRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsUUID, Max, Min } from 'class-validator';
import type { EventStore } from '@emargement/event-store';
import {
  PAYMENT_METHODS,
  arrivalDecider,
  lookUpTicket,
  ticketStream,
  type LunchPaymentOutcome,
  type PaymentMethod,
} from '@emargement/conference';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { runDecider } from '../../shared/decider-runner.js';
import { notFound } from '../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import type { LunchPaid } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class LunchPaymentDto implements LunchPaymentRequest {
  @IsUUID() paymentId!: string;
  @IsInt() @Min(1) @Max(1_000_000) amountCents!: number;
  @IsIn(PAYMENT_METHODS) method!: PaymentMethod;
}

export class RecordLunchPaymentCommand extends Command<LunchPaymentOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly dto: LunchPaymentDto,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(RecordLunchPaymentCommand)
export class RecordLunchPaymentHandler implements ICommandHandler<RecordLunchPaymentCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(c: RecordLunchPaymentCommand): Promise<LunchPaymentOutcome> {
    const conference = await this.registry.scheduled(c.conferenceId);
    const ticket = lookUpTicket(conference, { registrationId: c.registrationId });
    if (!ticket.found) throw notFound('unknown_registration', `No registration ${c.registrationId}`);
    const { outcome } = await runDecider(
      this.store,
      ticketStream(c.registrationId),
      arrivalDecider,
      {
        type: 'RecordLunchPayment',
        data: {
          conferenceId: c.conferenceId,
          paymentId: c.dto.paymentId,
          amountCents: c.dto.amountCents,
          method: c.dto.method,
          deviceId: c.ctx.deviceId,
          paidAt: this.clock.now().toISOString(),
          ticket,
        },
      },
      eventMetadata(c.ctx),
    );
    return outcome as LunchPaymentOutcome;
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/registrations/:rid/lunch-payment')
export class RecordLunchPaymentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('LunchPaymentRequest')
  @HttpCode(201)
  @ApiAnswer(201, 'LunchPaid', { errors: [404, 409] })
  @Roles('organiser', 'door')
  pay(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: LunchPaymentDto,
    @Ctx() ctx: RequestContext,
  ): Promise<LunchPaid> {
    return this.commands.execute(new RecordLunchPaymentCommand(cid, rid, dto, ctx));
  }
}
