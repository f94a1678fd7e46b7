import type { VoidSignatureRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { VoidOutcome } from '@emargement/charter';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { CharterRegistry } from '../charter-registry.js';
import type { SignatureVoided } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class VoidSignatureDto implements VoidSignatureRequest {
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class VoidSignatureCommand extends Command<VoidOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
    readonly signatureId: string,
    readonly reason: string,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(VoidSignatureCommand)
export class VoidSignatureHandler implements ICommandHandler<VoidSignatureCommand> {
  constructor(
    private readonly charters: CharterRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(c: VoidSignatureCommand): Promise<VoidOutcome> {
    await this.charters.published(c.conferenceId, c.charterId);
    const { outcome } = await this.charters.run<VoidOutcome>(
      c.charterId,
      {
        type: 'VoidSignature',
        data: {
          charterId: c.charterId,
          conferenceId: c.conferenceId,
          signatureId: c.signatureId,
          reason: c.reason,
          voidedBy: c.ctx.deviceId,
          voidedAt: this.clock.now().toISOString(),
        },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid/signatures/:signatureId/void')
export class VoidSignatureController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('VoidSignatureRequest')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Void a signature (organiser): a new entry of the chain, never an erasure',
    description: 'The person, or another representative of the organisation, may then sign again. Refused once closed.',
  })
  @ApiAnswer(200, 'SignatureVoided', { errors: [404, 409] })
  @Roles('organiser')
  void(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
    @Param('signatureId', ParseUUIDPipe) signatureId: string,
    @Body() dto: VoidSignatureDto,
    @Ctx() ctx: RequestContext,
  ): Promise<SignatureVoided> {
    return this.commands.execute(new VoidSignatureCommand(cid, chid, signatureId, dto.reason, ctx));
  }
}
