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
import { within } from '../shared/within.js';
import { Readiness } from '../health/readiness.js';
import { ProjectionRunner } from '../attendance/projections/projection-runner.js';
import { ReadModels, readModelsPath } from '../attendance/projections/read-models.js';
import type { DoorTicketRow } from './door-dataset/door-dataset.projection.js';
import type { ConflictRow } from './conflicts/conflicts.projection.js';
import { DoorProjections } from './door-projections.js';

const FRESH_WAIT_MS = 5000;

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
  private readonly projection: DoorProjections;
  private readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly readiness: Readiness,
  ) {
    this.readModels = ReadModels.open(readModelsPath(config.dataDir));
    this.projection = new DoorProjections(this.readModels);
    this.runner = new ProjectionRunner(store, this.readModels, this.projection, { logger: this.logger });
  }

  onModuleInit(): void {
    this.runner.prepare();
    this.readiness.register({
      name: 'door-projections',
      check: () => {
        const st = this.runner.status();
        const detail = { door: { position: st.position?.toString() ?? null, caughtUp: st.caughtUp } };
        return st.caughtUp
          ? { ready: true, detail }
          : {
              ready: false,
              code: 'projections_catching_up',
              message: `The door projections are catching up with the event store (at ${String(st.position)})`,
              detail,
            };
      },
    });
  }

  onApplicationBootstrap(): void {
    // Not awaited: the attendance read model already holds the start for a
    // short backlog, and /health/ready stays 503 until this one has caught up too.
    this.runner.start();
  }

  /** Resolves once the projection has caught up with the history it found. */
  caughtUp(): Promise<void> {
    return this.runner.untilCaughtUp();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.readModels.close();
  }

  /** Read-your-writes: resolves once the store's last door event as of now is committed. */
  private async fresh(): Promise<boolean> {
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1, filter: this.projection.filter });
    if (!last) return this.runner.status().caughtUp;
    return within(this.runner.untilPosition(last.position), FRESH_WAIT_MS);
  }

  /**
   * The door's list of a conference as of now: the rows changed after
   * `since` (every row without it) and the cursor they were read at.
   */
  async datasetSince(conferenceId: string, since: bigint | null): Promise<{ cursor: bigint; rows: DoorTicketRow[] }> {
    await this.fresh();
    // Both in one synchronous turn: no commit falls between the rows and their cursor.
    const cursor = this.runner.status().position ?? 0n;
    return { cursor, rows: this.projection.dataset.changedSince(conferenceId, since) };
  }

  async conflictsOf(conferenceId: string): Promise<ConflictRow[]> {
    await this.fresh();
    return this.projection.conflicts.list(conferenceId);
  }

  async conflict(conflictId: string): Promise<ConflictRow | undefined> {
    await this.fresh();
    return this.projection.conflicts.find(conflictId);
  }
}
