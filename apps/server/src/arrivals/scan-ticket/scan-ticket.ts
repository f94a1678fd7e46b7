import type { ScanRequest } from '@emargement/contract';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { WrongExpectedRevisionError, type EventStore, type StreamAppend } from '@emargement/event-store';
import {
  ID_CHECK_DOCUMENTS,
  ENTRY_REFUSAL_REASONS,
  arrivalDecider,
  lookUpTicket,
  registrationById,
  scanClaimDecider,
  scanIdStream,
  scanStream,
  type IdCheckDocument,
  type EntryRefusalReason,
  type IdCheck,
  type ScanOutcome,
  type ScanTicket,
  type TicketLookup,
  type TicketReference,
  type ClaimScanId,
  type ScanIdClaimed,
} from '@emargement/conference';
import { CommandRefusedError } from '@emargement/decider';
import { createHash, randomUUID } from 'node:crypto';
import { EVENT_STORE } from '../../event-store/event-store.module.js';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { runDecider } from '../../shared/decider-runner.js';
import { badRequest } from '../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { attendeeView } from '../attendee-view.js';
import { TicketCache } from '../ticket-cache.js';
import type { ScanAnswer as ScanAnswerBody } from '@emargement/contract';
import { ApiAnswer, ApiRequest } from '../../shared/api-answers.js';
import { MovePersonCommand } from '../../spaces/move-person.js';
import { MOVEMENT_REFUSAL_REASONS, SITE, type MovementRefusalReason } from '@emargement/spaces';
import { IsInstant } from '../../shared/instant.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export class IdCheckDto {
  @IsIn(ID_CHECK_DOCUMENTS)
  document!: IdCheckDocument;
  @ValidateIf((o: IdCheckDto) => o.document !== 'none' || o.nameMatches !== undefined)
  @IsBoolean()
  nameMatches?: boolean;
}

const OFFLINE_REASONS = [...ENTRY_REFUSAL_REASONS, ...MOVEMENT_REFUSAL_REASONS] as const;

export class OfflineDecisionDto {
  @IsIn(['admitted', 'refused'])
  result!: 'admitted' | 'refused';
  @IsOptional()
  @IsIn(OFFLINE_REASONS)
  reason?: EntryRefusalReason | MovementRefusalReason;
  @IsOptional()
  @IsIn(['in', 'out'])
  direction?: 'in' | 'out';
}

const isEntryReason = (reason: string): reason is EntryRefusalReason =>
  (ENTRY_REFUSAL_REASONS as readonly string[]).includes(reason);
const isMovementReason = (reason: string): reason is MovementRefusalReason =>
  (MOVEMENT_REFUSAL_REASONS as readonly string[]).includes(reason);

export class ScanDto implements ScanRequest {
  @IsUUID() scanId!: string;
  @IsOptional() @IsString() @Length(1, 512) ticketCode?: string;
  @IsOptional() @IsUUID() registrationId?: string;
  @IsOptional()
  @IsString()
  @Length(1, 60)
  door?: string;
  @IsOptional()
  @IsString()
  @Length(1, 80)
  space?: string;
  @IsOptional()
  @IsIn(['in', 'out', 'auto'])
  direction?: 'in' | 'out' | 'auto';
  @IsOptional()
  @ValidateNested()
  @Type(() => IdCheckDto)
  idCheck?: IdCheckDto;
  @IsOptional() @MaxLength(64) @IsInstant() scannedAt?: string;
  @IsOptional()
  @ValidateNested()
  @Type(() => OfflineDecisionDto)
  offline?: OfflineDecisionDto;
}

export interface ScanAnswer {
  scanId: string;
  result: 'admitted' | 'refused';
  reason?: EntryRefusalReason;
  attendee?: ReturnType<typeof attendeeView>;
  admittedAt?: string;
  door?: string;
  previous?: { at: string; door: string };
  /** For a scan decided offline: where the server, knowing everything, would have decided otherwise. */
  conflict?: { conflictId: string; reason: EntryRefusalReason; previous?: { at: string; door: string } };
}

export class ScanTicketCommand extends Command<ScanAnswer> {
  constructor(
    readonly conferenceId: string,
    readonly scanId: string,
    readonly reference: TicketReference,
    readonly door: string,
    readonly idCheck: IdCheck | null,
    readonly scannedAt: string,
    readonly ctx: RequestContext,
    readonly offline: { result: 'admitted' | 'refused'; reason: EntryRefusalReason | null } | null = null,
    /** The scan time as the device sent it (`null`: the server's), for the scan's fingerprint. */
    readonly sentScannedAt: string | null = scannedAt,
  ) {
    super();
  }
}

/**
 * What a scan is, as a hash: which ticket (the registration it names, however
 * it was named), which device, door and ID check, and the scan time the
 * device sent. How it was decided is left out: a phone whose online scan got
 * no answer decides the same scan itself and uploads it later, by
 * registration id and with its offline decision; that is the same scan, and
 * the server keeps its first answer (FIELD-NOTES, pretixSCAN's dangerous
 * case). A ticket code that names no registration is hashed with the rest,
 * so the claim holds no bearer secret.
 */
export const scanFingerprint = (c: ScanTicketCommand, ticket: TicketLookup): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        c.conferenceId,
        c.ctx.deviceId,
        ticket.found
          ? ['registration', ticket.registrationId]
          : 'ticketCode' in c.reference
            ? ['code', c.reference.ticketCode]
            : ['registration', c.reference.registrationId.toLowerCase()],
        c.door,
        c.sentScannedAt,
        c.idCheck === null ? null : [c.idCheck.document, c.idCheck.nameMatches],
      ]),
      'utf8',
    )
    .digest('hex');

/** The claim's event, as the claim decider writes it on a scan id not claimed yet. */
function presumedNewClaim(claim: ClaimScanId): ScanIdClaimed {
  const decision = scanClaimDecider.decide(claim, scanClaimDecider.initialState());
  if (!decision.ok || decision.events.length !== 1)
    throw new Error('A scan id not claimed yet is claimed by one event');
  return decision.events[0]!;
}

@CommandHandler(ScanTicketCommand)
export class ScanTicketHandler implements ICommandHandler<ScanTicketCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tickets: TicketCache,
    private readonly clock: Clock,
  ) {}

  async execute(c: ScanTicketCommand): Promise<ScanAnswer> {
    const conference = await this.registry.scheduled(c.conferenceId);
    const ticket = lookUpTicket(conference, c.reference);
    const command: ScanTicket = {
      type: 'ScanTicket',
      data: {
        conferenceId: c.conferenceId,
        scanId: c.scanId,
        door: c.door,
        deviceId: c.ctx.deviceId,
        scannedAt: c.scannedAt,
        idCheck: c.idCheck,
        ticket,
        // The door's name is the decider's to judge (`unknown_door`), against the conference's doors.
        doors: conference.details.doors,
        offline:
          c.offline === null
            ? null
            : {
                ...c.offline,
                receivedAt: this.clock.now().toISOString(),
                conflictIds: [randomUUID(), randomUUID()] as const,
              },
      },
    };
    // A command the decider refuses whatever the ticket's history (`unknown_door`,
    // `offline_reason_missing`) is refused before the scan id is claimed:
    // a refused command writes nothing.
    const dryRun = arrivalDecider.decide(command, arrivalDecider.initialState());
    if (!dryRun.ok) throw new CommandRefusedError(dryRun.reason, dryRun.detail);
    const metadata = eventMetadata(c.ctx, { door: c.door });
    const claimStream = scanIdStream(c.scanId.toLowerCase());
    const claim: ClaimScanId = {
      type: 'ClaimScanId',
      data: {
        conferenceId: c.conferenceId,
        scanId: c.scanId,
        fingerprint: scanFingerprint(c, ticket),
        claimedAt: this.clock.now().toISOString(),
      },
    };
    // A known ticket is decided on its cached fold (TicketCache): the scan's
    // cost does not grow with the ticket's history.
    const decide = () =>
      ticket.found
        ? this.tickets.aggregates.run(ticket.registrationId, command, metadata)
        : runDecider(this.store, scanStream(c.conferenceId, ticket, c.scanId), arrivalDecider, command, metadata);
    let decided: { outcome: unknown } | undefined;
    if (ticket.found && this.store.appendToStreams) {
      // One id, one scan, for ever. A scan id is new but for a retry: its
      // claim (on a new stream, `no_stream`) is committed with the decision,
      // in one commit, all or nothing. When the id is claimed already (a
      // retry, or the id reused), nothing is written and the claim is
      // checked as below.
      const claimed = presumedNewClaim(claim);
      const alongside: StreamAppend[] = [
        {
          streamName: claimStream,
          events: [{ id: randomUUID(), type: claimed.type, data: claimed.data, metadata }],
          expectedRevision: 'no_stream',
        },
      ];
      try {
        decided = await this.tickets.aggregates.run(ticket.registrationId, command, metadata, alongside);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError && error.streamName === claimStream)) throw error;
      }
    }
    if (decided === undefined) {
      // Claimed before the scan is decided (a store that cannot append
      // across streams, a ticket no one holds, or an id claimed already), so
      // that a retry after a crash between the two finds its own claim and
      // goes on; an id reused for another scan is refused here.
      await runDecider(this.store, claimStream, scanClaimDecider, claim, metadata, { presumeNew: true });
      decided = await decide();
    }
    const scan = decided.outcome as ScanOutcome;
    const registration = scan.registrationId ? registrationById(conference, scan.registrationId) : undefined;
    const attendee = registration ? attendeeView(registration) : undefined;
    const conflict = scan.conflict
      ? {
          conflict: {
            conflictId: scan.conflict.conflictId,
            reason: scan.conflict.reason,
            ...(scan.conflict.previous ? { previous: scan.conflict.previous } : {}),
          },
        }
      : {};
    if (scan.result === 'admitted') {
      return {
        scanId: scan.scanId,
        result: 'admitted',
        attendee,
        admittedAt: scan.admittedAt,
        door: scan.door,
        ...conflict,
      };
    }
    return {
      scanId: scan.scanId,
      result: 'refused',
      reason: scan.reason,
      ...(attendee ? { attendee } : {}),
      ...(scan.previous ? { previous: scan.previous } : {}),
      ...conflict,
    };
  }
}

@ApiTags('arrivals')
@Controller('conferences/:cid/scans')
export class ScanTicketController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiRequest('ScanRequest')
  @ApiAnswer(200, 'ScanAnswer', {
    errors: [404, 409],
    description: 'Admitted or refused: a refusal is an answer, not an error',
  })
  @Roles('organiser', 'door')
  async scan(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() dto: ScanDto,
    @Ctx() ctx: RequestContext,
  ): Promise<ScanAnswerBody> {
    if ((dto.ticketCode === undefined) === (dto.registrationId === undefined)) {
      throw badRequest('validation_failed', 'Give exactly one of ticketCode or registrationId', [
        { field: 'ticketCode', message: 'exactly one of ticketCode or registrationId' },
      ]);
    }
    if ((dto.door === undefined) === (dto.space === undefined)) {
      throw badRequest('validation_failed', 'Give exactly one of door or space', [
        { field: 'door', message: 'exactly one of door or space' },
      ]);
    }
    const reference: TicketReference =
      dto.ticketCode !== undefined ? { ticketCode: dto.ticketCode } : { registrationId: dto.registrationId! };
    if (dto.offline !== undefined && dto.scannedAt === undefined) {
      throw badRequest('validation_failed', 'A scan decided offline carries its scannedAt', [
        { field: 'scannedAt', message: 'required with offline' },
      ]);
    }
    if (dto.offline?.result === 'refused' && dto.offline.reason === undefined) {
      throw badRequest('validation_failed', 'A refusal decided offline carries its reason', [
        { field: 'offline.reason', message: 'required when offline.result is refused' },
      ]);
    }
    if (dto.space !== undefined || dto.direction !== undefined) {
      if (dto.idCheck !== undefined) {
        throw badRequest('validation_failed', 'A movement carries no ID check', [
          { field: 'idCheck', message: 'not with space or direction' },
        ]);
      }
      const offline = dto.offline;
      if (offline !== undefined && dto.space !== undefined) {
        // A movement the space's phone decided without the server: what it decided, in which direction.
        if (offline.direction === undefined) {
          throw badRequest('validation_failed', 'A movement decided offline carries the direction decided', [
            { field: 'offline.direction', message: 'required with space' },
          ]);
        }
        if (offline.reason !== undefined && !isMovementReason(offline.reason)) {
          throw badRequest('validation_failed', 'A movement is refused for a movement reason', [
            { field: 'offline.reason', message: `one of ${MOVEMENT_REFUSAL_REASONS.join(', ')}` },
          ]);
        }
      }
      // A movement: at a space's door, or (a door with a direction) leaving the site or coming back.
      const movement = await this.commands.execute(
        new MovePersonCommand(
          cid,
          {
            scanId: dto.scanId,
            reference,
            space: dto.space ?? SITE,
            direction: dto.direction ?? 'auto',
            ...(dto.scannedAt !== undefined ? { scannedAt: dto.scannedAt } : {}),
            ...(offline !== undefined && dto.space !== undefined
              ? {
                  offline: {
                    result: offline.result,
                    reason: (offline.reason as MovementRefusalReason | undefined) ?? null,
                    direction: offline.direction!,
                  },
                }
              : {}),
          },
          ctx,
        ),
      );
      if (movement !== null) {
        return {
          scanId: movement.scanId,
          result: movement.result,
          direction: movement.direction,
          space: movement.space,
          ...(movement.reason !== null ? { reason: movement.reason } : {}),
          ...(movement.detail !== null ? { detail: movement.detail } : {}),
          ...(movement.conflict !== undefined
            ? {
                conflict: {
                  conflictId: movement.conflict.conflictId,
                  reason: movement.conflict.reason,
                  ...(movement.conflict.detail !== null ? { detail: movement.conflict.detail } : {}),
                },
              }
            : {}),
        };
      }
      if (offline !== undefined) {
        // A door's offline « in » that is the entrance's business is the entrance's offline scan; a space's
        // offline movement always gets an answer above.
        throw badRequest('validation_failed', 'An offline scan at a door is an entrance scan: no direction', [
          { field: 'direction', message: 'not with offline at a door' },
        ]);
      }
      // At a door, someone not yet admitted (or on site, coming in): the entrance's own scan.
    }
    if (dto.offline?.reason !== undefined && !isEntryReason(dto.offline.reason)) {
      throw badRequest('validation_failed', 'An entrance scan is refused for an entrance reason', [
        { field: 'offline.reason', message: `one of ${ENTRY_REFUSAL_REASONS.join(', ')}` },
      ]);
    }
    return this.commands.execute(
      new ScanTicketCommand(
        cid,
        dto.scanId,
        reference,
        dto.door!,
        // With no document there was no name to compare: recorded as not matching.
        dto.idCheck ? { document: dto.idCheck.document, nameMatches: dto.idCheck.nameMatches ?? false } : null,
        dto.scannedAt ?? this.clock.now().toISOString(),
        ctx,
        dto.offline ? { result: dto.offline.result, reason: (dto.offline.reason as EntryRefusalReason) ?? null } : null,
        dto.scannedAt ?? null,
      ),
    );
  }
}
