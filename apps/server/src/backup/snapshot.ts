import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * A backup of the embedded store (issue 28): the event store and the key
 * store, each copied by SQLite's online backup API, never by copying files
 * (a WAL database copied while it is written is not a database), with a
 * manifest that a restore checks before it writes anything.
 *
 * Read models are not copied: they are rebuilt from the events at the first
 * start on the restored folder.
 */

export const MANIFEST = 'manifest.json';
export const MANIFEST_FORMAT = 'emargement-backup/1';
export const EVENTS_FILE = 'events.sqlite';
export const KEYS_FILE = 'keys.sqlite';
/** A backup being written: renamed to its final name once complete, so a half-written one is never taken for a backup. */
export const PARTIAL_PREFIX = '.partial-';
const BACKUP_PREFIX = 'emargement-';

export interface BackupFile {
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** When the snapshot was taken (ISO-8601, UTC). */
  createdAt: string;
  /** The store's last position in the snapshot (decimal string), `null` for an empty store. */
  position: string | null;
  eventCount: number;
  files: Record<string, BackupFile>;
  host: string;
}

export interface TakenBackup {
  dir: string;
  manifest: BackupManifest;
  /** Milliseconds the whole backup took (snapshot, hashes, fsync). */
  tookMs: number;
}

/**
 * Copies one SQLite database with the online backup API, in a worker thread:
 * the copy of a large store (tens of MB) runs in one step, so that it is a
 * consistent snapshot (SQLite restarts a step-by-step backup whenever another
 * connection writes, which on a busy door could be for ever), and in a worker
 * so that that step never blocks the server's event loop.
 *
 * The worker's body is this function's own text (compiled JS, under ts-jest as
 * in `dist/`), run with `eval`: no separate worker file to ship or resolve. It
 * must therefore use nothing from outside its parameters.
 */
function copyDatabaseInWorker(
  require: NodeRequire,
  job: { driver: string; source: string; destination: string },
): Promise<{ position: string | null; eventCount: number | null }> {
  const Database = require(job.driver) as typeof BetterSqlite3;
  const source = new Database(job.source, { readonly: true, fileMustExist: true });
  source.pragma('busy_timeout = 10000');
  return source
    .backup(job.destination, { progress: () => 0x7fffffff })
    .then(() => {
      source.close();
      const copy = new Database(job.destination);
      try {
        // One self-contained file: no -wal beside it, so its hash is the backup's.
        copy.pragma('journal_mode = DELETE');
        const integrity = copy.pragma('integrity_check', { simple: true });
        if (integrity !== 'ok') throw new Error(`the copy fails SQLite's integrity check: ${String(integrity)}`);
        const hasEvents = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
        if (!hasEvents) return { position: null, eventCount: null };
        const row = copy.prepare('SELECT COUNT(*) AS n, MAX(position) AS p FROM events').get() as {
          n: number;
          p: number | bigint | null;
        };
        return { position: row.p === null ? null : String(row.p), eventCount: Number(row.n) };
      } finally {
        copy.close();
      }
    })
    .catch((error: unknown) => {
      if (source.open) source.close();
      throw error;
    });
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(${copyDatabaseInWorker.toString()})(require, workerData).then(
  (result) => parentPort.postMessage({ ok: true, result }),
  (error) => parentPort.postMessage({ ok: false, message: error && error.message ? error.message : String(error) }),
);`;

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

function copyDatabase(
  source: string,
  destination: string,
): Promise<{ position: string | null; eventCount: number | null }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: betterSqlite, source, destination },
    });
    let settled = false;
    worker.once('message', (message: { ok: boolean; result?: never; message?: string }) => {
      settled = true;
      if (message.ok) resolve(message.result!);
      else reject(new Error(`Backup of ${source} failed: ${message.message}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`Backup worker for ${source} stopped (exit ${code})`));
      settled = true;
    });
  });
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `emargement-2026-12-07T11-58-03.123Z` (sorts by time; no colon, for FAT-formatted USB sticks). */
export const backupName = (at: Date): string => `${BACKUP_PREFIX}${at.toISOString().replace(/:/g, '-')}`;
export const isBackupName = (name: string): boolean => name.startsWith(BACKUP_PREFIX);

/**
 * Writes a consistent backup of `dataDir`'s embedded store into a new folder
 * under `to`: the events first, then the keys, so that every event in the copy
 * has its key in the copy (a key is on disk before the event sealed with it).
 * Works with the server running or not.
 */
export async function takeBackup(options: { dataDir: string; to: string; now?: () => Date }): Promise<TakenBackup> {
  const started = Date.now();
  const at = (options.now ?? (() => new Date()))();
  const events = join(options.dataDir, EVENTS_FILE);
  if (!existsSync(events)) throw new Error(`No event store at ${events}: nothing to back up`);
  await mkdir(options.to, { recursive: true });
  const partial = join(options.to, `${PARTIAL_PREFIX}${randomUUID()}`);
  await mkdir(partial, { mode: 0o700 });
  try {
    const { position, eventCount } = await copyDatabase(events, join(partial, EVENTS_FILE));
    const files: Record<string, BackupFile> = {};
    const keys = join(options.dataDir, KEYS_FILE);
    const copied = [EVENTS_FILE];
    if (existsSync(keys)) {
      await copyDatabase(keys, join(partial, KEYS_FILE));
      copied.push(KEYS_FILE);
    }
    for (const name of copied) {
      const file = join(partial, name);
      await chmod(file, 0o600);
      await fsyncPath(file);
      files[name] = { bytes: (await stat(file)).size, sha256: await sha256Of(file) };
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: at.toISOString(),
      position,
      eventCount: eventCount ?? 0,
      files,
      host: hostname(),
    };
    await writeFile(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await fsyncPath(join(partial, MANIFEST));
    let final = join(options.to, backupName(at));
    if (existsSync(final)) final = `${final}-${randomUUID().slice(0, 8)}`;
    await rename(partial, final);
    await fsyncPath(options.to);
    return { dir: final, manifest, tookMs: Date.now() - started };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Why a backup cannot be restored, in words an operator acts on. */
export class DamagedBackupError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`The backup ${dir} cannot be restored: ${reason}`);
    this.name = 'DamagedBackupError';
  }
}

/**
 * Checks a backup folder without changing it: the manifest, then each file's
 * size and SHA-256. (The event count and SQLite's integrity are checked on the
 * restored copy, see `restoreBackup`, since opening the file could change it.)
 */
export async function readVerifiedManifest(dir: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as BackupManifest;
  } catch (error) {
    throw new DamagedBackupError(dir, `its ${MANIFEST} is missing or unreadable (${(error as Error).message})`);
  }
  if (
    manifest === null ||
    typeof manifest !== 'object' ||
    manifest.format !== MANIFEST_FORMAT ||
    typeof manifest.files !== 'object' ||
    manifest.files === null ||
    !Number.isSafeInteger(manifest.eventCount) ||
    (manifest.position !== null && !/^\d{1,20}$/.test(String(manifest.position)))
  ) {
    throw new DamagedBackupError(dir, `its ${MANIFEST} is not an Émargement backup manifest (${MANIFEST_FORMAT})`);
  }
  if (!manifest.files[EVENTS_FILE]) throw new DamagedBackupError(dir, `its manifest lists no ${EVENTS_FILE}`);
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (name !== EVENTS_FILE && name !== KEYS_FILE) {
      throw new DamagedBackupError(dir, `its manifest lists an unknown file ${JSON.stringify(name)}`);
    }
    const file = join(dir, name);
    let bytes: number;
    try {
      bytes = (await stat(file)).size;
    } catch {
      throw new DamagedBackupError(dir, `${name} is missing`);
    }
    if (bytes !== expected.bytes) {
      throw new DamagedBackupError(dir, `${name} has ${bytes} bytes, the manifest says ${expected.bytes}`);
    }
    const actual = await sha256Of(file);
    if (actual !== expected.sha256) {
      throw new DamagedBackupError(dir, `${name} does not match its SHA-256 in the manifest (damaged or altered)`);
    }
  }
  return manifest;
}

/**
 * Keeps the newest `keep` backups under `dir` and deletes any older than
 * `maxAgeDays` whatever `keep` says (an erased person's key must not outlive
 * the delay promised, ADR 007). Returns the folders deleted.
 */
export async function pruneBackups(
  dir: string,
  options: { keep: number; maxAgeDays: number; now?: number },
): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && isBackupName(d.name))
    .map((d) => d.name)
    .sort()
    .reverse();
  const oldest = (options.now ?? Date.now()) - options.maxAgeDays * 86_400_000;
  const deleted: string[] = [];
  for (const [index, name] of names.entries()) {
    let at = NaN;
    try {
      at = Date.parse((JSON.parse(await readFile(join(dir, name, MANIFEST), 'utf8')) as BackupManifest).createdAt);
    } catch {
      // No readable manifest: counted by its place only.
    }
    if (index >= options.keep || (Number.isFinite(at) && at < oldest)) {
      await rm(join(dir, name), { recursive: true, force: true });
      deleted.push(join(dir, name));
    }
  }
  return deleted;
}
