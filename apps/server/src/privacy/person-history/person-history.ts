import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { RecordedEvent } from '@emargement/event-store';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { CharterRegistry } from '../../charters/charter-registry.js';
import { ADMIN_DEVICE_ID, DeviceRegistry } from '../../auth/device-registry.js';
import { notFound } from '../../shared/api-error.js';
import { PersonEvents } from '../person-events.js';
import { MovementsRegistry } from '../../spaces/movements-registry.js';
import type { DocumentKind, History } from '@emargement/contract';
import { LEFT_BECAUSE, type LeftBecause } from '@emargement/spaces';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

// ------------------------------------------------------------------ shapes

export class HistoryIdCheckView {
  @ApiProperty() document!: DocumentKind;
  @ApiProperty() nameMatches!: boolean;
}

export class HistoryPreviousView {
  @ApiProperty() at!: string;
  @ApiProperty() door!: string;
}

/**
 * What the event says beyond who, where and when, without the person's name
 * or any secret (no ticket code, no signature image): an audit trail may be
 * shown over a shoulder at the welcome desk.
 */
export class HistoryDetailView {
  @ApiPropertyOptional({ enum: ['admitted', 'refused'] }) result?: 'admitted' | 'refused';
  @ApiPropertyOptional({ description: 'A refusal code, or the note given with an undo, a cancellation or an erasure' })
  reason?: string;
  @ApiPropertyOptional({ type: HistoryIdCheckView, nullable: true }) idCheck?: HistoryIdCheckView | null;
  @ApiPropertyOptional({ description: 'The door decided without network; when the server received the scan' })
  offline?: { receivedAt: string };
  @ApiPropertyOptional({ type: HistoryPreviousView }) previous?: HistoryPreviousView;
  @ApiPropertyOptional() scanId?: string;
  @ApiPropertyOptional() conflictId?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional() category?: string;
  @ApiPropertyOptional() source?: string;
  @ApiPropertyOptional() lunch?: boolean;
  @ApiPropertyOptional({ description: 'A promotion from the waiting list: place_freed or capacity_raised' })
  cause?: string;
  @ApiPropertyOptional() previousStatus?: string;
  @ApiPropertyOptional() amountCents?: number;
  @ApiPropertyOptional() currency?: string;
  @ApiPropertyOptional() method?: string;
  @ApiPropertyOptional() charterId?: string;
  @ApiPropertyOptional() charterTitle?: string;
  @ApiPropertyOptional() sequence?: number;
  @ApiPropertyOptional() onBehalfOf?: string;
  @ApiPropertyOptional() kiosk?: string;
  @ApiPropertyOptional({ enum: ['in', 'out'], description: 'A movement: into or out of a space or the site' })
  direction?: 'in' | 'out';
  @ApiPropertyOptional({ description: 'A movement: the space (its id), or `site`' }) spaceId?: string;
  @ApiPropertyOptional({
    enum: [...LEFT_BECAUSE],
    description:
      'Why a person left a space: a scan, an entry elsewhere, an exit from the site, its closing time, the end of the day, their admission undone',
  })
  because?: LeftBecause;
  @ApiPropertyOptional({ description: 'A movement refused: its hours, inside/capacity, the first entry' })
  limits?: Record<string, string | number>;
  @ApiPropertyOptional({ description: 'A badge print (BadgePrinted, BadgePrintFailed)' }) printId?: string;
  @ApiPropertyOptional({ description: 'A badge printed: 1 for the first, 2 for the first reprint, …' }) copy?: number;
  @ApiPropertyOptional() layout?: string;
  @ApiPropertyOptional({ description: 'The CUPS queue, or « appareil » (the device’s own print dialog)' })
  printer?: string;
}

export class HistoryEntryView {
  @ApiProperty({ description: 'When it happened: the scan time for a scan (also one sent late), else the event time' })
  at!: string;
  @ApiProperty({ description: 'When the server recorded it' }) recordedAt!: string;
  @ApiProperty({ description: 'The stored event type, e.g. AttendeeAdmitted' }) type!: string;
  @ApiPropertyOptional() door?: string;
  @ApiPropertyOptional({ description: "The device's name, as the organisers enrolled it" }) device?: string;
  @ApiPropertyOptional() deviceId?: string;
  @ApiProperty({ type: HistoryDetailView }) detail!: HistoryDetailView;
}

export class PersonHistoryQuery extends Query<HistoryEntryView[]> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
  ) {
    super();
  }
}

// ------------------------------------------------------------------ reading

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Drops the keys whose value is undefined, so that the answer names only what the event says. */
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** When the event happened, as its data says (each event type names its own moment). */
const momentOf = (e: RecordedEvent): string => {
  const d = e.data as Data;
  for (const key of [
    'scannedAt',
    'registeredAt',
    'promotedAt',
    'cancelledAt',
    'undoneAt',
    'refusedAt',
    'correctedAt',
    'paidAt',
    'reversedAt',
    'acknowledgedAt',
    'detectedAt',
    'signedAt',
    'voidedAt',
    'erasedAt',
    'printedAt',
    'failedAt',
    'sentAt',
    'droppedAt',
    'attemptedAt',
    'queuedAt',
    'at',
  ]) {
    const v = str(d[key]);
    if (v !== undefined) return v;
  }
  return e.created.toISOString();
};

function detailOf(e: RecordedEvent, charterTitle: (id: string) => string | undefined): HistoryDetailView {
  const d = e.data as Data;
  switch (e.type) {
    case 'PersonRegistered':
    case 'PersonWaitlisted':
      return defined({
        category: str(d.category),
        source: str(d.source),
        lunch: typeof d.lunch === 'boolean' ? d.lunch : undefined,
        beyondCapacity: d.beyondCapacity === true ? true : undefined,
      });
    case 'WaitlistedPersonPromoted':
      return defined({ cause: str(d.cause) });
    case 'RegistrationCancelled':
      return defined({ previousStatus: str(d.previousStatus), reason: str(d.reason) });
    case 'AttendeeAdmitted':
    case 'EntryRefused': {
      const idCheck = d.idCheck as HistoryIdCheckView | null | undefined;
      const offline = d.offline as { receivedAt?: unknown } | undefined;
      const previous = d.previous as { at?: unknown; door?: unknown } | null | undefined;
      return defined({
        result: e.type === 'AttendeeAdmitted' ? ('admitted' as const) : ('refused' as const),
        reason: str(d.reason),
        scanId: str(d.scanId),
        idCheck: idCheck ? { document: idCheck.document, nameMatches: idCheck.nameMatches } : idCheck,
        offline: offline && str(offline.receivedAt) ? { receivedAt: str(offline.receivedAt)! } : undefined,
        previous:
          previous && str(previous.at) && str(previous.door)
            ? { at: str(previous.at)!, door: str(previous.door)! }
            : undefined,
      });
    }
    case 'ScanConflicted':
      return defined({
        reason: str(d.reason),
        scanId: str(d.scanId),
        conflictId: str(d.conflictId),
        offline: str(d.receivedAt) ? { receivedAt: str(d.receivedAt)! } : undefined,
      });
    case 'ConflictAcknowledged':
      return defined({ conflictId: str(d.conflictId), note: str(d.note) });
    case 'AdmissionUndone':
      return defined({ scanId: str(d.scanId), reason: str(d.reason) });
    case 'RegistrationCorrected': {
      // Which fields changed, never their values (a history may be read over a shoulder); the category is no secret.
      const changes = (d.changes ?? {}) as Data;
      const fields = ['firstName', 'lastName', 'email', 'organisation', 'category'].filter((f) =>
        Object.hasOwn(changes, f),
      );
      return defined({ note: fields.join(', '), category: str(changes.category) });
    }
    case 'AdmissionUndoRefused':
      // The refusal's code (already_undone, nothing_to_undo, …) and what staff typed as the undo's reason.
      return defined({ scanId: str(d.scanId), reason: str(d.reason), note: str(d.note) });
    case 'LunchPaid':
      return defined({
        paymentId: str(d.paymentId),
        amountCents: num(d.amountCents),
        currency: str(d.currency),
        method: str(d.method),
      });
    case 'LunchPaymentReversed':
      return defined({
        paymentId: str(d.paymentId),
        amountCents: num(d.amountCents),
        currency: str(d.currency),
        method: str(d.method),
        reason: str(d.reason),
      });
    case 'CharterSigned':
    case 'SignatureVoided': {
      const charterId = str(d.charterId);
      return defined({
        charterId,
        charterTitle: charterId ? charterTitle(charterId) : undefined,
        sequence: num(d.sequence),
        onBehalfOf: str(d.onBehalfOf),
        kiosk: str(d.kiosk),
        reason: str(d.reason),
      });
    }
    case 'PersonalDataErased':
      return defined({ reason: str(d.reason) });
    case 'PersonEnteredSpace':
    case 'PersonReturnedToSite':
      return defined({ direction: 'in' as const, spaceId: str(d.spaceId), scanId: str(d.scanId) });
    case 'PersonLeftSpace':
    case 'PersonLeftSite':
      return defined({
        direction: 'out' as const,
        spaceId: str(d.spaceId),
        because: e.type === 'PersonLeftSite' ? undefined : (str(d.because) as LeftBecause | undefined),
        scanId: str(d.scanId),
      });
    case 'MovementRefused': {
      const limits = d.detail as Record<string, string | number> | null | undefined;
      return defined({
        result: 'refused' as const,
        direction: d.direction === 'in' || d.direction === 'out' ? d.direction : undefined,
        spaceId: str(d.spaceId),
        reason: str(d.reason),
        limits: limits ?? undefined,
        scanId: str(d.scanId),
      });
    }
    case 'MovementConflicted': {
      // A movement the space's phone let through offline that the server would have refused.
      const limits = d.detail as Record<string, string | number> | null | undefined;
      return defined({
        direction: d.direction === 'in' || d.direction === 'out' ? d.direction : undefined,
        spaceId: str(d.spaceId),
        reason: str(d.reason),
        limits: limits ?? undefined,
        scanId: str(d.scanId),
        conflictId: str(d.conflictId),
        offline: str(d.receivedAt) ? { receivedAt: str(d.receivedAt)! } : undefined,
      });
    }
    case 'MovementConflictAcknowledged':
      return defined({ conflictId: str(d.conflictId), note: str(d.note) });
    case 'PersonMarkedPresent':
      return {};
    // A badge printed: which copy, where (a queue, or the device itself), and a reprint's reason; never the name.
    case 'BadgePrinted':
      return defined({
        printId: str(d.printId),
        copy: num(d.copy),
        layout: str(d.layout),
        printer: str(d.printer) ?? 'appareil',
        reason: str(d.reason),
      });
    case 'BadgePrintFailed':
      return defined({
        result: 'refused' as const,
        printId: str(d.printId),
        layout: str(d.layout),
        printer: str(d.printer),
        reason: str(d.code),
      });
    // The ticket by e-mail: the failure's or drop's reason and the SMTP server's answer, never the address.
    case 'TicketSendQueued':
      return defined({ note: d.resend === true ? 'resend' : undefined });
    case 'TicketSendAttempted':
      return {};
    case 'TicketSent':
      return defined({ note: str(d.response) });
    case 'TicketSendFailed':
      return defined({ reason: str(d.reason), note: str(d.response) });
    case 'TicketSendDropped':
      return defined({ reason: str(d.reason) });
    default:
      return {};
  }
}

/**
 * A person's whole story, oldest first: every event of the log that names
 * them (the same search as the right of access, `eventsNaming`), each with
 * where it happened and the name of the device that caused it. Events are
 * ordered by when they happened: a scan a door made offline at 9:40 and sent
 * at 11:00 is told at 9:40, with its reception time in its detail. Ties keep
 * the log's order.
 */
@QueryHandler(PersonHistoryQuery)
export class PersonHistoryHandler implements IQueryHandler<PersonHistoryQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly charters: CharterRegistry,
    private readonly devices: DeviceRegistry,
    private readonly personEvents: PersonEvents,
    private readonly movements: MovementsRegistry,
  ) {}

  async execute({ conferenceId, registrationId }: PersonHistoryQuery): Promise<HistoryEntryView[]> {
    const conference = await this.registry.scheduled(conferenceId);
    if (!conference.registrations.has(registrationId))
      throw notFound('unknown_registration', `No registration ${registrationId}`);
    const events = await this.personEvents.naming(conferenceId, registrationId);

    const names = new Map((await this.devices.list()).map((d) => [d.deviceId, d.name]));
    const deviceName = (id: string | undefined): string | undefined =>
      id === undefined ? undefined : id === ADMIN_DEVICE_ID ? 'Organisation' : names.get(id);
    const titles = new Map<string, string | undefined>();
    for (const e of events) {
      const chid = str((e.data as Data).charterId);
      if (chid === undefined || titles.has(chid)) continue;
      const { state } = await this.charters.current(chid);
      titles.set(chid, state.status === 'not_published' ? undefined : state.charter.title);
    }

    // A movement happened in a space: its name stands where a scan's door does (the site's own doors: « site »).
    const spaces = (await this.movements.current(conferenceId)).state.spaces;
    const placeOf = (d: Data): string | undefined => {
      const spaceId = str(d.spaceId);
      return spaceId === undefined ? undefined : (spaces.get(spaceId)?.name ?? spaceId);
    };

    return events
      .map((e, index) => {
        const d = e.data as Data;
        const m = e.metadata ?? {};
        const deviceId = str(d.deviceId) ?? str(m.deviceId);
        const entry: HistoryEntryView = defined({
          at: momentOf(e),
          recordedAt: e.created.toISOString(),
          type: e.type,
          door: str(d.door) ?? str(m.door) ?? placeOf(d),
          device: deviceName(deviceId),
          deviceId,
          detail: detailOf(e, (id) => titles.get(id)),
        });
        return { entry, index };
      })
      .sort((a, b) => Date.parse(a.entry.at) - Date.parse(b.entry.at) || a.index - b.index)
      .map(({ entry }) => entry);
  }
}

@ApiTags('personal data')
@Controller('conferences/:cid/registrations/:rid/history')
export class PersonHistoryController {
  constructor(private readonly queries: QueryBus) {}

  /** Everything that happened to one person, oldest first, with the door and the device's name. */
  @Get()
  @ApiAnswer(200, 'History', { errors: [404] })
  @Roles('organiser')
  history(@Param('cid', ParseUUIDPipe) cid: string, @Param('rid', ParseUUIDPipe) rid: string): Promise<History> {
    return this.queries.execute(new PersonHistoryQuery(cid, rid));
  }
}
