import type { ConferenceRequest, ConferenceRevisionRequest } from '@emargement/contract';
import { Controller, Get, Param, ParseUUIDPipe, Post, Body, Put, Req } from '@nestjs/common';
import { withinScope } from '@emargement/devices';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { ConferenceDetails, ScheduleOutcome, ReviseOutcome, Scheduled } from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import type { Conference, ConferenceList, ConferenceRevised, ConferenceScheduled } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { ApiError, badRequest } from '../../shared/api-error.js';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { IsInstant } from '../../shared/instant.js';
import { DefineSpaceCommand, SpaceDto, spaceOf } from '../../spaces/spaces.js';
import { Clock } from '../../shared/clock.js';
import { Roles, ANY_ROLE } from '../../auth/roles.js';

export class LunchDto {
  @IsInt() @Min(0) @Max(1_000_000) priceCents!: number;
  @IsString() @MaxLength(3) @Matches(/^[A-Z]{3}$/) currency!: string;
}

export class ProgrammeItemDto {
  @MaxLength(5)
  @Matches(/^(?:[01]\d|2[0-3]):[0-5]\d$/, { message: 'at must be HH:MM' })
  at!: string;
  @IsString() @Length(1, 200) title!: string;
}

export class ConferenceDetailsDto implements ConferenceRevisionRequest {
  @IsString() @Length(1, 200) name!: string;
  @IsString() @Length(1, 200) venue!: string;
  @MaxLength(64) @IsInstant() startsAt!: string;
  @MaxLength(64) @IsInstant() endsAt!: string;
  @IsString() @Length(1, 64) timezone!: string;
  @IsInt() @Min(1) @Max(1_000_000) capacity!: number;
  @IsBoolean() idCheckRequired!: boolean;
  @IsOptional()
  @ValidateNested()
  @Type(() => LunchDto)
  lunch?: LunchDto;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  doors?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ProgrammeItemDto)
  programme?: ProgrammeItemDto[];
}

export class ScheduleConferenceDto extends ConferenceDetailsDto implements ConferenceRequest {
  @IsOptional() @IsUUID() conferenceId?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SpaceDto)
  spaces?: SpaceDto[];
}

const details = (dto: ConferenceDetailsDto): ConferenceDetails => ({
  name: dto.name,
  venue: dto.venue,
  startsAt: dto.startsAt,
  endsAt: dto.endsAt,
  timezone: dto.timezone,
  capacity: dto.capacity,
  idCheckRequired: dto.idCheckRequired,
  lunch: dto.lunch ? { priceCents: dto.lunch.priceCents, currency: dto.lunch.currency } : null,
  doors: dto.doors ?? [],
  ...(dto.programme && dto.programme.length > 0
    ? { programme: dto.programme.map((item) => ({ at: item.at, title: item.title })) }
    : {}),
});

export class ScheduleConferenceCommand extends Command<ScheduleOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly details: ConferenceDetails,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ScheduleConferenceCommand)
export class ScheduleConferenceHandler implements ICommandHandler<ScheduleConferenceCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
  ) {}
  async execute(c: ScheduleConferenceCommand): Promise<ScheduleOutcome> {
    const { outcome } = await this.registry.run<ScheduleOutcome>(
      c.conferenceId,
      {
        type: 'ScheduleConference',
        data: { ...c.details, conferenceId: c.conferenceId, scheduledAt: this.clock.now().toISOString() },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

export class ReviseConferenceCommand extends Command<ReviseOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly details: ConferenceDetails,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ReviseConferenceCommand)
export class ReviseConferenceHandler implements ICommandHandler<ReviseConferenceCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
  ) {}
  async execute(c: ReviseConferenceCommand): Promise<ReviseOutcome> {
    await this.registry.scheduled(c.conferenceId);
    const { outcome } = await this.registry.run<ReviseOutcome>(
      c.conferenceId,
      { type: 'ReviseConference', data: { ...c.details, revisedAt: this.clock.now().toISOString() } },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

export function conferenceView(state: Scheduled) {
  const counts = { registered: 0, waitlisted: 0, cancelled: 0 };
  for (const r of state.registrations.values()) counts[r.status] += 1;
  return {
    conferenceId: state.conferenceId,
    ...state.details,
    walkIns: { beyondCapacity: state.walkIns.beyondCapacity },
    ...counts,
  };
}

@ApiTags('conferences')
@Controller('conferences')
export class ConferencesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly registry: ConferenceRegistry,
  ) {}

  @Post()
  @ApiRequest('ConferenceRequest')
  @ApiAnswer(201, 'ConferenceScheduled', { errors: [409] })
  @Roles('organiser')
  async schedule(
    @Body() dto: ScheduleConferenceDto,
    @Req() req: AuthenticatedRequest,
    @Ctx() ctx: RequestContext,
  ): Promise<ConferenceScheduled> {
    // A new conference is outside every bound device's scope.
    if (!withinScope(req.device!, null)) {
      throw new ApiError(403, 'forbidden', 'This device is enrolled for one conference and may not create another');
    }
    // Every space checked before anything is written: a bad one refuses the whole conference.
    const spaces = (dto.spaces ?? []).map(spaceOf);
    const names = spaces.map((s) => s.name.toLocaleLowerCase('fr'));
    const twice = names.findIndex((name, i) => names.indexOf(name) !== i);
    if (twice >= 0) {
      throw badRequest('validation_failed', `Two spaces are called ${spaces[twice]!.name}`, [
        { field: `spaces.${twice}.name`, message: 'a space name is used once' },
      ]);
    }
    const scheduled: ConferenceScheduled = await this.commands.execute(
      new ScheduleConferenceCommand(dto.conferenceId ?? randomUUID(), details(dto), ctx),
    );
    for (const space of spaces) {
      await this.commands.execute(new DefineSpaceCommand(scheduled.conferenceId, space, ctx));
    }
    return scheduled;
  }

  @Put(':cid')
  @ApiRequest('ConferenceRevisionRequest')
  @ApiAnswer(200, 'ConferenceRevised', { errors: [404, 409] })
  @Roles('organiser')
  async revise(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: ConferenceDetailsDto,
    @Ctx() ctx: RequestContext,
  ): Promise<ConferenceRevised> {
    return this.commands.execute(new ReviseConferenceCommand(cid, details(dto), ctx));
  }

  @Get()
  @ApiAnswer(200, 'ConferenceList')
  @Roles(...ANY_ROLE)
  async list(@Req() req: AuthenticatedRequest): Promise<ConferenceList> {
    // Every conference ever scheduled, from the store itself: a restarted
    // server or a second instance answers the same.
    const items = [];
    for (const conferenceId of await this.registry.everScheduled()) {
      // A bound device lists its own conference only.
      if (!withinScope(req.device!, conferenceId)) continue;
      const { state } = await this.registry.current(conferenceId);
      if (state.status === 'scheduled') items.push(conferenceView(state));
    }
    return { items };
  }

  @Get(':cid')
  @ApiAnswer(200, 'Conference', { errors: [404] })
  @Roles(...ANY_ROLE)
  async get(@Param('cid', ParseUUIDPipe) cid: string): Promise<Conference> {
    return conferenceView(await this.registry.scheduled(cid));
  }
}
