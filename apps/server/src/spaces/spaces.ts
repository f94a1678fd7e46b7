import type { RollCallRequest, RollCallMarkRequest } from '@emargement/contract';
import type { SpaceRequest } from '@emargement/contract';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { randomUUID } from 'node:crypto';
import { CATEGORIES, type Category } from '@emargement/conference';
import { SITE, isOpenAt, localTimeOf, type MovementsState, type SpaceDefinition } from '@emargement/spaces';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { ArrivalsIndex } from '../arrivals/arrivals-index.js';
import { badRequest, notFound } from '../shared/api-error.js';
import { Clock } from '../shared/clock.js';
import { Ctx, eventMetadata, type RequestContext } from '../shared/request-context.js';
import { MovementsRegistry } from './movements-registry.js';
import { ApiAnswer, ApiFileAnswer, ApiRequest } from '../shared/api-answers.js';
import { IsInstant } from '../shared/instant.js';
import { onSitePdf } from './on-site-pdf.js';
import { Roles } from '../auth/roles.js';
import { CURVE_SLOT_MINUTES, SpaceCurves, type CurveSlot } from './space-curves.js';

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

export class SpaceDto implements SpaceRequest {
  @IsOptional() @IsUUID() spaceId?: string;
  @IsString() @Length(1, 80) @Matches(/\S/) name!: string;
  @MaxLength(5)
  @Matches(HHMM, { message: 'opens must be HH:MM' })
  opens!: string;
  @MaxLength(5) @Matches(HHMM, { message: 'closes must be HH:MM' }) closes!: string;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) capacity?: number | null;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CATEGORIES.length)
  @IsIn(CATEGORIES, { each: true })
  audience?: Category[] | null;
  @IsOptional() @IsBoolean() requiresLunch?: boolean;
  @IsOptional() @IsBoolean() oneEntry?: boolean;
  @IsOptional() @IsBoolean() exitScan?: boolean;
}

export class RollCallDto implements RollCallRequest {
  @IsOptional() @IsUUID() rollCallId?: string;
  @IsOptional()
  @MaxLength(64)
  @IsInstant()
  startedAt?: string;
}

export class MarkDto implements RollCallMarkRequest {
  @IsUUID() markId!: string;
  @IsUUID() registrationId!: string;
  @IsOptional()
  @MaxLength(64)
  @IsInstant()
  at?: string;
}

export interface SpaceView {
  spaceId: string;
  name: string;
  opens: string;
  closes: string;
  capacity: number | null;
  audience: readonly string[] | null;
  requiresLunch: boolean;
  oneEntry: boolean;
  exitScan: boolean;
  inside: number;
  /** Open now, by the server's clock in the conference's time zone. */
  open: boolean;
  /** With `?curve=true`: inside over the day, per five minutes (the dashboard's curve). */
  curve?: { slotMinutes: number; slots: CurveSlot[] };
}

export interface OnSitePerson {
  registrationId: string;
  firstName: string;
  lastName: string;
  organisation: string;
  /** Where and when the person was last seen: a space, the site's door (`site`), or the entrance's door. */
  lastSeen: { place: string; at: string };
}

/** A space as the decider takes it, from the request (400 when it closes before it opens). */
export const spaceOf = (dto: SpaceDto): SpaceDefinition => {
  if (dto.closes <= dto.opens) {
    throw badRequest('validation_failed', 'A space closes after it opens', [
      { field: 'closes', message: 'must be after opens' },
    ]);
  }
  return {
    spaceId: (dto.spaceId ?? randomUUID()).toLowerCase(),
    name: dto.name.trim(),
    opens: dto.opens,
    closes: dto.closes,
    capacity: dto.capacity ?? null,
    audience: dto.audience && dto.audience.length > 0 ? [...dto.audience] : null,
    requiresLunch: dto.requiresLunch ?? false,
    oneEntry: dto.oneEntry ?? false,
    exitScan: dto.exitScan ?? true,
  };
};

/** Adds a space to a conference, or changes one (its `spaceId` again): with the conference or later. */
export class DefineSpaceCommand extends Command<{ spaceId: string }> {
  constructor(
    readonly conferenceId: string,
    readonly space: SpaceDefinition,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(DefineSpaceCommand)
export class DefineSpaceHandler implements ICommandHandler<DefineSpaceCommand> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly movements: MovementsRegistry,
    private readonly clock: Clock,
  ) {}

  async execute({ conferenceId, space, ctx }: DefineSpaceCommand): Promise<{ spaceId: string }> {
    await this.conferences.scheduled(conferenceId);
    const { outcome } = await this.movements.run<{ spaceId: string }>(
      conferenceId,
      { type: 'DefineSpace', data: { conferenceId, space, definedAt: this.clock.now().toISOString() } },
      eventMetadata(ctx),
    );
    return outcome;
  }
}

/**
 * Spaces, movements, who is on site and the roll call, on the server side
 * (issue 23). The rules are the movements decider's (libs/spaces); this class
 * gathers the facts it needs (the conference's time zone, the person's
 * category, their ticket: admitted? lunch paid?) and the server's one clock.
 */
@Controller('conferences/:cid')
@ApiTags('spaces')
export class SpacesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly conferences: ConferenceRegistry,
    private readonly movements: MovementsRegistry,
    private readonly arrivals: ArrivalsIndex,
    private readonly clock: Clock,
    private readonly curves: SpaceCurves,
  ) {}

  /** Adds a space to the day, or changes one (same `spaceId`): each change an event. */
  @Post('spaces')
  @ApiRequest('SpaceRequest')
  @HttpCode(201)
  @ApiAnswer(201, 'SpaceDefined', { errors: [404, 409] })
  @Roles('organiser')
  async define(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: SpaceDto,
    @Ctx() ctx: RequestContext,
  ): Promise<{ spaceId: string }> {
    return this.commands.execute(new DefineSpaceCommand(cid, spaceOf(dto), ctx));
  }

  /**
   * Each space with how many are inside now, its capacity and hours: counts only (a screen may show them).
   * With `curve=true`, each space's curve of the day too (the dashboard asks; a door phone, polling, does not).
   */
  @Get('spaces')
  @ApiQuery({
    name: 'curve',
    required: false,
    enum: ['true', 'false'],
    description: 'With each space, inside over the day per five minutes',
  })
  @ApiAnswer(200, 'SpaceList', { errors: [400, 404] })
  @Roles('organiser', 'door', 'display')
  async list(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Query('curve') curve?: string,
  ): Promise<{ items: SpaceView[] }> {
    if (curve !== undefined && curve !== 'true' && curve !== 'false') {
      throw badRequest('validation_failed', 'curve must be true or false', [
        { field: 'curve', message: 'true or false' },
      ]);
    }
    const conference = await this.conferences.scheduled(cid);
    const { state } = await this.movements.current(cid);
    const now = localTimeOf(this.clock.now().toISOString(), conference.details.timezone);
    const items: SpaceView[] = [];
    for (const s of state.spaces.values()) {
      items.push({
        ...s,
        inside: state.inside.get(s.spaceId)?.size ?? 0,
        open: isOpenAt(s, now),
        ...(curve === 'true'
          ? { curve: { slotMinutes: CURVE_SLOT_MINUTES, slots: await this.curves.curve(cid, s.spaceId) } }
          : {}),
      });
    }
    return { items };
  }

  /**
   * The evacuation list: everyone admitted at the entrance and not gone out
   * of the site since, by name, with where they were last seen.
   */
  @Get('on-site')
  @ApiAnswer(200, 'OnSite', { errors: [404] })
  @Roles('organiser', 'door')
  async onSite(@Param('cid', ParseUUIDPipe) cid: string): Promise<{ count: number; people: OnSitePerson[] }> {
    const people = await this.onSitePeople(cid);
    return { count: people.length, people };
  }

  /** The same list on paper, to take to the assembly point. */
  @Get('on-site.pdf')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/pdf')
  @ApiFileAnswer('application/pdf', 'The evacuation list (A4), by name, with a box to tick', { errors: [404] })
  @Roles('organiser', 'door')
  async onSitePdf(@Param('cid', ParseUUIDPipe) cid: string): Promise<StreamableFile> {
    const conference = await this.conferences.scheduled(cid);
    const people = await this.onSitePeople(cid);
    const doc = onSitePdf({
      conferenceName: conference.details.name,
      timezone: conference.details.timezone,
      at: this.clock.now().toISOString(),
      people,
    });
    return new StreamableFile(doc, {
      type: 'application/pdf',
      disposition: 'inline; filename="presents-sur-le-site.pdf"',
    });
  }

  async onSitePeople(cid: string): Promise<OnSitePerson[]> {
    const conference = await this.conferences.scheduled(cid);
    await this.arrivals.fresh();
    const { state } = await this.movements.current(cid);
    const names = new Map([...state.spaces.values()].map((s) => [s.spaceId, s.name]));
    const people: OnSitePerson[] = [];
    for (const r of conference.registrations.values()) {
      const admitted = this.arrivals.summary(r.registrationId).admitted;
      if (admitted === null || state.leftSite.has(r.registrationId)) continue;
      const seen = state.lastSeen.get(r.registrationId);
      const lastSeen =
        seen !== undefined && Date.parse(seen.at) >= Date.parse(admitted.at)
          ? { place: seen.spaceId === SITE ? SITE : (names.get(seen.spaceId) ?? seen.spaceId), at: seen.at }
          : { place: admitted.door, at: admitted.at };
      people.push({
        registrationId: r.registrationId,
        firstName: r.person.firstName,
        lastName: r.person.lastName,
        organisation: r.person.organisation ?? '',
        lastSeen,
      });
    }
    return people.sort(
      (a, b) =>
        a.lastName.localeCompare(b.lastName, 'fr', { sensitivity: 'base' }) ||
        a.firstName.localeCompare(b.firstName, 'fr', { sensitivity: 'base' }),
    );
  }

  /** Starts a roll call at the assembly point: the people on site now are the ones to find. */
  @Post('roll-calls')
  @ApiRequest('RollCallRequest')
  @HttpCode(201)
  @ApiAnswer(201, 'RollCallStarted', { errors: [404] })
  @Roles('organiser', 'door')
  async startRollCall(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: RollCallDto,
    @Ctx() ctx: RequestContext,
  ): Promise<{ rollCallId: string; expected: number }> {
    const expected = (await this.onSitePeople(cid)).map((p) => p.registrationId);
    const { outcome } = await this.movements.run<{ rollCallId: string; expected: number }>(
      cid,
      {
        type: 'StartRollCall',
        data: {
          conferenceId: cid,
          rollCallId: (dto.rollCallId ?? randomUUID()).toLowerCase(),
          startedAt: dto.startedAt ?? this.clock.now().toISOString(),
          expected,
          deviceId: ctx.deviceId,
        },
      },
      eventMetadata(ctx),
    );
    return outcome;
  }

  /** A person ticked present at the assembly point (from any phone, offline or not: each tick once). */
  @Post('roll-calls/:rollCallId/marks')
  @ApiRequest('RollCallMarkRequest')
  @HttpCode(201)
  @ApiAnswer(201, 'RollCallMarked', { errors: [404, 409] })
  @Roles('organiser', 'door')
  async mark(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rollCallId', ParseUUIDPipe) rollCallId: string,
    @Body() dto: MarkDto,
    @Ctx() ctx: RequestContext,
  ): Promise<{ rollCallId: string; present: number }> {
    const conference = await this.conferences.scheduled(cid);
    // A tick names someone registered for this conference (expected or not: a person not scanned at the door
    // may still stand at the assembly point); a made-up id is refused and writes nothing.
    if (!conference.registrations.has(dto.registrationId.toLowerCase()))
      throw notFound('unknown_registration', `No registration ${dto.registrationId}`);
    const { outcome } = await this.movements.run<{ rollCallId: string; present: number }>(
      cid,
      {
        type: 'MarkPresent',
        data: {
          conferenceId: cid,
          rollCallId: rollCallId.toLowerCase(),
          markId: dto.markId.toLowerCase(),
          registrationId: dto.registrationId.toLowerCase(),
          at: dto.at ?? this.clock.now().toISOString(),
          deviceId: ctx.deviceId,
        },
      },
      eventMetadata(ctx),
    );
    return outcome;
  }

  /** The roll call: who was expected, who is ticked present, who is missing. */
  @Get('roll-calls/:rollCallId')
  @ApiAnswer(200, 'RollCall', { errors: [404] })
  @Roles('organiser', 'door')
  async rollCall(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rollCallId', ParseUUIDPipe) rollCallId: string,
  ): Promise<RollCallView> {
    const conference = await this.conferences.scheduled(cid);
    const { state } = await this.movements.current(cid);
    return rollCallView(state, rollCallId.toLowerCase(), (id) => conference.registrations.get(id));
  }
}

export interface RollCallView {
  rollCallId: string;
  startedAt: string;
  present: number;
  missing: number;
  people: {
    registrationId: string;
    firstName: string;
    lastName: string;
    organisation: string;
    present: boolean;
    at: string | null;
  }[];
}

function rollCallView(
  state: MovementsState,
  rollCallId: string,
  registration: (
    id: string,
  ) => { person: { firstName: string; lastName: string; organisation?: string | null } } | undefined,
): RollCallView {
  const roll = state.rollCalls.get(rollCallId);
  if (roll === undefined) throw notFound('unknown_roll_call', `No roll call ${rollCallId}`);
  const people = roll.expected.map((id) => {
    const r = registration(id);
    const at = roll.present.get(id) ?? null;
    return {
      registrationId: id,
      firstName: r?.person.firstName ?? '',
      lastName: r?.person.lastName ?? '',
      organisation: r?.person.organisation ?? '',
      present: at !== null,
      at,
    };
  });
  people.sort((a, b) => a.lastName.localeCompare(b.lastName, 'fr', { sensitivity: 'base' }));
  const present = people.filter((p) => p.present).length;
  return { rollCallId, startedAt: roll.startedAt, present, missing: people.length - present, people };
}
