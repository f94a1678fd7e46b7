import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { receiptOf, type SignatureReceipt } from '@emargement/charter';
import { notFound } from '../../shared/api-error.js';
import { CharterRegistry } from '../charter-registry.js';
import type { SignatureReceipt as SignatureReceiptAnswer } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export class ReceiptQuery extends Query<SignatureReceipt> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
    readonly signatureId: string,
  ) {
    super();
  }
}

/**
 * The signer's receipt: the fields of their chain entry that they can keep
 * (no personal data) and later find, the same, in the sealed PDF's evidence.
 * Drawn from the stored event, like the evidence, so the two cannot differ.
 */
@QueryHandler(ReceiptQuery)
export class ReceiptHandler implements IQueryHandler<ReceiptQuery> {
  constructor(private readonly charters: CharterRegistry) {}

  async execute(q: ReceiptQuery): Promise<SignatureReceipt> {
    await this.charters.published(q.conferenceId, q.charterId);
    const events = await this.charters.storedEvents(q.conferenceId, q.charterId);
    const signed = events.find(
      (e) => e.type === 'CharterSigned' && (e.data as { signatureId?: unknown }).signatureId === q.signatureId,
    );
    if (signed === undefined) throw notFound('unknown_signature', `No signature ${q.signatureId} on this charter`);
    return receiptOf(signed.data as Record<string, unknown>);
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid/signatures/:signatureId')
export class ReceiptController {
  constructor(private readonly queries: QueryBus) {}

  @Get('receipt')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({
    summary:
      'The signer’s receipt {charterId, signatureId, sequence, hash, previousHash, signedAt}, found unchanged in the sealed PDF',
  })
  @ApiAnswer(200, 'SignatureReceipt', { errors: [404] })
  @Roles('organiser', 'kiosk')
  receipt(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('chid', ParseUUIDPipe) chid: string,
    @Param('signatureId', ParseUUIDPipe) signatureId: string,
  ): Promise<SignatureReceiptAnswer> {
    return this.queries.execute(new ReceiptQuery(cid, chid, signatureId));
  }
}
