import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { foldAsOf, snapshotOf, type AttendanceSnapshot } from '@emargement/attendance';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { within } from '../shared/within.js';
import { Readiness } from '../health/readiness.js';
import { ATTENDANCE_FILTER, AttendanceProjection, type AttendanceListener } from './attendance.projection.js';
import { ProjectionRunner, type ProjectionStatus } from './projections/projection-runner.js';
import { ReadModels, readModelsPath } from './projections/read-models.js';

/**
 * How long the start waits for the projection to catch up before it listens
 * anyway: a restart with a short backlog comes up ready; a long rebuild
 * listens, answers /health/live, and /health/ready says 503 until it is done.
 */
const STARTUP_WAIT_MS = 3000;
/** How long a read waits for the projection to reach the store's last event. */
const FRESH_WAIT_MS = 5000;
const AS_OF_PAGE = 5000;

/**
 * The attendance read model of this server instance: its projection, fed
 * from the store's subscription to `$all` into `read-models.sqlite` under
 * DATA_DIR, and the reads the API and the socket feed make of it.
 */
@Injectable()
export class AttendanceReadModel implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AttendanceReadModel');
  private readonly readModels: ReadModels;
  private readonly projection: AttendanceProjection;
  private readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly readiness: Readiness,
  ) {
    // Opened here, not at module init: Nest wires gateways (which listen to
    // the projection) before it calls the init hooks.
    this.readModels = ReadModels.open(readModelsPath(config.dataDir));
    this.projection = new AttendanceProjection(this.readModels);
    this.runner = new ProjectionRunner(store, this.readModels, this.projection, { logger: this.logger });
  }

  onModuleInit(): void {
    // The last committed figures are served from the first request on, before the subscription starts.
    this.runner.prepare();
    this.readiness.register({
      name: 'projections',
      check: () => {
        const s = this.status();
        const detail = { attendance: { position: s.position?.toString() ?? null, caughtUp: s.caughtUp } };
        return s.caughtUp
          ? { ready: true, detail }
          : {
              ready: false,
              code: 'projections_catching_up',
              message: `Projections are catching up with the event store (attendance at ${String(s.position)})`,
              detail,
            };
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.runner.start();
    await within(this.runner.untilCaughtUp(), STARTUP_WAIT_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.readModels.close();
  }

  status(): ProjectionStatus {
    return this.runner.status();
  }

  /** The last committed snapshot; `undefined` for a conference the projection has not seen scheduled. */
  snapshot(conferenceId: string): AttendanceSnapshot | undefined {
    return this.projection.snapshot(conferenceId);
  }

  onChange(listener: AttendanceListener): () => void {
    return this.projection.onChange(listener);
  }

  /** Resolves once the projection has caught up with the history it found when it subscribed. */
  caughtUp(): Promise<void> {
    return this.runner.untilCaughtUp();
  }

  /**
   * Read-your-writes: resolves true once the projection has committed the
   * store's last attendance event as of now (a scan answered a moment ago is
   * counted), false if that takes longer than `FRESH_WAIT_MS`.
   */
  async fresh(): Promise<boolean> {
    const runner = this.runner;
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1, filter: ATTENDANCE_FILTER });
    if (!last) return runner.status().caughtUp;
    return within(runner.untilPosition(last.position), FRESH_WAIT_MS);
  }

  /**
   * The figures as they stood at `asOfMs`, replayed from the store (not from
   * the read model, which only knows "now"): the conference's events whose
   * own time (`scannedAt`, `registeredAt`, ...) is not after `asOfMs`. Reads
   * every attendance event of the store in pages: fine for a day's events.
   */
  async asOf(conferenceId: string, asOfMs: number): Promise<AttendanceSnapshot | undefined> {
    const fold = foldAsOf(conferenceId, asOfMs);
    let from: bigint | 'start' = 'start';
    for (;;) {
      const page = await this.store.readAll({ fromPosition: from, maxCount: AS_OF_PAGE, filter: ATTENDANCE_FILTER });
      for (const event of page) fold.add(event);
      const last = page[page.length - 1];
      if (page.length < AS_OF_PAGE || last === undefined) break;
      from = last.position;
    }
    const tally = fold.tally();
    return tally.details === null ? undefined : snapshotOf(tally);
  }
}
