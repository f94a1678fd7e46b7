import { describe, expect, test } from '@jest/globals';
import { clientKey, RateLimiter } from './rate-limit.js';

/** A clock the test moves by hand. */
const clock = (start = 1_000_000) => {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('RateLimiter', () => {
  test('allows `limit` hits in a window, refuses the next with the time until a slot frees', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: c.now });
    expect(limiter.hit('a')).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 2 });
    c.advance(10_000);
    expect(limiter.hit('a')).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.hit('a')).toMatchObject({ allowed: true, remaining: 0 });
    c.advance(5_000);
    // The first hit leaves the window at +60 s: 45 s from now.
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 45, remaining: 0 });
    // Another key is not affected.
    expect(limiter.hit('b').allowed).toBe(true);
  });

  test('the window slides: each hit frees its slot exactly a window later', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 1_000, now: c.now });
    limiter.hit('k');
    c.advance(600);
    limiter.hit('k');
    c.advance(399); // 999 ms after the first hit
    expect(limiter.hit('k')).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    c.advance(1); // the first hit is now a window old
    expect(limiter.hit('k').allowed).toBe(true);
    expect(limiter.hit('k').allowed).toBe(false);
    c.advance(600); // the second one too
    expect(limiter.hit('k').allowed).toBe(true);
  });

  test('a refused hit is not counted, so a client that keeps knocking gets in once the window has passed', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000, now: c.now });
    expect(limiter.hit('k').allowed).toBe(true);
    for (let i = 0; i < 9; i++) {
      c.advance(100);
      expect(limiter.hit('k').allowed).toBe(false);
    }
    c.advance(100);
    expect(limiter.hit('k').allowed).toBe(true);
  });

  test('peek answers like hit without counting', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 1_000, now: c.now });
    expect(limiter.peek('k')).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 2 });
    expect(limiter.peek('k')).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 2 });
    limiter.hit('k');
    limiter.hit('k');
    expect(limiter.peek('k')).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    expect(limiter.size).toBe(1);
  });

  test('refund takes back the latest hit', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, now: c.now });
    limiter.hit('k');
    c.advance(1_000);
    limiter.hit('k');
    expect(limiter.peek('k').allowed).toBe(false);
    limiter.refund('k');
    expect(limiter.peek('k')).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 1 });
    limiter.refund('k');
    limiter.refund('k');
    limiter.refund('nobody');
    expect(limiter.peek('k').remaining).toBe(2);
  });

  test('reset forgets a key', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, now: c.now });
    limiter.hit('k');
    expect(limiter.hit('k').allowed).toBe(false);
    limiter.reset('k');
    expect(limiter.hit('k').allowed).toBe(true);
  });

  test('memory is bounded: expired keys are swept, and past maxKeys the least recently hit key goes', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000, now: c.now, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.hit(`addr-${i}`);
    expect(limiter.size).toBe(100);
    // The most recent keys are the ones kept.
    expect(limiter.peek('addr-9999').allowed).toBe(false);
    expect(limiter.peek('addr-0').allowed).toBe(true);
    c.advance(1_000);
    limiter.hit('late');
    expect(limiter.size).toBe(1);
  });

  test('refuses nonsense options', () => {
    expect(() => new RateLimiter({ limit: 0, windowMs: 1_000 })).toThrow(RangeError);
    expect(() => new RateLimiter({ limit: 1.5, windowMs: 1_000 })).toThrow(RangeError);
    expect(() => new RateLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});

describe('clientKey', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:0:1:aaaa:bbbb:cccc:dddd', '2001:db8:0:1::/64'],
    ['2001:db8:0:1::1', '2001:db8:0:1::/64'],
    ['2001:0db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});
