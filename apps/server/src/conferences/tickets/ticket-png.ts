import * as PImage from 'pureimage';
import QRCode from 'qrcode';
import { PassThrough } from 'node:stream';
import { FONTS, fullName, type TicketSheet } from './ticket-sheet.js';

const WIDTH = 480;
/** The quiet zone the QR standard asks for: four modules of white on every side. */
const QUIET_MODULES = 4;
const FAMILY = 'EmargementTicketSans';

let fontLoaded = false;
function loadFont(): void {
  if (fontLoaded) return;
  // pureimage keeps registered fonts in a process-wide table; parse the TTF once.
  PImage.registerFont(FONTS.regular, FAMILY).loadSync();
  fontLoaded = true;
}

/** QR modules of the ticket code: exactly the code, nothing else, so any scanner reads back what the door sends. */
export const qrModules = (ticketCode: string): { size: number; dark(row: number, col: number): boolean } => {
  const { modules } = QRCode.create(ticketCode, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (row, col) => Boolean(modules.get(row, col)) };
};

/** The largest size (down to `min`) at which `text` fits `width`, and the text cut with an ellipsis if even that is too wide. */
function fit(
  ctx: PImage.Context,
  text: string,
  max: number,
  min: number,
  width: number,
): { text: string; size: number } {
  for (let size = max; size >= min; size -= 2) {
    ctx.font = `${size}px '${FAMILY}'`;
    if (ctx.measureText(text).width <= width) return { text, size };
  }
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}…`, size: min };
}

/**
 * The ticket as a picture: the QR code with its quiet zone, the name under it
 * (and the organisation), black on white. Modules are whole pixels, so the
 * code stays sharp when a phone or a test decodes it.
 */
export async function renderTicketPng(t: TicketSheet): Promise<Buffer> {
  loadFont();
  const qr = qrModules(t.ticketCode);
  const scale = Math.floor(WIDTH / (qr.size + 2 * QUIET_MODULES));
  const offset = Math.floor((WIDTH - qr.size * scale) / 2);
  const textTop = offset + qr.size * scale + QUIET_MODULES * scale * 0.5;
  const lines: { text: string; max: number; min: number; colour: string }[] = [
    { text: fullName(t), max: 30, min: 14, colour: '#000000' },
    ...(t.organisation ? [{ text: t.organisation, max: 20, min: 12, colour: '#333333' }] : []),
    ...(t.status === 'waitlisted' ? [{ text: 'Liste d’attente', max: 20, min: 12, colour: '#000000' }] : []),
  ];
  const height = Math.ceil(textTop + lines.reduce((h, l) => h + l.max * 1.5, 0) + 16);
  const image = PImage.make(WIDTH, height);
  const ctx = image.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, height);
  ctx.fillStyle = '#000000';
  for (let row = 0; row < qr.size; row++) {
    for (let col = 0; col < qr.size; col++) {
      if (qr.dark(row, col)) ctx.fillRect(offset + col * scale, offset + row * scale, scale, scale);
    }
  }
  let y = textTop;
  for (const line of lines) {
    const { text, size } = fit(ctx, line.text, line.max, line.min, WIDTH - 32);
    ctx.font = `${size}px '${FAMILY}'`;
    ctx.fillStyle = line.colour;
    const width = ctx.measureText(text).width;
    y += line.max * 1.2;
    ctx.fillText(text, Math.round((WIDTH - width) / 2), Math.round(y));
    y += line.max * 0.3;
  }
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => out.on('end', resolve).on('error', reject));
  await PImage.encodePNGToStream(image, out);
  await ended;
  return Buffer.concat(chunks);
}
