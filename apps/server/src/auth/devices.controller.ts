import type { EnrolDeviceRequest } from '@emargement/contract';
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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../shared/request-context.js';
import type { AuthenticatedRequest } from './auth.guard.js';
import { DeviceRegistry, type DeviceView } from './device-registry.js';
import { ROLES, type Principal, type Role, Roles, ANY_ROLE } from './roles.js';
import type {
  Device,
  DeviceList,
  EnrolledDevice as EnrolledDeviceAnswer,
  Principal as PrincipalAnswer,
} from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../shared/api-answers.js';
import { ApiError } from '../shared/api-error.js';
import { enrolmentScope, withinScope } from '@emargement/devices';

export class EnrolDeviceDto implements EnrolDeviceRequest {
  /** As the organiser will recognise it in the list: « Porte A », « Tablette charte 1 ». */
  @IsString() @Length(1, 100) @Matches(/\S/, { message: 'name must not be blank' }) name!: string;
  @IsIn(ROLES) role!: Role;
  /** Limits the device to one conference; any conference when absent. */
  @IsOptional() @IsUUID() conferenceId?: string;
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
    const scope = enrolmentScope(c.by, c.conferenceId);
    if (!scope.ok) throw new ApiError(403, 'forbidden', 'This device is enrolled for another conference');
    const { conferenceId } = scope;
    if (conferenceId !== null) await this.conferences.scheduled(conferenceId);
    const { device, token } = await this.devices.enrol(
      { name: c.name, role: c.role, conferenceId },
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
  async execute(c: RevokeDeviceCommand): Promise<DeviceView> {
    // A bound device revokes only its own conference's devices; another's is
    // answered as unknown, as the list it sees does not show it either.
    const target = (await this.devices.list()).find((d) => d.deviceId === c.deviceId);
    if (target !== undefined && !withinScope(c.by, target.conferenceId)) {
      throw new ApiError(404, 'device_not_found', 'No such device');
    }
    return this.devices.revoke(c.deviceId, c.by, eventMetadata(c.ctx));
  }
}

export class ListDevicesQuery extends Query<{ devices: DeviceView[]; publicUrl: string | null }> {
  constructor(readonly by: Principal) {
    super();
  }
}

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
  async execute(q: ListDevicesQuery): Promise<{ devices: DeviceView[]; publicUrl: string | null }> {
    const devices = (await this.devices.list()).filter((d) => withinScope(q.by, d.conferenceId));
    return { devices, publicUrl: this.config.publicUrl ?? null };
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
  @ApiRequest('EnrolDeviceRequest')
  @ApiAnswer(201, 'EnrolledDevice', { errors: [404] })
  @Roles('organiser')
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
  @Roles('organiser')
  list(@Req() req: AuthenticatedRequest): Promise<DeviceList> {
    return this.queries.execute(new ListDevicesQuery(principalOf(req)));
  }

  /** Revokes at once: the device's next request gets 401 and its open sockets are closed. */
  @Delete('devices/:deviceId')
  @HttpCode(200)
  @ApiAnswer(200, 'Device', { errors: [404] })
  @Roles('organiser')
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
  @Roles(...ANY_ROLE)
  me(@Req() req: AuthenticatedRequest): PrincipalAnswer {
    return principalOf(req);
  }
}
