// npm run backup -- --to DIR [--data-dir DATA_DIR]
//   A consistent backup of DATA_DIR's embedded store (events and keys) into a
//   new folder under DIR, the server running or not.
// npm run restore -- --from DIR --to DATA_DIR [--journal FILE]...
//   Checks a backup (or the newest good one in a folder of backups), then
//   restores it into an empty DATA_DIR and erases again everyone in the
//   erasure journal. Start the server on DATA_DIR afterwards: it rebuilds its
//   read models from the restored events.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DamagedBackupError, takeBackup } from './snapshot.js';
import { restoreBackup } from './restore.js';

const USAGE = `Usage:
  npm run backup -- --to DIR [--data-dir DATA_DIR]
  npm run restore -- --from BACKUP_OR_BACKUP_DIR --to DATA_DIR [--journal erasures.jsonl]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      to: { type: 'string' },
      from: { type: 'string' },
      'data-dir': { type: 'string' },
      journal: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'backup') {
    if (!values.to) throw new UsageError('--to DIR is required');
    const dataDir = resolve(values['data-dir'] ?? (process.env.DATA_DIR?.trim() || './data'));
    const taken = await takeBackup({ dataDir, to: resolve(values.to) });
    process.stdout.write(
      `Backup written to ${taken.dir}: ${taken.manifest.eventCount} events up to position ` +
        `${taken.manifest.position ?? '-'}, ${Object.keys(taken.manifest.files).join(' and ')}, in ${taken.tookMs} ms\n`,
    );
    return 0;
  }
  if (command === 'restore') {
    if (!values.from || !values.to) throw new UsageError('--from and --to are required');
    const report = await restoreBackup({
      from: resolve(values.from),
      dataDir: resolve(values.to),
      journals: (values.journal ?? []).map((j) => resolve(j)),
    });
    for (const s of report.skipped) process.stderr.write(`Warning: passed over a damaged backup: ${s.reason}\n`);
    process.stdout.write(
      `Restored ${report.from} (${report.manifest.eventCount} events up to position ${report.manifest.position ?? '-'}, ` +
        `taken ${report.manifest.createdAt}) into ${resolve(values.to)}; ${report.erasedAgain} erasure(s) applied again ` +
        `from the journal.\nStart the server with DATA_DIR=${resolve(values.to)}: it rebuilds its read models.\n`,
    );
    return 0;
  }
  throw new UsageError(command === undefined ? 'a command is required' : `unknown command ${command}`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      process.exit(64); // EX_USAGE
    }
    process.stderr.write(
      `${error instanceof DamagedBackupError ? 'Refused: ' : 'Failed: '}${(error as Error).message}\n`,
    );
    process.exit(error instanceof DamagedBackupError ? 65 : 1); // EX_DATAERR for a damaged backup
  },
);
