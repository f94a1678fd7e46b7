import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import {
  Command,
  CommandBus,
  CommandHandler,
  Query,
  QueryBus,
  QueryHandler,
  type ICommandHandler,
  type IQueryHandler,
} from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../shared/request-context.js';
import type { AuthenticatedRequest } from './auth.guard.js';
import { DeviceRegistry, type DeviceView } from './device-registry.js';
import { ROLES, type Principal, type Role } from './roles.js';
import type {
  Device,
  DeviceList,
  EnrolledDevice as EnrolledDeviceAnswer,
  Principal as PrincipalAnswer,
} from '@emargement/contract';
import { ApiAnswer } from '../shared/api-answers.js';

export class EnrolDeviceDto {
  /** As the organiser will recognise it in the list: « Porte A », « Tablette charte 1 ». */
  @ApiProperty() @IsString() @Length(1, 100) @Matches(/\S/, { message: 'name must not be blank' }) name!: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  /** Limits the device to one conference; any conference when absent. */
  @ApiPropertyOptional() @IsOptional() @IsUUID() conferenceId?: string;
}

export interface EnrolledDevice extends DeviceView {
  /** Shown once: only its hash is kept. */
  token: string;
}

export class EnrolDeviceCommand extends Command<EnrolledDevice> {
  constructor(
    readonly name: string,
    readonly role: Role,
    readonly conferenceId: string | null,
    readonly by: Principal,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(EnrolDeviceCommand)
export class EnrolDeviceHandler implements ICommandHandler<EnrolDeviceCommand> {
  constructor(
    private readonly devices: DeviceRegistry,
    private readonly conferences: ConferenceRegistry,
  ) {}
  async execute(c: EnrolDeviceCommand): Promise<EnrolledDevice> {
    if (c.conferenceId !== null) await this.conferences.scheduled(c.conferenceId);
    const { device, token } = await this.devices.enrol(
      { name: c.name, role: c.role, conferenceId: c.conferenceId },
      c.by,
      eventMetadata(c.ctx),
    );
    return { ...device, token };
  }
}

export class RevokeDeviceCommand extends Command<DeviceView> {
  constructor(
    readonly deviceId: string,
    readonly by: Principal,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(RevokeDeviceCommand)
export class RevokeDeviceHandler implements ICommandHandler<RevokeDeviceCommand> {
  constructor(private readonly devices: DeviceRegistry) {}
  execute(c: RevokeDeviceCommand): Promise<DeviceView> {
    return this.devices.revoke(c.deviceId, c.by, eventMetadata(c.ctx));
  }
}

export class ListDevicesQuery extends Query<{ devices: DeviceView[]; publicUrl: string | null }> {}

/**
 * The devices, and the address they should be paired on (`PUBLIC_URL`, or
 * `null` when it is not set): the organisers' page builds its pairing links
 * and QR codes on it rather than on whatever address its own tab shows (a
 * laptop on `localhost` would hand a phone `localhost`).
 */
@QueryHandler(ListDevicesQuery)
export class ListDevicesHandler implements IQueryHandler<ListDevicesQuery> {
  constructor(
    private readonly devices: DeviceRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}
  async execute(): Promise<{ devices: DeviceView[]; publicUrl: string | null }> {
    return { devices: await this.devices.list(), publicUrl: this.config.publicUrl ?? null };
  }
}

const principalOf = (req: AuthenticatedRequest): Principal => req.device!;

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class DevicesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Enrols a device: the answer holds its token, shown this once. */
  @Post('devices')
  @ApiAnswer(201, 'EnrolledDevice', { errors: [404] })
  enrol(
    @Body() dto: EnrolDeviceDto,
    @Req() req: AuthenticatedRequest,
    @Ctx() ctx: RequestContext,
  ): Promise<EnrolledDeviceAnswer> {
    return this.commands.execute(
      new EnrolDeviceCommand(dto.name.trim(), dto.role, dto.conferenceId?.toLowerCase() ?? null, principalOf(req), ctx),
    );
  }

  @Get('devices')
  @ApiAnswer(200, 'DeviceList')
  list(): Promise<DeviceList> {
    return this.queries.execute(new ListDevicesQuery());
  }

  /** Revokes at once: the device's next request gets 401 and its open sockets are closed. */
  @Delete('devices/:deviceId')
  @HttpCode(200)
  @ApiAnswer(200, 'Device', { errors: [404] })
  revoke(
    @Param('deviceId', ParseUUIDPipe) deviceId: string,
    @Req() req: AuthenticatedRequest,
    @Ctx() ctx: RequestContext,
  ): Promise<Device> {
    return this.commands.execute(new RevokeDeviceCommand(deviceId.toLowerCase(), principalOf(req), ctx));
  }

  /** Which device this token is. */
  @Get('me')
  @ApiAnswer(200, 'Principal')
  me(@Req() req: AuthenticatedRequest): PrincipalAnswer {
    return principalOf(req);
  }
}
