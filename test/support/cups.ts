// Debian's CUPS with the cups-pdf virtual printer, as a real IPP print server
// for e2e tests (scripts/ensure-chromium.sh installs cups, cups-client and
// printer-driver-cups-pdf): a private cupsd with its own ServerRoot,
// cupsd.conf and cups-files.conf in a temporary directory, listening on
// 127.0.0.1 and a free port, in the foreground (`-f`), stopped by `stop`.
// The machine's own cupsd, if any, is never touched.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres.js';

const CUPSD = '/usr/sbin/cupsd';
const CUPS_PDF_PPD = '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd';
/**
 * cups-pdf reads its settings from /etc/cups whatever the ServerRoot (checked
 * in its binary: the path is built in), as `cups-pdf-<name>.conf` for a queue
 * whose device URI is `cups-pdf:/<name>`. The test writes one such file for a
 * queue name of its own, and removes it at the end.
 */
const CUPS_PDF_CONF_DIR = '/etc/cups';

export interface TestCups {
  /** `127.0.0.1:<port>`, for CUPS_SERVER and `lp -h`. */
  server: string;
  /** The cups-pdf queue's name. */
  queue: string;
  /** Where cups-pdf writes the PDFs it "prints". */
  outDir: string;
  /** Runs a CUPS client (`lp`, `lpstat`, `cupsdisable`, …) against this server. */
  client(command: string, ...args: string[]): Promise<string>;
  /** The finished PDFs cups-pdf has written so far. */
  pdfs(): string[];
  /** Resolves with the path of a finished PDF that is not in `before`, or rejects after `ms`. */
  nextPdf(before: readonly string[], ms?: number): Promise<string>;
  stop(): Promise<void>;
}

export function cupsAvailable(): boolean {
  return existsSync(CUPSD) && existsSync('/usr/lib/cups/backend/cups-pdf') && existsSync(CUPS_PDF_PPD);
}

const run = (command: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(command, args, { env: { ...process.env, LANG: 'C', LC_ALL: 'C' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout + stderr),
    ),
  );

export async function startCups(): Promise<TestCups> {
  if (!cupsAvailable()) throw new Error('CUPS and cups-pdf are not installed: scripts/ensure-chromium.sh');
  const root = mkdtempSync(join(tmpdir(), 'emargement-cups-'));
  // cupsd's filters and backends run as lp (or drop to the job's user): they must reach these folders.
  chmodSync(root, 0o755);
  for (const dir of ['spool', 'cache', 'state', 'log', 'ppd']) mkdirSync(join(root, dir));
  for (const dir of ['tmp', 'out']) {
    mkdirSync(join(root, dir));
    chmodSync(join(root, dir), 0o1777);
  }
  const port = await freePort();
  const server = `127.0.0.1:${port}`;
  const queue = `emargement-badges-${randomBytes(4).toString('hex')}`;
  const outDir = join(root, 'out');
  writeFileSync(
    join(root, 'cupsd.conf'),
    `Listen ${server}
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
`,
  );
  writeFileSync(
    join(root, 'cups-files.conf'),
    `ServerRoot ${root}
RequestRoot ${root}/spool
TempDir ${root}/tmp
CacheDir ${root}/cache
StateDir ${root}/state
ErrorLog ${root}/log/error_log
AccessLog ${root}/log/access_log
PageLog ${root}/log/page_log
Sandboxing Relaxed
User lp
Group lp
SystemGroup root
`,
  );
  const pdfConf = join(CUPS_PDF_CONF_DIR, `cups-pdf-${queue}.conf`);
  writeFileSync(
    pdfConf,
    `Out ${outDir}\nAnonDirName ${outDir}\nSpool ${root}/spool-pdf\nLog ${root}/log\nLabel 0\nTitlePref 1\nUserUMask 0022\n`,
  );
  const child: ChildProcess = spawn(
    CUPSD,
    ['-f', '-c', join(root, 'cupsd.conf'), '-s', join(root, 'cups-files.conf')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(pdfConf, { force: true });
    rmSync(root, { recursive: true, force: true });
  };
  const client = (command: string, ...args: string[]) => run(command, ['-h', server, ...args]);
  try {
    // cupsd answers `lpstat -r` once it listens.
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error('cupsd exited');
      const answer = await client('lpstat', '-r').catch((e: Error) => e.message);
      if (/scheduler is running/.test(answer)) break;
      if (Date.now() > deadline) throw new Error('cupsd did not answer within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client('lpadmin', '-p', queue, '-E', '-v', `cups-pdf:/${queue}`, '-P', CUPS_PDF_PPD);
    // Poppler's cairo renderer keeps the text's Unicode through PostScript, so that the "printed" PDF can be
    // read back with pdftotext; the default (Ghostscript) turns DejaVu's subset into glyphs with no text.
    await client('lpadmin', '-p', queue, '-o', 'pdftops-renderer-default=pdftocairo');
  } catch (error) {
    const log = existsSync(join(root, 'log/error_log')) ? readFileSync(join(root, 'log/error_log'), 'utf8') : '';
    await stop();
    throw new Error(`cupsd did not start: ${(error as Error).message}\n${stderr}\n${log}`);
  }

  // cups-pdf writes the file, then closes it: a PDF is finished once it ends with %%EOF.
  const pdfs = (): string[] =>
    readdirSync(outDir)
      .filter((f) => f.endsWith('.pdf'))
      .map((f) => join(outDir, f))
      .filter((f) => readFileSync(f).subarray(-32).toString('latin1').includes('%%EOF'));
  const nextPdf = (before: readonly string[], ms = 60_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const finished = (): string | undefined => pdfs().find((f) => !before.includes(f));
      const watcher = watch(outDir, () => {
        const found = finished();
        if (found) done(found);
      });
      const timer = setTimeout(() => {
        watcher.close();
        reject(new Error(`no PDF from cups-pdf within ${ms} ms`));
      }, ms);
      const done = (path: string) => {
        clearTimeout(timer);
        watcher.close();
        resolve(path);
      };
      const already = finished();
      if (already) done(already);
    });

  return { server, queue, outDir, client, pdfs, nextPdf, stop };
}
