/**
 * The signature's picture: a PNG sent as a data URL. Its structure is checked
 * here, without a decoder (this file also runs in the /verify/ page): the
 * bytes are a PNG (signature, chunks with good CRCs, IHDR first, IDAT, IEND
 * last), of sane dimensions, within the size limit. Structure is not enough:
 * a PNG whose chunks are sound but whose image data is not zlib once took the
 * server down when its PDF was made, so the decider accepts a picture only
 * once `decodePngDataUrl` (png-decode.ts) has decoded it completely.
 */

/** At most 256 KiB once decoded (the contract's limit). */
export const MAX_IMAGE_BYTES = 256 * 1024;
/** No tablet canvas is wider or taller, even at a pixel ratio of 4. */
export const MAX_IMAGE_SIDE = 8192;

const DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]*={0,2})$/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** The bytes of a `data:image/png;base64,...` URL, or `null` when it is not one (strict base64, padded). */
export function pngBytesOf(dataUrl: string): Uint8Array | null {
  const match = DATA_URL.exec(dataUrl);
  const payload = match?.[1];
  if (payload === undefined || payload.length === 0 || payload.length % 4 !== 0) return null;
  // atob where there is no Buffer: the /verify/ page checks the image digests in the browser.
  if (typeof Buffer === 'undefined') return Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return new Uint8Array(Buffer.from(payload, 'base64'));
}

export type PngProblem =
  | 'not_a_data_url'
  | 'too_large'
  | 'not_a_png'
  | 'truncated'
  | 'bad_crc'
  | 'bad_header'
  | 'no_image_data'
  | 'data_after_end'
  /** More pixels than MAX_IMAGE_PIXELS: refused before anything is inflated. */
  | 'too_many_pixels'
  /** Sound chunks, but the image data does not decode (not zlib, too short, too long, bad filters). */
  | 'undecodable';

export type PngInspection =
  { ok: true; width: number; height: number; bytes: number } | { ok: false; problem: PngProblem };

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const crc32 = (bytes: Uint8Array, from: number, to: number): number => {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const uint32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

/** Bit depths each PNG colour type allows (PNG spec, table 11.1). */
const DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Walks the chunks of a PNG data URL; decodes nothing. */
export function inspectPngDataUrl(dataUrl: string): PngInspection {
  const bytes = pngBytesOf(dataUrl);
  if (bytes === null) return { ok: false, problem: 'not_a_data_url' };
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, problem: 'too_large' };
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b))
    return { ok: false, problem: 'not_a_png' };
  let at: number = PNG_SIGNATURE.length;
  let width = 0;
  let height = 0;
  let first = true;
  let sawData = false;
  while (at + 12 <= bytes.length) {
    const length = uint32(bytes, at);
    const end = at + 12 + length;
    if (end > bytes.length) return { ok: false, problem: 'truncated' };
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (crc32(bytes, at + 4, at + 8 + length) !== uint32(bytes, at + 8 + length))
      return { ok: false, problem: 'bad_crc' };
    if (first) {
      if (type !== 'IHDR' || length !== 13) return { ok: false, problem: 'bad_header' };
      width = uint32(bytes, at + 8);
      height = uint32(bytes, at + 12);
      const depth = bytes[at + 16]!;
      const colourType = bytes[at + 17]!;
      const [compression, filter, interlace] = [bytes[at + 18]!, bytes[at + 19]!, bytes[at + 20]!];
      if (
        width < 1 ||
        height < 1 ||
        width > MAX_IMAGE_SIDE ||
        height > MAX_IMAGE_SIDE ||
        !(DEPTHS[colourType] ?? []).includes(depth) ||
        compression !== 0 ||
        filter !== 0 ||
        interlace > 1
      )
        return { ok: false, problem: 'bad_header' };
      first = false;
    } else if (type === 'IDAT') {
      sawData = true;
    } else if (type === 'IEND') {
      if (!sawData) return { ok: false, problem: 'no_image_data' };
      if (end !== bytes.length) return { ok: false, problem: 'data_after_end' };
      return { ok: true, width, height, bytes: bytes.length };
    }
    at = end;
  }
  return { ok: false, problem: first ? 'bad_header' : 'truncated' };
}
