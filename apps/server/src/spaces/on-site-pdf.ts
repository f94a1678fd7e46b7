import PDFDocument from 'pdfkit';
import { FONTS } from '../conferences/tickets/ticket-sheet.js';

export interface OnSiteSheet {
  conferenceName: string;
  timezone: string;
  /** When the list was drawn (ISO-8601). */
  at: string;
  people: readonly {
    firstName: string;
    lastName: string;
    organisation: string;
    lastSeen: { place: string; at: string };
  }[];
}

const MARGIN = 36;
const ROW = 18;
/** Rows drawn between turns of the event loop: a list of 400 never holds the doors for long. */
const ROWS_PER_TURN = 60;

const clock = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('fr-FR', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

/**
 * The evacuation list on paper (issue 23): everyone on site, by name, with a
 * box to tick at the assembly point and where each was last seen. A4, large
 * type, page numbers and the time it was drawn on every page, since a printed
 * list is read long after it was printed.
 */
export function onSitePdf(sheet: OnSiteSheet): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    font: FONTS.regular,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: `Présents sur le site — ${sheet.conferenceName}`, Author: 'Émargement', Creator: 'Émargement' },
  });
  const width = 595.28 - 2 * MARGIN;
  const drawn = clock(sheet.at, sheet.timezone);
  let page = 0;
  const header = () => {
    doc.addPage();
    page += 1;
    doc.font(FONTS.bold).fontSize(16).text(`Présents sur le site — ${sheet.people.length}`, MARGIN, MARGIN, { width });
    doc
      .font(FONTS.regular)
      .fontSize(10)
      .text(`${sheet.conferenceName} · liste établie à ${drawn} · page ${page}`, { width });
    doc.moveDown(0.6);
    doc.font(FONTS.bold).fontSize(10);
    const y = doc.y;
    doc.text('Présent', MARGIN, y, { width: 50 });
    doc.text('Nom', MARGIN + 50, y, { width: 200 });
    doc.text('Organisation', MARGIN + 250, y, { width: 150 });
    doc.text('Vu en dernier', MARGIN + 400, y, { width: width - 400 });
    doc
      .moveTo(MARGIN, y + 14)
      .lineTo(MARGIN + width, y + 14)
      .stroke();
    doc.y = y + ROW;
  };
  void (async () => {
    try {
      header();
      for (let i = 0; i < sheet.people.length; i++) {
        if (doc.destroyed) return;
        if (doc.y + ROW > 841.89 - MARGIN) header();
        const p = sheet.people[i]!;
        const y = doc.y;
        doc.rect(MARGIN + 4, y, 11, 11).stroke();
        doc
          .font(FONTS.bold)
          .fontSize(11)
          .text(`${p.lastName.toLocaleUpperCase('fr')} ${p.firstName}`, MARGIN + 50, y, {
            width: 195,
            height: ROW,
            ellipsis: true,
            lineBreak: false,
          });
        doc.font(FONTS.regular).fontSize(10);
        doc.text(p.organisation, MARGIN + 250, y, { width: 145, height: ROW, ellipsis: true, lineBreak: false });
        doc.text(`${p.lastSeen.place} · ${clock(p.lastSeen.at, sheet.timezone)}`, MARGIN + 400, y, {
          width: width - 400,
          height: ROW,
          ellipsis: true,
          lineBreak: false,
        });
        doc.y = y + ROW;
        if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      doc.end();
    } catch (error) {
      doc.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return doc;
}
