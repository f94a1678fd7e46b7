import { Inject, Injectable, Logger } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';

/** Why a printer did not take a job: stable codes the door shows, each one retryable once someone acts. */
export const PRINTER_FAILURES = [
  'printer_stopped',
  'printer_out_of_paper',
  'printer_not_found',
  'printer_unreachable',
  'printer_failed',
] as const;
export type PrinterFailure = (typeof PRINTER_FAILURES)[number];

export class PrinterError extends Error {
  constructor(
    readonly code: PrinterFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PrinterError';
  }
}

const TIMEOUT_MS = 15_000;

interface Run {
  code: number;
  out: string;
}

/**
 * Badges printed on a printer attached to the server, through CUPS, with its
 * own clients (`lpstat`, `lp`, which speak IPP to the CUPS server named by
 * CUPS_SERVER, or the machine's own). No npm IPP client: CUPS's own tools
 * are what an administrator uses to check a queue, so what they say is what
 * this says.
 *
 * A stopped queue (`cupsdisable`) still *accepts* jobs and keeps them
 * pending, which would let the door believe the badge is coming: the queue's
 * state is asked first, and a stopped, rejecting or paper-less queue is a
 * failure with its code before anything is sent.
 */
@Injectable()
export class CupsPrinter {
  private readonly logger = new Logger('Badges');

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'cupsServer'>) {}

  private run(command: string, args: string[], input?: Buffer): Promise<Run> {
    const server = this.config.cupsServer;
    return new Promise((resolve) => {
      const child = execFile(
        command,
        [...(server ? ['-h', server] : []), ...args],
        { timeout: TIMEOUT_MS, encoding: 'utf8', env: { ...process.env, LANG: 'C', LC_ALL: 'C' } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, out: `${stdout}\n${stderr}`.trim() });
        },
      );
      if (input) child.stdin?.end(input);
    });
  }

  /** Throws a `PrinterError` when the queue cannot print now. */
  async check(queue: string): Promise<void> {
    // lpstat says « invalid destination » for any queue when it cannot reach the scheduler: ask the scheduler first.
    const scheduler = await this.run('lpstat', ['-r']);
    if (!/scheduler is running/i.test(scheduler.out)) {
      throw new PrinterError('printer_unreachable', `The print server cannot be reached: ${firstLine(scheduler.out)}`);
    }
    const status = await this.run('lpstat', ['-l', '-p', queue, '-a', queue]);
    const text = status.out;
    if (/unable to connect|connection refused|bad file descriptor|no such file/i.test(text)) {
      throw new PrinterError('printer_unreachable', `The print server cannot be reached: ${firstLine(text)}`);
    }
    if (status.code !== 0 || /invalid destination|unknown destination/i.test(text)) {
      throw new PrinterError('printer_not_found', `No printer queue ${queue} on the print server`);
    }
    if (/media-(empty|needed)/i.test(text)) {
      throw new PrinterError('printer_out_of_paper', `The printer ${queue} is out of paper`);
    }
    if (new RegExp(`printer ${escape(queue)} disabled`, 'i').test(text)) {
      throw new PrinterError('printer_stopped', `The printer ${queue} is stopped: ${reasonOf(text)}`);
    }
    if (new RegExp(`${escape(queue)} not accepting`, 'i').test(text)) {
      throw new PrinterError('printer_stopped', `The printer ${queue} is not accepting jobs: ${reasonOf(text)}`);
    }
  }

  /** Sends one PDF; resolves with CUPS's job id once the queue has taken it. */
  async print(queue: string, pdf: Buffer, title: string): Promise<string> {
    await this.check(queue);
    const sent = await this.run('lp', ['-d', queue, '-t', title, '-o', 'fit-to-page', '--'], pdf);
    const id = /request id is (\S+)/.exec(sent.out)?.[1];
    if (sent.code !== 0 || id === undefined) {
      if (/not accepting/i.test(sent.out)) throw new PrinterError('printer_stopped', firstLine(sent.out));
      if (/unable to connect|connection refused/i.test(sent.out))
        throw new PrinterError('printer_unreachable', firstLine(sent.out));
      throw new PrinterError('printer_failed', `The print server refused the job: ${firstLine(sent.out)}`);
    }
    this.logger.log(`Badge sent to ${queue} as job ${id}`);
    return id;
  }
}

const firstLine = (text: string): string => text.split('\n')[0]?.slice(0, 200) ?? '';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The line CUPS gives after a disabled or rejecting queue (« Paused », the operator's note). */
const reasonOf = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find(
      (l) =>
        l !== '' &&
        !/^printer |accepting|^(Form mounted|Content types|Printer types|Description|Alerts|Location|Connection|Interface|On fault|After fault|Users allowed|Forms allowed|Banner required|Charset sets|Default pitch|Default page size|Default port settings|\(none\)|none)/i.test(
          l,
        ),
    )
    ?.slice(0, 200) ?? 'stopped';
