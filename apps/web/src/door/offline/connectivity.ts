import { ApiError, NetworkError, type RequestOptions } from '../../api';

/**
 * The door's switch between asking the server and deciding here, as
 * pretixSCAN's works (shared/FIELD-NOTES.md): after 2 failures among the last
 * 5 calls the phone goes offline and decides every scan at once; offline, it
 * probes the server every few seconds, and the engine uploads its outbox when
 * the server answers again.
 */

export type ConnectivityState = 'online' | 'offline' | 'syncing';

export const ONLINE_SCAN_TIMEOUT_MS = 3_000;
export const PROBE_EVERY_MS = 3_000;
const WINDOW = 5;
const FAILURES_TO_GO_OFFLINE = 2;

/** The server is away (no answer, a 5xx, too many requests): what a retry may fix. */
export const unavailable = (error: unknown): boolean =>
  error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 429));

/**
 * Sends one outbox job: `refused: null` when the server took it, its refusal code when it never will (sending
 * it again would get the same answer and hold up the jobs behind it), `'stop'` when the server is away or the
 * device's token refused, to try again on the next sync.
 */
export async function attempt(send: () => Promise<unknown>): Promise<{ refused: string | null } | 'stop'> {
  try {
    await send();
    return { refused: null };
  } catch (error) {
    if (unavailable(error) || (error instanceof ApiError && error.status === 401)) return 'stop';
    return { refused: error instanceof ApiError ? error.code : 'error' };
  }
}

export class Connectivity {
  /** true for each of the last calls that got no usable answer. */
  private recent: boolean[] = [];

  constructor(
    /** Where the state is kept (the engine's, for the screen). */
    private readonly get: () => ConnectivityState,
    private readonly set: (state: ConnectivityState) => void,
    /** Whether the server answers at all: `api.ready`. */
    private readonly ready: (options: RequestOptions) => Promise<unknown>,
  ) {}

  get online(): boolean {
    return this.get() === 'online';
  }

  /** A call answered (`false`) or not (`true`): 2 failures of the last 5, online, and the phone goes offline. */
  observe(failed: boolean): void {
    this.recent = [...this.recent, failed].slice(-WINDOW);
    if (failed && this.get() === 'online') {
      const failures = this.recent.filter(Boolean).length;
      if (failures >= FAILURES_TO_GO_OFFLINE) this.set('offline');
    }
  }

  /** The server answered everything asked of it (an upload went through): the window starts afresh. */
  reset(): void {
    this.recent = [];
  }

  /** Online, after a failure: a second one (the server does not answer its health check either) means offline. */
  async check(): Promise<void> {
    try {
      await this.ready({ timeoutMs: ONLINE_SCAN_TIMEOUT_MS });
      this.observe(false);
    } catch {
      this.observe(true);
    }
  }

  /** Offline: does the server answer again? Then `back` runs (the engine's upload), with a fresh window. */
  async probe(back: () => Promise<void>): Promise<void> {
    if (this.get() !== 'offline') return;
    try {
      await this.ready({ timeoutMs: PROBE_EVERY_MS - 500 });
    } catch {
      return;
    }
    if (this.get() !== 'offline') return;
    this.recent = [];
    await back();
  }

  /**
   * One call to the server while online, for an action the phone can also do
   * alone (a scan, a payment, an undo, a walk-in): its answer, or `unavailable`
   * when the server is away or the phone is offline already, for the caller to
   * do it here. One failure may be a blip: the server's health is asked at
   * once, rather than at the next scan. Any other error (a refusal) is thrown.
   */
  async call<T>(send: () => Promise<T>): Promise<{ answer: T } | 'unavailable'> {
    if (!this.online) return 'unavailable';
    try {
      const answer = await send();
      this.observe(false);
      return { answer };
    } catch (error) {
      if (!unavailable(error)) throw error;
      this.observe(true);
      void this.check();
      return 'unavailable';
    }
  }
}
