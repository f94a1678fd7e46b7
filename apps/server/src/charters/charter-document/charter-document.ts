import { Controller, Get, Header, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { normaliseText } from '@emargement/conference';
import { verify } from '@emargement/charter';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { CharterRegistry } from '../charter-registry.js';
import { charterPdf } from './charter-pdf.js';

export interface CharterDocument {
  pdf: PDFKit.PDFDocument;
  fileName: string;
}

export class CharterDocumentQuery extends Query<CharterDocument> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
  ) {
    super();
  }
}

/** Drawn from the stored events, verified on the way: the fingerprint printed is the one recomputed. */
@QueryHandler(CharterDocumentQuery)
export class CharterDocumentHandler implements IQueryHandler<CharterDocumentQuery> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
  ) {}

  async execute(q: CharterDocumentQuery): Promise<CharterDocument> {
    const conference = await this.conferences.scheduled(q.conferenceId);
    const events = await this.charters.storedEvents(q.conferenceId, q.charterId);
    const verification = verify(events.map((e) => ({ type: e.type, data: e.data })));
    const { name, venue, timezone } = conference.details;
    const pdf = charterPdf({
      conference: { conferenceId: q.conferenceId, name, venue, timezone },
      events,
      verification,
      generatedAt: new Date(),
    });
    const title = (events[0]?.data as { title?: string } | undefined)?.title ?? '';
    const slug = normaliseText(title)
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 60)
      .replace(/^-+|-+$/g, '');
    return { pdf, fileName: `charte${slug ? `-${slug}` : ''}.pdf` };
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid')
export class CharterDocumentController {
  constructor(private readonly queries: QueryBus) {}

  @Get('document.pdf')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary: 'The charter with every signature and its fingerprint on every page; the evidence attached as JSON',
  })
  async pdf(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
  ): Promise<StreamableFile> {
    const { pdf, fileName } = await this.queries.execute(new CharterDocumentQuery(cid, chid));
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="${fileName}"` });
  }
}
