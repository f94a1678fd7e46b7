// nest-cli.json describes the monorepo as it is (issue 26): every app and
// library a project, with a tsconfig and an entry file that exist, and the
// Nest CLI builds the server from it into a server that starts and answers.
// The npm scripts (tsc + tsc-alias) stay the everyday build; this proves the
// two agree, on whichever Node runs the suite (CI runs both).
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/postgres.js';

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions: { tsConfigPath: string };
}
interface NestCli {
  monorepo: boolean;
  root: string;
  sourceRoot: string;
  compilerOptions: { tsConfigPath: string; builder: string };
  projects: Record<string, Project>;
}

const ROOT = process.cwd();
const cli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as NestCli;
const OUT = 'nest-cli-check';
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('nest-cli.json', () => {
  test('is a monorepo whose projects are exactly the apps and the libraries, each with its tsconfig and entry file', () => {
    expect(cli.monorepo).toBe(true);
    const dirs = (parent: string) =>
      readdirSync(join(ROOT, parent), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${parent}/${d.name}`)
        .sort();
    const roots = Object.values(cli.projects)
      .map((p) => p.root)
      .sort();
    expect(roots).toEqual([...dirs('apps'), ...dirs('libs')].sort());
    for (const [name, project] of Object.entries(cli.projects)) {
      expect([name, existsSync(join(ROOT, project.compilerOptions.tsConfigPath))]).toEqual([name, true]);
      const entry = project.entryFile.includes('/') ? project.entryFile : `${project.sourceRoot}/${project.entryFile}`;
      const found = ['.ts', '.tsx'].some((ext) => existsSync(join(ROOT, entry + ext)));
      expect([name, entry, found]).toEqual([name, entry, true]);
      expect(project.type).toBe(project.root.startsWith('libs/') ? 'library' : 'application');
    }
    // The default project is the server, built with the same tsconfig as `npm run build:server`.
    expect(cli.projects.server!.compilerOptions.tsConfigPath).toBe(cli.compilerOptions.tsConfigPath);
    const app = JSON.parse(readFileSync(join(ROOT, cli.compilerOptions.tsConfigPath), 'utf8')) as { extends: string };
    expect(join(ROOT, 'apps/server', app.extends)).toBe(join(ROOT, 'tsconfig.build.json'));
  });

  test('the Nest CLI builds the server from it, and that server starts and answers', async () => {
    // Into a folder of its own under dist/ (the suite's own server build stays untouched); the tsconfig
    // sits inside the repository so that its types resolve from node_modules as the real build's do.
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    const tsconfig = join(ROOT, 'dist', `${OUT}.tsconfig.json`);
    writeFileSync(
      tsconfig,
      JSON.stringify({ extends: `../${cli.compilerOptions.tsConfigPath}`, compilerOptions: { outDir: OUT } }),
    );
    cleanups.push(() => rmSync(join(ROOT, 'dist', OUT), { recursive: true, force: true }));
    cleanups.push(() => rmSync(tsconfig, { force: true }));
    const built = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'server', '-p', tsconfig],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect({ status: built.status, output: `${built.stdout}${built.stderr}`.slice(-2000) }).toEqual({
      status: 0,
      output: expect.any(String),
    });
    const main = join(ROOT, 'dist', OUT, 'apps/server/src/main.js');
    expect(existsSync(main)).toBe(true);
    // Library imports were rewritten to paths that exist (no `@emargement/...` left for Node to fail on).
    expect(readFileSync(join(ROOT, 'dist', OUT, 'apps/server/src/app.module.js'), 'utf8')).not.toMatch(
      /from ['"]@emargement\//,
    );

    const dataDir = mkdtempSync(join(tmpdir(), 'emargement-nest-cli-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    cleanups.push(() => child.kill('SIGKILL'));
    try {
      const deadline = Date.now() + 60_000;
      let live: { status: number; body: unknown } | undefined;
      while (live === undefined && Date.now() < deadline && child.exitCode === null) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/health/live`);
          live = { status: res.status, body: await res.json() };
        } catch {
          await new Promise((r) => setTimeout(r, 200)); // not listening yet: ask again
        }
      }
      expect({ live, stderr: stderr.slice(-1000) }).toEqual({
        live: { status: 200, body: { status: 'ok' } },
        stderr: expect.any(String),
      });
      const docs = await fetch(`http://127.0.0.1:${port}/api/docs-json`);
      expect(docs.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 180_000);
});
