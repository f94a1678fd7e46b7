import type { Device } from '@emargement/contract';
import { Controller, Delete, HttpCode, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { withinScope } from '@emargement/devices';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ApiAnswer } from '../../shared/api-answers.js';
import { ApiError } from '../../shared/api-error.js';
import type { AuthenticatedRequest } from '../auth.guard.js';
import { DeviceRegistry, type DeviceView } from '../device-registry.js';
import { Roles, type Principal } from '../roles.js';

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

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class RevokeDeviceController {
  constructor(private readonly commands: CommandBus) {}

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
    return this.commands.execute(new RevokeDeviceCommand(deviceId.toLowerCase(), req.device!, ctx));
  }
}
