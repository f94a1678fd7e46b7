import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SqliteKeyStore } from '@emargement/privacy';
import { ERASURE_JOURNAL, RESTORED_JOURNAL, applyErasures, readErasures } from './erasure-journal.js';
import {
  DamagedBackupError,
  EVENTS_FILE,
  KEYS_FILE,
  MANIFEST,
  isBackupName,
  readVerifiedManifest,
  type BackupManifest,
} from './snapshot.js';

export interface RestoreReport {
  /** The backup folder restored. */
  from: string;
  manifest: BackupManifest;
  /** Newer backups found damaged and passed over (when `from` was a folder of backups). */
  skipped: { dir: string; reason: string }[];
  /** Subjects erased again from the journal (their keys were in the backup). */
  erasedAgain: number;
}

/** The backup folders under `dir`, newest first (their names sort by time). */
async function backupsIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && isBackupName(d.name))
    .map((d) => d.name)
    .sort()
    .reverse();
  return names.map((name) => join(dir, name));
}

/**
 * Restores a backup into an empty `DATA_DIR`, checked before anything is
 * written: the manifest and each file's SHA-256, then, on the copy, SQLite's
 * integrity check and the manifest's event count and position. Then erases
 * again everyone in the erasure journal (the one beside the backups, and any
 * other given), and leaves the journal in `DATA_DIR` so that the server
 * started there records the erasures the backup's events lack.
 *
 * `from` is one backup folder, or the folder holding them (`BACKUP_DIR`): then
 * the newest backup that verifies, the damaged newer ones named in the report.
 */
export async function restoreBackup(options: {
  from: string;
  dataDir: string;
  journals?: readonly string[];
}): Promise<RestoreReport> {
  const { from, dataDir } = options;
  if (!existsSync(from)) throw new Error(`Nothing to restore: ${from} does not exist`);
  for (const name of [EVENTS_FILE, KEYS_FILE]) {
    if (existsSync(join(dataDir, name))) {
      throw new Error(
        `${join(dataDir, name)} already exists: restore into an empty DATA_DIR (move the old one aside first)`,
      );
    }
  }
  const candidates = existsSync(join(from, MANIFEST)) ? [from] : await backupsIn(from);
  if (candidates.length === 0) throw new Error(`No backup in ${from} (no ${MANIFEST}, no emargement-… folder)`);
  const skipped: { dir: string; reason: string }[] = [];
  let chosen: { dir: string; manifest: BackupManifest } | undefined;
  for (const dir of candidates) {
    try {
      chosen = { dir, manifest: await readVerifiedManifest(dir) };
      break;
    } catch (error) {
      if (!(error instanceof DamagedBackupError) || candidates.length === 1) throw error;
      skipped.push({ dir, reason: error.message });
    }
  }
  if (chosen === undefined) {
    throw new DamagedBackupError(from, `every backup in it is damaged:\n${skipped.map((s) => s.reason).join('\n')}`);
  }

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const staging = join(dataDir, `.restoring-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  try {
    for (const name of Object.keys(chosen.manifest.files)) {
      await copyFile(join(chosen.dir, name), join(staging, name));
      await chmod(join(staging, name), 0o600);
    }
    checkRestoredEvents(join(staging, EVENTS_FILE), chosen.dir, chosen.manifest);
    // The journal beside the backups (BACKUP_DIR), and any other the operator names.
    const journals = [join(dirname(chosen.dir), ERASURE_JOURNAL), ...(options.journals ?? [])];
    const entries = await readErasures([...new Set(journals)]);
    let erasedAgain = 0;
    if (entries.length > 0) {
      const keys = SqliteKeyStore.open(join(staging, KEYS_FILE));
      try {
        erasedAgain = await applyErasures(keys, entries);
      } finally {
        await keys.close();
      }
      await writeFile(join(staging, RESTORED_JOURNAL), entries.map((e) => `${JSON.stringify(e)}\n`).join(''), {
        mode: 0o600,
      });
    }
    for (const name of [EVENTS_FILE, KEYS_FILE, RESTORED_JOURNAL]) {
      if (existsSync(join(staging, name))) await rename(join(staging, name), join(dataDir, name));
    }
    return { from: chosen.dir, manifest: chosen.manifest, skipped, erasedAgain };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function checkRestoredEvents(file: string, dir: string, manifest: BackupManifest): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.defaultSafeIntegers(true);
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new DamagedBackupError(dir, `${EVENTS_FILE} fails SQLite's integrity check`);
    const row = db.prepare('SELECT COUNT(*) AS n, MAX(position) AS p FROM events').get() as {
      n: bigint;
      p: bigint | null;
    };
    const position = row.p === null ? null : row.p.toString();
    if (Number(row.n) !== manifest.eventCount || position !== manifest.position) {
      throw new DamagedBackupError(
        dir,
        `${EVENTS_FILE} holds ${row.n} events up to position ${position ?? 'none'}, the manifest says ${manifest.eventCount} up to ${manifest.position ?? 'none'}`,
      );
    }
  } catch (error) {
    if (error instanceof DamagedBackupError) throw error;
    throw new DamagedBackupError(dir, `${EVENTS_FILE} is not a readable event store (${(error as Error).message})`);
  } finally {
    db.close();
  }
}
