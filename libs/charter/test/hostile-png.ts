import { crc32, deflateSync } from 'node:zlib';

/**
 * PNGs that are sound on the outside (signature, chunks, CRCs, IHDR first,
 * IEND last) and hostile inside, for the specs of the decoder, the decider
 * and the server (issue 20).
 */

export interface Header {
  width: number;
  height: number;
  depth?: number;
  colourType?: number;
  interlace?: number;
}

const chunk = (type: string, data: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A PNG with good chunks around `imageData` (the IDAT's bytes, taken as they are). */
export function pngWith(header: Header, imageData: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(header.width, 0);
  ihdr.writeUInt32BE(header.height, 4);
  ihdr[8] = header.depth ?? 8;
  ihdr[9] = header.colourType ?? 6;
  ihdr[12] = header.interlace ?? 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', imageData),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const dataUrlOf = (bytes: Buffer): string => `data:image/png;base64,${bytes.toString('base64')}`;

/** The PNG: chunks and CRCs all valid, image data that is not zlib. */
export const notZlibPng = (): Buffer => pngWith({ width: 4, height: 2 }, Buffer.from('not zlib, not at all'));

/** Within the size limit (a few KiB), but announces 8000×8000 RGBA: 256 MB once inflated. */
export const manyPixelsPng = (): Buffer => pngWith({ width: 8000, height: 8000 }, deflateSync(Buffer.alloc(8001 * 64)));

/** Announces 4×2, but its data inflates to 32 MB (a zip bomb in a signature). */
export const inflatesFarTooMuchPng = (): Buffer =>
  pngWith({ width: 4, height: 2 }, deflateSync(Buffer.alloc(32 * 1024 * 1024), { level: 1 }));

/** Announces 4×2 RGBA (2 rows of 17 bytes), but its data inflates to one row. */
export const tooShortPng = (): Buffer => pngWith({ width: 4, height: 2 }, deflateSync(Buffer.alloc(17)));

/** The right length, but a filter byte of 9 (filters go from 0 to 4). */
export const badFilterPng = (): Buffer => pngWith({ width: 4, height: 2 }, deflateSync(Buffer.alloc(34, 9)));

/** A sound one, built the same way: 4×2 RGBA, every row filter 0. */
export const soundPng = (): Buffer => pngWith({ width: 4, height: 2 }, deflateSync(Buffer.alloc(34)));
