import type { PublishCharterRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { CHARTER_LANGS, MAX_CHARTER_TEXT_LENGTH, type CharterLang, type PublishOutcome } from '@emargement/charter';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { CharterRegistry } from '../charter-registry.js';
import type { CharterPublished } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class PublishCharterDto implements PublishCharterRequest {
  @IsOptional() @IsUUID() charterId?: string;
  @IsString() @Length(1, 200) title!: string;
  @IsOptional()
  @IsIn(CHARTER_LANGS)
  lang?: CharterLang;
  @IsString()
  @Length(1, MAX_CHARTER_TEXT_LENGTH)
  text!: string;
}

export class PublishCharterCommand extends Command<PublishOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
    readonly title: string,
    readonly text: string,
    readonly ctx: RequestContext,
    readonly lang?: CharterLang,
  ) {
    super();
  }
}

@CommandHandler(PublishCharterCommand)
export class PublishCharterHandler implements ICommandHandler<PublishCharterCommand> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(c: PublishCharterCommand): Promise<PublishOutcome> {
    await this.conferences.scheduled(c.conferenceId);
    const { outcome } = await this.charters.run<PublishOutcome>(
      c.charterId,
      {
        type: 'PublishCharter',
        data: {
          charterId: c.charterId,
          conferenceId: c.conferenceId,
          title: c.title,
          text: c.text,
          publishedAt: this.clock.now().toISOString(),
          ...(c.lang !== undefined ? { lang: c.lang } : {}),
        },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters')
export class PublishCharterController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('PublishCharterRequest')
  @HttpCode(201)
  @ApiOperation({ summary: 'Publish a charter (Markdown); the same id and body again write nothing' })
  @ApiAnswer(201, 'CharterPublished', { errors: [404, 409] })
  @Roles('organiser')
  async publish(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: PublishCharterDto,
    @Ctx() ctx: RequestContext,
  ): Promise<CharterPublished> {
    const outcome = await this.commands.execute(
      new PublishCharterCommand(cid, dto.charterId ?? randomUUID(), dto.title, dto.text, ctx, dto.lang),
    );
    return { charterId: outcome.charterId, textSha256: outcome.textSha256 };
  }
}
