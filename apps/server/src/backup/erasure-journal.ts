import { existsSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PersonalKeyStore } from '@emargement/privacy';

/**
 * The ids of the people erased, kept beside the backups (ADR 007, issue 28):
 * a backup taken before an erasure still holds that person's key, so a
 * restore from it would bring them back. Every erasure is appended here at
 * once (not at the next backup), and a restore, and every start, erase again
 * each id listed. Ids only: no name, no e-mail, no reason text (it could name
 * the person).
 */
export const ERASURE_JOURNAL = 'erasures.jsonl';
/** The copy a restore leaves in `DATA_DIR`, so the server started there re-records what the backup lacks. */
export const RESTORED_JOURNAL = 'erasures-to-reapply.jsonl';

export interface ErasureEntry {
  conferenceId: string;
  registrationId: string;
  erasedAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Appends one line and fsyncs it before returning: the erasure is in the journal before it is answered. */
export async function appendErasure(file: string, entry: ErasureEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const line = `${JSON.stringify({
    conferenceId: entry.conferenceId,
    registrationId: entry.registrationId,
    erasedAt: entry.erasedAt,
  })}\n`;
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.appendFile(line, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Every well-formed entry of the journal files that exist, once each by
 * registration id. A torn last line (a crash mid-append) or a foreign line is
 * skipped, never fatal: the other erasures must still be applied.
 */
export async function readErasures(files: readonly string[]): Promise<ErasureEntry[]> {
  const byId = new Map<string, ErasureEntry>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const e = value as Partial<ErasureEntry> | null;
      if (
        e !== null &&
        typeof e === 'object' &&
        typeof e.conferenceId === 'string' &&
        UUID.test(e.conferenceId) &&
        typeof e.registrationId === 'string' &&
        UUID.test(e.registrationId) &&
        typeof e.erasedAt === 'string'
      ) {
        if (!byId.has(e.registrationId)) {
          byId.set(e.registrationId, {
            conferenceId: e.conferenceId,
            registrationId: e.registrationId,
            erasedAt: e.erasedAt,
          });
        }
      }
    }
  }
  return [...byId.values()];
}

/** The journals a server on `dataDir` (with `backupDir` or not) re-applies at start. */
export const journalsFor = (dataDir: string, backupDir: string | undefined): string[] => [
  ...(backupDir === undefined ? [] : [join(backupDir, ERASURE_JOURNAL)]),
  join(dataDir, RESTORED_JOURNAL),
];

/**
 * Erases again, in a key store, everyone in the journal whose key it still
 * holds: a backup taken before their erasure must not bring them back. Runs
 * before anything reads the store (at restore, and at every start before the
 * projections), so no read model ever sees their name again.
 */
export async function applyErasures(keys: PersonalKeyStore, entries: readonly ErasureEntry[]): Promise<number> {
  let erased = 0;
  const found = await keys.findMany(entries.map((e) => e.registrationId));
  for (const entry of entries) {
    if (found.get(entry.registrationId) === 'erased') continue;
    // Also without a key (registered after the backup): the tombstone refuses
    // a new key for that person should their events be uploaded again.
    await keys.erase(entry.registrationId, 'erasure journal');
    erased += 1;
  }
  return erased;
}
