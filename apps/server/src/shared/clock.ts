import { Injectable } from '@nestjs/common';

/**
 * The server's one clock for rules about hours (issue 23, issue 26): the
 * spaces' opening hours are decided on the time it gives, so tests set it to
 * 12:29 and 12:30 rather than wait for lunch. Everywhere else it is the
 * machine's time.
 */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed === null ? new Date() : new Date(this.fixed.getTime());
  }

  /** Stops the clock at `at` (tests, rehearsals); `null` gives it back to the machine. */
  setTo(at: Date | string | null): void {
    this.fixed = at === null ? null : new Date(at);
  }
}
