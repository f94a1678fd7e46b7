/**
 * A sliding-window limiter kept in memory: at most `limit` hits per key in any
 * `windowMs`. Memory is bounded: keys whose hits have all expired are dropped,
 * and past `maxKeys` the oldest keys are evicted.
 */
export class RateLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly hits = new Map<string, number[]>();

  constructor(options: { limit: number; windowMs: number; maxKeys?: number; now?: () => number }) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts a hit; `allowed: false` when the key already had `limit` hits in the window (the hit is not counted then). */
  hit(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const verdict = this.peek(key);
    if (verdict.allowed) {
      const list = this.recent(key);
      list.push(this.now());
      this.hits.delete(key);
      this.hits.set(key, list);
      this.evict();
    }
    return verdict;
  }

  /** Whether a hit would be allowed now, without counting one. */
  peek(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const list = this.recent(key);
    if (list.length < this.limit) return { allowed: true, retryAfterSeconds: 0 };
    const oldest = list[list.length - this.limit]!;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000)) };
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.hits.delete(key);
    else this.hits.set(key, list);
    return list;
  }

  private evict(): void {
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) return;
      this.hits.delete(oldest);
    }
  }
}
