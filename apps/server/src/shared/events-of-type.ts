import { eventTypes, type EventStore, type RecordedEvent } from '@emargement/event-store';

/**
 * The few events of some rare types (conferences scheduled, charters
 * published), kept in memory as the caller picks them, and read from the
 * store once and then only after the last position read (issue 27): at
 * 100,000 registrations a filtered read of the whole log holds the event loop
 * for about 100 ms, and the organisers' pages asked for one on every call
 * (the list of conferences, of charters, a person's history).
 *
 * Read-your-writes: every `all()` reads what was stored since the last read
 * before it answers, so what was appended before the call is in the answer,
 * from this instance or another one on the same store. Reads are one after
 * another (a call that comes while one is under way waits for it, then reads
 * again from where it ended: usually nothing).
 */
export class EventsOfType<T> {
  private readonly items: T[] = [];
  /** Every event of those types up to this position has been handed to `pick` (null: none read yet). */
  private readTo: bigint | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly types: readonly string[],
    /** What to keep of an event (`null`: nothing). */
    private readonly pick: (event: RecordedEvent) => T | null,
  ) {}

  /** Every kept value of the events of those types stored up to now, in the order they were stored. */
  async all(): Promise<readonly T[]> {
    const read = this.tail.then(() => this.readNew());
    // A failed read fails its caller; the next caller reads again from the same place.
    this.tail = read.catch(() => undefined);
    await read;
    return this.items;
  }

  private async readNew(): Promise<void> {
    // The head first: with no event of those types yet, the next read still starts there, not at the start.
    const [head] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
    const events = await this.store.readAll({
      fromPosition: this.readTo ?? 'start',
      filter: eventTypes(...this.types),
    });
    for (const event of events) {
      // Stored after the head was read, and so read again next time from there: handed to `pick` once.
      if (this.readTo !== null && event.position <= this.readTo) continue;
      this.readTo = event.position;
      const value = this.pick(event);
      if (value !== null) this.items.push(value);
    }
    if (head !== undefined && (this.readTo === null || head.position > this.readTo)) this.readTo = head.position;
  }
}
