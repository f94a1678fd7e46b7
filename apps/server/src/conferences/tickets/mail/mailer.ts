import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SendFailureReason } from '@emargement/conference';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig, MailConfig } from '../../../config/config.js';
import type { TicketMessage } from './ticket-message.js';

export type SendResult =
  | { ok: true; response: string }
  | { ok: false; reason: SendFailureReason; response: string; responseCode: number | null };

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * What an SMTP failure means for the message. A 5xx is the server's final no (an unknown mailbox, a refused
 * sender): `refused`, shown to the organisers, resent only by them. A 4xx (try later) or a connection that broke
 * before the server's final answer to the message is `connection`: the server did not take the message, so
 * the sender may queue it again by itself (ticket-outbox.ts).
 */
export function classify(error: unknown): Extract<SendResult, { ok: false }> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = (typeof e.response === 'string' && e.response) || e.message || String(error);
  if (responseCode !== null && responseCode >= 500) return { ok: false, reason: 'refused', response, responseCode };
  const transient =
    (responseCode !== null && responseCode >= 400) ||
    ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNRESET', 'EPROTOCOL'].includes(e.code ?? '');
  return { ok: false, reason: transient ? 'connection' : 'error', response, responseCode };
}

/**
 * The one SMTP client (nodemailer), a pool of one connection kept open between messages: a batch of 400 is
 * one connection, not 400 handshakes, and a connection the server drops is opened again for the next message.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private transport: Transporter | undefined;
  readonly config: MailConfig | undefined;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'mail'>) {
    this.config = config.mail;
  }

  private transporter(config: MailConfig): Transporter {
    if (this.transport === undefined) {
      const url = new URL(config.smtpUrl);
      url.searchParams.set('pool', 'true');
      url.searchParams.set('maxConnections', '1');
      this.transport = nodemailer.createTransport(url.toString());
      this.transport.on('error', (error: Error) => this.logger.warn(`SMTP connection: ${error.message}`));
    }
    return this.transport;
  }

  async send(to: string, messageId: string, message: TicketMessage): Promise<SendResult> {
    const config = this.config;
    if (config === undefined) throw new Error('Mail is not configured (SMTP_URL)');
    try {
      const info = (await this.transporter(config).sendMail({
        from: config.from,
        to,
        ...(config.replyTo ? { replyTo: config.replyTo } : {}),
        messageId: `<${messageId}@${config.fromDomain}>`,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: message.attachments,
      })) as { response?: string; rejected?: unknown[] };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        return { ok: false, reason: 'refused', response: info.response ?? 'recipient refused', responseCode: null };
      }
      return { ok: true, response: info.response ?? '' };
    } catch (error) {
      return classify(error);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
