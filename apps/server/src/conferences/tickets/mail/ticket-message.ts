import type { MailLanguage, ProgrammeItem } from '@emargement/conference';
import QRCode from 'qrcode';
import { ticketPdf } from '../ticket-pdf.js';
import { CATEGORY_LABELS, fileName, fullName, lunchText, whenText, type TicketSheet } from '../ticket-sheet.js';
import { renderTemplate, templateText, type TemplateScope } from './template.js';

/** What a message says and carries: the templates' words, the QR code inline, the ticket PDF attached. */
export interface TicketMessage {
  subject: string;
  text: string;
  html: string;
  attachments: {
    filename: string;
    content: Buffer;
    contentType: string;
    cid?: string;
    contentDisposition?: 'inline' | 'attachment';
  }[];
}

/** The `cid:` of the QR code inside the HTML part. */
export const QR_CID = 'billet-qr@emargement';

const CATEGORY_LABELS_EN: Record<TicketSheet['category'], string> = {
  participant: 'Participant',
  speaker: 'Speaker',
  signatory: 'Charter signatory',
  press: 'Press',
  staff: 'Organisation',
  official: 'Official',
};

function whenTextEn(c: TicketSheet['conference']): string {
  try {
    const day = new Intl.DateTimeFormat('en-GB', {
      timeZone: c.timezone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: c.timezone, hour: '2-digit', minute: '2-digit' });
    const start = new Date(c.startsAt);
    const end = new Date(c.endsAt);
    return day.format(start) === day.format(end)
      ? `${day.format(start)}, ${time.format(start)} – ${time.format(end)}`
      : `from ${day.format(start)}, ${time.format(start)} to ${day.format(end)}, ${time.format(end)}`;
  } catch {
    return whenText(c);
  }
}

function lunchTextEn(t: TicketSheet): string | null {
  const fee = t.conference.lunch;
  if (!fee) return null;
  if (!t.lunch) return 'Lunch: not booked';
  if (t.lunchPaid) return 'Lunch: booked and paid';
  const price = new Intl.NumberFormat('en-GB', { style: 'currency', currency: fee.currency }).format(
    fee.priceCents / 100,
  );
  return `Lunch: booked, ${price} to pay at the entrance`;
}

/** A map of the venue as the organisers wrote it (OpenStreetMap's search: no key, no tracking pixel in the message). */
const mapUrl = (venue: string): string => `https://www.openstreetmap.org/search?query=${encodeURIComponent(venue)}`;

export interface MessageInput {
  ticket: TicketSheet;
  programme: readonly ProgrammeItem[];
  language: MailLanguage;
  /** The no-account link to the ticket's PDF (ticket-link.ts). */
  ticketUrl: string;
}

/** The scope the templates are rendered with: every name they use, for both languages. */
export function messageScope({ ticket: t, programme, language, ticketUrl }: MessageInput): TemplateScope {
  const en = language === 'en';
  return {
    firstName: t.firstName,
    fullName: fullName(t),
    organisation: t.organisation,
    categoryLabel: (en ? CATEGORY_LABELS_EN : CATEGORY_LABELS)[t.category],
    conferenceName: t.conference.name,
    when: en ? whenTextEn(t.conference) : whenText(t.conference),
    venue: t.conference.venue,
    mapUrl: mapUrl(t.conference.venue),
    idRequired: t.conference.idCheckRequired,
    lunchLine: en ? lunchTextEn(t) : lunchText(t),
    hasProgramme: programme.length > 0,
    programme: programme.map((p) => ({ at: p.at, title: p.title })),
    ticketUrl,
    qrCid: QR_CID,
  };
}

const pdfBytes = (t: TicketSheet): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = ticketPdf(t);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

export async function ticketMessage(input: MessageInput): Promise<TicketMessage> {
  const scope = messageScope(input);
  const lang = input.language;
  const t = input.ticket;
  // The QR code alone, whole modules of 8 px with the standard's quiet zone: the name is in the HTML beside it,
  // and drawing it with text (renderTicketPng) costs ten times as much for 400 messages.
  const [png, pdf] = await Promise.all([
    QRCode.toBuffer(t.ticketCode, { errorCorrectionLevel: 'M', margin: 4, scale: 8, type: 'png' }),
    pdfBytes(t),
  ]);
  return {
    // A subject is one line: a line break in a conference's name must not start a header.
    subject: renderTemplate(templateText(`${lang}.subject.txt`), scope, false)
      .replace(/\s+/g, ' ')
      .trim(),
    text: renderTemplate(templateText(`${lang}.txt`), scope, false),
    html: renderTemplate(templateText(`${lang}.html`), scope, true),
    attachments: [
      { filename: 'billet-qr.png', content: png, contentType: 'image/png', cid: QR_CID, contentDisposition: 'inline' },
      {
        filename: fileName(lang === 'en' ? 'ticket' : 'billet', [t.lastName, t.firstName], 'pdf'),
        content: pdf,
        contentType: 'application/pdf',
        contentDisposition: 'attachment',
      },
    ],
  };
}
