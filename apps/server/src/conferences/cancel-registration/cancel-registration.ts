import type { CancelRegistrationRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { CancelOutcome } from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import type { RegistrationCancelled } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class CancelRegistrationDto implements CancelRegistrationRequest {
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CancelRegistrationCommand extends Command<CancelOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly reason: string | null,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(CancelRegistrationCommand)
export class CancelRegistrationHandler implements ICommandHandler<CancelRegistrationCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
  ) {}
  async execute(c: CancelRegistrationCommand): Promise<CancelOutcome> {
    await this.registry.scheduled(c.conferenceId);
    const { outcome } = await this.registry.run<CancelOutcome>(
      c.conferenceId,
      {
        type: 'CancelRegistration',
        data: { registrationId: c.registrationId, reason: c.reason, cancelledAt: this.clock.now().toISOString() },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

@ApiTags('registrations')
@Controller('conferences/:cid/registrations/:rid/cancel')
export class CancelRegistrationController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('CancelRegistrationRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'RegistrationCancelled', { errors: [404, 409] })
  @Roles('organiser')
  cancel(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: CancelRegistrationDto,
    @Ctx() ctx: RequestContext,
  ): Promise<RegistrationCancelled> {
    return this.commands.execute(new CancelRegistrationCommand(cid, rid, dto.reason?.trim() || null, ctx));
  }
}
