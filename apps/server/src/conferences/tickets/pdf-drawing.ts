import PDFDocument from 'pdfkit';
import { qrModules } from './ticket-png.js';
import { FONTS } from './ticket-sheet.js';

/**
 * What the tickets and the badges draw alike: one way to open a document with
 * the embedded fonts, one vector QR code, one fitting rule for a name, and one
 * way to draw hundreds of pages without stalling the door's scans.
 */

export const MM = 72 / 25.4;

export function newPdf(title: string, size: [number, number], margin: number): PDFKit.PDFDocument {
  return new PDFDocument({
    size,
    margin,
    autoFirstPage: false,
    // Never Helvetica: see FONTS for why the fonts are embedded. Fonts are
    // named by their path, not through registerFont: pdfkit caches a font
    // under the name it was first asked by, and an alias of an already open
    // font is parsed again on every switch (2 s for 400 tickets).
    font: FONTS.regular,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: title, Author: 'Émargement', Creator: 'Émargement' },
  });
}

/** The QR code as vector runs of dark modules: sharp at any print size, and a few hundred bytes. */
export function drawQr(doc: PDFKit.PDFDocument, ticketCode: string, x: number, y: number, size: number): void {
  const qr = qrModules(ticketCode);
  const m = size / qr.size;
  for (let row = 0; row < qr.size; row++) {
    let col = 0;
    while (col < qr.size) {
      if (!qr.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < qr.size && qr.dark(row, col)) col++;
      doc.rect(x + start * m, y + row * m, (col - start) * m, m);
    }
  }
  doc.fillColor('black').fill();
}

/**
 * The largest font size (from `max` down to `min`, by `step`) at which `text`
 * holds on one line of `width`, in the document's current font.
 */
export function fitSize(
  doc: PDFKit.PDFDocument,
  text: string,
  max: number,
  min: number,
  width: number,
  step = 1,
): number {
  for (let size = max; size > min; size -= step) {
    if (doc.fontSize(size).widthOfString(text) <= width) return size;
  }
  return min;
}

const PAGES_PER_TURN = 4;

/**
 * Draws `items` a few at a time between turns of the event loop (a page costs
 * a few milliseconds, so 400 drawn in one go would stall the door's scans for
 * over a second), stops if the client goes away, and ends the document. A PDF
 * needs a page: with no item, `empty` draws one that says why.
 */
export function drawInTurns<T>(
  doc: PDFKit.PDFDocument,
  items: readonly T[],
  draw: (item: T, index: number) => void,
  empty: () => void,
): PDFKit.PDFDocument {
  void (async () => {
    try {
      for (let i = 0; i < items.length; i++) {
        if (doc.destroyed) return;
        draw(items[i]!, i);
        if (i % PAGES_PER_TURN === PAGES_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      if (items.length === 0) empty();
      doc.end();
    } catch (error) {
      doc.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return doc;
}

/** A document's bytes, once it has ended (to attach, seal or send it somewhere else than a response). */
export const pdfBytes = (doc: PDFKit.PDFDocument): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
