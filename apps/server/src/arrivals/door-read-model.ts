import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { Readiness } from '../health/readiness.js';
import { ProjectionRunner } from '../attendance/projections/projection-runner.js';
import { ReadModels, readModelsPath } from '../attendance/projections/read-models.js';
import { DoorDatasetProjection, type DoorTicketRow } from './door-dataset/door-dataset.projection.js';
import { ConflictsProjection, type ConflictRow } from './conflicts/conflicts.projection.js';

const FRESH_WAIT_MS = 5000;

const within = async (promise: Promise<void>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The doors' read models of this instance: the door's list (what a phone
 * needs to decide without the server) and the conflicts of doors that worked
 * offline. Checkpointed projections in `read-models.sqlite`, fed by the
 * store's subscription like attendance (ADR 006).
 */
@Injectable()
export class DoorReadModel implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DoorReadModel');
  private readonly readModels: ReadModels;
  private readonly dataset: DoorDatasetProjection;
  private readonly conflicts: ConflictsProjection;
  private readonly datasetRunner: ProjectionRunner;
  private readonly conflictsRunner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly readiness: Readiness,
  ) {
    this.readModels = ReadModels.open(readModelsPath(config.dataDir));
    this.dataset = new DoorDatasetProjection(this.readModels);
    this.conflicts = new ConflictsProjection(this.readModels);
    const options = { logger: this.logger };
    this.datasetRunner = new ProjectionRunner(store, this.readModels, this.dataset, options);
    this.conflictsRunner = new ProjectionRunner(store, this.readModels, this.conflicts, options);
  }

  onModuleInit(): void {
    this.datasetRunner.prepare();
    this.conflictsRunner.prepare();
    this.readiness.register({
      name: 'door-projections',
      check: () => {
        const runners = [this.datasetRunner.status(), this.conflictsRunner.status()];
        const detail = Object.fromEntries(
          runners.map((s) => [s.name, { position: s.position?.toString() ?? null, caughtUp: s.caughtUp }]),
        );
        return runners.every((s) => s.caughtUp)
          ? { ready: true, detail }
          : {
              ready: false,
              code: 'projections_catching_up',
              message: 'The door projections are catching up with the event store',
              detail,
            };
      },
    });
  }

  onApplicationBootstrap(): void {
    // Not awaited: the attendance read model already holds the start for a
    // short backlog, and /health/ready stays 503 until these have caught up too.
    this.datasetRunner.start();
    this.conflictsRunner.start();
  }

  /** Resolves once both projections have caught up with the history they found. */
  async caughtUp(): Promise<void> {
    await Promise.all([this.datasetRunner.untilCaughtUp(), this.conflictsRunner.untilCaughtUp()]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.datasetRunner.stop(), this.conflictsRunner.stop()]);
    this.readModels.close();
  }

  /** Read-your-writes: resolves once the runner has committed the store's last event it subscribes to. */
  private async fresh(runner: ProjectionRunner, filter: DoorDatasetProjection['filter']): Promise<boolean> {
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1, filter });
    if (!last) return runner.status().caughtUp;
    return within(runner.untilPosition(last.position), FRESH_WAIT_MS);
  }

  /**
   * The door's list of a conference as of now: the rows changed after
   * `since` (every row without it) and the cursor they were read at.
   */
  async datasetSince(conferenceId: string, since: bigint | null): Promise<{ cursor: bigint; rows: DoorTicketRow[] }> {
    await this.fresh(this.datasetRunner, this.dataset.filter);
    // Both in one synchronous turn: no commit falls between the rows and their cursor.
    const cursor = this.datasetRunner.status().position ?? 0n;
    return { cursor, rows: this.dataset.changedSince(conferenceId, since) };
  }

  async conflictsOf(conferenceId: string): Promise<ConflictRow[]> {
    await this.fresh(this.conflictsRunner, this.conflicts.filter);
    return this.conflicts.list(conferenceId);
  }

  async conflict(conflictId: string): Promise<ConflictRow | undefined> {
    await this.fresh(this.conflictsRunner, this.conflicts.filter);
    return this.conflicts.find(conflictId);
  }
}
