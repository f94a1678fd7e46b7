import type { SignRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { randomBytes } from 'node:crypto';
import type { EventStore } from '@emargement/event-store';
import { arrivalDecider, registrationById, ticketStream } from '@emargement/conference';
import { type CanvasSize, type Consent, type SignOutcome, type Strokes } from '@emargement/charter';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { loadStream } from '../../shared/decider-runner.js';
import { badRequest, notFound } from '../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { CharterRegistry } from '../charter-registry.js';
import { parseStrokes, STROKE_LIMITS } from './signature-input.js';
import type { CharterSigned } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { IsInstant } from '../../shared/instant.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class ConsentDto {
  @IsBoolean() given!: boolean;
  @IsString()
  @MaxLength(2000)
  wording!: string;
  @MaxLength(64)
  @IsInstant()
  givenAt!: string;
}

export class CanvasDto {
  @IsNumber() @Min(1) @Max(10_000) width!: number;
  @IsNumber() @Min(1) @Max(10_000) height!: number;
  @IsOptional() @IsNumber() @Min(0.25) @Max(8) devicePixelRatio?: number;
}

/**
 * The signature as sent (the contract's `SignRequest`). The strokes and the
 * consent are taken as they come and read by their own checks, which answer
 * with their own codes (`parseStrokes`; `consent_missing` for a consent
 * missing, false or null), not class-validator's.
 */
export class SignCharterDto implements Omit<SignRequest, 'strokes' | 'consent'> {
  @IsUUID() signatureId!: string;
  @IsUUID() registrationId!: string;
  @IsString()
  @Length(1, 200)
  onBehalfOf!: string;
  @IsOptional()
  @ValidateIf((o: SignCharterDto) => typeof o.consent === 'object' && o.consent !== null)
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto | boolean | null;
  @IsString()
  @MaxLength(128)
  textSha256!: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(STROKE_LIMITS.strokes)
  strokes?: unknown[];
  @IsOptional() @ValidateNested() @Type(() => CanvasDto) canvas?: CanvasDto;
  // The real limit is the decoded PNG's, 256 KiB, checked by the decider
  // with its own code (413 image_too_large); this one, at the body's limit
  // (1 MB), only keeps a string of any size from going further.
  @IsOptional()
  @IsString()
  @MaxLength(1_048_576)
  image?: string;
  @IsString() @Length(1, 60) kiosk!: string;
  @IsOptional()
  @MaxLength(64)
  @IsInstant()
  deviceSignedAt?: string;
}

export interface SignatureInput {
  signatureId: string;
  registrationId: string;
  onBehalfOf: string;
  consent: Consent | null;
  textSha256: string;
  strokes: Strokes;
  canvas: CanvasSize | null;
  image: string | null;
  kiosk: string;
  deviceSignedAt: string | null;
}

/** What a `consent: true` records as the wording: the tablet did not send the words it showed. */
export const CONSENT_TICKED = 'Case d’accord cochée à côté du texte de la charte (consent: true)';

/**
 * Checks what class-validator cannot (the strokes point by point) and shapes
 * the input. The picture's bytes are the decider's to judge (libs/charter:
 * `invalid_image`, `image_too_large`), as every other rule of a signature.
 */
export function signatureInput(dto: SignCharterDto, now: Date): SignatureInput {
  const { strokes, errors } = parseStrokes(dto.strokes);
  if (strokes === null)
    throw badRequest('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  const image = dto.image === undefined || dto.image === '' ? null : dto.image;
  const canvas: CanvasSize | null = dto.canvas
    ? { width: dto.canvas.width, height: dto.canvas.height, devicePixelRatio: dto.canvas.devicePixelRatio ?? null }
    : null;
  // `true` (the box beside the text was ticked) or, richer, {given, wording, givenAt}
  // (API.md); `true` is recorded with what the server knows: the box, and when it heard of it.
  const consent =
    dto.consent === true
      ? { wording: CONSENT_TICKED, givenAt: now.toISOString() }
      : dto.consent instanceof ConsentDto && dto.consent.given
        ? { wording: dto.consent.wording, givenAt: dto.consent.givenAt }
        : null;
  return {
    signatureId: dto.signatureId,
    registrationId: dto.registrationId,
    onBehalfOf: dto.onBehalfOf,
    consent,
    textSha256: dto.textSha256.toLowerCase(),
    strokes,
    canvas,
    image,
    kiosk: dto.kiosk.trim(),
    deviceSignedAt: dto.deviceSignedAt ?? null,
  };
}

export type SignAnswer = SignOutcome;

export class SignCharterCommand extends Command<SignAnswer> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
    readonly input: SignatureInput,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/**
 * The signer's facts come from the registry (name, category, status) and from
 * the ticket's own stream (the admission): the stream, not the arrivals read
 * model, because a person admitted a second ago must be able to sign, and one
 * whose admission was just undone must not.
 */
@CommandHandler(SignCharterCommand)
export class SignCharterHandler implements ICommandHandler<SignCharterCommand> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(c: SignCharterCommand): Promise<SignAnswer> {
    const conference = await this.conferences.scheduled(c.conferenceId);
    await this.charters.published(c.conferenceId, c.charterId);
    const registration = registrationById(conference, c.input.registrationId);
    if (!registration) throw notFound('unknown_registration', `No registration ${c.input.registrationId}`);
    const { state: ticket } = await loadStream(this.store, ticketStream(registration.registrationId), arrivalDecider);
    const admission =
      ticket.status === 'admitted'
        ? { scanId: ticket.admission.scanId, at: ticket.admission.at, door: ticket.admission.door }
        : null;
    const { input } = c;
    const { outcome } = await this.charters.run<SignOutcome>(
      c.charterId,
      {
        type: 'SignCharter',
        data: {
          charterId: c.charterId,
          conferenceId: c.conferenceId,
          signatureId: input.signatureId,
          signer: {
            registrationId: registration.registrationId,
            name: `${registration.person.firstName} ${registration.person.lastName}`,
            category: registration.category,
            status: registration.status,
            admission,
          },
          onBehalfOf: input.onBehalfOf,
          textSha256: input.textSha256,
          consent: input.consent,
          strokes: input.strokes,
          canvas: input.canvas,
          image: input.image,
          nameSalt: randomBytes(16).toString('hex'),
          signedAt: this.clock.now().toISOString(),
          deviceSignedAt: input.deviceSignedAt,
          kiosk: input.kiosk,
          userAgent: c.ctx.userAgent,
        },
      },
      eventMetadata(c.ctx, { kiosk: input.kiosk }),
    );
    return outcome;
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid/signatures')
export class SignCharterController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post()
  @ApiRequest('SignRequest')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Sign the charter',
    description:
      'Refusals: not_admitted, not_a_signatory, already_signed (scope person or organisation), charter_closed, ' +
      'text_changed, consent_missing, empty_signature, invalid_image (errors[0].message is the problem: not_a_png, ' +
      'bad_crc, undecodable, too_many_pixels, ...), image_too_large, missing_organisation, ' +
      'signature_id_conflict. ' +
      'The same signatureId and body again give the same answer and write nothing.',
  })
  @ApiAnswer(201, 'CharterSigned', { errors: [404, 409, 413] })
  @Roles('organiser', 'kiosk')
  sign(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
    @Body() dto: SignCharterDto,
    @Ctx() ctx: RequestContext,
  ): Promise<CharterSigned> {
    return this.commands.execute(new SignCharterCommand(cid, chid, signatureInput(dto, this.clock.now()), ctx));
  }
}
