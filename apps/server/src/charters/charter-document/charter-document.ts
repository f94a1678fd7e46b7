import { Controller, Get, Header, Logger, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { normaliseText } from '@emargement/conference';
import { verify } from '@emargement/charter';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { CharterRegistry } from '../charter-registry.js';
import { charterPdf, type UnreadableImage } from './charter-pdf.js';
import { CharterSealKeys } from '../charter-seal/charter-seal.js';
import { sealPdf } from '../charter-seal/seal-pdf.js';
import { ApiFileAnswer } from '../../shared/api-answers.js';
import { Clock } from '../../shared/clock.js';
import { pdfBytes } from '../../conferences/tickets/pdf-drawing.js';
import { Roles } from '../../auth/roles.js';

export interface CharterDocument {
  pdf: Buffer;
  fileName: string;
  sealed: boolean;
}

const bytesOf = pdfBytes;

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
  private readonly logger = new Logger('CharterDocument');

  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
    private readonly seal: CharterSealKeys,
    private readonly clock: Clock,
  ) {}

  async execute(q: CharterDocumentQuery): Promise<CharterDocument> {
    const conference = await this.conferences.scheduled(q.conferenceId);
    const events = await this.charters.storedEvents(q.conferenceId, q.charterId);
    const verification = verify(events.map((e) => ({ type: e.type, data: e.data })));
    const { name, venue, timezone } = conference.details;
    const generatedAt = this.clock.now();
    const unreadable: UnreadableImage[] = [];
    const draft = await bytesOf(
      charterPdf({
        conference: { conferenceId: q.conferenceId, name, venue, timezone },
        events,
        verification,
        generatedAt,
        onUnreadableImage: (u) => unreadable.push(u),
      }),
    );
    // Counted, so that an operator learns of pictures stored before they were decoded at the door (issue 20).
    if (unreadable.length > 0)
      this.logger.warn({
        msg: `charter ${q.charterId}: ${unreadable.length} stored signature picture(s) do not decode, drawn from strokes or noted`,
        charterId: q.charterId,
        unreadableImages: unreadable.length,
        images: unreadable,
      });
    // Sealed only once closed (the head and count fixed) and only when the
    // chain verifies: a seal over a broken chain would vouch for it.
    const sealed = verification.status === 'closed' && verification.valid;
    const pdf = sealed
      ? await sealPdf(draft, this.seal.get(), {
          reason: `Charte close, empreinte ${verification.head ?? ''}`,
          location: venue,
          name: 'Émargement',
          contact: name,
          signingTime: generatedAt,
        })
      : draft;
    const title = (events[0]?.data as { title?: string } | undefined)?.title ?? '';
    const slug = normaliseText(title)
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 60)
      .replace(/^-+|-+$/g, '');
    return { pdf, sealed, fileName: `charte${slug ? `-${slug}` : ''}${sealed ? '' : '-brouillon'}.pdf` };
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid')
export class CharterDocumentController {
  constructor(private readonly queries: QueryBus) {}

  @Get('document.pdf')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/pdf')
  @ApiFileAnswer('application/pdf', 'The charter as PDF/A-3b: sealed once closed, a draft while open', {
    errors: [404],
  })
  @ApiOperation({
    summary:
      'The charter with every signature and its fingerprint on every page; the evidence attached as JSON (PDF/A-3b). ' +
      'Once closed, sealed with a PAdES B-B signature; while open, an unsigned draft marked « BROUILLON — non scellé »',
  })
  @Roles('organiser')
  async pdf(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
  ): Promise<StreamableFile> {
    const { pdf, fileName } = await this.queries.execute(new CharterDocumentQuery(cid, chid));
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      length: pdf.length,
      disposition: `attachment; filename="${fileName}"`,
    });
  }
}
