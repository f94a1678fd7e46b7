import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { EventFilter, EventStore } from '@emargement/event-store';
import type { Readiness } from '../health/readiness.js';
import { within } from '../shared/within.js';
import type { Projection, ProjectionHandle, ProjectionStatus } from './projection-runner.js';
import type { Projections } from './projections.js';
import type { ReadModels } from './read-models.js';

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
 * `read-models.sqlite` fed by the process's one subscription (`Projections`,
 * issue 27) together with every other; the last committed rows served from
 * the first request (`prepare` at module init), the subscription started at
 * bootstrap, `/health/ready` 503 until it has caught up, stopped and closed
 * before shutdown. Attendance, the doors' models and arrivals differ only in
 * their projection and their reads.
 */
export abstract class CheckpointedReadModel<P extends Projection>
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected readonly logger: Logger;
  protected readonly readModels: ReadModels;
  protected readonly projection: P;
  protected readonly runner: ProjectionHandle;

  protected constructor(
    protected readonly store: EventStore,
    protected readonly projections: Projections,
    private readonly readiness: Readiness,
    private readonly identity: ReadModelIdentity,
    makeProjection: (readModels: ReadModels) => P,
  ) {
    this.logger = new Logger(identity.key);
    // Registered here, not at module init: Nest wires gateways (which listen
    // to a projection) before it calls the init hooks, and every projection
    // must be known before the one subscription starts.
    this.readModels = projections.readModels;
    this.projection = makeProjection(this.readModels);
    this.runner = projections.register(this.projection);
  }

  onModuleInit(): void {
    this.projections.prepare();
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
    this.projections.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.projections.stop();
  }

  status(): ProjectionStatus {
    return this.runner.status();
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
