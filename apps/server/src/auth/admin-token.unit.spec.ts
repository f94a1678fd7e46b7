import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminTokenPath, resolveAdminToken } from './admin-token.js';

describe('the first organiser token', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'emargement-admin-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('ADMIN_TOKEN wins, and nothing is written or printed', () => {
    const d = dir();
    const printed: string[] = [];
    expect(resolveAdminToken(d, 'fixed-organiser-token-0123456789', (l) => printed.push(l))).toEqual({
      token: 'fixed-organiser-token-0123456789',
      source: 'env',
    });
    expect(printed).toEqual([]);
    expect(() => statSync(adminTokenPath(d))).toThrow();
  });

  test('unset: generated at the first start, printed once, kept in DATA_DIR readable by its owner only', () => {
    const d = join(dir(), 'nested', 'data');
    const printed: string[] = [];
    const first = resolveAdminToken(d, undefined, (l) => printed.push(l));
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(printed.join('\n')).toContain(first.token);
    expect(readFileSync(adminTokenPath(d), 'utf8').trim()).toBe(first.token);
    expect(statSync(adminTokenPath(d)).mode & 0o777).toBe(0o600);

    const later: string[] = [];
    const second = resolveAdminToken(d, undefined, (l) => later.push(l));
    expect(second).toEqual({ token: first.token, source: 'file' });
    expect(later.join('\n')).not.toContain(first.token);
    expect(later.join('\n')).toContain(adminTokenPath(d));
  });

  test('two directories get two different tokens', () => {
    const quiet = (): void => undefined;
    expect(resolveAdminToken(dir(), undefined, quiet).token).not.toBe(resolveAdminToken(dir(), undefined, quiet).token);
  });
});
