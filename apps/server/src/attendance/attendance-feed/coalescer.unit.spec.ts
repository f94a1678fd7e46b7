import { beforeEach, describe, expect, test } from '@jest/globals';
import { Coalescer, type Timers } from './coalescer.js';

/** A clock the test moves by hand. */
class ManualTimers implements Timers {
  now = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = (this.ids += 1);
    this.queue.push({ at: this.now + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.queue.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.queue = this.queue.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
  }
  get pending(): number {
    return this.queue.length;
  }
}

describe('coalescing updates', () => {
  let timers: ManualTimers;
  let state: Record<string, number>;
  let sent: { at: number; key: string; value: number }[];
  let coalescer: Coalescer<string>;

  beforeEach(() => {
    timers = new ManualTimers();
    state = { a: 0, b: 0 };
    sent = [];
    coalescer = new Coalescer(250, (key) => sent.push({ at: timers.now, key, value: state[key]! }), timers);
  });

  const change = (key: string) => {
    state[key]! += 1;
    coalescer.touch(key);
  };

  test('after a quiet spell, a change is sent at once', () => {
    change('a');
    expect(sent).toEqual([{ at: 0, key: 'a', value: 1 }]);
    timers.advance(1000);
    expect(sent).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });

  test('a burst gives one message per interval, the last with the latest state', () => {
    for (let ms = 0; ms < 1000; ms += 2) {
      change('a');
      timers.advance(2);
    }
    timers.advance(1000);
    expect(sent.length).toBeLessThanOrEqual(1000 / 250 + 1);
    expect(sent[sent.length - 1]).toMatchObject({ key: 'a', value: 500 });
    for (let i = 1; i < sent.length; i += 1) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(250);
  });

  test('changes during an interval are sent when it ends', () => {
    change('a');
    timers.advance(100);
    change('a');
    change('a');
    expect(sent).toHaveLength(1);
    timers.advance(150);
    expect(sent).toEqual([
      { at: 0, key: 'a', value: 1 },
      { at: 250, key: 'a', value: 3 },
    ]);
  });

  test('conferences are throttled apart', () => {
    change('a');
    change('b');
    change('a');
    expect(sent.map((s) => s.key)).toEqual(['a', 'b']);
    timers.advance(250);
    expect(sent.map((s) => s.key)).toEqual(['a', 'b', 'a']);
  });

  test('closing cancels what was pending', () => {
    change('a');
    change('a');
    coalescer.close();
    timers.advance(1000);
    expect(sent).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });
});
