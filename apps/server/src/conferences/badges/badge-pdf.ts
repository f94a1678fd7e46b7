import {
  normaliseText,
  type BadgeLayout,
  type Category,
  type ConferenceDetails,
  type Registration,
} from '@emargement/conference';
import { MM, drawInTurns, drawQr, fitSize, newPdf } from '../tickets/pdf-drawing.js';
import { CATEGORY_LABELS, FONTS, fullName, ticketSheet, type TicketSheet } from '../tickets/ticket-sheet.js';

/** A badge shows what a ticket shows, minus the lunch: the same sheet. */
export type BadgeSheet = Pick<
  TicketSheet,
  'conference' | 'registrationId' | 'ticketCode' | 'firstName' | 'lastName' | 'organisation' | 'category'
>;

/** What a registration's badge says: its ticket's sheet (one way to read a registration), without the lunch. */
export function badgeSheet(conferenceId: string, details: ConferenceDetails, r: Registration): BadgeSheet {
  const t = ticketSheet(conferenceId, details, r, false);
  const { conference, registrationId, ticketCode, firstName, lastName, organisation, category } = t;
  return { conference, registrationId, ticketCode, firstName, lastName, organisation, category };
}

interface Geometry {
  page: [number, number];
  /** The badge's size; a sheet holds `columns × rows` of them, centred, with cut marks around. */
  badge: { width: number; height: number };
  columns: number;
  rows: number;
}

const A4: [number, number] = [210 * MM, 297 * MM];
const GEOMETRY: Record<BadgeLayout, Geometry> = {
  'a4-8': { page: A4, badge: { width: 90 * MM, height: 54 * MM }, columns: 2, rows: 4 },
  'a4-8-85': { page: A4, badge: { width: 85 * MM, height: 54 * MM }, columns: 2, rows: 4 },
  cr80: { page: [86 * MM, 54 * MM], badge: { width: 86 * MM, height: 54 * MM }, columns: 1, rows: 1 },
  // A 62 mm continuous roll: the page is as wide as the tape, its length chosen here (a badge in portrait).
  'roll-62': { page: [62 * MM, 90 * MM], badge: { width: 62 * MM, height: 90 * MM }, columns: 1, rows: 1 },
};

/**
 * Colour and words, never colour alone (a colour-blind volunteer, a
 * black-and-white printer): the band names the category too. The text colour
 * is chosen for contrast with its band.
 */
const BANDS: Record<Category, { fill: string; text: string }> = {
  signatory: { fill: '#6a1b9a', text: '#ffffff' },
  speaker: { fill: '#c62828', text: '#ffffff' },
  press: { fill: '#1565c0', text: '#ffffff' },
  staff: { fill: '#2e7d32', text: '#ffffff' },
  official: { fill: '#212121', text: '#ffffff' },
  participant: { fill: '#f9c623', text: '#000000' },
};

/** The conference's day, in its own time zone: "19 septembre 2014". */
function dayText(c: BadgeSheet['conference']): string {
  const format = (zone: string) =>
    new Intl.DateTimeFormat('fr-FR', { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric' });
  try {
    const start = format(c.timezone).format(new Date(c.startsAt));
    const end = format(c.timezone).format(new Date(c.endsAt));
    return start === end ? start : `${start} – ${end}`;
  } catch {
    return c.startsAt.slice(0, 10); // an unknown zone: the stored date is the organisers' own
  }
}

/**
 * Writes `text` on one line of `width`, as large as `max` allows. A name is
 * never cut: below `min` it is drawn narrower (horizontal scaling) rather
 * than wrapped or ellipsised, so "Łukasiewicz-Alphandéry de la Tour d’Auvergne"
 * still reads whole on a 54 mm card. Returns the height used.
 */
function fittedLine(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  max: number,
  min: number,
  align: 'left' | 'center',
): number {
  const size = fitSize(doc, text, max, min, width, 0.5);
  const natural = doc.fontSize(size).widthOfString(text);
  const scale = natural > width ? width / natural : 1;
  if (scale < 1) {
    // pdfkit has no horizontal scaling option: squeeze the line with a transform instead.
    doc.save();
    doc.translate(x, y).scale(scale, 1);
    doc.text(text, 0, 0, { lineBreak: false });
    doc.restore();
  } else {
    doc.text(text, x, y, { width, align, lineBreak: false });
  }
  return doc.currentLineHeight(true);
}

/** One badge in the box whose top-left corner is (x, y). */
function drawBadge(doc: PDFKit.PDFDocument, b: BadgeSheet, x: number, y: number, w: number, h: number): void {
  const portrait = h > w;
  const pad = Math.min(w, h) * 0.055;
  const inner = w - 2 * pad;

  // The category band, across the top.
  const bandH = portrait ? h * 0.1 : h * 0.16;
  const band = BANDS[b.category];
  doc.rect(x, y, w, bandH).fillColor(band.fill).fill();
  doc.font(FONTS.bold).fillColor(band.text);
  const label = CATEGORY_LABELS[b.category].toUpperCase();
  const labelSize = fitSize(doc, label, bandH * 0.55, 5, inner, 0.5);
  doc.fontSize(labelSize);
  doc.text(label, x + pad, y + (bandH - doc.currentLineHeight()) / 2, {
    width: inner,
    align: 'center',
    lineBreak: false,
    characterSpacing: 0.4,
  });

  // The conference: its name (up to two lines) and its day. Landscape: beside the QR code, bottom left;
  // portrait (a label roll): across the bottom, under the QR code.
  const qr = portrait ? w * 0.34 : h * 0.3;
  const footW = portrait ? inner : w - 2 * pad - qr - pad * 0.6;
  doc
    .font(FONTS.regular)
    .fontSize(portrait ? 6.5 : 6)
    .fillColor('#333333');
  const day = dayText(b.conference);
  const dayH = doc.currentLineHeight(true);
  doc.font(FONTS.bold);
  const nameH = Math.min(doc.heightOfString(b.conference.name, { width: footW }), dayH * 2);
  const footTop = y + h - pad - nameH - dayH;
  const footAlign = portrait ? 'center' : 'left';
  doc.text(b.conference.name, x + pad, footTop, { width: footW, height: nameH, ellipsis: true, align: footAlign });
  doc.font(FONTS.regular).text(day, x + pad, footTop + nameH, { width: footW, lineBreak: false, align: footAlign });

  // The QR code of the ticket, small: bottom right, or centred above the conference on a label.
  const qrX = portrait ? x + (w - qr) / 2 : x + w - pad - qr;
  const qrY = portrait ? footTop - pad * 0.6 - qr : y + h - pad - qr;
  drawQr(doc, b.ticketCode, qrX, qrY, qr);

  // The person: first name on its own line, then the last name, both as large as they fit; the organisation below.
  const top = y + bandH + pad * (portrait ? 1.6 : 1.1);
  const bottom = Math.min(qrY, footTop) - pad * 0.4;
  const align = portrait ? 'center' : 'left';
  const firstMax = portrait ? w * 0.15 : h * 0.19;
  const lastMax = portrait ? w * 0.12 : h * 0.14;
  let cursor = top;
  doc.font(FONTS.bold).fillColor('#000000');
  cursor += fittedLine(doc, b.firstName, x + pad, cursor, inner, firstMax, 9, align);
  cursor += fittedLine(doc, b.lastName, x + pad, cursor, inner, lastMax, 8, align);
  if (b.organisation) {
    doc.font(FONTS.regular).fillColor('#222222');
    const orgSize = fitSize(doc, b.organisation, portrait ? 10 : 9, 6.5, inner, 0.5);
    doc.fontSize(orgSize);
    const room = Math.max(0, bottom - cursor - pad * 0.3);
    const height = Math.min(room, doc.currentLineHeight(true) * 2);
    if (height >= doc.currentLineHeight()) {
      doc.text(b.organisation, x + pad, cursor + pad * 0.3, { width: inner, height, align, ellipsis: true });
    }
  }
}

/** A divider: the letter whose badges follow, so a volunteer finds « M » at a glance on the table. */
function drawDivider(
  doc: PDFKit.PDFDocument,
  letter: string,
  count: number,
  x: number,
  y: number,
  w: number,
  h: number,
) {
  doc.rect(x, y, w, h).fillColor('#eeeeee').fill();
  doc
    .font(FONTS.bold)
    .fillColor('#000000')
    .fontSize(Math.min(w, h) * 0.55);
  const lineH = doc.currentLineHeight();
  doc.text(letter, x, y + (h - lineH) / 2 - h * 0.05, { width: w, align: 'center', lineBreak: false });
  doc
    .font(FONTS.regular)
    .fontSize(Math.min(w, h) * 0.07)
    .fillColor('#333333');
  doc.text(`${count} badge${count > 1 ? 's' : ''}`, x, y + h * 0.8, { width: w, align: 'center', lineBreak: false });
}

/** Short lines outside the grid at every column and row edge, where the guillotine goes. */
function drawCutMarks(doc: PDFKit.PDFDocument, g: Geometry, left: number, top: number): void {
  const { width, height } = g.badge;
  const gap = 2 * MM;
  const length = 5 * MM;
  const right = left + g.columns * width;
  const bottom = top + g.rows * height;
  doc.lineWidth(0.3).strokeColor('#000000');
  for (let c = 0; c <= g.columns; c++) {
    const cx = left + c * width;
    doc.moveTo(cx, top - gap - length).lineTo(cx, top - gap);
    doc.moveTo(cx, bottom + gap).lineTo(cx, bottom + gap + length);
  }
  for (let r = 0; r <= g.rows; r++) {
    const cy = top + r * height;
    doc.moveTo(left - gap - length, cy).lineTo(left - gap, cy);
    doc.moveTo(right + gap, cy).lineTo(right + gap + length, cy);
  }
  doc.stroke();
}

export type BadgeCard = { kind: 'badge'; badge: BadgeSheet } | { kind: 'divider'; letter: string; count: number };

/** The letter a last name is filed under: its first letter, accents dropped (É with E, Ł with L). */
export function filingLetter(lastName: string): string {
  const first = normaliseText(lastName)
    .replace(/[^\p{L}\p{N}]/gu, '')
    .charAt(0);
  return first ? first.toLocaleUpperCase('fr') : '#';
}

/** Badges already sorted by last name, with a divider before each new letter. */
export function withDividers(badges: readonly BadgeSheet[]): BadgeCard[] {
  const counts = new Map<string, number>();
  for (const b of badges) counts.set(filingLetter(b.lastName), (counts.get(filingLetter(b.lastName)) ?? 0) + 1);
  const cards: BadgeCard[] = [];
  let current: string | null = null;
  for (const badge of badges) {
    const letter = filingLetter(badge.lastName);
    if (letter !== current) {
      cards.push({ kind: 'divider', letter, count: counts.get(letter) ?? 0 });
      current = letter;
    }
    cards.push({ kind: 'badge', badge });
  }
  return cards;
}

/**
 * Badges in a layout, one card per slot: a sheet of 8 fills its slots row by
 * row and turns the page when full; a card or a label is one page each.
 * Drawn in turns (`drawInTurns`): the sheet of a whole conference must not
 * stall the door.
 */
export function badgesPdf(
  title: string,
  layout: BadgeLayout,
  cards: readonly BadgeCard[],
  emptyMessage = 'Aucun badge à imprimer.',
): PDFKit.PDFDocument {
  const g = GEOMETRY[layout];
  const doc = newPdf(title, g.page, 0);
  const perPage = g.columns * g.rows;
  const left = (g.page[0] - g.columns * g.badge.width) / 2;
  const top = (g.page[1] - g.rows * g.badge.height) / 2;
  return drawInTurns(
    doc,
    cards,
    (card, i) => {
      const slot = i % perPage;
      if (slot === 0) {
        doc.addPage();
        if (perPage > 1) drawCutMarks(doc, g, left, top);
      }
      const x = left + (slot % g.columns) * g.badge.width;
      const y = top + Math.floor(slot / g.columns) * g.badge.height;
      if (card.kind === 'badge') drawBadge(doc, card.badge, x, y, g.badge.width, g.badge.height);
      else drawDivider(doc, card.letter, card.count, x, y, g.badge.width, g.badge.height);
    },
    () => {
      doc.addPage();
      doc.font(FONTS.regular).fontSize(9).fillColor('#000000');
      doc.text(emptyMessage, 10, 10, { width: g.page[0] - 20 });
    },
  );
}

/** One person's badge, alone, in a layout (a sheet of 8 then holds it in its first slot). */
export function badgePdf(layout: BadgeLayout, badge: BadgeSheet): PDFKit.PDFDocument {
  return badgesPdf(`Badge — ${fullName(badge)} — ${badge.conference.name}`, layout, [{ kind: 'badge', badge }]);
}
