import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { EventStore } from '@emargement/event-store';
import { arrivalDecider, ticketStream, type UndoAdmission, type UndoOutcome } from '@emargement/conference';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { decideOnNoStream, runDecider } from '../../shared/decider-runner.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ArrivalsIndex } from '../arrivals-index.js';
import type { AdmissionUndone } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';

export class UndoAdmissionDto {
  @ApiProperty() @IsString() @Length(1, 500) reason!: string;
}

export class UndoAdmissionCommand extends Command<UndoOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly scanId: string,
    readonly reason: string,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(UndoAdmissionCommand)
export class UndoAdmissionHandler implements ICommandHandler<UndoAdmissionCommand> {
  constructor(
    private readonly index: ArrivalsIndex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(c: UndoAdmissionCommand): Promise<UndoOutcome> {
    // The index only finds which ticket's stream the scan is in; whether it
    // can be undone is the decider's, on that ticket's history.
    const scan = await this.index.scan(c.scanId);
    const registrationId =
      scan && scan.conferenceId === c.conferenceId && scan.registrationId !== null ? scan.registrationId : null;
    const command: UndoAdmission = {
      type: 'UndoAdmission',
      data: {
        conferenceId: c.conferenceId,
        registrationId: registrationId ?? '',
        scanId: c.scanId,
        reason: c.reason.trim(),
        deviceId: c.ctx.deviceId,
        undoneAt: new Date().toISOString(),
      },
    };
    // No ticket holds the scan: the decider judges it on a ticket with no
    // history (and refuses it, `unknown_scan`); there is no stream to write to.
    if (registrationId === null) return decideOnNoStream(arrivalDecider, command) as UndoOutcome;
    const { outcome } = await runDecider(
      this.store,
      ticketStream(registrationId),
      arrivalDecider,
      command,
      eventMetadata(c.ctx),
    );
    return outcome as UndoOutcome;
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/scans/:scanId/undo')
export class UndoAdmissionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiAnswer(200, 'AdmissionUndone', { errors: [404, 409] })
  undo(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('scanId', ParseUUIDPipe) scanId: string,
    @Body() dto: UndoAdmissionDto,
    @Ctx() ctx: RequestContext,
  ): Promise<AdmissionUndone> {
    return this.commands.execute(new UndoAdmissionCommand(cid, scanId, dto.reason, ctx));
  }
}
