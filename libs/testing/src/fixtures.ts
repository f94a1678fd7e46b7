import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared fixtures (`../shared/fixtures` beside the repository, as the
 * issues refer to them), or `EMARGEMENT_FIXTURES_DIR` when set. A missing
 * fixture fails the test that reads it: a test that silently skips its data
 * cannot fail.
 */
export const fixturesDir = (): string =>
  process.env['EMARGEMENT_FIXTURES_DIR'] ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');

export const fixturePath = (relativePath: string): string => resolve(fixturesDir(), relativePath);

export const readFixture = (relativePath: string): string => readFileSync(fixturePath(relativePath), 'utf8');
