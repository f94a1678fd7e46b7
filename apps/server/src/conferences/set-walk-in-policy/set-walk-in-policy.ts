import type { WalkInPolicyRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { WalkInPolicyOutcome } from '@emargement/conference';
import type { WalkInPolicySet } from '@emargement/contract';
import { ConferenceRegistry } from '../conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class SetWalkInPolicyDto implements WalkInPolicyRequest {
  @IsBoolean()
  beyondCapacity!: boolean;
}

export class SetWalkInPolicyCommand extends Command<WalkInPolicyOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly beyondCapacity: boolean,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(SetWalkInPolicyCommand)
export class SetWalkInPolicyHandler implements ICommandHandler<SetWalkInPolicyCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
  ) {}
  async execute(c: SetWalkInPolicyCommand): Promise<WalkInPolicyOutcome> {
    await this.registry.scheduled(c.conferenceId);
    const { outcome } = await this.registry.run<WalkInPolicyOutcome>(
      c.conferenceId,
      { type: 'SetWalkInPolicy', data: { beyondCapacity: c.beyondCapacity, setAt: this.clock.now().toISOString() } },
      // Who turned it on, from which device: in the event's metadata, like every organisers' decision.
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

/** The organisers' rule for walk-ins at a full day: a setting of its own, so that editing the details never resets it. */
@ApiTags('conferences')
@Controller('conferences/:cid/walk-in-policy')
export class SetWalkInPolicyController {
  constructor(private readonly commands: CommandBus) {}

  @Put()
  @ApiRequest('WalkInPolicyRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'WalkInPolicySet', { errors: [404] })
  @Roles('organiser')
  set(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: SetWalkInPolicyDto,
    @Ctx() ctx: RequestContext,
  ): Promise<WalkInPolicySet> {
    return this.commands.execute(new SetWalkInPolicyCommand(cid, dto.beyondCapacity, ctx));
  }
}
