import type { EventFilter, EventStore, RecordedEvent, Subscription } from '@emargement/event-store';
import type { ReadModels } from './read-models.js';

/**
 * A read model kept in memory and in the read-models file. The runner calls
 * `apply` for each event, then, in one transaction with the checkpoint,
 * `persist` (write what changed), then `committed` once that transaction is
 * on disk: only then may the projection show its new state to anyone.
 */
export interface Projection {
  /** Names its checkpoint: one per projection, each subscription from its own. */
  readonly name: string;
  /** Stored with the checkpoint; rows built by another version are rebuilt from the start. */
  readonly version: string;
  /**
   * What to subscribe to (server-side, where the store can): by event type,
   * its names are the types it folds, whole (`eventTypes(...)`); the runner
   * passes over, and counts, any other type a store delivers (issue 20).
   */
  readonly filter: EventFilter;
  /** Creates its tables if missing. */
  migrate(): void;
  /** Deletes its rows (inside the runner's transaction). */
  reset(): void;
  /** Replaces the in-memory state by what its rows hold. */
  load(): void;
  /** Folds one event into memory. */
  apply(event: RecordedEvent): void;
  /** Writes the rows `apply` changed since the last call (inside the runner's transaction). */
  persist(): void;
  /** The transaction holding the last `persist` is committed. */
  committed(): void;
}

export interface ProjectionRunnerOptions {
  /** Events folded between commits while catching up. Live, each burst is committed as soon as it stops. */
  batchSize?: number;
  retryDelayMs?: number;
  logger?: { log(message: string): void; error(message: string): void };
}

export interface ProjectionStatus {
  name: string;
  version: string;
  /** Position of the last event whose effect is committed. */
  position: bigint | null;
  /** The subscription has delivered the history it found when it started. */
  caughtUp: boolean;
  /** Events folded since the runner started. */
  eventsApplied: number;
  /**
   * Events passed over since the runner started, by type: types the
   * projection does not know (written by a newer version, or a name that
   * only starts like one of its own). Skipped, counted, never a stop.
   */
  eventsSkipped: Record<string, number>;
  lastError: string | null;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Feeds one projection from the store's subscription to `$all`, from its own
 * checkpoint, and commits its rows with the checkpoint.
 *
 * - Events are folded one by one and committed in batches: `batchSize` while
 *   the subscription hands over stored history (then the runner lets the
 *   event loop turn, so that the server keeps answering during a long
 *   catch-up), and at the end of each burst live (a `setImmediate` after the
 *   last event), so a live event is visible within a tick.
 * - Any failure (the store, the file, a fold that throws) throws the
 *   in-memory state away, reloads it from the file (the last commit) and
 *   subscribes again from the checkpoint after a pause: nothing folded twice,
 *   nothing skipped, and a poison event stops the projection (not ready)
 *   rather than being passed over.
 */
export class ProjectionRunner {
  private committedPosition: bigint | null = null;
  private pending: { position: bigint; count: number } | null = null;
  private caughtUpFlag = false;
  private stopped = false;
  private started = false;
  private eventsApplied = 0;
  private readonly skipped = new Map<string, number>();
  /** The types the projection folds, when its filter names them (then whole names: issue 20). */
  private readonly known: ReadonlySet<string> | null;
  private lastError: string | null = null;
  private failure: Error | undefined = undefined;
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private flushScheduled: NodeJS.Immediate | undefined;
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private positionWaiters: { position: bigint; resolve: () => void }[] = [];
  private caughtUpWaiters: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly logger: NonNullable<ProjectionRunnerOptions['logger']>;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly projection: Projection,
    options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.logger = options.logger ?? { log: () => undefined, error: () => undefined };
    this.known = projection.filter.filterOn === 'eventType' ? new Set(projection.filter.prefixes) : null;
  }

  /**
   * Creates the tables, starts over if the rows were built by another version
   * of the projection, and loads the state: the last committed figures are
   * there before the subscription starts.
   */
  prepare(): void {
    this.projection.migrate();
    const checkpoint = this.readModels.checkpoint(this.projection.name);
    if (checkpoint?.version !== this.projection.version) {
      if (checkpoint) {
        this.logger.log(
          `${this.projection.name}: built by version ${checkpoint.version}, now ${this.projection.version}: rebuilding from the start`,
        );
      }
      this.reset();
      return;
    }
    this.committedPosition = checkpoint.position;
    this.projection.load();
  }

  /** Empties the projection's rows and checkpoint: the next start folds every event again. */
  reset(): void {
    this.readModels.transaction(() => {
      this.projection.reset();
      this.readModels.saveCheckpoint(this.projection.name, { version: this.projection.version, position: null });
    });
    this.committedPosition = null;
    this.projection.load();
  }

  start(): void {
    if (this.started) throw new Error(`${this.projection.name} is already running`);
    this.started = true;
    this.running = this.run();
  }

  /** Stops the subscription and commits what was folded; the state stays readable. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.resolve();
    await this.subscription?.unsubscribe();
    await this.running;
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    try {
      if (this.failure === undefined) this.flush();
    } catch (error) {
      this.logger.error(`${this.projection.name}: last commit failed: ${String(error)}`);
    }
    for (const w of this.positionWaiters) w.resolve();
    for (const w of this.caughtUpWaiters) w();
    this.positionWaiters = [];
    this.caughtUpWaiters = [];
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      version: this.projection.version,
      position: this.committedPosition,
      caughtUp: this.caughtUpFlag,
      eventsApplied: this.eventsApplied,
      eventsSkipped: Object.fromEntries(this.skipped),
      lastError: this.lastError,
    };
  }

  /** Resolves once the history found at subscription time is committed (or on stop). */
  untilCaughtUp(): Promise<void> {
    if (this.caughtUpFlag || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** Resolves once the event at `position` (and all before it) is committed (or on stop). */
  untilPosition(position: bigint): Promise<void> {
    if (this.stopped || (this.committedPosition !== null && this.committedPosition >= position)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.positionWaiters.push({ position, resolve }));
  }

  private async run(): Promise<void> {
    let reload = false;
    while (!this.stopped) {
      try {
        if (reload) this.projection.load();
        reload = false;
        await this.follow();
        if (this.stopped) break;
        throw new Error('the subscription ended');
      } catch (error) {
        if (this.stopped && this.failure === undefined) break;
        this.recover(error);
        reload = true;
        await this.pause();
      }
    }
  }

  private async follow(): Promise<void> {
    const subscription = this.store.subscribeToAll({
      fromPosition: this.committedPosition ?? 'start',
      filter: this.projection.filter,
    });
    this.subscription = subscription;
    for await (const message of subscription) {
      if (this.stopped) break;
      if (message.kind === 'caughtUp') {
        this.flush();
        this.markCaughtUp();
        continue;
      }
      this.handle(message.event);
      if (this.pending !== null && this.pending.count >= this.batchSize) {
        this.flush();
        await nextTurn();
      } else {
        this.flushScheduled ??= setImmediate(() => this.flushSoon());
      }
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private handle(event: RecordedEvent): void {
    const last = this.pending?.position ?? this.committedPosition;
    if (last !== null && event.position <= last) return; // delivered again: already counted
    if (this.known !== null && !this.known.has(event.type)) {
      // Not one of its types (a store that filters by prefix, a newer version's type): passed over, counted, and
      // the checkpoint moves past it all the same, so a read waiting for that position is not kept waiting.
      const seen = this.skipped.get(event.type) ?? 0;
      if (seen === 0)
        this.logger.log(`${this.projection.name}: skips events of type ${event.type}, which it does not know`);
      this.skipped.set(event.type, seen + 1);
    } else {
      this.projection.apply(event);
      this.eventsApplied += 1;
    }
    this.pending = { position: event.position, count: (this.pending?.count ?? 0) + 1 };
  }

  /** Live: the burst is over. A failure here ends the subscription, and `run` recovers. */
  private flushSoon(): void {
    this.flushScheduled = undefined;
    try {
      this.flush();
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      void this.subscription?.unsubscribe();
    }
  }

  private flush(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.readModels.transaction(() => {
      this.projection.persist();
      this.readModels.saveCheckpoint(this.projection.name, {
        version: this.projection.version,
        position: pending.position,
      });
    });
    this.pending = null;
    this.committedPosition = pending.position;
    this.projection.committed();
    const reached = this.positionWaiters.filter((w) => w.position <= pending.position);
    this.positionWaiters = this.positionWaiters.filter((w) => w.position > pending.position);
    for (const w of reached) w.resolve();
  }

  private markCaughtUp(): void {
    if (!this.caughtUpFlag) this.logger.log(`${this.projection.name}: caught up at ${String(this.committedPosition)}`);
    this.caughtUpFlag = true;
    this.lastError = null;
    for (const w of this.caughtUpWaiters) w();
    this.caughtUpWaiters = [];
  }

  /** Back to the last commit (`run` reloads the state): the folded but uncommitted events will come again. */
  private recover(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`${this.projection.name}: ${message}; resuming from ${String(this.committedPosition)}`);
    this.lastError = message;
    this.caughtUpFlag = false;
    this.failure = undefined;
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    this.pending = null;
  }

  private pause(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retryTimer = undefined;
        resolve();
      }, this.retryDelayMs);
      this.retryTimer = {
        timer,
        resolve: () => {
          clearTimeout(timer);
          this.retryTimer = undefined;
          resolve();
        },
      };
    });
  }
}
