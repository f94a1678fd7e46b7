import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  EventStoreClosedError,
  InvalidEventStoreArgumentError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventData,
  EventFilter,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionMessage,
} from '../port.js';
import { assertAppendArguments, assertMultiAppendArguments, toCount } from '../validation.js';
import { EVENT_COLUMNS as COLUMNS, toRecorded, type EventRow } from './stored-event.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file; its folder is created if needed. */
  filename: string;
  /**
   * How often idle subscriptions look for commits made by *other* processes
   * (`PRAGMA data_version`). Commits in this process wake them at once.
   */
  pollIntervalMs?: number;
  /** Batch size for subscription catch-up reads. */
  batchSize?: number;
  /**
   * Positions a filtered forward `readAll` looks at in one go before it lets
   * the event loop turn (default 16,384). A filter on a rare type reads every
   * row after `fromPosition` to find the few it wants: at 100,000 events in
   * one statement that held the loop for about 100 ms (issue 27).
   */
  scanWindow?: number;
}

const SCHEMA_VERSION = 1;
const MAX_POSITION = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Rows per multi-row INSERT (7 parameters each, far below SQLite's 32,766). */
const INSERT_CHUNK = 32;

/**
 * Bounds of one group commit, so that one commit never holds the event loop
 * for long; what is left is committed on the following turn.
 */
const MAX_GROUP_APPENDS = 256;
const MAX_GROUP_EVENTS = 4096;
/** Stream heads remembered for `knownStreamHead` (about 100 bytes each) before the map starts again. */
const MAX_KNOWN_HEADS = 200_000;

/**
 * An event as queued: what the insert needs, taken from the caller's object
 * when `appendToStream` is called, so that mutating it afterwards changes
 * nothing. A serialisation error is kept and thrown where the insert would
 * have thrown it, so errors come in the same order as without the queue.
 */
interface QueuedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  error?: Error;
}

/** One stream's events in a queued append. */
interface QueuedPart {
  streamName: string;
  events: QueuedEvent[];
  expected: ExpectedRevision;
}

/** An append as queued: one part (`appendToStream`), or several committed all or nothing (`appendToStreams`). */
interface PendingAppend {
  parts: QueuedPart[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

/**
 * The embedded event store: one SQLite file, one table of events.
 *
 * - `position` is an AUTOINCREMENT rowid, so a global position is never
 *   reused even after the last row is deleted, and because SQLite has a single
 *   writer, position order is commit order (no gaps are ever *visible* to a
 *   reader that could later be filled, which is the trap Postgres stores fall in).
 * - WAL with `synchronous=FULL`: an append that has returned survives a power
 *   cut. WAL's default (NORMAL) may lose the last commits.
 * - Group commit: appends are queued and committed on the next turn of the
 *   event loop (`setImmediate`, no timer), all those queued by then in one
 *   `BEGIN IMMEDIATE … COMMIT`, so that they share one fsync. Each append runs
 *   in its own SAVEPOINT: a refused append (wrong expected revision, a
 *   constraint) rolls back alone, and a later append in the group sees the
 *   earlier ones exactly as if they had been committed one after the other
 *   (a group of one is a plain transaction, without a savepoint).
 *   Promises settle only after the COMMIT returned (or failed: then every
 *   append of the group rejects). The transaction is opened and committed
 *   within one synchronous call, so no read ever sees it half done. The
 *   expected-revision check and the inserts cannot interleave with another
 *   writer, in this process or another.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private closed = false;
  /** Bumped after every commit made through this instance. */
  private commitSeq = 0;
  private readonly waiters = new Set<() => void>();
  private pollTimer: NodeJS.Timeout | undefined;
  private lastDataVersion = 0n;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly scanWindow: bigint;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private queue: PendingAppend[] = [];
  private flushScheduled: NodeJS.Immediate | undefined;
  /** COMMITs of appends made by this instance, a group's or a lone append's (for tests). */
  private commits = 0;
  /**
   * Stream heads known for certain (`knownStreamHead`): set by a read, moved
   * by this instance's own committed appends, and all forgotten as soon as
   * `data_version` says another connection has committed.
   */
  private readonly heads = new Map<string, bigint>();
  private headsDataVersion = -1n;

  private readonly stmts: {
    streamHead: Database.Statement<[string], { revision: bigint | null }>;
    findId: Database.Statement<[string, string], { revision: bigint; position: bigint }>;
    idsFrom: Database.Statement<[string, bigint, bigint], { id: string; position: bigint }>;
    insert: Database.Statement<[string, bigint | number, string, string, string, string, number]>;
    /** `INSERT_CHUNK` rows in one statement. */
    insertChunk: Database.Statement<unknown[]>;
    readFwd: Database.Statement<[string, bigint, bigint], EventRow>;
    readBwd: Database.Statement<[string, bigint, bigint], EventRow>;
    head: Database.Statement<[], { position: bigint | null }>;
    dataVersion: Database.Statement<[], bigint>;
    begin: Database.Statement<[]>;
    commit: Database.Statement<[]>;
    rollback: Database.Statement<[]>;
  };
  private readonly allStmts = new Map<string, Database.Statement<unknown[], EventRow>>();
  /** A group of one: its own `BEGIN IMMEDIATE … COMMIT`, no savepoint. */
  private readonly appendAlone: (parts: readonly QueuedPart[]) => AppendResult[];
  /**
   * One append (all its parts) in a SAVEPOINT of the group's transaction
   * (better-sqlite3 nests a transaction that way): a part refused rolls back
   * the append's other parts with it, and nothing else of the group.
   */
  private readonly appendInSavepoint: (parts: readonly QueuedPart[]) => AppendResult[];

  private constructor(options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.batchSize = options.batchSize ?? 1000;
    const scanWindow = options.scanWindow ?? 16_384;
    // A window of no positions would never move on.
    if (!Number.isSafeInteger(scanWindow) || scanWindow < 1) {
      throw new InvalidEventStoreArgumentError('scanWindow must be a positive integer');
    }
    this.scanWindow = BigInt(scanWindow);
    if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.defaultSafeIntegers(true);
    this.migrate();

    const s = <P extends unknown[], R>(sql: string) => this.db.prepare<P, R>(sql);
    const raw = <P extends unknown[]>(sql: string) => this.db.prepare<P, EventRow>(sql).raw(true);
    this.stmts = {
      streamHead: s('SELECT MAX(revision) AS revision FROM events WHERE stream_name = ?'),
      findId: s('SELECT revision, position FROM events WHERE stream_name = ? AND id = ?'),
      idsFrom: s('SELECT id, position FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      insert: s(
        `INSERT INTO events (stream_name, revision, id, type, data, metadata, created)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertChunk: s(
        `INSERT INTO events (stream_name, revision, id, type, data, metadata, created)
         VALUES ${Array.from({ length: INSERT_CHUNK }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      ),
      readFwd: raw(
        `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      readBwd: raw(
        `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      head: s('SELECT MAX(position) AS position FROM events'),
      dataVersion: this.db.prepare<[], bigint>('PRAGMA data_version').pluck(true),
      begin: s('BEGIN IMMEDIATE'),
      commit: s('COMMIT'),
      rollback: s('ROLLBACK'),
    };

    const tx = this.db.transaction((parts: readonly QueuedPart[]) =>
      parts.map((p) => this.appendInTransaction(p.streamName, p.events, p.expected)),
    );
    this.appendAlone = (parts) => tx.immediate(parts);
    this.appendInSavepoint = (parts) => {
      // Only ever called between the group's BEGIN and COMMIT, where
      // better-sqlite3 turns the transaction into SAVEPOINT / RELEASE, and
      // ROLLBACK TO on a throw.
      if (!this.db.inTransaction) throw new Error('Group commit: append outside the group transaction');
      return tx(parts);
    };
  }

  static open(options: SqliteEventStoreOptions | string): SqliteEventStore {
    return new SqliteEventStore(typeof options === 'string' ? { filename: options } : options);
  }

  /**
   * Writes one row outside the event log (table `write_probe`, one row,
   * overwritten): readiness asks this so that a store that can still be read
   * but no longer written (a read-only file or mount, a full disk: the WAL
   * frame of the commit cannot be written) is reported, and a balancer stops
   * sending doors to it. Throws the store's error. Skipped while a group
   * commit holds the transaction: a write is then under way anyway.
   */
  probeWrite(): Promise<void> {
    if (this.db.inTransaction) return Promise.resolve();
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
       INSERT INTO write_probe (id, at) VALUES (1, ${Date.now()}) ON CONFLICT (id) DO UPDATE SET at = excluded.at;`,
    );
    return Promise.resolve();
  }

  private migrate(): void {
    const version = Number(this.db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new Error(`Event store file has schema ${version}, newer than this build (${SCHEMA_VERSION})`);
    }
    if (version === SCHEMA_VERSION) return;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position    INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_name TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        id          TEXT    NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT    NOT NULL,
        metadata    TEXT    NOT NULL,
        created     INTEGER NOT NULL,
        UNIQUE (stream_name, revision),
        UNIQUE (stream_name, id)
      );
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  // ---------------------------------------------------------------- append

  appendToStream(streamName: string, events: readonly EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    try {
      this.assertOpen();
      const expected = options.expectedRevision ?? 'any';
      assertAppendArguments(streamName, events, expected);
      const queued = events.map(queueEvent);
      return new Promise<AppendResult>((resolve, reject) => {
        this.queue.push({
          parts: [{ streamName, events: queued, expected }],
          resolve: (results) => resolve(results[0]!),
          reject,
        });
        this.scheduleFlush();
      });
    } catch (error) {
      return Promise.reject(toError(error));
    }
  }

  /**
   * Several streams in one append, all or nothing: the parts are written in
   * their order, in one savepoint of the group's transaction (or a transaction
   * of their own), so a part refused leaves nothing of the others and shares
   * nothing but the fsync with the rest of the group.
   */
  appendToStreams(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    try {
      this.assertOpen();
      assertMultiAppendArguments(parts);
      const queued = parts.map((p) => ({
        streamName: p.streamName,
        events: p.events.map(queueEvent),
        expected: p.expectedRevision ?? 'any',
      }));
      return new Promise<AppendResult[]>((resolve, reject) => {
        this.queue.push({ parts: queued, resolve, reject });
        this.scheduleFlush();
      });
    } catch (error) {
      return Promise.reject(toError(error));
    }
  }

  /** @internal COMMITs of appends made by this instance since it was opened (one per group). */
  get commitCount(): number {
    return this.commits;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    // The next turn, not a timer: a lone append waits for nothing but the I/O
    // callbacks already due (other requests, whose appends join the group).
    this.flushScheduled = setImmediate(() => {
      this.flushScheduled = undefined;
      if (!this.closed) this.flushGroup();
    });
  }

  /** Commits the next group from the queue: one transaction, one fsync. */
  private flushGroup(): void {
    let take = 0;
    let eventCount = 0;
    while (take < this.queue.length && take < MAX_GROUP_APPENDS) {
      const n = eventsOf(this.queue[take]!);
      if (take > 0 && eventCount + n > MAX_GROUP_EVENTS) break;
      eventCount += n;
      take += 1;
    }
    const group = this.queue.slice(0, take);
    this.queue = this.queue.slice(take);
    if (this.queue.length > 0) this.scheduleFlush();
    if (group.length === 0) return;
    if (group.length === 1) {
      this.commitAlone(group[0]!);
      return;
    }

    try {
      this.stmts.begin.run();
    } catch (error) {
      for (const p of group) p.reject(toError(error));
      return;
    }
    const outcomes: (AppendResult[] | Error)[] = [];
    for (let i = 0; i < group.length; i++) {
      const p = group[i]!;
      try {
        outcomes.push(this.appendInSavepoint(p.parts));
      } catch (error) {
        const err = toError(error);
        outcomes.push(err);
        if (!this.db.inTransaction) {
          // SQLite rolled the whole transaction back (I/O error, disk full...):
          // the appends before this one are gone with it; those after it were
          // not tried and go back to the head of the queue.
          for (let j = 0; j < i; j++) outcomes[j] = err;
          this.queue = [...group.slice(i + 1), ...this.queue];
          group.length = i + 1;
          if (this.queue.length > 0) this.scheduleFlush();
          break;
        }
      }
    }

    const anyStored = outcomes.some((o) => !(o instanceof Error));
    if (this.db.inTransaction) {
      try {
        if (anyStored) this.stmts.commit.run();
        else this.stmts.rollback.run();
      } catch (error) {
        const err = toError(error);
        if (this.db.inTransaction) {
          try {
            this.stmts.rollback.run();
          } catch {
            // The COMMIT's error is the one to report.
          }
        }
        for (let i = 0; i < outcomes.length; i++) if (!(outcomes[i] instanceof Error)) outcomes[i] = err;
      }
    }
    if (outcomes.some((o) => !(o instanceof Error))) {
      this.commits += 1;
      // Subscribers wake after the COMMIT, never before.
      this.notifyCommit();
    }
    for (let i = 0; i < group.length; i++) {
      const o = outcomes[i]!;
      if (o instanceof Error) group[i]!.reject(o);
      else {
        this.movedHeads(group[i]!.parts, o);
        group[i]!.resolve(o);
      }
    }
  }

  /**
   * A lone append needs no savepoint (which makes SQLite copy every page it
   * touches into a sub-journal: ~12 % of a 100-event batch, BENCHMARKS.md).
   * If its COMMIT fails, better-sqlite3 rolls back and rethrows.
   */
  private commitAlone(p: PendingAppend): void {
    let results: AppendResult[];
    try {
      results = this.appendAlone(p.parts);
    } catch (error) {
      p.reject(toError(error));
      return;
    }
    this.commits += 1;
    this.notifyCommit();
    this.movedHeads(p.parts, results);
    p.resolve(results);
  }

  /** A committed append of this instance: the heads already known move with it. */
  private movedHeads(parts: readonly QueuedPart[], results: readonly AppendResult[]): void {
    for (let i = 0; i < parts.length; i++) {
      const streamName = parts[i]!.streamName;
      if (this.heads.has(streamName)) this.heads.set(streamName, results[i]!.nextExpectedRevision);
    }
  }

  /**
   * Remembers a head just read from the file, as of the `data_version` asked
   * before the read (a commit of another connection after that makes the
   * next ask forget it: never wrong, at worst read again). Bounded: the map
   * starts again past `MAX_KNOWN_HEADS`.
   */
  private learnHead(streamName: string, revision: bigint, version: bigint): void {
    if (version !== this.headsDataVersion || this.heads.size >= MAX_KNOWN_HEADS) {
      this.heads.clear();
      this.headsDataVersion = version;
    }
    this.heads.set(streamName, revision);
  }

  knownStreamHead(streamName: string): bigint | undefined {
    if (this.closed) return undefined;
    const version = this.stmts.dataVersion.get()!;
    if (version !== this.headsDataVersion) {
      // Another connection (process) committed, or this is the first ask:
      // nothing known before now can be trusted.
      this.heads.clear();
      this.headsDataVersion = version;
      return undefined;
    }
    return this.heads.get(streamName);
  }

  private appendInTransaction(
    streamName: string,
    events: readonly QueuedEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    const head = this.stmts.streamHead.get(streamName)?.revision ?? null;
    const first = events[0];
    // Idempotent re-append: the same ids already stored at the same place
    // answer as the first append did, and write nothing.
    if (head !== null && first !== undefined) {
      const found = this.stmts.findId.get(streamName, first.id);
      if (found) return this.replayedAppend(streamName, events, expected, found.revision, head);
    }
    const actual: bigint | 'no_stream' = head ?? 'no_stream';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && head === null) ||
      (expected === 'stream_exists' && head !== null) ||
      (typeof expected === 'bigint' && head === expected);
    if (!ok) throw new WrongExpectedRevisionError(streamName, expected, actual);

    const start = head === null ? 0n : head + 1n;
    const last = start + BigInt(events.length) - 1n;
    // Revisions are bound as numbers where exact: binding a bigint costs more
    // per row (and no stream comes near 2^53 events).
    const firstRevision: bigint | number = last <= MAX_SAFE ? Number(start) : start;
    const created = Date.now();
    let info: Database.RunResult | undefined;
    let i = 0;
    // Whole chunks in one multi-row INSERT each: one call into SQLite for
    // INSERT_CHUNK rows instead of one per row (BENCHMARKS.md, "The store's
    // read path"). A chunk holding an event that failed to serialise goes row
    // by row, so that errors come in the same order as without chunks.
    for (; i + INSERT_CHUNK <= events.length; i += INSERT_CHUNK) {
      let clean = true;
      for (let k = i; k < i + INSERT_CHUNK; k++) if (events[k]!.error) clean = false;
      if (!clean) break;
      const params = new Array<unknown>(INSERT_CHUNK * 7);
      for (let k = 0; k < INSERT_CHUNK; k++) {
        const e = events[i + k]!;
        const j = k * 7;
        params[j] = streamName;
        params[j + 1] = revisionAt(firstRevision, i + k);
        params[j + 2] = e.id;
        params[j + 3] = e.type;
        params[j + 4] = e.data;
        params[j + 5] = e.metadata;
        params[j + 6] = created;
      }
      info = this.stmts.insertChunk.run(params);
    }
    for (; i < events.length; i++) {
      const e = events[i]!;
      if (e.error) throw e.error;
      info = this.stmts.insert.run(streamName, revisionAt(firstRevision, i), e.id, e.type, e.data, e.metadata, created);
    }
    // `position` is the rowid of the last row: lastInsertRowid (a bigint, safe
    // integers are on) saves a RETURNING clause, ~15 % of a batch append
    // (BENCHMARKS.md). Rows of one append get consecutive rowids (one writer).
    return { nextExpectedRevision: last, position: BigInt(info!.lastInsertRowid) };
  }

  private replayedAppend(
    streamName: string,
    events: readonly QueuedEvent[],
    expected: ExpectedRevision,
    firstRevision: bigint,
    head: bigint,
  ): AppendResult {
    const stored = this.stmts.idsFrom.all(streamName, firstRevision, BigInt(events.length));
    const sameIds = stored.length === events.length && stored.every((row, i) => row.id === events[i]!.id);
    const samePlace =
      expected === 'any' ||
      expected === 'stream_exists' ||
      (expected === 'no_stream' && firstRevision === 0n) ||
      (typeof expected === 'bigint' && firstRevision === expected + 1n);
    if (!sameIds || !samePlace) throw new WrongExpectedRevisionError(streamName, expected, head);
    return {
      nextExpectedRevision: firstRevision + BigInt(events.length) - 1n,
      position: stored[stored.length - 1]!.position,
    };
  }

  // ------------------------------------------------------------------ read

  readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamOrNull(streamName, options).then((events) => {
      if (events === null) throw new StreamNotFoundError(streamName);
      return events;
    });
  }

  readStreamOrNull(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[] | null> {
    try {
      this.assertOpen();
      const direction = options.direction ?? 'forwards';
      const max = toCount(options.maxCount) ?? BigInt(Number.MAX_SAFE_INTEGER);
      // Asked before the head is read: what is read is at least as new.
      const version = this.stmts.dataVersion.get()!;
      const head = this.stmts.streamHead.get(streamName)?.revision ?? null;
      if (head === null) return Promise.resolve(null);
      this.learnHead(streamName, head, version);
      const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
      const rev = from === 'start' ? 0n : from === 'end' ? head : from;
      if (typeof rev !== 'bigint' || rev < 0n) {
        throw new InvalidEventStoreArgumentError('fromRevision must be >= 0');
      }
      const rows =
        direction === 'forwards'
          ? this.stmts.readFwd.all(streamName, rev, max)
          : this.stmts.readBwd.all(streamName, rev, max);
      return Promise.resolve(rows.map(toRecorded));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    try {
      this.assertOpen();
      const direction = options.direction ?? 'forwards';
      const max = toCount(options.maxCount) ?? BigInt(Number.MAX_SAFE_INTEGER);
      const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
      // 'start' is before the first event and 'end' after the last, so that
      // the bound stays exclusive in both directions.
      const bound = from === 'start' ? -1n : from === 'end' ? MAX_POSITION : from;
      if (options.filter !== undefined && direction === 'forwards') {
        return this.readFilteredInWindows(bound, max, options.filter);
      }
      const rows = this.readAllRows(direction, bound, max, options.filter);
      return Promise.resolve(rows.map(toRecorded));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * A filtered read forwards, `scanWindow` positions at a time up to the head
   * found at the call, with a turn of the event loop between windows: what is
   * read is the same as one statement would give (the events stored before
   * the call, in order, at most `max`), and no window holds the loop long.
   */
  private async readFilteredInWindows(bound: bigint, max: bigint, filter: EventFilter): Promise<RecordedEvent[]> {
    const head = this.headPosition();
    const out: RecordedEvent[] = [];
    let after = bound;
    while (head !== null && after < head && BigInt(out.length) < max) {
      this.assertOpen();
      const until = head - after > this.scanWindow ? after + this.scanWindow : head;
      for (const row of this.readAllRows('forwards', after, max - BigInt(out.length), filter, until)) {
        out.push(toRecorded(row));
      }
      after = until;
      if (after < head && BigInt(out.length) < max) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }

  /** Rows strictly after (forwards) or before (backwards) `bound`, optionally up to `until` inclusive. */
  private readAllRows(
    direction: 'forwards' | 'backwards',
    bound: bigint,
    max: bigint,
    filter: EventFilter | undefined,
    until?: bigint,
  ): EventRow[] {
    const prefixes = filter?.prefixes ?? [];
    const column = filter?.filterOn === 'streamName' ? 'stream_name' : 'type';
    const exact = filter?.exact === true;
    const key = `${direction}|${filter ? column : ''}|${exact ? '=' : ''}${prefixes.length}|${until === undefined ? '' : 'u'}`;
    let stmt = this.allStmts.get(key);
    if (!stmt) {
      const where = [direction === 'forwards' ? 'position > ?' : 'position < ?'];
      if (until !== undefined) where.push('position <= ?');
      if (filter) {
        if (prefixes.length === 0) where.push('0');
        else if (exact) where.push(`${column} IN (${prefixes.map(() => '?').join(', ')})`);
        else where.push(`(${prefixes.map(() => `substr(${column}, 1, ?) = ?`).join(' OR ')})`);
      }
      stmt = this.db
        .prepare<unknown[], EventRow>(
          `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position ${
            direction === 'forwards' ? 'ASC' : 'DESC'
          } LIMIT ?`,
        )
        .raw(true);
      this.allStmts.set(key, stmt);
    }
    const params: unknown[] = [bound];
    if (until !== undefined) params.push(until);
    for (const p of prefixes) {
      if (exact) params.push(p);
      else params.push(BigInt(p.length), p);
    }
    params.push(max);
    return stmt.all(...params);
  }

  // ------------------------------------------------------------- subscribe

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const from = options.fromPosition ?? 'start';
    const sub = new SqliteSubscription(this, from === 'start' ? -1n : from, options.filter);
    this.subscriptions.add(sub);
    return sub;
  }

  /** @internal Used by subscriptions: the current head and a batch after `after`, up to `head`. */
  readBatch(after: bigint, head: bigint, filter: EventFilter | undefined): EventRow[] {
    return this.readAllRows('forwards', after, BigInt(this.batchSize), filter, head);
  }

  /** @internal */
  headPosition(): bigint | null {
    return this.stmts.head.get()?.position ?? null;
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  get currentCommitSeq(): number {
    return this.commitSeq;
  }

  /**
   * @internal Resolves after the next commit seen by this instance (its own, at
   * once; another process's, within `pollIntervalMs`), or at once if one
   * happened since `seenSeq`.
   */
  waitForCommit(seenSeq: number): Promise<void> {
    if (this.commitSeq !== seenSeq || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.add(resolve);
      this.ensurePolling();
    });
  }

  /** @internal */
  wakeAll(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
    if (this.waiters.size === 0 && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  /** @internal */
  forget(sub: SqliteSubscription): void {
    this.subscriptions.delete(sub);
  }

  private notifyCommit(): void {
    this.commitSeq += 1;
    this.wakeAll();
  }

  private ensurePolling(): void {
    if (this.pollTimer) return;
    this.lastDataVersion = this.dataVersion();
    this.pollTimer = setInterval(() => {
      if (this.closed) return;
      const v = this.dataVersion();
      if (v !== this.lastDataVersion) {
        this.lastDataVersion = v;
        this.notifyCommit();
      }
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  private dataVersion(): bigint {
    // Changes whenever *another* connection commits to the file.
    return BigInt(this.db.pragma('data_version', { simple: true }) as bigint | number);
  }

  // ----------------------------------------------------------------- close

  async close(): Promise<void> {
    if (this.closed) return;
    for (const sub of [...this.subscriptions]) await sub.unsubscribe();
    if (this.closed) return;
    // Appends accepted before the close are committed, not dropped.
    while (this.queue.length > 0) this.flushGroup();
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.wakeAll();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

class SqliteSubscription implements Subscription {
  /** @internal Read by its iterators. */
  stopped = false;

  constructor(
    private readonly store: SqliteEventStore,
    private readonly from: bigint,
    private readonly filter: EventFilter | undefined,
  ) {}

  unsubscribe(): Promise<void> {
    this.stopped = true;
    this.store.forget(this);
    this.store.wakeAll();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return new SubscriptionIterator(this, this.store, this.from, this.filter);
  }
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The subscription's iteration, written by hand rather than as an async
 * generator: an event already read in the current batch is handed over as an
 * already resolved promise, with none of a generator's suspend and resume (an
 * async generator costs several promise jobs per `yield`; this was half of a
 * catch-up's time, BENCHMARKS.md). Only the end of a batch, of a scan or the
 * wait for a commit go through `advance`.
 *
 * Per cycle: note the commit counter, read the head, hand over the events
 * after `position` up to that head (in batches of `batchSize`, read when the
 * previous one is used up: the consumer's pace is the back-pressure), then
 * `caughtUp` once, then wait for a commit after the one noted. A commit that
 * lands while the consumer is busy makes that wait return at once.
 */
class SubscriptionIterator implements AsyncIterator<SubscriptionMessage> {
  private rows: EventRow[] = [];
  private index = 0;
  /** Head read at the start of the cycle: the end of its scan, and what `caughtUp` reports. */
  private head: bigint | null = null;
  private scanning = false;
  /** The first cycle starts at the first `next()`, as a generator's body would. */
  private needCycle = true;
  /** Last position looked at in the scan in progress. */
  private after: bigint;
  private seq = 0;
  private caughtUp = false;
  private done = false;
  /** The `advance` in progress: a `next()` called before it settles waits for it (calls are served in order). */
  private pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;

  constructor(
    private readonly sub: SqliteSubscription,
    private readonly store: SqliteEventStore,
    private position: bigint,
    private readonly filter: EventFilter | undefined,
  ) {
    this.after = position;
  }

  next(): Promise<IteratorResult<SubscriptionMessage>> {
    if (this.pending) return this.pending.then(() => this.next());
    if (this.done) return Promise.resolve(DONE);
    if (this.index < this.rows.length && !this.sub.stopped) {
      const row = this.rows[this.index++]!;
      this.after = row[0];
      return Promise.resolve({ done: false, value: { kind: 'event', event: toRecorded(row) } });
    }
    const pending = this.advance().finally(() => {
      this.pending = undefined;
    });
    this.pending = pending;
    return pending;
  }

  return(): Promise<IteratorResult<SubscriptionMessage>> {
    this.finish();
    return Promise.resolve(DONE);
  }

  private async advance(): Promise<IteratorResult<SubscriptionMessage>> {
    try {
      for (;;) {
        if (this.sub.stopped || this.store.isClosed) return this.finish();
        if (this.needCycle) {
          this.needCycle = false;
          this.startCycle();
        }
        if (this.scanning) {
          if (this.index < this.rows.length) {
            const row = this.rows[this.index++]!;
            this.after = row[0];
            return { done: false, value: { kind: 'event', event: toRecorded(row) } };
          }
          // The batch is used up: read the next one, unless this one was
          // empty or reached the head (then the scan is over).
          if (this.rows.length > 0 && this.after < this.head!) {
            this.rows = this.store.readBatch(this.after, this.head!, this.filter);
            this.index = 0;
            continue;
          }
          // Everything up to the head has been looked at, matched or not.
          this.scanning = false;
          this.position = this.head!;
          this.rows = [];
          this.index = 0;
        }
        if (!this.caughtUp) {
          this.caughtUp = true;
          return { done: false, value: { kind: 'caughtUp', position: this.head } };
        }
        await this.store.waitForCommit(this.seq);
        this.needCycle = true;
      }
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  /**
   * Notes the commit counter *before* reading the head: a commit that lands
   * while the consumer is busy with this cycle's events makes the next wait
   * return at once instead of sleeping through it.
   */
  private startCycle(): void {
    this.seq = this.store.currentCommitSeq;
    this.head = this.store.headPosition();
    if (this.head === null || this.head <= this.position) return;
    this.scanning = true;
    this.after = this.position;
    this.rows = this.store.readBatch(this.after, this.head, this.filter);
    this.index = 0;
  }

  private finish(): IteratorReturnResult<undefined> {
    this.done = true;
    this.rows = [];
    this.sub.stopped = true;
    this.store.forget(this.sub);
    return DONE;
  }
}

function revisionAt(first: bigint | number, offset: number): bigint | number {
  return typeof first === 'number' ? first + offset : first + BigInt(offset);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function eventsOf(p: PendingAppend): number {
  let n = 0;
  for (const part of p.parts) n += part.events.length;
  return n;
}

function queueEvent(e: EventData): QueuedEvent {
  const queued: QueuedEvent = { id: e.id.toLowerCase(), type: e.type, data: '', metadata: '' };
  try {
    queued.data = JSON.stringify(e.data ?? null);
    queued.metadata = JSON.stringify(e.metadata ?? {});
  } catch (error) {
    queued.error = toError(error);
  }
  return queued;
}
