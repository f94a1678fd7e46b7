import { Controller, Get, Header, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { REGISTRATION_COLUMNS, writeCsv, type CsvValue, type Registration } from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { ArrivalsIndex } from '../../arrivals/arrivals-index.js';
import { fileName } from '../tickets/ticket-sheet.js';
import { ApiFileAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

/**
 * The import's columns first (so that the file can be imported again
 * elsewhere), then what happened since. Never the ticket code: it is the
 * bearer secret a QR code carries, and a spreadsheet travels.
 */
export const EXPORT_COLUMNS = [
  ...REGISTRATION_COLUMNS,
  'registration_id',
  'status',
  'source',
  'registered_at',
  'admitted_at',
  'door',
  'lunch_paid',
  'erased',
] as const;

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** One row; a person whose data was erased keeps the row (the counts stay right) with no name and no address. */
export function exportRow(
  r: Registration,
  ticket: { admitted: { at: string; door: string } | null; lunchPaid: boolean },
) {
  const erased = (r.person as { erased?: boolean }).erased === true;
  const row: Record<(typeof EXPORT_COLUMNS)[number], CsvValue> = {
    first_name: erased ? '' : r.person.firstName,
    last_name: erased ? '' : r.person.lastName,
    email: erased ? '' : r.person.email,
    organisation: r.person.organisation ?? '',
    category: r.category,
    lunch: yesNo(r.lunch),
    photo_consent: yesNo(r.photoConsent),
    registration_id: r.registrationId,
    status: r.status,
    source: r.source,
    registered_at: r.registeredAt,
    admitted_at: ticket.admitted?.at ?? '',
    door: ticket.admitted?.door ?? '',
    lunch_paid: yesNo(ticket.lunchPaid),
    erased: yesNo(erased),
  };
  return EXPORT_COLUMNS.map((c) => row[c]);
}

export interface RegistrationsCsv {
  conferenceName: string;
  csv: string;
}

export class ExportRegistrationsQuery extends Query<RegistrationsCsv> {
  constructor(readonly conferenceId: string) {
    super();
  }
}

/** Every registration of the conference, in the order they were made (cancelled and waitlisted ones included). */
@QueryHandler(ExportRegistrationsQuery)
export class ExportRegistrationsHandler implements IQueryHandler<ExportRegistrationsQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
  ) {}

  async execute(q: ExportRegistrationsQuery): Promise<RegistrationsCsv> {
    const conference = await this.registry.scheduled(q.conferenceId);
    await this.arrivals.fresh();
    const rows = [...conference.registrations.values()].map((r) =>
      exportRow(r, this.arrivals.summary(r.registrationId)),
    );
    return { conferenceName: conference.details.name, csv: writeCsv(EXPORT_COLUMNS, rows) };
  }
}

@ApiTags('registrations')
@Controller('conferences/:cid')
export class ExportRegistrationsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('registrations.csv')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('text/csv')
  @ApiFileAnswer('text/csv', 'The registrations as CSV (UTF-8 with BOM)', { errors: [404] })
  @ApiOperation({
    summary: 'Every registration as CSV for a spreadsheet (UTF-8 with BOM); no ticket code',
    description:
      'Columns: first_name, last_name, email, organisation, category, lunch, photo_consent (as the import reads them), ' +
      'then registration_id, status, source, registered_at, admitted_at, door, lunch_paid, erased. A text cell ' +
      "starting with =, +, -, @, a tab or a carriage return is prefixed with ' so that no spreadsheet runs it.",
  })
  @Roles('organiser')
  async csv(@Param('cid', ParseUUIDPipe) cid: string): Promise<StreamableFile> {
    const { conferenceName, csv } = await this.queries.execute(new ExportRegistrationsQuery(cid));
    return new StreamableFile(Buffer.from(csv, 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${fileName('inscriptions', [conferenceName], 'csv')}"`,
    });
  }
}
