import type { ErasePersonRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import type { EraseOutcome } from '@emargement/conference';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { CharterRegistry } from '../../charters/charter-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { PersonKeys } from '../person-data.js';
import type { PersonalDataErased } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Backups } from '../../backup/backups.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class ErasePersonDto implements ErasePersonRequest {
  /** Why (e.g. « demande de la personne du 20/09 »): kept in the log, so it must not name the person. */
  @IsString() @Length(1, 500) @Matches(/\S/, { message: 'reason must not be blank' }) reason!: string;
}

export class ErasePersonCommand extends Command<EraseOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly reason: string,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/**
 * The right to be forgotten. The erasure is recorded first (an event without
 * personal data, so every reader, on any instance, masks the person from its
 * next read), then the person's key is deleted: their name, e-mail address and
 * signature image, sealed in the log under that key, can no longer be read by
 * anyone. Repeating the call deletes the key again if a crash came in between.
 */
@CommandHandler(ErasePersonCommand)
export class ErasePersonHandler implements ICommandHandler<ErasePersonCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly charters: CharterRegistry,
    private readonly keys: PersonKeys,
    private readonly backups: Backups,
    private readonly clock: Clock,
  ) {}

  async execute(c: ErasePersonCommand): Promise<EraseOutcome> {
    await this.registry.scheduled(c.conferenceId);
    const { outcome } = await this.registry.run<EraseOutcome>(
      c.conferenceId,
      {
        type: 'ErasePersonalData',
        data: { registrationId: c.registrationId, reason: c.reason, erasedAt: this.clock.now().toISOString() },
      },
      eventMetadata(c.ctx),
    );
    await this.keys.forget(c.registrationId, c.reason);
    // Beside the backups at once, so that restoring one taken before now cannot bring the person back.
    await this.backups.recordErasure({
      conferenceId: c.conferenceId,
      registrationId: c.registrationId,
      erasedAt: outcome.erasedAt,
    });
    // Folds read before the key went still hold the names in memory.
    this.charters.forgetAll();
    return outcome;
  }
}

@ApiTags('personal data')
@Controller('conferences/:cid/registrations/:rid/erase')
export class ErasePersonController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('ErasePersonRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'PersonalDataErased', { errors: [404, 409] })
  @Roles('organiser')
  erase(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: ErasePersonDto,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonalDataErased> {
    return this.commands.execute(new ErasePersonCommand(cid, rid, dto.reason.trim(), ctx));
  }
}
