import type { DoorPrinterRequest } from '@emargement/contract';
import { Body, Controller, Get, Inject, Injectable, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import type { EventStore } from '@emargement/event-store';
import { badgePrintersStream, doorPrintersDecider, type DoorPrinter } from '@emargement/conference';
import type { DoorPrinterList } from '@emargement/contract';
import { EVENT_STORE } from '../../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conference-registry.js';
import { loadStream, runDecider } from '../../../shared/decider-runner.js';
import { Ctx, eventMetadata, type RequestContext } from '../../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../../shared/api-answers.js';
import { Roles } from '../../../auth/roles.js';

/**
 * The doors' badge printers, read from their stream (a handful of events per
 * conference: read whole on each use, every instance sees the same).
 */
@Injectable()
export class DoorPrinters {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async list(conferenceId: string): Promise<DoorPrinter[]> {
    const { state } = await loadStream(this.store, badgePrintersStream(conferenceId), doorPrintersDecider);
    return [...state.values()];
  }

  async queues(conferenceId: string): Promise<Set<string>> {
    return new Set((await this.list(conferenceId)).map((p) => p.queue));
  }
}

export class DoorPrinterDto implements DoorPrinterRequest {
  @IsString() @MaxLength(200) door!: string;
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(127)
  queue!: string | null;
  @IsOptional()
  @IsBoolean()
  printOnAdmission?: boolean;
}

export class SetDoorPrinterCommand extends Command<DoorPrinter | null> {
  constructor(
    readonly conferenceId: string,
    readonly dto: DoorPrinterDto,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(SetDoorPrinterCommand)
export class SetDoorPrinterHandler implements ICommandHandler<SetDoorPrinterCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(c: SetDoorPrinterCommand): Promise<DoorPrinter | null> {
    const conference = await this.registry.scheduled(c.conferenceId);
    const { outcome } = await runDecider(
      this.store,
      badgePrintersStream(c.conferenceId),
      doorPrintersDecider,
      {
        type: 'SetDoorPrinter',
        data: {
          conferenceId: c.conferenceId,
          door: c.dto.door,
          queue: c.dto.queue,
          printOnAdmission: c.dto.printOnAdmission ?? false,
          setAt: new Date().toISOString(),
          doors: conference.details.doors,
        },
      },
      eventMetadata(c.ctx),
    );
    return outcome;
  }
}

@ApiTags('badges')
@Controller('conferences/:cid/badge-printers')
export class DoorPrintersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly printers: DoorPrinters,
    private readonly registry: ConferenceRegistry,
  ) {}

  @Get()
  @ApiAnswer(200, 'DoorPrinterList', { errors: [404] })
  @ApiOperation({ summary: 'Which CUPS queue prints each door’s badges, and whether it prints on admission' })
  @Roles('organiser', 'door')
  async list(@Param('cid', ParseUUIDPipe) cid: string): Promise<DoorPrinterList> {
    await this.registry.scheduled(cid);
    return this.printers.list(cid);
  }

  @Put()
  @ApiRequest('DoorPrinterRequest')
  @ApiAnswer(200, 'DoorPrinterList', { errors: [404] })
  @ApiOperation({
    summary: 'Names the CUPS queue of a door (or removes it with queue: null); answers every door’s printer',
    description: '400 unknown_door, invalid_queue. The setting is an event (DoorPrinterSet): every instance sees it.',
  })
  @Roles('organiser')
  async set(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: DoorPrinterDto,
    @Ctx() ctx: RequestContext,
  ): Promise<DoorPrinterList> {
    await this.commands.execute(new SetDoorPrinterCommand(cid, dto, ctx));
    return this.printers.list(cid);
  }
}
