import type { DeviceList } from '@emargement/contract';
import { Controller, Get, Inject, Req } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { withinScope } from '@emargement/devices';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ApiAnswer } from '../../shared/api-answers.js';
import type { AuthenticatedRequest } from '../auth.guard.js';
import { DeviceRegistry, type DeviceView } from '../device-registry.js';
import { Roles, type Principal } from '../roles.js';

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

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class ListDevicesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('devices')
  @ApiAnswer(200, 'DeviceList')
  @Roles('organiser')
  list(@Req() req: AuthenticatedRequest): Promise<DeviceList> {
    return this.queries.execute(new ListDevicesQuery(req.device!));
  }
}
