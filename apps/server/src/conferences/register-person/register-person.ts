import type { RegisterRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CATEGORIES,
  LANGUAGES,
  type Language,
  PERSON_FIELD_MAX_LENGTH,
  type Category,
  type RegistrationOutcome,
  type RegistrationRefusedOutcome,
  type RegistrationRequest,
  type RegistrationSource,
} from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import type { Registered } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { conflict } from '../../shared/api-error.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

/** What a ticket's QR code carries: 144 random bits, URL-safe. Unguessable, so a code cannot be forged. */
/** 144 random bits (the contract asks for at least 128). */
export const TICKET_CODE_BYTES = 18;
export const newTicketCode = (): string => randomBytes(TICKET_CODE_BYTES).toString('base64url');

/** A ticket code chosen by the caller: URL-safe base64 of at least 128 bits (22 characters) and at most 64 characters. */
export const CLIENT_TICKET_CODE = /^[A-Za-z0-9_-]{22,64}$/;

export class RegisterPersonDto implements RegisterRequest {
  @IsOptional() @IsUUID() registrationId?: string;
  /**
   * A door registering a walk-in without network draws the ticket code itself
   * (it admits the person on it at once) and sends it on sync; a retry keeps
   * the first code. Otherwise the server draws it.
   */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(CLIENT_TICKET_CODE)
  ticketCode?: string;
  @IsString() @Length(1, PERSON_FIELD_MAX_LENGTH.firstName) firstName!: string;
  @IsString() @Length(1, PERSON_FIELD_MAX_LENGTH.lastName) lastName!: string;
  /** Trimmed before it is checked, as the CSV import does: `'  A@B.org '` is `a@b.org`'s duplicate, not an error. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsOptional()
  @ValidateIf((o: RegisterPersonDto) => o.email !== '')
  @IsEmail()
  @MaxLength(PERSON_FIELD_MAX_LENGTH.email)
  email?: string;
  @IsOptional()
  @IsString()
  @MaxLength(PERSON_FIELD_MAX_LENGTH.organisation)
  organisation?: string;
  @IsIn(CATEGORIES) category!: Category;
  @IsBoolean() lunch!: boolean;
  @IsBoolean() photoConsent!: boolean;
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: Language;
  @IsOptional()
  @IsBoolean()
  beyondCapacity?: boolean;
}

export const toRequest = (dto: RegisterPersonDto, registrationId: string): RegistrationRequest => ({
  registrationId,
  ticketCode: dto.ticketCode ?? newTicketCode(),
  person: {
    firstName: dto.firstName.trim(),
    lastName: dto.lastName.trim(),
    email: dto.email?.trim() ?? '',
    organisation: dto.organisation?.trim() || null,
  },
  category: dto.category,
  lunch: dto.lunch,
  photoConsent: dto.photoConsent,
  ...(dto.language !== undefined ? { language: dto.language } : {}),
  ...(dto.beyondCapacity === true ? { beyondCapacity: true } : {}),
});

export class RegisterPersonCommand extends Command<RegistrationOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly request: RegistrationRequest,
    readonly source: RegistrationSource,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterPersonCommand)
export class RegisterPersonHandler implements ICommandHandler<RegisterPersonCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
  ) {}
  async execute(c: RegisterPersonCommand): Promise<RegistrationOutcome> {
    await this.registry.scheduled(c.conferenceId);
    const { outcome } = await this.registry.run<RegistrationOutcome | RegistrationRefusedOutcome>(
      c.conferenceId,
      {
        type: 'RegisterPerson',
        data: { ...c.request, source: c.source, registeredAt: this.clock.now().toISOString() },
      },
      eventMetadata(c.ctx),
    );
    // Refused, and the refusal is now stored (`WalkInRefused`): answered like any refusal of the rules.
    if ('refused' in outcome) {
      throw conflict(outcome.refused, 'The organisers do not allow walk-ins beyond the capacity', {
        registrationId: outcome.registrationId,
      });
    }
    return outcome;
  }
}

@ApiTags('registrations')
@Controller('conferences/:cid/registrations')
export class RegisterPersonController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('RegisterRequest')
  @HttpCode(201)
  @ApiAnswer(201, 'Registered', { errors: [404, 409] })
  @Roles('organiser', 'door')
  register(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: RegisterPersonDto,
    @Ctx() ctx: RequestContext,
  ): Promise<Registered> {
    return this.commands.execute(
      // A door registers walk-ins (the person is at the desk); everyone else registers ahead.
      new RegisterPersonCommand(
        cid,
        toRequest(dto, dto.registrationId ?? randomUUID()),
        ctx.role === 'door' ? 'walk_in' : 'api',
        ctx,
      ),
    );
  }
}
