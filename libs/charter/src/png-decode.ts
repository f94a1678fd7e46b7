import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { inspectPngDataUrl, pngBytesOf, type PngInspection } from './png.js';

/**
 * A signature picture is accepted only once it decodes completely: what is
 * stored is embedded in every PDF of the charter for ever, so a picture that
 * no decoder can read must never get in (issue 20: one such PNG, with sound
 * chunks and CRCs but image data that is not zlib, made every render of the
 * charter crash the server).
 *
 * The decoding is bounded before it starts: the header's dimensions give the
 * exact size of the inflated data, so a small file that claims (or inflates
 * to) tens of megabytes is refused without inflating it all.
 */

/**
 * At most 4 Mi pixels (2560×1600, or a 1366-pixel-wide pad 700 high at a
 * pixel ratio of 2): more than any signature pad makes, and a picture this size
 * still decodes in about 100 ms on the reference machine.
 */
export const MAX_IMAGE_PIXELS = 4 * 1024 * 1024;

/** Samples per pixel for each PNG colour type (PNG spec, table 11.1). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7's passes: [first column, first row, column step, row step]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The exact length of the inflated image data the header announces (each row has a filter byte). */
export function inflatedLength(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const row = (w: number): number => (w === 0 ? 0 : Math.ceil((w * bitsPerPixel) / 8) + 1);
  if (!interlaced) return row(width) * height;
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += row(w) * h;
  }
  return total;
}

const uint32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

/** The IDAT chunks' data, joined (the structure was checked by inspectPngDataUrl). */
function imageData(bytes: Uint8Array): Buffer {
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = uint32(bytes, at);
    if (bytes[at + 4] === 0x49 && bytes[at + 5] === 0x44 && bytes[at + 6] === 0x41 && bytes[at + 7] === 0x54)
      parts.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/**
 * The structure checks of `inspectPngDataUrl`, then the pixel limit, then a
 * complete decode: the image data must inflate to exactly the length its
 * header announces (never more is inflated), and pngjs must read the whole
 * picture (filters, palette, transparency). Never throws.
 */
export function decodePngDataUrl(dataUrl: string): PngInspection {
  const inspected = inspectPngDataUrl(dataUrl);
  if (!inspected.ok) return inspected;
  const { width, height } = inspected;
  if (width * height > MAX_IMAGE_PIXELS) return { ok: false, problem: 'too_many_pixels' };
  const bytes = pngBytesOf(dataUrl)!;
  // IHDR's fields sit at fixed offsets: signature (8), length and type (8), width, height, then these.
  const depth = bytes[24]!;
  const colourType = bytes[25]!;
  const interlaced = bytes[28] === 1;
  const expected = inflatedLength(width, height, depth * CHANNELS[colourType]!, interlaced);
  try {
    // Bounded: a stream that would inflate past the announced length stops there (ERR_BUFFER_TOO_LARGE).
    const inflated = inflateSync(imageData(bytes), { maxOutputLength: expected });
    if (inflated.length !== expected) return { ok: false, problem: 'undecodable' };
    pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    return { ok: false, problem: 'undecodable' };
  }
  return inspected;
}
