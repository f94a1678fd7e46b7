import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a generated organiser token is kept (readable by the server's user only). */
export const adminTokenPath = (dataDir: string): string => join(dataDir, 'admin-token');

/**
 * The first organiser token: `ADMIN_TOKEN` when given; otherwise the one kept
 * in `DATA_DIR/admin-token`, generated (256 random bits) and printed once, at
 * the first start. Later starts print where it is, never the token.
 */
export function resolveAdminToken(
  dataDir: string,
  fromEnv: string | undefined,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): { token: string; source: 'env' | 'file' | 'generated' } {
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const path = adminTokenPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept.length >= 24) {
      print(`Émargement: organiser token kept in ${path} (ADMIN_TOKEN not set).`);
      return { token: kept, source: 'file' };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  // `wx`: two servers starting on one directory cannot both write a token.
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  print(
    [
      '',
      'Émargement: first start: an organiser token was generated (shown once; kept in ' + path + '):',
      '',
      `    ${token}`,
      '',
      'Open /admin/ and paste it, or set ADMIN_TOKEN to choose your own.',
      '',
    ].join('\n'),
  );
  return { token, source: 'generated' };
}
