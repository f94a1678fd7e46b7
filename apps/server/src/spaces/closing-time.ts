import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { localTimeOf } from '@emargement/spaces';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { Clock } from '../shared/clock.js';
import { MovementsRegistry } from './movements-registry.js';

const SWEEP_MS = 30_000;

/**
 * At a space's closing time, and at the end of the day, those still inside
 * are checked out by a recorded event (`PersonLeftSpace`, because `closing`
 * or `end_of_day`), never silently: the count of a closed room goes back to
 * zero and the log says why. Swept every 30 s by the server's clock; with
 * several instances each may try, and the decider, on the stream's revision,
 * lets one of them write.
 *
 * The clock is the server's one `Clock`, never the machine's directly: a
 * rehearsal of a past day (`npm run demo -- --simulate`) sets it to the
 * played time, so rooms close at the day's 15:00 as it is played, rather than
 * all at once because the machine says the day ended years ago (ADR 018).
 */
@Injectable()
export class ClosingTime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ClosingTime');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly movements: MovementsRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Checks out whoever is still inside a closed space; returns how many were. */
  sweep(): Promise<number> {
    this.running ??= this.sweepNow().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepNow(): Promise<number> {
    const now = this.clock.now();
    let checkedOut = 0;
    for (const cid of this.movements.known()) {
      try {
        const { state: conference } = await this.conferences.current(cid);
        if (conference.status !== 'scheduled') continue;
        const { state } = await this.movements.current(cid);
        const endOfDay = now.getTime() >= Date.parse(conference.details.endsAt);
        const local = localTimeOf(now.toISOString(), conference.details.timezone);
        for (const space of state.spaces.values()) {
          if ((state.inside.get(space.spaceId)?.size ?? 0) === 0) continue;
          const because = endOfDay ? 'end_of_day' : local >= space.closes ? 'closing' : null;
          if (because === null) continue;
          const { outcome } = await this.movements.run<{ checkedOut: number }>(
            cid,
            {
              type: 'CheckOutSpace',
              data: { conferenceId: cid, spaceId: space.spaceId, at: now.toISOString(), because },
            },
            { actor: { deviceId: 'server', role: null }, deviceId: 'server', reason: because },
          );
          checkedOut += outcome.checkedOut;
          if (outcome.checkedOut > 0) this.logger.log(`${space.name}: ${outcome.checkedOut} checked out (${because})`);
        }
      } catch (error) {
        this.logger.error(`Closing-time sweep of ${cid}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return checkedOut;
  }
}
