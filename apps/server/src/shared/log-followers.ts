import { Injectable } from '@nestjs/common';

/**
 * The in-memory indexes of this process that read the log forwards from where
 * they last stopped, when they are asked (`EventsOfType`: the conferences
 * scheduled, the charters published; the device list). Such a read looks at
 * every position since the last one, whatever it holds: after an import of
 * 100,000 registrations the first organiser's request read them all back,
 * once per index (171 ms, where the next requests took 3 ms; issue 27).
 *
 * A writer that appends many events at once (the import) calls `catchUp`
 * after each of its appends, so that each index reads the few positions just
 * written, while they are few and in the page cache, and the first request
 * afterwards finds every index current. The reads are the indexes' own real
 * reads of the store, not a shortcut: whatever another process appended in
 * between is read too, so several instances on one store stay right (an
 * instance that did not import still reads the import on its first use).
 *
 * Nothing here is on the door's path: only a bulk writer calls `catchUp`.
 */
@Injectable()
export class LogFollowers {
  private readonly followers: (() => Promise<unknown>)[] = [];

  /** `catchUp` reads what the index has not read yet (concurrent calls of it share or queue their reads). */
  follow(catchUp: () => Promise<unknown>): void {
    this.followers.push(catchUp);
  }

  /**
   * Brings every index up to the store's head as of now. Never fails: a read
   * that fails here is met again, and reported, by the index's next caller.
   */
  async catchUp(): Promise<void> {
    await Promise.all(this.followers.map((f) => f().catch(() => undefined)));
  }
}
