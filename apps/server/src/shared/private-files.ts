import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * DATA_DIR holds people's data (sealed, but the ticket codes and the
 * organisations are in clear in the events), the key store and tokens: the
 * folder is 0700 and its files 0600, whatever the umask (which left them
 * 0644 in a 0755 folder). Made so at every start, so an older folder is put
 * right too.
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * A SQLite file made (empty, which SQLite takes as a new database) or put
 * right as 0600 before SQLite opens it: SQLite gives its `-wal` and `-shm`
 * files the database file's mode, so they follow. Existing ones are set too.
 */
export function privateSqliteFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
