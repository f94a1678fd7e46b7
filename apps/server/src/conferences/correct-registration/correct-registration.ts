import type { CorrectRegistrationRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  CATEGORIES,
  PERSON_FIELD_MAX_LENGTH,
  type Category,
  type CorrectOutcome,
  type CorrectRegistration,
} from '@emargement/conference';
import type { RegistrationCorrected } from '@emargement/contract';
import { ConferenceRegistry } from '../conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Any of the fields, the others left as they are. Whether a value is
 * acceptable (a name not empty, an address valid and free) is the decider's,
 * which answers with the registration's codes (`missing_field`,
 * `invalid_email`, `duplicate_email`, `registration_erased`).
 */
export class CorrectRegistrationDto implements CorrectRegistrationRequest {
  @IsOptional()
  @IsString()
  @MaxLength(PERSON_FIELD_MAX_LENGTH.firstName)
  firstName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(PERSON_FIELD_MAX_LENGTH.lastName)
  lastName?: string;

  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @MaxLength(PERSON_FIELD_MAX_LENGTH.email)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(PERSON_FIELD_MAX_LENGTH.organisation)
  organisation?: string;

  @IsOptional() @IsIn(CATEGORIES) category?: Category;
}

export class CorrectRegistrationCommand extends Command<CorrectOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly dto: CorrectRegistrationDto,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/** A registration corrected by an organiser: `RegistrationCorrected` on the conference's stream, the changed fields only. */
@CommandHandler(CorrectRegistrationCommand)
export class CorrectRegistrationHandler implements ICommandHandler<CorrectRegistrationCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(c: CorrectRegistrationCommand): Promise<CorrectOutcome> {
    await this.registry.scheduled(c.conferenceId);
    const { firstName, lastName, email, organisation, category } = c.dto;
    const changes: CorrectRegistration['data']['changes'] = {
      ...(firstName !== undefined ? { firstName } : {}),
      ...(lastName !== undefined ? { lastName } : {}),
      ...(email !== undefined ? { email } : {}),
      ...(organisation !== undefined ? { organisation } : {}),
      ...(category !== undefined ? { category } : {}),
    };
    const { outcome } = await this.registry.run<CorrectOutcome>(
      c.conferenceId,
      {
        type: 'CorrectRegistration',
        data: { registrationId: c.registrationId, changes, correctedAt: this.clock.now().toISOString() },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

@ApiTags('registrations')
@Controller('conferences/:cid/registrations/:rid')
export class CorrectRegistrationController {
  constructor(private readonly commands: CommandBus) {}

  @Patch()
  @ApiRequest('CorrectRegistrationRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'RegistrationCorrected', { errors: [400, 404, 409] })
  // Organisers only: the door checks a document against the name on its list, so the door must not change it.
  @Roles('organiser')
  correct(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: CorrectRegistrationDto,
    @Ctx() ctx: RequestContext,
  ): Promise<RegistrationCorrected> {
    return this.commands.execute(new CorrectRegistrationCommand(cid, rid, dto, ctx));
  }
}
