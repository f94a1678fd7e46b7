import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { EventFilter, EventStore } from '@emargement/event-store';
import type { AppConfig } from '../../config/config.js';
import type { Readiness } from '../../health/readiness.js';
import { within } from '../../shared/within.js';
import { ProjectionRunner, type Projection, type ProjectionStatus } from './projection-runner.js';
import { ReadModels, readModelsPath } from './read-models.js';

/** How long a read waits for its projection to reach the store's last event of interest. */
export const FRESH_WAIT_MS = 5000;

export interface ReadModelIdentity {
  /** The readiness check's name (`/health/ready` lists it). */
  readiness: string;
  /** The key of its detail in `/health/ready`, and the logger's subject. */
  key: string;
  /** What the 503 message says is catching up. */
  label: string;
}

/**
 * One checkpointed read model of this instance (ADR 006): a projection in
 * `read-models.sqlite` fed by the store's subscription through its runner;
 * the last committed rows served from the first request (`prepare` at module
 * init), the subscription started at bootstrap, `/health/ready` 503 until it
 * has caught up, stopped and closed before shutdown. Attendance, the doors'
 * models and arrivals differ only in their projection and their reads.
 */
export abstract class CheckpointedReadModel<P extends Projection>
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected readonly logger: Logger;
  protected readonly readModels: ReadModels;
  protected readonly projection: P;
  protected readonly runner: ProjectionRunner;

  protected constructor(
    protected readonly store: EventStore,
    config: AppConfig,
    private readonly readiness: Readiness,
    private readonly identity: ReadModelIdentity,
    makeProjection: (readModels: ReadModels) => P,
  ) {
    this.logger = new Logger(identity.key);
    // Opened here, not at module init: Nest wires gateways (which listen to
    // a projection) before it calls the init hooks.
    this.readModels = ReadModels.open(readModelsPath(config.dataDir));
    this.projection = makeProjection(this.readModels);
    this.runner = new ProjectionRunner(store, this.readModels, this.projection, { logger: this.logger });
  }

  onModuleInit(): void {
    this.runner.prepare();
    const { readiness, key, label } = this.identity;
    this.readiness.register({
      name: readiness,
      check: () => {
        const st = this.runner.status();
        const detail = {
          [key]: {
            position: st.position?.toString() ?? null,
            caughtUp: st.caughtUp,
            // Event types this read model passed over (issue 20): a newer version's events, seen by an older instance.
            skippedEventTypes: st.eventsSkipped,
          },
        };
        return st.caughtUp
          ? { ready: true, detail }
          : {
              ready: false,
              code: 'projections_catching_up',
              message: `${label} catching up with the event store (at ${String(st.position)})`,
              detail,
            };
      },
    });
  }

  /** Not awaited: `/health/ready` stays 503 until the projection has caught up. */
  onApplicationBootstrap(): void | Promise<void> {
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.readModels.close();
  }

  status(): ProjectionStatus {
    return this.runner.status();
  }

  /** The write work of this read model's connection (see `ReadModels.writeStats`). */
  writeStats(): { transactions: number; rows: number } {
    return this.readModels.writeStats();
  }

  /** Resolves once the projection has caught up with the history it found when it subscribed. */
  caughtUp(): Promise<void> {
    return this.runner.untilCaughtUp();
  }

  /**
   * Read-your-writes: resolves true once the projection has committed the
   * store's last event matching `filter` as of now, false after `FRESH_WAIT_MS`.
   */
  protected async freshFor(filter: EventFilter): Promise<boolean> {
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1, filter });
    if (!last) return this.runner.status().caughtUp;
    return within(this.runner.untilPosition(last.position), FRESH_WAIT_MS);
  }
}
