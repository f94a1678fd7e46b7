import type { EnrolDeviceRequest, EnrolledDevice as EnrolledDeviceAnswer } from '@emargement/contract';
import { Body, Controller, Post, Req } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { enrolmentScope } from '@emargement/devices';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { ApiError } from '../../shared/api-error.js';
import type { AuthenticatedRequest } from '../auth.guard.js';
import { DeviceRegistry, type DeviceView } from '../device-registry.js';
import { ROLES, Roles, type Principal, type Role } from '../roles.js';

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

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class EnrolDeviceController {
  constructor(private readonly commands: CommandBus) {}

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
      new EnrolDeviceCommand(dto.name.trim(), dto.role, dto.conferenceId?.toLowerCase() ?? null, req.device!, ctx),
    );
  }
}
