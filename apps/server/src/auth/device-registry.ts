import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  StreamNotFoundError,
  type EventStore,
  type Metadata,
  type RecordedEvent,
  type Subscription,
} from '@emargement/event-store';
import {
  applyToDeviceList,
  deviceDecider,
  deviceStream,
  devicesOf,
  DEVICE_STREAM_PREFIXES,
  emptyDeviceList,
  isDeviceEvent,
  isDeviceStream,
  LEGACY_DEVICES_STREAM,
  type Device,
  type DeviceEvent,
  type DeviceList,
  type DeviceState,
} from '@emargement/devices';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { Readiness } from '../health/readiness.js';
import { runDecider, type Loaded } from '../shared/decider-runner.js';
import { resolveAdminToken } from './admin-token.js';
import type { Principal, Role } from './roles.js';
import { Clock } from '../shared/clock.js';
import { LogFollowers } from '../shared/log-followers.js';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The organiser behind ADMIN_TOKEN: not a device of the list, never revoked (change the token to rotate it). */
export const ADMIN_DEVICE_ID = 'admin';

export interface DeviceView {
  deviceId: string;
  name: string;
  role: Role;
  conferenceId: string | null;
  createdAt: string;
  createdBy: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  /**
   * For a door phone: what it last told of its offline state. `datasetCursor`
   * is the store position its list was built at (the last list it fetched),
   * `pendingScans` how many scans it still holds (header `X-Door-Pending`).
   */
  door?: { datasetCursor: string | null; datasetAt: string | null; pendingScans: number | null; reportedAt: string };
}

export type DoorReport = NonNullable<DeviceView['door']>;

/** After the subscription fails (the store went away), how long before it is opened again from where it stopped. */
const RESUBSCRIBE_MS = 500;
/** Last activity is kept in memory and written to DATA_DIR at most this often. */
const ACTIVITY_FLUSH_MS = 15_000;

/**
 * The devices and their tokens. Each device is an aggregate of its own
 * (libs/devices, stream `device-<deviceId>`), decided by its decider; the
 * list of all of them is a cache of their folds, kept in memory and fed by
 * the store's subscription (`$all` filtered on the device streams, the
 * earlier single `devices` stream included, whose enrolments and revocations
 * still count), so an enrolment or a revocation made by any server instance
 * reaches every one as soon as the store delivers it: no polling. This
 * process's own writes are also read back at once (a revocation takes effect
 * on the next request even before the subscription brings it), and a token
 * nobody knows triggers one read of what the store holds since the last read
 * (an enrolment by another instance a moment ago). Events are applied once
 * each, by global position, whichever path brings them. Tokens are compared
 * by their SHA-256.
 */
@Injectable()
export class DeviceRegistry implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeviceRegistry');
  private devices: DeviceList = emptyDeviceList();
  /** Global position of the last device event applied: where a new subscription resumes. */
  private position: bigint | undefined;
  /**
   * Every device event at or before this global position has been applied: a
   * read of the store starts here, so that a stream of unknown tokens costs
   * reads of what is new, not of everything since the last enrolment.
   */
  private readTo: bigint | undefined;
  private refreshing: Promise<void> | undefined;
  private subscription: Subscription | undefined;
  private subscribed: Promise<void> | undefined;
  private caughtUp = false;
  private stopped = false;
  private resubscribeTimer: NodeJS.Timeout | undefined;
  private adminTokenHash: Buffer = Buffer.alloc(32);
  private readonly lastSeen = new Map<string, string>();
  private readonly doorReports = new Map<string, DoorReport>();
  private activityDirty = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly revokedListeners = new Set<(deviceId: string) => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: Readiness,
    private readonly clock: Clock,
    followers: LogFollowers,
  ) {
    // Kept current by a bulk writer as it appends (the import): the subscription (`subscribe`) does not move `readTo`,
    // so without this the next `list()` would read again every position the import wrote.
    followers.follow(() => this.refresh());
  }

  async onModuleInit(): Promise<void> {
    const { token } = resolveAdminToken(this.config.dataDir, this.config.adminToken);
    this.adminTokenHash = createHash('sha256').update(token, 'utf8').digest();
    this.loadActivity();
    await this.refresh();
    this.flushTimer = setInterval(() => this.flushActivity(), ACTIVITY_FLUSH_MS);
    this.flushTimer.unref();
    this.subscribe();
  }

  /**
   * Registered after the modules' own checks (the projections'), so that a
   * server catching up with everything reports the projections first.
   */
  onApplicationBootstrap(): void {
    this.readiness.register({
      name: 'devices',
      check: () => {
        const detail = { position: this.position?.toString() ?? null, caughtUp: this.caughtUp };
        return this.caughtUp
          ? { ready: true, detail }
          : {
              ready: false,
              code: 'devices_catching_up',
              message: "The device list is catching up with the store's subscription",
              detail,
            };
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    this.flushActivity();
    await this.subscription?.unsubscribe();
    await this.subscribed;
  }

  /**
   * Follows the device streams through `$all` from the last event applied.
   * Should the subscription fail (the store restarted, a leader change), it
   * is opened again from there, and readiness says so meanwhile.
   */
  private subscribe(): void {
    if (this.stopped) return;
    const sub = this.store.subscribeToAll({
      fromPosition: this.position ?? 'start',
      filter: { filterOn: 'streamName', prefixes: [...DEVICE_STREAM_PREFIXES] },
    });
    this.subscription = sub;
    this.subscribed = (async () => {
      try {
        for await (const m of sub) {
          if (m.kind === 'caughtUp') this.caughtUp = true;
          else this.apply([m.event]);
        }
      } catch (error) {
        if (!this.stopped) this.logger.warn(`devices subscription failed, resubscribing: ${String(error)}`);
      }
      this.caughtUp = false;
      if (this.stopped) return;
      this.resubscribeTimer = setTimeout(() => this.subscribe(), RESUBSCRIBE_MS);
      this.resubscribeTimer.unref();
    })();
  }

  /** The device a bearer token belongs to, or `null` (unknown or revoked). */
  async authenticate(token: string): Promise<Principal | null> {
    const hash = createHash('sha256').update(token, 'utf8').digest();
    if (timingSafeEqual(hash, this.adminTokenHash)) {
      return { deviceId: ADMIN_DEVICE_ID, name: 'Organisation (ADMIN_TOKEN)', role: 'organiser', conferenceId: null };
    }
    let device = this.devices.byTokenHash.get(hash.toString('hex'));
    // A device enrolled a moment ago by another server process, that the
    // subscription has not brought yet.
    if (device === undefined) {
      await this.refresh();
      device = this.devices.byTokenHash.get(hash.toString('hex'));
    }
    if (device === undefined || device.revokedAt !== null) return null;
    return { deviceId: device.deviceId, name: device.name, role: device.role, conferenceId: device.conferenceId };
  }

  /**
   * Notes what a door phone said of its offline state: the scans it still
   * holds, and the cursor of the list it was just given. Kept in memory (it
   * is refreshed by every request the phone makes).
   */
  reportDoor(deviceId: string, report: { pendingScans?: number; datasetCursor?: string }): void {
    const now = this.clock.now().toISOString();
    const previous = this.doorReports.get(deviceId);
    this.doorReports.set(deviceId, {
      datasetCursor: report.datasetCursor ?? previous?.datasetCursor ?? null,
      datasetAt: report.datasetCursor !== undefined ? now : (previous?.datasetAt ?? null),
      pendingScans: report.pendingScans ?? previous?.pendingScans ?? null,
      reportedAt: now,
    });
  }

  /** Notes that the device was just used (shown as its last activity). */
  touch(deviceId: string): void {
    this.lastSeen.set(deviceId, this.clock.now().toISOString());
    this.activityDirty = true;
  }

  async enrol(
    input: { name: string; role: Role; conferenceId: string | null },
    by: Principal,
    metadata: Metadata,
  ): Promise<{ device: DeviceView; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const deviceId = randomUUID();
    const { outcome } = await runDecider(
      this.store,
      deviceStream(deviceId),
      deviceDecider,
      {
        type: 'EnrolDevice',
        data: {
          deviceId,
          name: input.name,
          role: input.role,
          conferenceId: input.conferenceId,
          tokenSha256: sha256Hex(token),
          enrolledAt: this.clock.now().toISOString(),
          enrolledBy: by.deviceId,
        },
      },
      metadata,
    );
    await this.refreshAfterWrite();
    return { device: this.view(outcome), token };
  }

  /**
   * Revokes at once; revoking a revoked device changes nothing and answers as
   * before; an unknown device is refused `device_not_found` (the decider's).
   */
  async revoke(deviceId: string, by: Principal, metadata: Metadata): Promise<DeviceView> {
    const { events, outcome } = await runDecider(
      this.store,
      deviceStream(deviceId),
      deviceDecider,
      { type: 'RevokeDevice', data: { deviceId, revokedAt: this.clock.now().toISOString(), revokedBy: by.deviceId } },
      metadata,
      { load: () => this.loadDevice(deviceId) },
    );
    if (events.length > 0) await this.refreshAfterWrite();
    return this.view(outcome);
  }

  /**
   * A device's own stream, folded; for a device enrolled by an earlier
   * version, its events in the single `devices` stream come first (they are
   * its history, and the new stream holds only what happened since). The
   * revision is the own stream's: that is where the decision is appended.
   */
  private async loadDevice(deviceId: string): Promise<Loaded<DeviceState>> {
    const own = await this.readStreamOrNothing(deviceStream(deviceId));
    const ownEvents = own.filter(isDeviceEvent);
    const legacy =
      ownEvents[0]?.type === 'DeviceEnrolled'
        ? []
        : (await this.readStreamOrNothing(LEGACY_DEVICES_STREAM))
            .filter(isDeviceEvent)
            .filter((e) => (e.data as DeviceEvent['data']).deviceId === deviceId);
    const history: DeviceEvent[] = [...legacy, ...ownEvents].map(
      (e) => ({ type: e.type, data: e.data }) as DeviceEvent,
    );
    return {
      state: deviceDecider.fold(history),
      revision: own.length === 0 ? 'no_stream' : own[own.length - 1]!.revision,
    };
  }

  private async readStreamOrNothing(streamName: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamName);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async list(): Promise<DeviceView[]> {
    await this.refresh();
    return devicesOf(this.devices)
      .map((d) => this.view(d))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.deviceId.localeCompare(b.deviceId));
  }

  /** Called with a device's id when it is revoked (by any server process), e.g. to close its sockets. */
  onRevoked(listener: (deviceId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Catches the list up with the store; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.catchUp().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** A read that starts after this process's own append (not one already in flight before it). */
  private async refreshAfterWrite(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.refresh();
  }

  /**
   * Reads the device events after everything already applied. The store's
   * head is taken first: once the filtered read is done, every device event up
   * to it has been seen (positions grow in commit order), so the next read
   * starts there, not at the last device event.
   */
  private async catchUp(): Promise<void> {
    const [head] = await this.store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 });
    const from = later(this.readTo, this.position);
    this.apply(
      await this.store.readAll({
        fromPosition: from ?? 'start',
        filter: { filterOn: 'streamName', prefixes: [...DEVICE_STREAM_PREFIXES] },
      }),
    );
    this.readTo = later(this.readTo, head?.position);
  }

  /** Folds device events not applied yet (by global position), then tells of revocations. */
  private apply(events: readonly RecordedEvent[]): void {
    const revoked: string[] = [];
    for (const e of events) {
      if (this.position !== undefined && e.position <= this.position) continue;
      // The prefixes also match look-alike names (`devicesX`): only device streams count.
      if (!isDeviceStream(e.streamName) || !isDeviceEvent(e)) continue;
      const { before, after } = applyToDeviceList(this.devices, { type: e.type, data: e.data } as DeviceEvent);
      if (before.status === 'enrolled' && after.status === 'revoked') revoked.push(after.device.deviceId);
      this.position = e.position;
    }
    // Revocations made by any server process close this one's sockets.
    for (const id of revoked) for (const listener of this.revokedListeners) listener(id);
  }

  private view(d: Device): DeviceView {
    return {
      deviceId: d.deviceId,
      name: d.name,
      role: d.role,
      conferenceId: d.conferenceId,
      createdAt: d.createdAt,
      createdBy: d.createdBy,
      lastSeenAt: this.lastSeen.get(d.deviceId) ?? null,
      revokedAt: d.revokedAt,
      revokedBy: d.revokedBy,
      ...(this.doorReports.has(d.deviceId) ? { door: this.doorReports.get(d.deviceId) } : {}),
    };
  }

  private get activityPath(): string {
    return join(this.config.dataDir, 'device-activity.json');
  }

  private loadActivity(): void {
    try {
      const kept = JSON.parse(readFileSync(this.activityPath, 'utf8')) as Record<string, unknown>;
      for (const [id, at] of Object.entries(kept)) if (typeof at === 'string') this.lastSeen.set(id, at);
    } catch {
      // none yet, or unreadable: last activity starts empty
    }
  }

  private flushActivity(): void {
    if (!this.activityDirty) return;
    this.activityDirty = false;
    const tmp = `${this.activityPath}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.lastSeen)), { mode: 0o600 });
      renameSync(tmp, this.activityPath);
    } catch {
      this.activityDirty = true;
    }
  }
}

const later = (a: bigint | undefined, b: bigint | undefined): bigint | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;
