import type { BadgePrintRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CommandRefusedError } from '@emargement/decider';
import type { EventStore } from '@emargement/event-store';
import {
  BADGE_LAYOUTS,
  badgeDecider,
  badgeStream,
  registrationById,
  type BadgeFacts,
  type BadgeLayout,
  type BadgePrintOutcome,
  type PrintBadge,
} from '@emargement/conference';
import type { BadgePrinted } from '@emargement/contract';
import { EVENT_STORE } from '../../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conference-registry.js';
import { loadStream, runDecider } from '../../../shared/decider-runner.js';
import { ApiError, badRequest, notFound } from '../../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../../shared/request-context.js';
import { ApiAnswer, ApiRequest } from '../../../shared/api-answers.js';
import { pdfBytes } from '../../tickets/pdf-drawing.js';
import { badgePdf, badgeSheet } from '../badge-pdf.js';
import { CupsPrinter, PrinterError } from '../cups-printer.js';
import { DoorPrinters } from '../door-printers/door-printers.js';
import { Roles } from '../../../auth/roles.js';

export class BadgePrintDto implements BadgePrintRequest {
  @IsUUID()
  printId!: string;
  @IsIn(BADGE_LAYOUTS) layout!: BadgeLayout;
  @IsOptional()
  @IsString()
  @MaxLength(127)
  printer?: string;
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class RecordBadgePrintCommand extends Command<BadgePrintOutcome> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
    readonly dto: BadgePrintDto,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/**
 * Records a badge print on the person's badge stream and, with `printer`,
 * sends the job to that CUPS queue first. The order matters: the print is
 * decided once before sending (a reprint without a reason never reaches the
 * printer), the job is sent, and only a job the queue took is recorded as
 * printed; a queue that did not take it is recorded as `BadgePrintFailed`
 * and answered `503` with the printer's code, and the same `printId` can be
 * sent again once someone has fixed the printer. Printing never admits: the
 * ticket's stream is not touched.
 *
 * Two tries of one print id at once could both reach the printer (the
 * decision is made again after sending): a duplicate badge, never a
 * duplicate record. A door sends one at a time.
 */
@CommandHandler(RecordBadgePrintCommand)
export class RecordBadgePrintHandler implements ICommandHandler<RecordBadgePrintCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly printers: DoorPrinters,
    private readonly cups: CupsPrinter,
  ) {}

  async execute(c: RecordBadgePrintCommand): Promise<BadgePrintOutcome> {
    const conference = await this.registry.scheduled(c.conferenceId);
    const r = registrationById(conference, c.registrationId);
    if (!r) throw notFound('unknown_registration', `No registration ${c.registrationId}`);
    const person: BadgeFacts = { registrationId: r.registrationId, status: r.status, erased: r.erasedAt !== undefined };
    const printer = c.dto.printer ?? null;
    if (printer !== null && !(await this.printers.queues(c.conferenceId)).has(printer)) {
      throw badRequest('unknown_printer', `No door of this conference prints on ${printer}`, [
        { field: 'printer', message: 'a queue named for a door (GET …/badge-printers)' },
      ]);
    }
    const command: PrintBadge = {
      type: 'PrintBadge',
      data: {
        conferenceId: c.conferenceId,
        printId: c.dto.printId,
        layout: c.dto.layout,
        printer,
        reason: c.dto.reason ?? null,
        deviceId: c.ctx.deviceId,
        printedAt: new Date().toISOString(),
        person,
      },
    };
    const stream = badgeStream(c.registrationId);
    const metadata = eventMetadata(c.ctx);

    if (printer !== null) {
      const { state } = await loadStream(this.store, stream, badgeDecider);
      const decision = badgeDecider.decide(command, state);
      if (!decision.ok) throw new CommandRefusedError(decision.reason, decision.detail);
      if (decision.events.length === 0) return decision.outcome as BadgePrintOutcome; // already printed: not again
      const badge = badgeSheet(conference.conferenceId, conference.details, r);
      try {
        // The job's title is the print id, not the name: CUPS keeps job titles in its logs.
        await this.cups.print(printer, await pdfBytes(badgePdf(c.dto.layout, badge)), `badge-${c.dto.printId}`);
      } catch (error) {
        if (!(error instanceof PrinterError)) throw error;
        await runDecider(
          this.store,
          stream,
          badgeDecider,
          {
            type: 'RecordBadgePrintFailure',
            data: {
              conferenceId: c.conferenceId,
              registrationId: c.registrationId,
              printId: c.dto.printId,
              layout: c.dto.layout,
              printer,
              code: error.code,
              deviceId: c.ctx.deviceId,
              failedAt: new Date().toISOString(),
            },
          },
          metadata,
        );
        throw new ApiError(503, error.code, error.message, undefined, { printer, retryable: true });
      }
    }
    const { outcome } = await runDecider(this.store, stream, badgeDecider, command, metadata);
    return outcome as BadgePrintOutcome;
  }
}

@ApiTags('badges')
@Controller('conferences/:cid/registrations/:rid/badge-prints')
export class RecordBadgePrintController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiRequest('BadgePrintRequest')
  @HttpCode(201)
  @ApiAnswer(201, 'BadgePrinted', { errors: [404, 409, 410, 503] })
  @ApiOperation({
    summary: 'Records a badge printed (the print log) and, with `printer`, sends it to that CUPS queue',
    description:
      'The first copy needs no reason; later ones do (409 reprint_reason_required, with copies and lastPrintedAt). ' +
      'The same printId again writes nothing and answers as the first time. A printer that did not take the job: ' +
      '503 printer_stopped, printer_out_of_paper, printer_not_found, printer_unreachable or printer_failed, ' +
      'recorded as BadgePrintFailed; send the same printId again once fixed. Printing never admits anyone.',
  })
  @Roles('organiser', 'door')
  async print(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: BadgePrintDto,
    @Ctx() ctx: RequestContext,
  ): Promise<BadgePrinted> {
    const { printId, copy, printedAt } = await this.commands.execute(new RecordBadgePrintCommand(cid, rid, dto, ctx));
    return { printId, copy, printedAt };
  }
}
