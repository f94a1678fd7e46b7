import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Registration } from '@emargement/conference';
import type { RecordedEvent } from '@emargement/event-store';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { notFound } from '../../shared/api-error.js';
import type { PersonExport as PersonExportAnswer } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { PersonEvents } from '../person-events.js';
import { Clock } from '../../shared/clock.js';
import { Roles } from '../../auth/roles.js';

export interface ExportedEvent {
  type: string;
  stream: string;
  revision: string;
  position: string;
  recordedAt: string;
  data: unknown;
  metadata: unknown;
}

export interface PersonExport {
  exportedAt: string;
  conferenceId: string;
  registrationId: string;
  /** The registration as it stands (names and address empty once erased). */
  registration: Registration;
  /** Scans of the ticket, admitted or refused, and undone admissions. */
  scans: ExportedEvent[];
  payments: ExportedEvent[];
  signatures: ExportedEvent[];
  /** Every event that names this registration, in the order they were recorded. */
  events: ExportedEvent[];
}

const SCANS = new Set(['AttendeeAdmitted', 'EntryRefused', 'AdmissionUndone', 'AdmissionUndoRefused']);

export class ExportPersonQuery extends Query<PersonExport> {
  constructor(
    readonly conferenceId: string,
    readonly registrationId: string,
  ) {
    super();
  }
}

/**
 * The right of access: everything held about one person, found in the log
 * itself (every event of the conference that names the registration, with
 * the device and time that caused it, read from the streams that hold them:
 * `PersonEvents`), not in a read model that might have left something out.
 */
@QueryHandler(ExportPersonQuery)
export class ExportPersonHandler implements IQueryHandler<ExportPersonQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly personEvents: PersonEvents,
    private readonly clock: Clock,
  ) {}

  async execute({ conferenceId, registrationId }: ExportPersonQuery): Promise<PersonExport> {
    const conference = await this.registry.scheduled(conferenceId);
    const registration = conference.registrations.get(registrationId);
    if (registration === undefined) throw notFound('unknown_registration', `No registration ${registrationId}`);
    const events = (await this.personEvents.naming(conferenceId, registrationId)).map(exported);
    return {
      exportedAt: this.clock.now().toISOString(),
      conferenceId,
      registrationId,
      registration,
      scans: events.filter((e) => SCANS.has(e.type)),
      payments: events.filter((e) => e.type === 'LunchPaid' || e.type === 'LunchPaymentReversed'),
      signatures: events.filter((e) => e.type === 'CharterSigned' || e.type === 'SignatureVoided'),
      events,
    };
  }
}

const exported = (e: RecordedEvent): ExportedEvent => ({
  type: e.type,
  stream: e.streamName,
  revision: e.revision.toString(),
  position: e.position.toString(),
  recordedAt: e.created.toISOString(),
  data: e.data,
  metadata: e.metadata,
});

@ApiTags('personal data')
@Controller('conferences/:cid/registrations/:rid/export')
export class ExportPersonController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiAnswer(200, 'PersonExport', { errors: [404] })
  @Roles('organiser')
  export(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
  ): Promise<PersonExportAnswer> {
    return this.queries.execute(new ExportPersonQuery(cid, rid));
  }
}
