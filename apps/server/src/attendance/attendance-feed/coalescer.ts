export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Leading-and-trailing throttle per key (a conference): the first change
 * after a quiet spell is sent at once; changes during the next `intervalMs`
 * are folded into one message sent when it ends, and so on while they keep
 * coming. `send(key)` reads the state when it runs, so the last message of a
 * burst always carries the latest state, and a room never gets more than one
 * message per interval (plus its first).
 */
export class Coalescer<K> {
  private readonly slots = new Map<K, { handle: unknown; pending: boolean }>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (key: K) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  /** The state of `key` changed. */
  touch(key: K): void {
    const slot = this.slots.get(key);
    if (slot) {
      slot.pending = true;
      return;
    }
    this.fire(key);
  }

  private fire(key: K): void {
    const slot = { handle: undefined as unknown, pending: false };
    this.slots.set(key, slot);
    slot.handle = this.timers.setTimeout(() => {
      this.slots.delete(key);
      if (slot.pending) this.fire(key);
    }, this.intervalMs);
    try {
      this.send(key);
    } catch {
      // One failed send must not stop the throttle: the next change sends again.
    }
  }

  close(): void {
    for (const slot of this.slots.values()) this.timers.clearTimeout(slot.handle);
    this.slots.clear();
  }
}
