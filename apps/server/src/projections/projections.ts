import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { ProjectionRunner, type Projection, type ProjectionHandle } from './projection-runner.js';
import { ReadModels, readModelsPath } from './read-models.js';

/**
 * The least time between two live read-model commits while busy (ms): a busy
 * door's scans then share one transaction, one snapshot of the figures for
 * the dashboard and one checkpoint write, instead of one each per group
 * commit of the store (a quarter of the commits under the scan benchmark's
 * load). Busy means the last commit carried 8 events or more (four scans);
 * below that, as at a quiet door or under the dashboard benchmark's 100
 * admissions a second, each commit is made at once, as before. Reads that
 * wait for their own write (read-your-writes) never wait for it.
 */
export const LIVE_FLUSH_DELAY_MS = 20;

/**
 * The read side of this process (issue 27): one read-models file, one
 * subscription to the store, one runner that hands each batch of events to
 * every projection and commits all their rows and checkpoints in one
 * transaction. Each read model registers its projection here when it is
 * constructed (Nest builds every provider before it calls any init hook), and
 * the first read model to reach each hook does the shared work: `prepare` at
 * module init, `start` at bootstrap, `stop` before shutdown (all idempotent).
 */
@Injectable()
export class Projections {
  readonly readModels: ReadModels;
  private readonly runner: ProjectionRunner;
  private closed: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(APP_CONFIG) config: AppConfig) {
    const logger = new Logger('projections');
    this.readModels = ReadModels.open(readModelsPath(config.dataDir));
    this.runner = new ProjectionRunner(store, this.readModels, [], { logger, flushDelayMs: LIVE_FLUSH_DELAY_MS });
  }

  register(projection: Projection): ProjectionHandle {
    return this.runner.add(projection);
  }

  prepare(): void {
    this.runner.prepare();
  }

  start(): void {
    this.runner.start();
  }

  /** Stops the subscription, commits what was folded, closes the file (once, whoever asks first). */
  stop(): Promise<void> {
    this.closed ??= this.runner.stop().then(() => this.readModels.close());
    return this.closed;
  }

  /**
   * The write work of the read side since the file was opened: write
   * transactions, and rows inserted, updated or deleted. What the test that
   * counts a scan's work reads (test/scan-work.e2e.spec.ts).
   */
  writeStats(): { transactions: number; rows: number } {
    return this.readModels.writeStats();
  }
}
