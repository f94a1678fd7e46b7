import PDFDocument from 'pdfkit';
import pngjs from 'pngjs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  decodePngDataUrl,
  PUBLICATION_SEALED_FIELDS,
  SIGNATURE_SEALED_FIELDS,
  VOID_SEALED_FIELDS,
  pngBytesOf,
  shortHash,
  type CharterPublishedData,
  type Verification,
} from '@emargement/charter';
import type { RecordedEvent } from '@emargement/event-store';
import { parseMarkdown, type Run } from '@emargement/charter';

/**
 * The signed charter as a document: the text, every signature (image, name,
 * organisation, time, sequence, short hash), a footer on every page with the
 * fingerprint (the chain's head), and the stored events attached as JSON, so
 * that anyone holding the PDF can recompute the chain without this server.
 *
 * Fonts: DejaVu, embedded from an npm package (as the tickets do): PDF's
 * built-in Helvetica is WinAnsi-encoded and lacks letters a name can hold
 * (ł, ș, ğ); DejaVu has them, and œ and ’ too, so nothing is transliterated.
 */

const require = createRequire(import.meta.url);
const FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  italic: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf'),
  boldItalic: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf'),
};

const MARGIN = 56;
const FOOTER = 34;
const IMAGE_BOX = { width: 190, height: 76 };
export const EVIDENCE_FILE = 'preuves-signatures.json';
/** What an open charter's document says on every page. */
export const DRAFT_MARK = 'BROUILLON — non scellé';

export interface CharterDocumentInput {
  conference: { conferenceId: string; name: string; venue: string; timezone: string };
  events: readonly RecordedEvent[];
  verification: Verification;
  generatedAt: Date;
  /**
   * Told of each stored picture that does not decode (stored before pictures
   * were decoded at the door, or by another version): the page draws its
   * strokes, or says « Image illisible » with its digest, instead.
   */
  onUnreadableImage?: (unreadable: UnreadableImage) => void;
}

export interface UnreadableImage {
  sequence: number;
  imageSha256: string | null;
  problem: string;
  /** How the page shows it instead. */
  drawn: 'strokes' | 'notice';
}

interface SignatureEntry {
  data: Record<string, unknown>;
  voided: { reason: string; voidedAt: string } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** "19 septembre 2014 à 16:01:05" in the conference's zone (or as stored, for an unknown zone). */
function timeText(iso: string | null, timezone: string): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('fr-FR', { timeZone: timezone, dateStyle: 'long', timeStyle: 'medium' }).format(
      date,
    );
  } catch {
    return iso;
  }
}

/** A point as stored, when its coordinates are finite numbers. */
const pointOf = (p: unknown): { x: number; y: number } | null => {
  if (typeof p !== 'object' || p === null) return null;
  const { x, y } = p as Record<string, unknown>;
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
};

/** At most this many points are redrawn (the contract allows 10,000 a signature). */
const MAX_REDRAWN_POINTS = 20_000;

/**
 * The stored strokes, as lines of finite points (2 or more): the signature as
 * it was drawn, when its picture cannot be shown. Anything else in them is
 * left out.
 */
export function drawableStrokes(strokes: unknown): { x: number; y: number }[][] {
  if (!Array.isArray(strokes)) return [];
  const lines: { x: number; y: number }[][] = [];
  let budget = MAX_REDRAWN_POINTS;
  for (const stroke of strokes) {
    if (!Array.isArray(stroke)) continue;
    const line = stroke
      .slice(0, Math.max(budget, 0))
      .map(pointOf)
      .filter((p) => p !== null);
    budget -= line.length;
    if (line.length >= 2) lines.push(line);
  }
  return lines;
}

/**
 * The picture's bytes as pdfkit may embed them, or why not. pdfkit decodes a
 * PNG in a zlib callback, where an error cannot be caught and ends the process
 * (issue 20): so every picture is decoded here first, and pdfkit only meets
 * one that decoded completely. An interlaced one is handed over re-encoded
 * (pdfkit's own reader is the least tried on those).
 */
export function embeddablePng(dataUrl: string): { ok: true; png: Buffer } | { ok: false; problem: string } {
  const bytes = pngBytesOf(dataUrl);
  if (bytes === null) return { ok: false, problem: 'not_a_data_url' };
  const png = Buffer.from(bytes);
  // A stored picture never changes: its verdict is kept (by digest), so a charter of a hundred signatures
  // rendered again decodes none of them a second time.
  const digest = createHash('sha256').update(png).digest('hex');
  let problem = VERDICTS.get(digest);
  if (problem === undefined) {
    const decoded = decodePngDataUrl(dataUrl);
    problem = decoded.ok ? null : decoded.problem;
    if (VERDICTS.size >= MAX_VERDICTS) VERDICTS.delete(VERDICTS.keys().next().value!);
    VERDICTS.set(digest, problem);
  }
  if (problem !== null) return { ok: false, problem };
  if (png[28] !== 1) return { ok: true, png };
  try {
    return { ok: true, png: pngjs.PNG.sync.write(pngjs.PNG.sync.read(png)) };
  } catch {
    return { ok: false, problem: 'undecodable' };
  }
}

/** Decoding verdicts by the picture's SHA-256: `null` when it decodes. Bounded, oldest out first. */
const VERDICTS = new Map<string, string | null>();
const MAX_VERDICTS = 20_000;

/** Everything `verify` needs, and the way to use it. Positions are bigint: written as decimal strings. */
export function evidence(input: CharterDocumentInput, publication: CharterPublishedData): unknown {
  return {
    format: 'emargement/charter-evidence@1',
    generatedAt: input.generatedAt.toISOString(),
    conference: { conferenceId: input.conference.conferenceId, name: input.conference.name },
    charter: publication,
    verification: input.verification,
    hashChain: {
      hash: 'SHA-256, lower-case hex',
      canonicalJson:
        'RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, undefined members left out',
      genesis:
        'previousHash of the first entry = sha256(canonicalJson({ entry: "CharterPublished", ...sealed fields }))',
      entryHash: 'hash = sha256(canonicalJson({ entry: <event type>, ...sealed fields })), previousHash among them',
      head: 'the hash of the last entry (the genesis before the first); CharterClosed records it',
      sealedFields: {
        CharterPublished: PUBLICATION_SEALED_FIELDS,
        CharterSigned: SIGNATURE_SEALED_FIELDS,
        SignatureVoided: VOID_SEALED_FIELDS,
      },
      digests: {
        textSha256: 'sha256 of the text, UTF-8',
        nameSha256: 'sha256(canonicalJson({ name, salt: nameSalt }))',
        strokesSha256: 'sha256(canonicalJson(strokes))',
        imageSha256: 'sha256 of the PNG bytes (the data URL base64-decoded)',
      },
    },
    events: input.events.map((e) => ({
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      stream: e.streamName,
      revision: e.revision.toString(),
      position: e.position.toString(),
      storedAt: e.created.toISOString(),
    })),
  };
}

/** The strokes, fitted into the image box (in the canvas's proportions when it is known), in dark grey. */
function drawStrokes(
  doc: PDFKit.PDFDocument,
  lines: readonly { x: number; y: number }[][],
  canvas: unknown,
  box: { x: number; y: number },
): void {
  const points = lines.flat();
  const c = (canvas ?? {}) as Record<string, unknown>;
  const known = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const [minX, minY, maxX, maxY] =
    known(c['width']) && known(c['height'])
      ? [0, 0, c['width'], c['height']]
      : [
          Math.min(...points.map((p) => p.x)),
          Math.min(...points.map((p) => p.y)),
          Math.max(...points.map((p) => p.x)),
          Math.max(...points.map((p) => p.y)),
        ];
  const inner = { width: IMAGE_BOX.width - 8, height: IMAGE_BOX.height - 14 };
  const scale = Math.min(inner.width / Math.max(maxX - minX, 1), inner.height / Math.max(maxY - minY, 1));
  const dx = box.x + 4 + (inner.width - (maxX - minX) * scale) / 2;
  const dy = box.y + 4 + (inner.height - (maxY - minY) * scale) / 2;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const at = (p: { x: number; y: number }): [number, number] => [
    clamp(dx + (p.x - minX) * scale, box.x, box.x + IMAGE_BOX.width),
    clamp(dy + (p.y - minY) * scale, box.y, box.y + IMAGE_BOX.height),
  ];
  doc.save().lineWidth(0.8).strokeColor('#333333').lineCap('round').lineJoin('round');
  for (const line of lines) {
    const [first, ...rest] = line;
    doc.moveTo(...at(first!));
    for (const p of rest) doc.lineTo(...at(p));
    doc.stroke();
  }
  doc.restore();
}

export function charterPdf(input: CharterDocumentInput): PDFKit.PDFDocument {
  const first = input.events[0];
  if (first?.type !== 'CharterPublished') throw new Error('A charter stream starts with its publication');
  const publication = first.data as CharterPublishedData;
  const { timezone } = input.conference;
  const { verification } = input;
  const head = verification.head ?? '—';

  const signatures: SignatureEntry[] = [];
  const byId = new Map<string, SignatureEntry>();
  let closedAt: string | null = null;
  for (const e of input.events) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    if (e.type === 'CharterSigned') {
      const entry = { data, voided: null };
      signatures.push(entry);
      byId.set(String(data['signatureId']), entry);
    } else if (e.type === 'SignatureVoided') {
      const entry = byId.get(String(data['signatureId']));
      if (entry) entry.voided = { reason: str(data['reason']) ?? '', voidedAt: str(data['voidedAt']) ?? '' };
    } else if (e.type === 'CharterClosed') {
      closedAt = str(data['closedAt']);
    }
  }

  const sealed = verification.status === 'closed';
  const doc = new PDFDocument({
    size: 'A4',
    // PDF/A-3b (ISO 19005-3): fonts embedded (DejaVu), XMP metadata, and the
    // evidence attached with its AFRelationship; pdfkit writes all three.
    subset: 'PDF/A-3b',
    pdfVersion: '1.7',
    tagged: true,
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    font: FONTS.regular,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: publication.title,
      Subject: `${input.conference.name} — charte signée`,
      Keywords: `empreinte ${head}`,
      Author: 'Émargement',
      Creator: 'Émargement',
    },
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('italic', FONTS.italic);
  doc.registerFont('boldItalic', FONTS.boldItalic);
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const fontOf = (run: Run) => (run.bold ? (run.italic ? 'boldItalic' : 'bold') : run.italic ? 'italic' : 'regular');
  const writeRuns = (runs: Run[], x: number, w: number, size: number, extra: { bold?: boolean } = {}) => {
    const list = runs.filter((r) => r.text !== '');
    if (list.length === 0) return;
    list.forEach((run, i) => {
      doc.font(fontOf(extra.bold ? { ...run, bold: true } : run)).fontSize(size);
      const options = { width: w, continued: i < list.length - 1, lineGap: 2 };
      if (i === 0) doc.text(run.text, x, doc.y, options);
      else doc.text(run.text, options);
    });
  };

  // ------------------------------------------------------------ the header
  doc.fillColor('#555555').font('regular').fontSize(9);
  doc.text(`${input.conference.name} — ${input.conference.venue}`, MARGIN, MARGIN, { width });
  doc.moveDown(0.3);
  const statusText =
    verification.status === 'closed'
      ? `Charte close le ${timeText(closedAt, timezone)} : ${verification.count - verification.voided} signature(s) valable(s).`
      : `Charte ouverte : état au ${timeText(input.generatedAt.toISOString(), timezone)}, ` +
        `${verification.count - verification.voided} signature(s) valable(s).`;
  doc.text(statusText, { width });
  doc.text(
    `Texte publié le ${timeText(publication.publishedAt, timezone)} — SHA-256 du texte : ${publication.textSha256}`,
    {
      width,
    },
  );
  if (!verification.valid) {
    doc.moveDown(0.5).fillColor('#b00020').font('bold').fontSize(10);
    const where =
      verification.firstInvalidSequence === undefined
        ? ''
        : verification.firstInvalidSequence === 0
          ? ' dès la publication'
          : ` à la signature n° ${verification.firstInvalidSequence}`;
    doc.text(
      `ATTENTION : la vérification de la chaîne des signatures a échoué${where} (${verification.problem?.code ?? 'inconnu'}). ` +
        'Les données enregistrées ont été modifiées : ce document ne peut pas servir de preuve.',
      { width },
    );
  }
  doc.moveDown(1).fillColor('black');

  // -------------------------------------------------------------- the text
  for (const block of parseMarkdown(publication.text)) {
    switch (block.kind) {
      case 'heading': {
        const size = [18, 15, 13, 12, 11, 11][block.level - 1] ?? 11;
        ensure(size * 3);
        doc.moveDown(0.4);
        writeRuns(block.runs, MARGIN, width, size, { bold: true });
        doc.moveDown(0.5);
        break;
      }
      case 'paragraph':
        ensure(30);
        writeRuns(block.runs, MARGIN, width, 11);
        doc.moveDown(0.6);
        break;
      case 'quote':
        ensure(30);
        doc.fillColor('#444444');
        writeRuns(
          block.runs.map((r) => ({ ...r, italic: true })),
          MARGIN + 18,
          width - 18,
          11,
        );
        doc.fillColor('black').moveDown(0.6);
        break;
      case 'list': {
        const indent = block.ordered ? 22 : 14;
        for (const item of block.items) {
          ensure(30);
          const y = doc.y;
          doc.font('regular').fontSize(11).text(item.marker, MARGIN, y, { width: indent, lineGap: 2 });
          doc.y = y;
          writeRuns(item.runs, MARGIN + indent, width - indent, 11);
          doc.moveDown(0.3);
        }
        doc.moveDown(0.4);
        break;
      }
      case 'rule':
        doc.moveDown(0.3);
        doc
          .moveTo(MARGIN, doc.y)
          .lineTo(MARGIN + width, doc.y)
          .lineWidth(0.5)
          .strokeColor('#999999')
          .stroke();
        doc.moveDown(0.6);
        break;
      default: {
        const unknown: never = block;
        throw new Error(`Unknown block ${JSON.stringify(unknown)}`);
      }
    }
  }

  // -------------------------------------------------------- the signatures
  doc.addPage();
  doc.font('bold').fontSize(15).fillColor('black').text('Signatures', MARGIN, doc.y, { width });
  doc.moveDown(0.3).font('regular').fontSize(9).fillColor('#555555');
  doc.text(
    'Chaque signature est numérotée dans l’ordre où elle a été donnée. Son empreinte (SHA-256, 16 premiers ' +
      'caractères) couvre son contenu et l’empreinte de la précédente : toute modification ultérieure rompt la chaîne. ' +
      `Les preuves complètes (tracés, images, consentement, admission, horodatages) sont jointes au PDF : ${EVIDENCE_FILE}.`,
    { width },
  );
  doc.moveDown(1).fillColor('black');
  if (signatures.length === 0) doc.font('italic').fontSize(11).text('Aucune signature.', { width });

  const textX = MARGIN + IMAGE_BOX.width + 14;
  const textWidth = width - IMAGE_BOX.width - 14;
  for (const { data, voided } of signatures) {
    ensure(IMAGE_BOX.height + 24);
    const top = doc.y;
    doc.rect(MARGIN, top, IMAGE_BOX.width, IMAGE_BOX.height).lineWidth(0.5).strokeColor('#bbbbbb').stroke();
    // Erased (crypto-shredded, ADR 007): the fields read back empty, flagged.
    const erased = data['personalDataErased'] === true;
    const image = erased ? null : str(data['image']) || null;
    const sequence = typeof data['sequence'] === 'number' ? data['sequence'] : 0;
    const embeddable = image === null ? null : embeddablePng(image);
    let drawn = false;
    if (embeddable?.ok === true) {
      try {
        doc.image(embeddable.png, MARGIN + 4, top + 4, {
          fit: [IMAGE_BOX.width - 8, IMAGE_BOX.height - 8],
          align: 'center',
          valign: 'center',
        });
        drawn = true;
      } catch {
        // Decoded above, so not expected: the notice below stands in for it all the same.
      }
    }
    if (!drawn && image !== null) {
      const digest = str(data['imageSha256']);
      const lines = drawableStrokes(data['strokes']);
      const problem = embeddable?.ok === false ? embeddable.problem : 'undecodable';
      input.onUnreadableImage?.({
        sequence,
        imageSha256: digest,
        problem,
        drawn: lines.length > 0 ? 'strokes' : 'notice',
      });
      if (lines.length > 0) drawStrokes(doc, lines, data['canvas'], { x: MARGIN, y: top });
      doc
        .font('italic')
        .fontSize(lines.length > 0 ? 6.5 : 9)
        .fillColor('#777777');
      const caption =
        lines.length > 0
          ? `Image illisible : tracé redessiné (sha256 ${shortHash(digest ?? '')})`
          : `Image illisible\nsha256 ${shortHash(digest ?? '')}`;
      doc.text(caption, MARGIN, lines.length > 0 ? top + IMAGE_BOX.height - 10 : top + IMAGE_BOX.height / 2 - 12, {
        width: IMAGE_BOX.width,
        align: 'center',
      });
    } else if (!drawn) {
      doc.font('italic').fontSize(9).fillColor('#777777');
      doc.text('Image effacée', MARGIN, top + IMAGE_BOX.height / 2 - 6, { width: IMAGE_BOX.width, align: 'center' });
    }
    const name = (erased ? null : str(data['name'])) || 'Nom effacé';
    const admission = (data['admission'] ?? {}) as Record<string, unknown>;
    doc
      .fillColor(voided ? '#777777' : 'black')
      .font('bold')
      .fontSize(11);
    doc.text(`N° ${sequence} — ${name}`, textX, top, { width: textWidth });
    doc.font('regular').fontSize(9.5);
    doc.text(`Pour : ${str(data['onBehalfOf']) ?? '—'}`, textX, doc.y + 1, { width: textWidth });
    doc.text(`Signé le ${timeText(str(data['signedAt']), timezone)} · ${str(data['kiosk']) ?? '—'}`, {
      width: textWidth,
    });
    doc.text(`Admis le ${timeText(str(admission['at']), timezone)} · ${str(admission['door']) ?? '—'}`, {
      width: textWidth,
    });
    doc.font('regular').fontSize(8.5).fillColor('#555555');
    doc.text(`Empreinte : ${shortHash(str(data['hash']) ?? '')}`, { width: textWidth });
    if (voided) {
      doc.font('bold').fontSize(9).fillColor('#b00020');
      doc.text(`ANNULÉE le ${timeText(voided.voidedAt, timezone)} : ${voided.reason}`, { width: textWidth });
    }
    doc.fillColor('black');
    doc.y = Math.max(doc.y, top + IMAGE_BOX.height) + 14;
    doc.x = MARGIN;
  }

  // ----------------------------------------------- evidence and the footer
  // AFRelationship (PDF/A-3): the data the document is drawn from. @types/pdfkit lacks the option.
  const attachment: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
    name: EVIDENCE_FILE,
    type: 'application/json',
    description: 'Événements enregistrés de la charte : publication, signatures, annulations, clôture',
    creationDate: input.generatedAt,
    relationship: 'Data',
  };
  doc.file(Buffer.from(JSON.stringify(evidence(input, publication), null, 2), 'utf8'), attachment);

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    // Writing inside the bottom margin would otherwise open a new page.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - FOOTER + 12;
    doc
      .moveTo(MARGIN, y - 6)
      .lineTo(MARGIN + width, y - 6)
      .lineWidth(0.5)
      .strokeColor('#bbbbbb')
      .stroke();
    doc.font('regular').fontSize(7).fillColor('#555555');
    doc.text(`Empreinte de la charte (SHA-256, tête de chaîne) : ${head}`, MARGIN, y, {
      width,
      align: 'center',
      lineBreak: false,
    });
    doc.text(`${publication.title} — page ${i - range.start + 1} / ${range.count}`, MARGIN, y + 10, {
      width,
      align: 'center',
      lineBreak: false,
    });
    if (!sealed) {
      // An open charter's document proves nothing yet: said on every page, where it cannot be missed.
      doc.save();
      doc.rotate(-35, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc.font('bold').fontSize(44).fillColor('#b00020').fillOpacity(0.18);
      doc.text(DRAFT_MARK, 0, doc.page.height / 2 - 30, { width: doc.page.width, align: 'center', lineBreak: false });
      doc.restore();
      doc.fillOpacity(1).font('bold').fontSize(8).fillColor('#b00020');
      doc.text(`${DRAFT_MARK} : charte ouverte, document non signé`, MARGIN, MARGIN / 2, {
        width,
        align: 'center',
        lineBreak: false,
      });
    }
    doc.page.margins.bottom = saved;
  }
  doc.end();
  return doc;
}
