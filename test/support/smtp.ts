// A real SMTP server for tests (smtp-server, nodemailer's authors'), on 127.0.0.1 and a free port: it keeps
// every message it accepts, parsed back with mailparser, and can refuse recipients (5xx) or drop the
// connection in the middle of a message, as real servers do.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMessage {
  /** The envelope's recipients (RCPT TO). */
  to: string[];
  raw: Buffer;
  /** The `Message-ID` header as sent. */
  messageId: string | undefined;
  /** The message read back by mailparser (on demand: parsing 400 messages with their PDFs takes a while under jest). */
  parse(): Promise<ParsedMail>;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  received: ReceivedMessage[];
  /** Recipients refused with `550 5.1.1` (each RCPT TO is asked). */
  refuse: (address: string) => boolean;
  /** The words after `250` for an accepted message (some servers echo the recipient there). */
  accepted: (to: string[]) => string;
  /** Messages whose data has arrived so far (accepted, refused at the end or cut off). */
  dataCount: number;
  /** The data count (1-based) at which to cut the connection off: once the message's data has arrived, before any answer. */
  dropAtData: number | null;
  /** How many connections were cut off. */
  dropped: number;
  /** Resolves once `count` messages were accepted in all. */
  untilReceived(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const waiters: { count: number; resolve: () => void }[] = [];
  const sink: SmtpSink = {
    url: '',
    received: [],
    refuse: () => false,
    accepted: () => 'OK: message queued',
    dataCount: 0,
    dropAtData: null,
    dropped: 0,
    untilReceived: (count) =>
      sink.received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No reverse DNS of 127.0.0.1 on each connection (seconds where no resolver answers).
    disableReverseLookup: true,
    // Test speed: answer at once, and keep connections open only briefly when idle.
    socketTimeout: 30_000,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (sink.refuse(address.address)) {
        const error = Object.assign(
          new Error('5.1.1 <' + address.address + '>: Recipient address rejected: User unknown'),
          {
            responseCode: 550,
          },
        );
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sink.dataCount++;
        if (sink.dataCount === sink.dropAtData) {
          sink.dropped++;
          // No answer to the final dot: the client cannot know the message was not taken, but it was not.
          const connection = [
            ...(server as unknown as { connections: Set<{ id: string; _socket: Socket }> }).connections,
          ].find((c) => c.id === session.id);
          connection?._socket.destroy();
          return;
        }
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address);
        const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1');
        const messageId = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1];
        let parsed: Promise<ParsedMail> | undefined;
        sink.received.push({ to, raw, messageId, parse: () => (parsed ??= simpleParser(raw)) });
        for (const w of [...waiters]) {
          if (sink.received.length >= w.count) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        callback(null, sink.accepted(to));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('The SMTP sink has no port');
  sink.url = `smtp://127.0.0.1:${address.port}`;
  return sink;
}
