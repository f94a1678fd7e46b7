import {
  eventTypes,
  type EventFilter,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@emargement/event-store';
import type { ReadModels } from './read-models.js';

/**
 * A read model kept in memory and in the read-models file, declared by the
 * event types it handles and how it folds them (emmett-style). The runner
 * hands it each event of a batch it handles (`apply`), then, in ONE
 * transaction with every other projection's rows and every checkpoint,
 * `persist` (write what changed), then `committed` once that transaction is
 * on disk: only then may the projection show its new state to anyone.
 */
export interface Projection {
  /** Names its checkpoint: one per projection, each catching up from its own. */
  readonly name: string;
  /** Stored with the checkpoint; rows built by another version are rebuilt from the start. */
  readonly version: string;
  /**
   * The event types it folds, whole names (issue 20). The runner subscribes
   * to the union of every projection's types and hands a projection only its
   * own; any other type a store delivers is passed over and counted.
   */
  readonly handles: readonly string[];
  /** Creates its tables if missing. */
  migrate(): void;
  /** Deletes its rows (inside the runner's transaction). */
  reset(): void;
  /** Replaces the in-memory state by what its rows hold. */
  load(): void;
  /** Folds one event of the batch into memory (a plain switch on `event.type`). */
  apply(event: RecordedEvent): void;
  /** Writes the rows `apply` changed since the last call (inside the batch's transaction). */
  persist(): void;
  /** The transaction holding the last `persist` is committed. */
  committed(): void;
  /**
   * Told `true` when the runner starts handing over stored history (a start,
   * a rebuild) and `false` once it has caught up. History is committed in
   * large batches, so a projection may skip the bookkeeping that keeps a live
   * commit small (the attendance projection's record of touched entries) and
   * write whole rows instead.
   */
  replaying?(on: boolean): void;
}

export interface ProjectionRunnerOptions {
  /** Events folded between commits while catching up. Live, each burst is committed as soon as it stops. */
  batchSize?: number;
  /**
   * Live and busy, the least time between two commits (ms; 0, the default:
   * each burst is committed at the next turn). Busy: the last commit carried
   * at least `busyBatchEvents` events (default 8): then events fold into one
   * commit made this long after the last, else (a quiet door, a dashboard's
   * trickle) at the next turn as without it. Nobody is kept waiting by it: a
   * read that waits for a position already folded has it committed at the
   * next turn. The server uses a few milliseconds, so that a busy door's
   * scans share one read-model transaction (BENCHMARKS.md, issue 27).
   */
  flushDelayMs?: number;
  /** What makes a commit busy for `flushDelayMs`: this many events or more (default 8). */
  busyBatchEvents?: number;
  retryDelayMs?: number;
  logger?: { log(message: string): void; error(message: string): void };
  /**
   * What to ask the store for; by default the union of the projections'
   * types, whole names. Tests pass a prefix filter to play a store that
   * delivers more than asked (issue 20).
   */
  filter?: EventFilter;
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
   * Events passed over since the runner started, by type: types no
   * projection of this runner knows (written by a newer version, or a name
   * that only starts like a known one). Skipped, counted, never a stop.
   */
  eventsSkipped: Record<string, number>;
  lastError: string | null;
}

/** What a read model needs of the runner for its own projection. */
export interface ProjectionHandle {
  status(): ProjectionStatus;
  untilCaughtUp(): Promise<void>;
  untilPosition(position: bigint): Promise<void>;
}

interface Entry {
  readonly projection: Projection;
  readonly handles: ReadonlySet<string>;
  prepared: boolean;
  /** Position of the last event whose effect is committed. */
  committed: bigint | null;
  /** Position of the last event of the batch in progress that this projection has seen. */
  pending: bigint | null;
  applied: number;
  waiters: { position: bigint; resolve: () => void }[];
}

const isList = (p: Projection | readonly Projection[]): p is readonly Projection[] => Array.isArray(p);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Feeds every projection of a read-models file from ONE subscription to the
 * store's `$all` (issue 27): each batch of events is handed to every
 * projection that handles them, and all their rows and all their checkpoints
 * are written in one transaction per batch.
 *
 * - Each projection keeps its own checkpoint. The subscription starts at the
 *   lowest of them; a projection already past an event is not handed it, so
 *   a new or changed projection (version bump) catches up from its own
 *   position while the others fold nothing twice.
 * - Events are committed in batches: `batchSize` while the subscription hands
 *   over stored history (then the runner lets the event loop turn, so the
 *   server keeps answering during a long catch-up), and live at the end of
 *   each burst (a `setImmediate` after the last event) or, with
 *   `flushDelayMs` and busy, no sooner than that after the last commit; a
 *   read waiting for a folded position (`untilPosition`) does not wait for it.
 * - Any failure (the store, the file, a fold that throws) throws every
 *   projection's in-memory state away, reloads it from the file (the last
 *   commit) and subscribes again from the checkpoints after a pause: nothing
 *   folded twice, nothing skipped. A poison event stops every projection of
 *   the runner (not ready), since they commit together, rather than being
 *   passed over.
 */
export class ProjectionRunner {
  private readonly entries: Entry[] = [];
  private caughtUpFlag = false;
  private stopped = false;
  private started = false;
  /** Events handed over and not yet committed (any projection's). */
  private pendingCount = 0;
  private readonly skipped = new Map<string, number>();
  private lastError: string | null = null;
  private failure: Error | undefined = undefined;
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private flushScheduled: NodeJS.Immediate | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly flushDelayMs: number;
  private readonly busyBatchEvents: number;
  /** When the last commit was made (`performance.now()`), and how many events it carried. */
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private lastBatchEvents = 0;
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private caughtUpWaiters: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly logger: NonNullable<ProjectionRunnerOptions['logger']>;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModels,
    projections: Projection | readonly Projection[] = [],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.flushDelayMs = options.flushDelayMs ?? 0;
    this.busyBatchEvents = options.busyBatchEvents ?? 8;
    this.logger = options.logger ?? { log: () => undefined, error: () => undefined };
    const list: readonly Projection[] = isList(projections) ? projections : [projections];
    for (const p of list) this.add(p);
  }

  /** Adds a projection before the start. */
  add(projection: Projection): ProjectionHandle {
    if (this.started) throw new Error(`${projection.name}: added after the runner started`);
    if (this.entries.some((e) => e.projection.name === projection.name))
      throw new Error(`${projection.name}: two projections of that name`);
    this.entries.push({
      projection,
      handles: new Set(projection.handles),
      prepared: false,
      committed: null,
      pending: null,
      applied: 0,
      waiters: [],
    });
    return this.handle(projection.name);
  }

  /** The status and waits of one projection, as its read model sees them. */
  handle(name: string): ProjectionHandle {
    return {
      status: () => this.status(name),
      untilCaughtUp: () => this.untilCaughtUp(),
      untilPosition: (position) => this.untilPosition(position, name),
    };
  }

  projectionNames(): string[] {
    return this.entries.map((e) => e.projection.name);
  }

  /**
   * Creates the tables, starts a projection over if its rows were built by
   * another version, and loads the state: the last committed figures are
   * there before the subscription starts. Projections already prepared are
   * left as they are (each read model calls it; the first does the work).
   */
  prepare(): void {
    for (const entry of this.entries) {
      if (entry.prepared) continue;
      const { projection } = entry;
      projection.migrate();
      const checkpoint = this.readModels.checkpoint(projection.name);
      if (checkpoint?.version !== projection.version) {
        if (checkpoint) {
          this.logger.log(
            `${projection.name}: built by version ${checkpoint.version}, now ${projection.version}: rebuilding from the start`,
          );
        }
        this.resetEntry(entry);
      } else {
        entry.committed = checkpoint.position;
        projection.load();
      }
      entry.prepared = true;
    }
  }

  /** Empties every projection's rows and checkpoint: the next start folds every event again. */
  reset(): void {
    for (const entry of this.entries) {
      this.resetEntry(entry);
      entry.prepared = true;
    }
  }

  private resetEntry(entry: Entry): void {
    const { projection } = entry;
    this.readModels.transaction(() => {
      projection.reset();
      this.readModels.saveCheckpoint(projection.name, { version: projection.version, position: null });
    });
    entry.committed = null;
    projection.load();
  }

  /** Starts the one subscription (again: nothing). */
  start(): void {
    if (this.started) return;
    this.prepare();
    this.started = true;
    this.running = this.run();
  }

  /** Stops the subscription and commits what was folded; the state stays readable. Again: the same promise. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.resolve();
    await this.subscription?.unsubscribe();
    await this.running;
    this.cancelScheduledFlush();
    try {
      if (this.failure === undefined) this.flush();
    } catch (error) {
      this.logger.error(`projections: last commit failed: ${String(error)}`);
    }
    for (const entry of this.entries) {
      for (const w of entry.waiters) w.resolve();
      entry.waiters = [];
    }
    for (const w of this.caughtUpWaiters) w();
    this.caughtUpWaiters = [];
  }

  /** One projection's status (the first's when no name is given: a runner of one projection). */
  status(name?: string): ProjectionStatus {
    const entry = this.entry(name);
    return {
      name: entry.projection.name,
      version: entry.projection.version,
      position: entry.committed,
      caughtUp: this.caughtUpFlag,
      eventsApplied: entry.applied,
      eventsSkipped: Object.fromEntries(this.skipped),
      lastError: this.lastError,
    };
  }

  /** Resolves once the history found at subscription time is committed (or on stop). */
  untilCaughtUp(): Promise<void> {
    if (this.caughtUpFlag || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** Resolves once the event at `position` (and all before it) is committed for that projection (or on stop). */
  untilPosition(position: bigint, name?: string): Promise<void> {
    const entry = this.entry(name);
    if (this.stopped || (entry.committed !== null && entry.committed >= position)) return Promise.resolve();
    return new Promise((resolve) => {
      entry.waiters.push({ position, resolve });
      // Folded already and waiting for a delayed commit: committed at the next turn instead.
      if (entry.pending !== null && entry.pending >= position) this.scheduleFlush();
    });
  }

  private entry(name: string | undefined): Entry {
    const entry = name === undefined ? this.entries[0] : this.entries.find((e) => e.projection.name === name);
    if (!entry) throw new Error(`no projection ${name ?? ''} in this runner`);
    return entry;
  }

  private async run(): Promise<void> {
    let reload = false;
    while (!this.stopped) {
      try {
        if (reload) for (const entry of this.entries) entry.projection.load();
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

  /** The lowest checkpoint: where the one subscription starts. */
  private from(): bigint | 'start' {
    let from: bigint | null | undefined = undefined;
    for (const entry of this.entries) {
      if (entry.committed === null) return 'start';
      if (from === undefined || entry.committed < from) from = entry.committed;
    }
    return from ?? 'start';
  }

  private async follow(): Promise<void> {
    const filter = this.options.filter ?? eventTypes(...new Set(this.entries.flatMap((e) => e.projection.handles)));
    // No projection reads a sealed field (names, e-mail, ticket code, a signature's strokes): envelopes stay closed.
    const subscription = this.store.subscribeToAll({ fromPosition: this.from(), filter, personalData: false });
    this.subscription = subscription;
    this.setReplaying(true);
    for await (const message of subscription) {
      if (this.stopped) break;
      if (message.kind === 'caughtUp') {
        this.flush();
        this.setReplaying(false);
        this.markCaughtUp();
        continue;
      }
      this.handleEvent(message.event);
      if (this.pendingCount >= this.batchSize) {
        this.flush();
        await nextTurn();
      } else if (this.pendingCount > 0) {
        this.scheduleFlush();
      }
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private replayingFlag = false;

  private setReplaying(on: boolean): void {
    if (this.replayingFlag === on) return;
    this.replayingFlag = on;
    for (const entry of this.entries) entry.projection.replaying?.(on);
  }

  private handleEvent(event: RecordedEvent): void {
    let known = false;
    let taken = false;
    for (const entry of this.entries) {
      const last = entry.pending ?? entry.committed;
      if (last !== null && event.position <= last) continue; // this projection has it already
      if (entry.handles.has(event.type)) {
        entry.projection.apply(event);
        entry.applied += 1;
        known = true;
      }
      // Its checkpoint moves past an event it does not fold all the same, so a read waiting for that position is not kept waiting.
      entry.pending = event.position;
      taken = true;
    }
    if (!taken) return; // delivered again: every projection has it
    if (!known && !this.entries.some((e) => e.handles.has(event.type))) {
      // No projection's type (a store that filters by prefix, a newer version's type): passed over, counted.
      const seen = this.skipped.get(event.type) ?? 0;
      if (seen === 0) this.logger.log(`projections: skip events of type ${event.type}, which none knows`);
      this.skipped.set(event.type, seen + 1);
    }
    this.pendingCount += 1;
  }

  /**
   * Live: a commit at the next turn, unless busy (the last commit carried
   * `busyBatchEvents` or more) and it is not `flushDelayMs` old yet: then
   * when it is, or at the next turn once somebody waits for a folded position.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    const wait = this.flushDelayMs - (performance.now() - this.lastFlushAt);
    if (wait > 0 && this.lastBatchEvents >= this.busyBatchEvents && !this.someoneWaitsForFolded()) {
      this.flushTimer ??= setTimeout(() => this.flushSoon(), Math.ceil(wait));
      return;
    }
    this.flushScheduled = setImmediate(() => this.flushSoon());
  }

  private someoneWaitsForFolded(): boolean {
    for (const entry of this.entries) {
      const pending = entry.pending;
      if (pending !== null && entry.waiters.some((w) => w.position <= pending)) return true;
    }
    return false;
  }

  private cancelScheduledFlush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Live: the burst is over. A failure here ends the subscription, and `run` recovers. */
  private flushSoon(): void {
    try {
      this.flush();
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      void this.subscription?.unsubscribe();
    }
  }

  /** One transaction: the rows of every projection the batch moved, and their checkpoints. */
  private flush(): void {
    this.cancelScheduledFlush();
    const moved = this.entries.filter((e) => e.pending !== null);
    if (moved.length === 0) return;
    this.readModels.transaction(() => {
      for (const entry of moved) {
        entry.projection.persist();
        this.readModels.saveCheckpoint(entry.projection.name, {
          version: entry.projection.version,
          position: entry.pending,
        });
      }
    });
    this.lastBatchEvents = this.pendingCount;
    this.pendingCount = 0;
    this.lastFlushAt = performance.now();
    for (const entry of moved) {
      const position = entry.pending!;
      entry.committed = position;
      entry.pending = null;
      entry.projection.committed();
      const reached = entry.waiters.filter((w) => w.position <= position);
      entry.waiters = entry.waiters.filter((w) => w.position > position);
      for (const w of reached) w.resolve();
    }
  }

  private markCaughtUp(): void {
    if (!this.caughtUpFlag) {
      const at = this.entries.map((e) => `${e.projection.name} ${String(e.committed)}`).join(', ');
      this.logger.log(`projections caught up: ${at}`);
    }
    this.caughtUpFlag = true;
    this.lastError = null;
    for (const w of this.caughtUpWaiters) w();
    this.caughtUpWaiters = [];
  }

  /** Back to the last commit (`run` reloads the state): the folded but uncommitted events will come again. */
  private recover(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const at = this.entries.map((e) => `${e.projection.name} ${String(e.committed)}`).join(', ');
    this.logger.error(`projections: ${message}; resuming from ${at}`);
    this.lastError = message;
    this.caughtUpFlag = false;
    this.failure = undefined;
    this.cancelScheduledFlush();
    this.pendingCount = 0;
    for (const entry of this.entries) entry.pending = null;
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
