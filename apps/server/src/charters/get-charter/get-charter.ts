import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CharterLang, Published } from '@emargement/charter';
import { CharterRegistry } from '../charter-registry.js';
import type { Charter } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export interface SignatureView {
  sequence: number;
  signatureId: string;
  registrationId: string;
  name: string;
  onBehalfOf: string;
  signedAt: string;
  kiosk: string;
  hash: string;
  previousHash: string;
  /** When and why an organiser voided it; the signature stays in the chain. */
  voided: { reason: string; voidedAt: string; hash: string } | null;
}

export interface CharterView {
  charterId: string;
  conferenceId: string;
  title: string;
  text: string;
  textSha256: string;
  publishedAt: string;
  /** The charter's language (`fr` unless published otherwise). */
  lang: CharterLang;
  status: 'open' | 'closed';
  signatures: SignatureView[];
  /** Signatures in the chain, voided ones included. */
  count: number;
  voided: number;
  head: string;
  closedAt: string | null;
}

export const charterView = (state: Published): CharterView => ({
  charterId: state.charter.charterId,
  conferenceId: state.charter.conferenceId,
  title: state.charter.title,
  text: state.charter.text,
  textSha256: state.charter.textSha256,
  publishedAt: state.charter.publishedAt,
  lang: state.charter.lang ?? 'fr',
  status: state.status,
  signatures: [...state.signatures.values()].map((s) => ({
    sequence: s.sequence,
    signatureId: s.signatureId,
    registrationId: s.registrationId,
    name: s.name,
    onBehalfOf: s.onBehalfOf,
    signedAt: s.signedAt,
    kiosk: s.kiosk,
    hash: s.hash,
    previousHash: s.previousHash,
    voided: s.voided === null ? null : { reason: s.voided.reason, voidedAt: s.voided.voidedAt, hash: s.voided.hash },
  })),
  count: state.count,
  voided: state.voided,
  head: state.head,
  closedAt: state.closure?.closedAt ?? null,
});

export class GetCharterQuery extends Query<CharterView> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
  ) {
    super();
  }
}

@QueryHandler(GetCharterQuery)
export class GetCharterHandler implements IQueryHandler<GetCharterQuery> {
  constructor(private readonly charters: CharterRegistry) {}

  async execute(q: GetCharterQuery): Promise<CharterView> {
    return charterView(await this.charters.published(q.conferenceId, q.charterId));
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid')
export class GetCharterController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'The charter, its text and hash, its status, its signatures and the chain’s head' })
  @ApiAnswer(200, 'Charter', { errors: [404] })
  @Roles('organiser', 'kiosk')
  get(@Param('cid', ParseUUIDPipe) cid: string, @Param('chid', ParseUUIDPipe) chid: string): Promise<Charter> {
    return this.queries.execute(new GetCharterQuery(cid, chid));
  }
}
