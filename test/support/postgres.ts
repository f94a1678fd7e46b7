// A private PostgreSQL server for a test file: Debian's PostgreSQL 15 binaries
// (`/usr/lib/postgresql/15/bin`, installed by .ci/run when missing), a fresh
// cluster in a temporary directory, on 127.0.0.1 and a free port, stopped and
// removed by `stop`. As root (CI), initdb and pg_ctl run as the `postgres`
// user, which owns the directory; otherwise as the current user.
//
// Two roles: `postgres` (superuser, trusted from 127.0.0.1, for the tests'
// own inspection) and `emargement` (password, scram-sha-256, owner of the
// `emargement` database) which is what the server is given.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.PG_BIN?.trim() || '/usr/lib/postgresql/15/bin';
export const PG_APP_USER = 'emargement';
export const PG_APP_PASSWORD = 'emargement-test-password';
export const PG_APP_DATABASE = 'emargement';

export interface TestPostgres {
  port: number;
  /** `postgres://emargement:…@127.0.0.1:<port>/emargement`: what PERSONAL_KEYS_URL is set to. */
  url: string;
  /** The superuser's URL on the same database (for inspecting tables and statistics). */
  adminUrl: string;
  /** A superuser query on the `emargement` database (a connection per call). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Runs a PostgreSQL binary, as `postgres` when we are root (initdb refuses root). */
function run(binary: string, args: string[]): string {
  const file = join(BIN, binary);
  if (!asRoot) return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const command = [file, ...args].map(quote).join(' ');
  return execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  if (!existsSync(join(BIN, 'initdb'))) {
    throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb): apt-get install -y postgresql`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'emargement-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const pwfile = join(dir, 'pw');
  const port = await freePort();
  let started = false;
  const stop = (): Promise<void> => {
    try {
      if (started) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      started = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    writeFileSync(pwfile, 'unused-superuser-password\n');
    execFileSync('mkdir', ['-p', socketDir]);
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      for (const path of [dir, socketDir, pwfile]) chownSync(path, uid, gid);
    }
    chmodSync(dir, 0o700);
    run('initdb', ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-sync']);
    // The superuser is trusted from this machine (tests inspect with it);
    // everyone else needs a password, so wrong credentials are refused.
    writeFileSync(
      join(data, 'pg_hba.conf'),
      [
        'local all postgres trust',
        'host all postgres 127.0.0.1/32 trust',
        'host all all 127.0.0.1/32 scram-sha-256',
        '',
      ].join('\n'),
    );
    if (asRoot) execFileSync('chown', ['postgres:postgres', join(data, 'pg_hba.conf')]);
    const options = [
      `-c listen_addresses=127.0.0.1`,
      `-c port=${port}`,
      `-c unix_socket_directories=${socketDir}`,
      '-c fsync=off',
      '-c autovacuum=off',
      '-c max_connections=60',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
    started = true;
    const adminUrl = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const once = async (database: string, sql: string, params?: unknown[]) => {
      const client = new pg.Client({ connectionString: adminUrl(database) });
      await client.connect();
      try {
        return await client.query(sql, params);
      } finally {
        await client.end();
      }
    };
    await once('postgres', `CREATE ROLE ${PG_APP_USER} LOGIN PASSWORD '${PG_APP_PASSWORD}'`);
    await once('postgres', `CREATE DATABASE ${PG_APP_DATABASE} OWNER ${PG_APP_USER}`);
    return {
      port,
      url: `postgres://${PG_APP_USER}:${PG_APP_PASSWORD}@127.0.0.1:${port}/${PG_APP_DATABASE}`,
      adminUrl: adminUrl(PG_APP_DATABASE),
      query: (sql, params) => once(PG_APP_DATABASE, sql, params) as never,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
