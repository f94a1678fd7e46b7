import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import PDFDocument from 'pdfkit';
import { crc32 } from 'node:zlib';
import { imageSha256, signatureHash, verify, type CharterSignedData } from '@emargement/charter';
import type { RecordedEvent } from '@emargement/event-store';
import { history, pngA, publish, sign } from '../../../../../libs/charter/test/examples.js';
import { dataUrlOf, notZlibPng, soundPng } from '../../../../../libs/charter/test/hostile-png.js';
import { charterPdf, drawableStrokes, embeddablePng, type UnreadableImage } from './charter-pdf.js';

/**
 * Rendering a stored event never takes the process down (issue 20): a stored
 * picture that does not decode never reaches pdfkit, whose PNG reader throws
 * from a zlib callback that nothing can catch.
 */

/** Every chunk's CRC rewritten, so that a changed byte reaches the decoders. */
function withGoodCrcs(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let at = 8; at + 12 <= out.length;) {
    const length = out.readUInt32BE(at);
    if (at + 12 + length > out.length) break;
    out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + length)), at + 8 + length);
    at += 12 + length;
  }
  return out;
}

const recorded = (events: { type: string; data: unknown }[]): RecordedEvent[] =>
  events.map((e, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: e.type,
    data: e.data,
    metadata: {},
    streamName: 'charter-x',
    revision: BigInt(i),
    position: BigInt(i),
    created: new Date('2014-09-19T14:00:00Z'),
  }));

/** A published charter whose one signature holds `image` and `strokes`, with its hash recomputed (chain valid). */
function charterWith(image: string, strokes: unknown): RecordedEvent[] {
  const [published, signed] = history(publish(), sign(1)) as [{ type: string; data: unknown }, { data: unknown }];
  const data: Record<string, unknown> = {
    ...(signed.data as Record<string, unknown>),
    image,
    imageSha256: imageSha256(image),
    strokes,
  };
  data['hash'] = signatureHash(data as unknown as CharterSignedData);
  return recorded([published, { type: 'CharterSigned', data }]);
}

const render = (events: RecordedEvent[]): Promise<{ pdf: Buffer; unreadable: UnreadableImage[] }> => {
  const unreadable: UnreadableImage[] = [];
  const doc = charterPdf({
    conference: { conferenceId: 'c', name: 'Rencontre', venue: 'Paris', timezone: 'Europe/Paris' },
    events,
    verification: verify(events),
    generatedAt: new Date('2014-09-19T15:00:00Z'),
    onUnreadableImage: (u) => unreadable.push(u),
  });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve({ pdf: Buffer.concat(chunks), unreadable }));
    doc.on('error', reject);
  });
};

describe('the charter PDF, given a stored picture that does not decode', () => {
  const bad = dataUrlOf(notZlibPng());

  test('pdfkit is never handed it', () => {
    expect(embeddablePng(bad)).toEqual({ ok: false, problem: 'undecodable' });
  });

  test('with strokes: the signature is redrawn from them, and the picture is reported', async () => {
    const events = charterWith(bad, [
      [
        { x: 10, y: 10, time: 1 },
        { x: 200, y: 80, time: 2 },
      ],
    ]);
    const { pdf, unreadable } = await render(events);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(unreadable).toEqual([
      { sequence: 1, imageSha256: imageSha256(bad), problem: 'undecodable', drawn: 'strokes' },
    ]);
  });

  test('without usable strokes: « Image illisible » with its digest', async () => {
    const { unreadable } = await render(charterWith(bad, [[{ x: 'a', y: null }], 'nothing']));
    expect(unreadable).toMatchObject([{ sequence: 1, drawn: 'notice' }]);
  });

  test('stored strokes are taken only as far as they are lines of finite points', () => {
    expect(drawableStrokes('no')).toEqual([]);
    expect(
      drawableStrokes([
        [
          { x: 1, y: 2 },
          { x: Infinity, y: 2 },
          { x: 3, y: 4 },
        ],
        [{ x: 1, y: 1 }],
        null,
      ]),
    ).toEqual([
      [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    ]);
  });

  test('whatever pngjs decodes, pdfkit embeds without an error escaping (mutated pictures, CRCs rewritten)', async () => {
    const seeds = [soundPng(), Buffer.from(pngA.split(',')[1]!, 'base64')];
    let embedded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (seed, at, value) => {
          const bytes = Buffer.from(seed);
          bytes[at % bytes.length] = bytes[at % bytes.length]! ^ value;
          const candidate = embeddablePng(dataUrlOf(withGoodCrcs(bytes)));
          if (!candidate.ok) return;
          embedded += 1;
          const doc = new PDFDocument();
          doc.image(candidate.png, 10, 10, { fit: [100, 40] });
          await new Promise<void>((resolve, reject) => {
            doc.on('data', () => undefined);
            doc.on('end', resolve);
            doc.on('error', reject);
            doc.end();
          });
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false },
    );
    expect(embedded).toBeGreaterThan(0);
  });
});
