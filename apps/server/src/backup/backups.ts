import {
  Controller,
  Get,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@emargement/event-store';
import type { BackupStatus } from '@emargement/contract';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig, BackupConfig } from '../config/config.js';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { Readiness } from '../health/readiness.js';
import { ApiAnswer } from '../shared/api-answers.js';
import { ERASURE_JOURNAL, appendErasure, journalsFor, readErasures, type ErasureEntry } from './erasure-journal.js';
import { MANIFEST, PARTIAL_PREFIX, isBackupName, pruneBackups, takeBackup, type BackupManifest } from './snapshot.js';
import { Roles } from '../auth/roles.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/**
 * Continuous backups of the embedded store (issue 28): every BACKUP_EVERY
 * seconds, when something was recorded since the last backup, a consistent
 * snapshot in a folder of its own under BACKUP_DIR; the newest BACKUP_KEEP
 * kept, none older than BACKUP_MAX_AGE_DAYS. A backup that fails (the stick
 * pulled out, the disk full) is logged and shown (organisers' page,
 * `/health/ready`'s details) and never stops the door: readiness stays green,
 * scans go on.
 *
 * Also keeps the erasure journal beside the backups, appended at the moment
 * of each erasure.
 */
@Injectable()
export class Backups implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Backups');
  private readonly config: BackupConfig | undefined;
  private readonly status: Mutable<BackupStatus>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPosition: string | null | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly app: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readiness: Readiness,
  ) {
    this.config = app.backup;
    this.status = {
      enabled: this.config !== undefined,
      everySeconds: this.config?.everySeconds ?? null,
      last: null,
      lastFailure: null,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    if (config === undefined) return;
    try {
      await this.cleanPartials(config);
      const newest = await this.newestManifest(config);
      if (newest !== undefined) {
        this.lastPosition = newest.manifest.position;
        this.status.last = {
          at: newest.manifest.createdAt,
          position: newest.manifest.position,
          eventCount: newest.manifest.eventCount,
          folder: newest.dir,
        };
      }
    } catch (error) {
      // The stick is not there yet: the server starts all the same, and says so.
      this.fail(`BACKUP_DIR cannot be read: ${messageOf(error)}`);
    }
    // Always ready: a backup's trouble is shown, never a reason to turn doors away.
    this.readiness.register({ name: 'backups', check: () => ({ ready: true, detail: { ...this.status } }) });
    this.timer = setInterval(() => void this.backupIfChanged(), config.everySeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** What the organisers' page shows. */
  current(): BackupStatus {
    return structuredClone(this.status);
  }

  /**
   * Appends an erasure to the journal at once. A journal that cannot be
   * written (the stick is out) does not undo the erasure, which is done: it
   * is logged and shown as a backup failure, since a restore could then bring
   * the person back.
   */
  async recordErasure(entry: ErasureEntry): Promise<void> {
    if (this.config === undefined) return;
    try {
      await appendErasure(join(this.config.dir, ERASURE_JOURNAL), entry);
    } catch (error) {
      this.fail(`the erasure journal could not be written: ${messageOf(error)}`);
    }
  }

  /** Every erasure in the journals this server re-applies at start (BACKUP_DIR's, and one a restore left in DATA_DIR). */
  journal(): Promise<ErasureEntry[]> {
    return readErasures(journalsFor(this.app.dataDir, this.config?.dir));
  }

  /** One backup now if the store moved since the last one (the timer's work; tests call it too). */
  backupIfChanged(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    const config = this.config;
    if (config === undefined || this.stopped) return;
    try {
      const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
      const position = last ? last.position.toString() : null;
      if (position === null || position === this.lastPosition) return;
      const taken = await takeBackup({ dataDir: this.app.dataDir, to: config.dir });
      this.lastPosition = taken.manifest.position;
      this.status.last = {
        at: taken.manifest.createdAt,
        position: taken.manifest.position,
        eventCount: taken.manifest.eventCount,
        folder: taken.dir,
      };
      this.status.lastFailure = null;
      this.logger.log(
        `Backup ${taken.dir}: ${taken.manifest.eventCount} events up to position ${taken.manifest.position}, ${taken.tookMs} ms`,
      );
      await pruneBackups(config.dir, { keep: config.keep, maxAgeDays: config.maxAgeDays });
    } catch (error) {
      this.fail(messageOf(error));
    }
  }

  private fail(message: string): void {
    this.status.lastFailure = { at: new Date().toISOString(), message };
    this.logger.error(`Backup failed: ${message}`);
  }

  /** Folders a crash left half written (no manifest ever made them a backup). */
  private async cleanPartials(config: BackupConfig): Promise<void> {
    if (!existsSync(config.dir)) return;
    for (const d of await readdir(config.dir, { withFileTypes: true })) {
      if (d.isDirectory() && d.name.startsWith(PARTIAL_PREFIX)) {
        await rm(join(config.dir, d.name), { recursive: true, force: true });
      }
    }
  }

  private async newestManifest(config: BackupConfig): Promise<{ dir: string; manifest: BackupManifest } | undefined> {
    if (!existsSync(config.dir)) return undefined;
    const names = (await readdir(config.dir)).filter(isBackupName).sort().reverse();
    for (const name of names) {
      const manifest = await readManifest(join(config.dir, name));
      if (manifest) return { dir: join(config.dir, name), manifest };
    }
    return undefined;
  }
}

async function readManifest(dir: string): Promise<BackupManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as BackupManifest;
  } catch {
    return undefined;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

@ApiTags('backups')
@Controller('backups')
export class BackupsController {
  constructor(private readonly backups: Backups) {}

  /** The last backup and the last failure, for the organisers' page (« dernière sauvegarde il y a 4 min »). */
  @Get()
  @ApiAnswer(200, 'BackupStatus')
  // Where the backups of the embedded store go is the organisers' business.
  @Roles('organiser')
  status(): BackupStatus {
    return this.backups.current();
  }
}
