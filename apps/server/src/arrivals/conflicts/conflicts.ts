import type { AcknowledgeConflictRequest } from '@emargement/contract';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import type { ICommandHandler, IQueryHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { EventStore } from '@emargement/event-store';
import {
  ENTRY_REFUSAL_REASONS,
  arrivalDecider,
  registrationById,
  type EntryRefusalReason,
} from '@emargement/conference';
import { MOVEMENTS_CATEGORY, MOVEMENT_REFUSAL_REASONS, movementsDecider } from '@emargement/spaces';
import type { MovementRefusalReason } from '@emargement/spaces';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { ADMIN_DEVICE_ID, DeviceRegistry } from '../../auth/device-registry.js';
import { runDecider } from '../../shared/decider-runner.js';
import { notFound } from '../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { DoorReadModel } from '../door-read-model.js';
import type { ConflictRow } from './conflicts.projection.js';
import type { ConflictAcknowledged, ConflictList } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

class PreviousScanView {
  @ApiProperty() at!: string;
  @ApiProperty() door!: string;
  @ApiPropertyOptional() scanId?: string;
}

class AcknowledgementView {
  @ApiProperty() at!: string;
  @ApiProperty() deviceId!: string;
  @ApiProperty({ type: String, nullable: true }) deviceName!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class ConflictView {
  @ApiProperty() conflictId!: string;
  @ApiProperty() scanId!: string;
  @ApiProperty({ type: String, nullable: true }) registrationId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The person, as the registry knows them now' })
  name!: string | null;
  @ApiProperty({ enum: [...ENTRY_REFUSAL_REASONS, ...MOVEMENT_REFUSAL_REASONS] })
  reason!: EntryRefusalReason | MovementRefusalReason;
  @ApiProperty({ description: "The entrance's door; for a movement, the space's name" }) door!: string;
  @ApiPropertyOptional({ description: 'A movement decided offline at a space: the space (its name), or `site`' })
  space?: string;
  @ApiPropertyOptional({ enum: ['in', 'out'] }) direction?: 'in' | 'out';
  @ApiPropertyOptional({ description: "The server's detail: hours, inside/capacity, the first entry" })
  detail?: Readonly<Record<string, string | number>>;
  @ApiProperty() deviceId!: string;
  @ApiProperty({ type: String, nullable: true }) deviceName!: string | null;
  @ApiProperty({ description: "The door's scan time" }) scannedAt!: string;
  @ApiProperty({ description: 'When the server received the scan' }) receivedAt!: string;
  @ApiProperty({ description: 'The upload arrived long after the scan (over 10 minutes)' }) late!: boolean;
  @ApiPropertyOptional({ type: PreviousScanView }) previous?: PreviousScanView;
  @ApiProperty() acknowledged!: boolean;
  @ApiPropertyOptional({ type: AcknowledgementView }) acknowledgement?: AcknowledgementView;
}

export class ListConflictsQuery extends Query<ConflictView[]> {
  constructor(readonly conferenceId: string) {
    super();
  }
}

@QueryHandler(ListConflictsQuery)
export class ListConflictsHandler implements IQueryHandler<ListConflictsQuery> {
  constructor(
    private readonly doors: DoorReadModel,
    private readonly registry: ConferenceRegistry,
    private readonly devices: DeviceRegistry,
  ) {}

  async execute(q: ListConflictsQuery): Promise<ConflictView[]> {
    const conference = await this.registry.scheduled(q.conferenceId);
    const rows = await this.doors.conflictsOf(q.conferenceId);
    const names = new Map((await this.devices.list()).map((d) => [d.deviceId, d.name]));
    const deviceName = (id: string) => (id === ADMIN_DEVICE_ID ? 'Organisation' : (names.get(id) ?? null));
    return rows.map((row: ConflictRow) => {
      const r = row.registrationId === null ? undefined : registrationById(conference, row.registrationId);
      const name =
        r === undefined || r.erasedAt !== undefined ? null : `${r.person.firstName} ${r.person.lastName}`.trim();
      return {
        conflictId: row.conflictId,
        scanId: row.scanId,
        registrationId: row.registrationId,
        name,
        reason: row.reason,
        door: row.door,
        ...(row.space !== undefined ? { space: row.space } : {}),
        ...(row.direction !== undefined ? { direction: row.direction } : {}),
        ...(row.detail ? { detail: row.detail } : {}),
        deviceId: row.deviceId,
        deviceName: deviceName(row.deviceId),
        scannedAt: row.scannedAt,
        receivedAt: row.receivedAt,
        late: row.late,
        ...(row.previous ? { previous: row.previous } : {}),
        acknowledged: row.acknowledged !== null,
        ...(row.acknowledged
          ? { acknowledgement: { ...row.acknowledged, deviceName: deviceName(row.acknowledged.deviceId) } }
          : {}),
      };
    });
  }
}

export class AcknowledgeConflictDto implements AcknowledgeConflictRequest {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class AcknowledgeConflictCommand extends Command<{ conflictId: string; acknowledged: true }> {
  constructor(
    readonly conferenceId: string,
    readonly conflictId: string,
    readonly note: string | null,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(AcknowledgeConflictCommand)
export class AcknowledgeConflictHandler implements ICommandHandler<AcknowledgeConflictCommand> {
  constructor(
    private readonly doors: DoorReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(c: AcknowledgeConflictCommand): Promise<{ conflictId: string; acknowledged: true }> {
    const row = await this.doors.conflict(c.conflictId);
    if (row === undefined || row.conferenceId !== c.conferenceId) {
      throw notFound('unknown_conflict', `No conflict ${c.conflictId} in this conference`);
    }
    if (row.stream.startsWith(`${MOVEMENTS_CATEGORY}-`)) {
      // A movement's conflict lives on the conference's movements stream: its decider records the acknowledgement.
      await runDecider(
        this.store,
        row.stream,
        movementsDecider,
        {
          type: 'AcknowledgeMovementConflict',
          data: {
            conferenceId: c.conferenceId,
            conflictId: c.conflictId,
            note: c.note,
            deviceId: c.ctx.deviceId,
            acknowledgedAt: new Date().toISOString(),
          },
        },
        eventMetadata(c.ctx),
      );
      return { conflictId: c.conflictId, acknowledged: true };
    }
    // Decided on the stream that holds the conflict, by the arrivals decider.
    await runDecider(
      this.store,
      row.stream,
      arrivalDecider,
      {
        type: 'AcknowledgeConflict',
        data: {
          conferenceId: c.conferenceId,
          conflictId: c.conflictId,
          registrationId: row.registrationId,
          note: c.note,
          deviceId: c.ctx.deviceId,
          acknowledgedAt: this.clock.now().toISOString(),
        },
      },
      eventMetadata(c.ctx),
    );
    return { conflictId: c.conflictId, acknowledged: true };
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/conflicts')
export class ConflictsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  @ApiAnswer(200, 'ConflictList', { errors: [404] })
  @Roles('organiser')
  list(@Param('cid', ParseUUIDPipe) cid: string): Promise<ConflictList> {
    return this.queries.execute(new ListConflictsQuery(cid));
  }

  @Post(':conflictId/acknowledge')
  @ApiRequest('AcknowledgeConflictRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'ConflictAcknowledged', { errors: [404] })
  @Roles('organiser')
  acknowledge(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('conflictId', ParseUUIDPipe) conflictId: string,
    @Body() dto: AcknowledgeConflictDto,
    @Ctx() ctx: RequestContext,
  ): Promise<ConflictAcknowledged> {
    return this.commands.execute(new AcknowledgeConflictCommand(cid, conflictId, dto.note?.trim() || null, ctx));
  }
}
