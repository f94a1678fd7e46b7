import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '@emargement/event-store';
import { arrivalDecider, lookUpTicket, ticketStream, type TicketReference } from '@emargement/conference';
import { SITE, spaceNamed, type MovementAnswer, type MovementRefusalReason } from '@emargement/spaces';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { badRequest, notFound } from '../shared/api-error.js';
import { Clock } from '../shared/clock.js';
import { loadStream } from '../shared/decider-runner.js';
import { eventMetadata, type RequestContext } from '../shared/request-context.js';
import { MovementsRegistry } from './movements-registry.js';

export type MovementScanAnswer = MovementAnswer & { space: string; registrationId: string };

/**
 * `POST …/scans` with `space` (or a door and `direction`): a movement. Answers
 * null for a door's « in » that is the entrance's business (the person is not
 * admitted yet, or has not left the site): the entrance scan decides it.
 */
export class MovePersonCommand extends Command<MovementScanAnswer | null> {
  constructor(
    readonly conferenceId: string,
    readonly scan: {
      scanId: string;
      reference: TicketReference;
      /** A space's name or id, or `site` for a door of the site. */
      space: string;
      direction: 'in' | 'out' | 'auto';
      scannedAt?: string;
      /** What the space's phone decided without the server (then `scannedAt` is the phone's). */
      offline?: { result: 'admitted' | 'refused'; reason: MovementRefusalReason | null; direction: 'in' | 'out' };
    },
    readonly ctx: RequestContext,
  ) {
    super();
  }
}

/**
 * A movement at a space's door, or at the site's: decided by the movements
 * decider (libs/spaces) on the facts of the person's ticket (admitted? lunch
 * paid?) and registration (category), at the time of the server's one clock,
 * or the scan's own when a phone sends it.
 */
@CommandHandler(MovePersonCommand)
export class MovePersonHandler implements ICommandHandler<MovePersonCommand> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly movements: MovementsRegistry,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ conferenceId: cid, scan, ctx }: MovePersonCommand): Promise<MovementScanAnswer | null> {
    const conference = await this.conferences.scheduled(cid);
    const ticket = lookUpTicket(conference, scan.reference);
    if (!ticket.found) throw notFound('unknown_ticket', 'No ticket answers this code or id');
    const registration = conference.registrations.get(ticket.registrationId)!;
    const { state: movements } = await this.movements.current(cid);
    const space = scan.space === SITE ? undefined : spaceNamed(movements, scan.space);
    if (scan.space !== SITE && space === undefined) {
      throw badRequest('unknown_space', `No space ${scan.space}`, [{ field: 'space', message: 'unknown space' }]);
    }
    const { state: arrival } = await loadStream(this.store, ticketStream(registration.registrationId), arrivalDecider);
    const admitted = arrival.status === 'admitted' && registration.status === 'registered';
    if (space === undefined && scan.direction !== 'out') {
      const left = movements.leftSite.has(registration.registrationId);
      // Coming in at a door: a re-entry only for someone who left; otherwise the entrance decides (a first
      // admission, or already_checked_in). « auto » at a door: out for someone on site.
      if (!left && (scan.direction === 'in' || !admitted)) return null;
    }
    const { outcome } = await this.movements.run<MovementAnswer>(
      cid,
      {
        type: 'MovePerson',
        data: {
          conferenceId: cid,
          scanId: scan.scanId,
          registrationId: registration.registrationId,
          spaceId: space?.spaceId ?? SITE,
          direction: scan.direction,
          at: scan.scannedAt ?? this.clock.now().toISOString(),
          timezone: conference.details.timezone,
          deviceId: ctx.deviceId,
          person: {
            admitted,
            lunchPaid: arrival.lunchPayment !== null,
            category: registration.category,
          },
          offline:
            scan.offline === undefined
              ? null
              : { ...scan.offline, receivedAt: this.clock.now().toISOString(), conflictId: randomUUID() },
        },
      },
      eventMetadata(ctx, { space: space?.name ?? SITE }),
    );
    return { ...outcome, space: space?.name ?? SITE, registrationId: registration.registrationId };
  }
}
