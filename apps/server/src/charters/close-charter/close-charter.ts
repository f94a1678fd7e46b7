import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CloseOutcome } from '@emargement/charter';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { CharterRegistry } from '../charter-registry.js';
import type { CharterClosed } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class CloseCharterCommand extends Command<CloseOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(CloseCharterCommand)
export class CloseCharterHandler implements ICommandHandler<CloseCharterCommand> {
  constructor(
    private readonly charters: CharterRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(c: CloseCharterCommand): Promise<CloseOutcome> {
    await this.charters.published(c.conferenceId, c.charterId);
    const { outcome } = await this.charters.run<CloseOutcome>(
      c.charterId,
      {
        type: 'CloseCharter',
        data: {
          charterId: c.charterId,
          conferenceId: c.conferenceId,
          closedBy: c.ctx.deviceId,
          closedAt: this.clock.now().toISOString(),
        },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid/close')
export class CloseCharterController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close the charter: no signature after this; the head of the chain is fixed',
    description: 'Answers {count, voided, head, closedAt}; closing again gives the same answer.',
  })
  @ApiAnswer(200, 'CharterClosed', { errors: [404] })
  @Roles('organiser')
  close(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CharterClosed> {
    return this.commands.execute(new CloseCharterCommand(cid, chid, ctx));
  }
}
