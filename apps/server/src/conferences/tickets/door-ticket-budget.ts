import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { ApiError } from '../../shared/api-error.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';

const HOUR_MS = 3_600_000;

/**
 * How many tickets a door phone may get. A ticket's PNG or PDF carries its
 * code in clear (the QR code), which the door's list deliberately does not
 * (hashes only): a door needs one for a walk-in it has just registered or a
 * reprint at the desk, a few an hour, never the whole list. So each door
 * gets `DOOR_TICKETS_PER_HOUR` distinct tickets in any sliding hour (the
 * same ticket again, as PNG then PDF, counts once), and every ticket handed
 * to a door is written to the log (device and registration ids, no name).
 * Past the budget: `429 ticket_budget_exhausted` with `Retry-After`.
 * Organisers are not counted. The budget is per instance (N instances behind
 * a balancer allow N times as many): a bound on harvesting, not a quota.
 */
@Injectable()
export class DoorTicketBudget {
  private readonly logger = new Logger('Tickets');
  /** Door device id → registration id → when it was first handed out within the hour. */
  private readonly handedOut = new Map<string, Map<string, number>>();

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'doorTicketsPerHour'>) {}

  take(
    deviceId: string,
    registrationId: string,
    now = Date.now(),
  ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const mine = this.handedOut.get(deviceId) ?? new Map<string, number>();
    for (const [rid, at] of mine) if (now - at >= HOUR_MS) mine.delete(rid);
    this.handedOut.set(deviceId, mine);
    if (!mine.has(registrationId)) {
      if (mine.size >= this.config.doorTicketsPerHour) {
        const oldest = Math.min(...mine.values());
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000)) };
      }
      mine.set(registrationId, now);
    }
    this.logger.log(
      `Ticket ${registrationId} handed to door ${deviceId} (${mine.size}/${this.config.doorTicketsPerHour} this hour)`,
    );
    return { allowed: true };
  }

  /**
   * For a route that hands a ticket's code to whoever calls (ticket.png,
   * ticket.pdf, badge.pdf): a door takes from its budget, past it
   * `429 ticket_budget_exhausted` with `Retry-After`; other roles pass.
   */
  takeForRequest(req: AuthenticatedRequest, res: Response, registrationId: string): void {
    const device = req.device;
    if (device?.role !== 'door') return;
    const verdict = this.take(device.deviceId, registrationId.toLowerCase());
    if (!verdict.allowed) {
      res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw new ApiError(
        429,
        'ticket_budget_exhausted',
        'This door has had its tickets for the hour; an organiser can print more',
      );
    }
  }
}
