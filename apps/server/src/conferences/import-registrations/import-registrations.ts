import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  decodeCsvBytes,
  parseRegistrationCsv,
  type CsvEncoding,
  type ImportOutcome,
  type ImportRow,
} from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { ApiError, badRequest } from '../../shared/api-error.js';
import { Ctx, eventMetadata, type RequestContext } from '../../shared/request-context.js';
import { TICKET_CODE_BYTES } from '../register-person/register-person.js';
import type { ImportReport as ImportReportAnswer } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { LogFollowers } from '../../shared/log-followers.js';
import { Roles } from '../../auth/roles.js';

export interface ImportReport {
  /** How the file's bytes were read: UTF-8 (with or without BOM), else Windows-1252 (French Excel's default). */
  encoding: CsvEncoding;
  created: number;
  duplicates: number;
  rejected: { line: number; reason: string; field?: string; name?: string }[];
  /** Line by line, in file order: what became of each row, naming the person where the row does. */
  lines: (
    | { line: number; result: 'created'; registrationId: string; status: 'registered' | 'waitlisted' }
    | { line: number; result: 'duplicate'; registrationId: string; name?: string }
    | { line: number; result: 'rejected'; reason: string; field?: string; name?: string }
  )[];
}

/**
 * Rows per append. An append is one transaction (and, on EventStoreDB, one
 * message under its 1 MiB default limit). Each append also costs a
 * synchronous write of the new people's keys and a commit of each projection,
 * so fewer, larger appends are faster: up to 1,000 rows (~330 KB sealed for
 * ordinary names), fewer when the names are long, so that a chunk stays under
 * `CHUNK_BYTES` by a generous estimate of each row's sealed size.
 */
const CHUNK_ROWS = 1000;
const CHUNK_BYTES = 900_000;
/** Ids, ticket code, category, times, metadata, the envelope; then each character sealed (UTF-8, base64) at most ~3 bytes. */
const estimatedBytes = (row: ImportRow): number =>
  400 +
  3 *
    (row.person.firstName.length +
      row.person.lastName.length +
      row.person.email.length +
      (row.person.organisation?.length ?? 0));

function* chunksOf(rows: readonly ImportRow[]): Generator<ImportRow[]> {
  let chunk: ImportRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = estimatedBytes(row);
    if (chunk.length > 0 && (chunk.length >= CHUNK_ROWS || bytes + size > CHUNK_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

export class ImportRegistrationsCommand extends Command<ImportReport> {
  constructor(
    readonly conferenceId: string,
    readonly csv: string,
    readonly encoding: CsvEncoding,
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ImportRegistrationsCommand)
export class ImportRegistrationsHandler implements ICommandHandler<ImportRegistrationsCommand> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly clock: Clock,
    private readonly followers: LogFollowers,
  ) {}

  async execute(c: ImportRegistrationsCommand): Promise<ImportReport> {
    await this.registry.scheduled(c.conferenceId);
    const parsed = parseRegistrationCsv(c.csv);
    if (!parsed.ok) {
      if (parsed.reason === 'missing_column') {
        throw new ApiError(400, 'missing_column', `Missing column(s): ${parsed.columns.join(', ')}`, [
          ...parsed.columns.map((field) => ({ field, message: 'missing column' })),
        ]);
      }
      throw badRequest('empty_file', 'The file holds no header and no row');
    }
    // One draw from the system's generator for every row's ticket code, not one per row (18 bytes each, as `newTicketCode`).
    const random = randomBytes(TICKET_CODE_BYTES * parsed.rows.length);
    const rows: ImportRow[] = parsed.rows.map((r, i) => ({
      line: r.line,
      registrationId: randomUUID(),
      ticketCode: random.subarray(i * TICKET_CODE_BYTES, (i + 1) * TICKET_CODE_BYTES).toString('base64url'),
      person: { firstName: r.firstName, lastName: r.lastName, email: r.email, organisation: r.organisation },
      category: r.category,
      lunch: r.lunch,
      photoConsent: r.photoConsent,
      ...(r.language !== undefined ? { language: r.language } : {}),
    }));
    const outcome: {
      created: ImportOutcome['created'][number][];
      duplicates: ImportOutcome['duplicates'][number][];
      rejected: ImportReport['rejected'];
    } = { created: [], duplicates: [], rejected: parsed.rejected.map((r) => ({ ...r })) };
    const metadata = eventMetadata(c.ctx, { importId: randomUUID() });
    // Chunks are decided and appended in turn, each on the registry as the
    // previous chunks left it; a crash mid-file is repaired by importing the
    // same file again (the rows already in come back as duplicates).
    for (const chunk of chunksOf(rows)) {
      const { outcome: o } = await this.registry.run<ImportOutcome>(
        c.conferenceId,
        { type: 'ImportRegistrations', data: { rows: chunk, importedAt: this.clock.now().toISOString() } },
        metadata,
      );
      // The indexes that read the log forwards on use read this chunk now, while it is small, rather than the
      // first organiser's request after the import reading all of it, once per index (issue 27).
      await this.followers.catchUp();
      outcome.created.push(...o.created);
      outcome.duplicates.push(...o.duplicates);
      outcome.rejected.push(...o.rejected);
    }
    // The people the decider turned away or found already in, by name as the file wrote it.
    const nameOf = new Map(parsed.rows.map((r) => [r.line, `${r.firstName} ${r.lastName}`.trim()]));
    const named = <T extends { line: number; name?: string }>(r: T): T => {
      const name = r.name ?? nameOf.get(r.line);
      return name ? { ...r, name } : r;
    };
    outcome.rejected = outcome.rejected.map(named);
    const duplicates = outcome.duplicates.map(named);
    const lines: ImportReport['lines'] = [
      ...outcome.created.map((r) => ({ ...r, result: 'created' as const })),
      ...duplicates.map((r) => ({ ...r, result: 'duplicate' as const })),
      ...outcome.rejected.map((r) => ({ ...r, result: 'rejected' as const })),
    ].sort((a, b) => a.line - b.line);
    return {
      encoding: c.encoding,
      created: outcome.created.length,
      duplicates: outcome.duplicates.length,
      rejected: outcome.rejected.sort((a, b) => a.line - b.line),
      lines,
    };
  }
}

@ApiTags('registrations')
@Controller('conferences/:cid/registrations/import')
export class ImportRegistrationsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiAnswer(200, 'ImportReport', { errors: [404, 413, 415] })
  @ApiBody({
    schema: { type: 'string', example: 'first_name,last_name,email,organisation,category,lunch,photo_consent' },
  })
  @Roles('organiser')
  import(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportReportAnswer> {
    if (!Buffer.isBuffer(body) || !/^text\/(csv|plain)/i.test(contentType ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the file as text/csv');
    }
    const decoded = decodeCsvBytes(body);
    if (!decoded.ok) {
      throw badRequest(
        'unsupported_encoding',
        `The file is neither UTF-8 nor Windows-1252 (byte ${decoded.offset + 1}): save it as « CSV UTF-8 »`,
      );
    }
    return this.commands.execute(new ImportRegistrationsCommand(cid, decoded.text, decoded.encoding, ctx));
  }
}
