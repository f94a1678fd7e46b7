import { drawInTurns, drawQr, fitSize, newPdf } from './pdf-drawing.js';
import { CATEGORY_LABELS, FONTS, fullName, lunchText, whenText, type TicketSheet } from './ticket-sheet.js';

/** A6 portrait, in points: a ticket folds into a badge holder, and four fit an A4 sheet. */
const PAGE = { width: 297.64, height: 419.53 };
const MARGIN = 20;
const QR_SIZE = 175;
const INNER = PAGE.width - 2 * MARGIN;

const newDocument = (title: string): PDFKit.PDFDocument => newPdf(title, [PAGE.width, PAGE.height], MARGIN);

function drawTicket(doc: PDFKit.PDFDocument, t: TicketSheet): void {
  doc.addPage();
  const x = MARGIN;
  // The conference: name, when, where. Heights are capped (with an ellipsis)
  // so that a long venue can never push the QR code onto a second page.
  doc.font(FONTS.bold).fontSize(11).fillColor('black');
  doc.text(t.conference.name, x, MARGIN, { width: INNER, height: 42, ellipsis: true, lineGap: 1 });
  doc.font(FONTS.regular).fontSize(8.5).fillColor('black');
  doc.text(whenText(t.conference), x, doc.y + 2, { width: INNER });
  doc.fontSize(7.5).fillColor('#444444');
  doc.text(t.conference.venue, x, doc.y + 1, { width: INNER, height: 28, ellipsis: true });
  const rule = doc.y + 6;
  doc
    .moveTo(x, rule)
    .lineTo(PAGE.width - MARGIN, rule)
    .lineWidth(0.5)
    .strokeColor('#888888')
    .stroke();

  // The person.
  const name = fullName(t);
  doc.font(FONTS.bold).fillColor('black');
  doc.fontSize(fitSize(doc, name, 20, 12, INNER));
  doc.text(name, x, rule + 8, { width: INNER, align: 'center', height: 40, ellipsis: true });
  if (t.organisation) {
    doc.font(FONTS.regular).fontSize(10).fillColor('#222222');
    doc.text(t.organisation, x, doc.y + 1, { width: INNER, align: 'center', height: 26, ellipsis: true });
  }
  doc.font(FONTS.bold).fontSize(9).fillColor('black');
  doc.text(CATEGORY_LABELS[t.category].toUpperCase(), x, doc.y + 3, {
    width: INNER,
    align: 'center',
    characterSpacing: 0.5,
  });
  if (t.status === 'waitlisted') {
    doc.text('LISTE D’ATTENTE — pas encore de place confirmée', x, doc.y + 2, { width: INNER, align: 'center' });
  }

  // The code, as large as the page allows: it is what the door scans.
  const qrTop = doc.y + 8;
  drawQr(doc, t.ticketCode, (PAGE.width - QR_SIZE) / 2, qrTop, QR_SIZE);
  doc.font(FONTS.regular).fontSize(6.5).fillColor('#555555');
  doc.text(t.ticketCode, x, qrTop + QR_SIZE + 4, { width: INNER, align: 'center' });

  const lunch = lunchText(t);
  if (lunch) {
    doc.font(FONTS.bold).fontSize(9).fillColor('black');
    doc.text(lunch, x, doc.y + 5, { width: INNER, align: 'center' });
  }
  const notes = [
    'Billet personnel : présentez-le à l’accueil, sur papier ou sur téléphone.',
    ...(t.conference.idCheckRequired ? ['Une pièce d’identité à votre nom vous sera demandée.'] : []),
  ];
  doc.font(FONTS.regular).fontSize(7).fillColor('#444444');
  doc.text(notes.join(' '), x, doc.y + 5, { width: INNER, align: 'center' });
}

/** One ticket, one page. The document is a readable stream, already ended: pipe it to the response. */
export function ticketPdf(t: TicketSheet): PDFKit.PDFDocument {
  const doc = newDocument(`Billet — ${fullName(t)} — ${t.conference.name}`);
  drawTicket(doc, t);
  doc.end();
  return doc;
}

/** Every ticket of a conference, one per page, in the order given (drawn in turns: `drawInTurns`). */
export function ticketsPdf(conference: TicketSheet['conference'], tickets: readonly TicketSheet[]): PDFKit.PDFDocument {
  const doc = newDocument(`Billets — ${conference.name}`);
  return drawInTurns(
    doc,
    tickets,
    (t) => drawTicket(doc, t),
    () => {
      // A PDF needs a page; this one says why it holds no ticket.
      doc.addPage();
      doc.font(FONTS.bold).fontSize(12).text(conference.name, { width: INNER });
      doc.moveDown().font(FONTS.regular).fontSize(10);
      doc.text('Aucune inscription confirmée : aucun billet à imprimer.', { width: INNER });
    },
  );
}
