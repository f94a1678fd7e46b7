import { Controller, Get, Header, Inject, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { registrationById } from '@emargement/conference';
import { ConferenceRegistry } from '../../conference-registry.js';
import { ArrivalsIndex } from '../../../arrivals/arrivals-index.js';
import { notFound } from '../../../shared/api-error.js';
import { ApiFileAnswer } from '../../../shared/api-answers.js';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig } from '../../../config/config.js';
import { fileName, ticketSheet } from '../ticket-sheet.js';
import { ticketPdf } from '../ticket-pdf.js';

/**
 * The link in each message that fetches the ticket again without an account (issue 25). Its token is an HMAC of
 * the conference and registration ids keyed with the ticket code itself: the code is a 128-bit secret the server
 * alone keeps (sealed in the log, ADR 007) and the person already holds in the QR code, so
 * - the link gives nothing the message did not already give, and cannot be made without the code;
 * - every instance computes the same link from the store, with no key of its own to share or rotate;
 * - an erasure revokes it: the code becomes unreadable (the registry reads it as ''), and a cancellation too,
 *   since a cancelled registration has no ticket.
 * The route lives outside `/api` (no device token: the person has none), like `/health`.
 */
export const TICKET_LINK_PREFIX = 'billet';

export function ticketLinkToken(conferenceId: string, registrationId: string, ticketCode: string): string {
  if (ticketCode === '') throw new Error('An erased ticket has no link');
  return createHmac('sha256', ticketCode)
    .update(`emargement-ticket-link\0${conferenceId.toLowerCase()}\0${registrationId.toLowerCase()}`)
    .digest('base64url');
}

export function ticketLinkUrl(config: Pick<AppConfig, 'publicUrl' | 'port'>, cid: string, rid: string, code: string) {
  const origin = config.publicUrl ?? `http://localhost:${config.port}`;
  return `${origin}/${TICKET_LINK_PREFIX}/${cid}/${rid}/${ticketLinkToken(cid, rid, code)}`;
}

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

@ApiTags('tickets')
@Controller(TICKET_LINK_PREFIX)
export class TicketLinkController {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':cid/:rid/:token')
  @Header('Cache-Control', 'private, no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiProduces('application/pdf')
  @ApiFileAnswer('application/pdf', 'The ticket (PDF), for whoever holds the link sent by e-mail', {
    public: true,
    errors: [404],
  })
  @ApiOperation({ summary: 'The ticket again, from the link in its e-mail: no account, revoked by erasure' })
  async pdf(
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Param('token') token: string,
  ): Promise<StreamableFile> {
    // One answer for every way a link can be wrong, so that it tells nothing about which part was.
    const gone = () => notFound('unknown_ticket_link', 'This link does not lead to a ticket (any more)');
    const { state } = await this.registry.current(cid);
    if (state.status !== 'scheduled') throw gone();
    const r = registrationById(state, rid);
    if (!r || r.status === 'cancelled' || r.erasedAt !== undefined || r.ticketCode === '') throw gone();
    if (!/^[A-Za-z0-9_-]{43}$/.test(token) || !sameToken(token, ticketLinkToken(cid, rid, r.ticketCode))) throw gone();
    await this.arrivals.fresh();
    const t = ticketSheet(cid, state.details, r, this.arrivals.summary(rid).lunchPaid);
    return new StreamableFile(ticketPdf(t), {
      type: 'application/pdf',
      disposition: `inline; filename="${fileName('billet', [t.lastName, t.firstName], 'pdf')}"`,
    });
  }
}
