import type { UndoAdmissionRequest, UndoRegistrationAdmissionRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { EventStore } from '@emargement/event-store';
import { CommandRefusedError } from '@emargement/decider';
import {
  arrivalDecider,
  lookUpTicket,
  ticketStream,
  type UndoAdmission,
  type UndoOutcome,
} from '@emargement/conference';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { notFound } from '../../shared/api-error.js';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { decideOnNoStream, runDecider } from '../../shared/decider-runner.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { ArrivalsIndex } from '../arrivals-index.js';
import type { AdmissionUndone, RegistrationAdmissionUndone } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class UndoAdmissionDto implements UndoAdmissionRequest {
  @IsString() @Length(1, 500) reason!: string;
}

/** An undo that stands: what the older route answers (it never records a refusal, see the decider). */
type UndoDone = Extract<UndoOutcome, { undoneAt: string }>;

export class UndoAdmissionCommand extends Command<UndoDone> {
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
    private readonly clock: Clock,
  ) {}

  async execute(c: UndoAdmissionCommand): Promise<UndoDone> {
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
        undoneAt: this.clock.now().toISOString(),
      },
    };
    // No ticket holds the scan: the decider judges it on a ticket with no
    // history (and refuses it, `unknown_scan`); there is no stream to write to.
    if (registrationId === null) return decideOnNoStream(arrivalDecider, command) as UndoDone;
    const { outcome } = await runDecider(
      this.store,
      ticketStream(registrationId),
      arrivalDecider,
      command,
      eventMetadata(c.ctx),
    );
    return outcome as UndoDone;
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/scans/:scanId/undo')
export class UndoAdmissionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('UndoAdmissionRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'AdmissionUndone', { errors: [404, 409] })
  @Roles('organiser', 'door')
  undo(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('scanId', ParseUUIDPipe) scanId: string,
    @Body() dto: UndoAdmissionDto,
    @Ctx() ctx: RequestContext,
  ): Promise<AdmissionUndone> {
    return this.commands.execute(new UndoAdmissionCommand(cid, scanId, dto.reason, ctx));
  }
}

// ------------------------------------------------- undo by registration

export class UndoRegistrationAdmissionDto implements UndoRegistrationAdmissionRequest {
  @IsUUID()
  undoId!: string;

  @IsString()
  @Length(1, 500)
  reason!: string;

  @IsOptional()
  @IsUUID()
  scanId?: string;
}

export class UndoRegistrationAdmissionCommand extends Command<RegistrationAdmissionUndone> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly dto: UndoRegistrationAdmissionDto,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/**
 * Any admission undone from wherever the person is seen (the door's search or
 * person screen, the organisers' person page), online or from a door's outbox.
 * A second undo, or one with nothing to undo, is recorded
 * (`AdmissionUndoRefused`) and then answered as a refusal (`already_undone`,
 * `nothing_to_undo`, `unknown_scan`, `not_an_admission`).
 */
@CommandHandler(UndoRegistrationAdmissionCommand)
export class UndoRegistrationAdmissionHandler implements ICommandHandler<UndoRegistrationAdmissionCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(c: UndoRegistrationAdmissionCommand): Promise<RegistrationAdmissionUndone> {
    const conference = await this.registry.scheduled(c.conferenceId);
    const ticket = lookUpTicket(conference, { registrationId: c.registrationId });
    if (!ticket.found) throw notFound('unknown_registration', `No registration ${c.registrationId}`);
    const { outcome } = await runDecider(
      this.store,
      ticketStream(c.registrationId),
      arrivalDecider,
      {
        type: 'UndoAdmission',
        data: {
          conferenceId: c.conferenceId,
          registrationId: c.registrationId,
          scanId: c.dto.scanId ?? null,
          undoId: c.dto.undoId,
          reason: c.dto.reason.trim(),
          deviceId: c.ctx.deviceId,
          undoneAt: this.clock.now().toISOString(),
        },
      },
      eventMetadata(c.ctx),
    );
    const undo = outcome as UndoOutcome;
    // Recorded first (above), answered as a refusal after: the code is the decider's.
    if ('refused' in undo) throw new CommandRefusedError(undo.refused);
    return { undoId: c.dto.undoId, scanId: undo.scanId, registrationId: undo.registrationId, undoneAt: undo.undoneAt };
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/registrations/:rid/undo-admission')
export class UndoRegistrationAdmissionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('UndoRegistrationAdmissionRequest')
  @HttpCode(200)
  @ApiAnswer(200, 'RegistrationAdmissionUndone', { errors: [400, 404, 409] })
  @Roles('organiser', 'door')
  undo(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: UndoRegistrationAdmissionDto,
    @Ctx() ctx: RequestContext,
  ): Promise<RegistrationAdmissionUndone> {
    return this.commands.execute(new UndoRegistrationAdmissionCommand(cid, rid, dto, ctx));
  }
}
