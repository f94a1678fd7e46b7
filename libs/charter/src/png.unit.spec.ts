import { describe, expect, test } from '@jest/globals';
import { deflateSync } from 'node:zlib';
import { pngA } from '../test/examples.js';
import {
  badFilterPng,
  dataUrlOf,
  inflatesFarTooMuchPng,
  manyPixelsPng,
  notZlibPng,
  pngWith,
  soundPng,
  tooShortPng,
} from '../test/hostile-png.js';
import { decodePngDataUrl, inflatedLength, MAX_IMAGE_PIXELS } from './png-decode.js';
import { inspectPngDataUrl, MAX_IMAGE_BYTES, pngBytesOf } from './png.js';

const bytesOf = (dataUrl: string): Buffer => Buffer.from(pngBytesOf(dataUrl)!);
const asDataUrl = (bytes: Uint8Array): string => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;

describe('the signature image', () => {
  test('a PNG data URL is read with its dimensions', () => {
    expect(inspectPngDataUrl(pngA)).toEqual({ ok: true, width: 4, height: 2, bytes: bytesOf(pngA).length });
  });

  test.each([
    ['another media type', pngA.replace('image/png', 'image/jpeg')],
    ['no base64 marker', pngA.replace(';base64', '')],
    ['characters outside base64', `${pngA.slice(0, 40)}*${pngA.slice(41)}`],
    ['bad padding', `${pngA}=`],
    ['nothing', 'data:image/png;base64,'],
    ['a plain path', '/etc/passwd'],
  ])('%s is not a PNG data URL', (_, dataUrl) => {
    expect(inspectPngDataUrl(dataUrl)).toEqual({ ok: false, problem: 'not_a_data_url' });
  });

  test('bytes without the PNG signature are refused', () => {
    const bytes = bytesOf(pngA);
    bytes[1] = 0x51;
    expect(inspectPngDataUrl(asDataUrl(bytes))).toEqual({ ok: false, problem: 'not_a_png' });
  });

  test('a changed byte breaks a chunk CRC', () => {
    const bytes = bytesOf(pngA);
    bytes[40] = bytes[40]! ^ 0xff; // inside the IDAT data
    expect(inspectPngDataUrl(asDataUrl(bytes))).toEqual({ ok: false, problem: 'bad_crc' });
  });

  test('a cut file is truncated; bytes after IEND are refused', () => {
    const bytes = bytesOf(pngA);
    expect(inspectPngDataUrl(asDataUrl(bytes.subarray(0, bytes.length - 6)))).toMatchObject({ ok: false });
    expect(inspectPngDataUrl(asDataUrl(Buffer.concat([bytes, Buffer.from([0, 0, 0, 0])])))).toEqual({
      ok: false,
      problem: 'data_after_end',
    });
  });

  test('more than 256 KiB decoded is too large', () => {
    const big = Buffer.concat([bytesOf(pngA), Buffer.alloc(MAX_IMAGE_BYTES)]);
    expect(inspectPngDataUrl(asDataUrl(big))).toEqual({ ok: false, problem: 'too_large' });
  });
});

describe('the signature image, decoded (issue 20)', () => {
  test('a sound PNG decodes, with its dimensions', () => {
    expect(decodePngDataUrl(pngA)).toEqual({ ok: true, width: 4, height: 2, bytes: bytesOf(pngA).length });
    expect(decodePngDataUrl(dataUrlOf(soundPng()))).toMatchObject({ ok: true, width: 4, height: 2 });
  });

  test('an interlaced PNG decodes too', () => {
    // Adam7 on 4×2: passes 1, 2, 4 and 6 hold pixels; each of their rows has its own filter byte.
    const length = inflatedLength(4, 2, 32, true);
    expect(
      decodePngDataUrl(dataUrlOf(pngWith({ width: 4, height: 2, interlace: 1 }, deflateSync(Buffer.alloc(length))))),
    ).toMatchObject({ ok: true });
  });

  test('valid chunks and CRCs around image data that is not zlib: undecodable (the PNG of the issue)', () => {
    const corrupt = dataUrlOf(notZlibPng());
    expect(inspectPngDataUrl(corrupt)).toMatchObject({ ok: true }); // what let it in before
    expect(decodePngDataUrl(corrupt)).toEqual({ ok: false, problem: 'undecodable' });
  });

  test.each([
    ['image data one row short', tooShortPng],
    ['a filter byte that does not exist', badFilterPng],
  ])('%s: undecodable', (_, png) => {
    expect(decodePngDataUrl(dataUrlOf(png()))).toEqual({ ok: false, problem: 'undecodable' });
  });

  test('a small file announcing 64 megapixels is refused before anything is inflated', () => {
    const png = manyPixelsPng();
    expect(png.length).toBeLessThan(MAX_IMAGE_BYTES);
    expect(decodePngDataUrl(dataUrlOf(png))).toEqual({ ok: false, problem: 'too_many_pixels' });
  });

  test('data inflating far beyond what the header announces is refused, at the announced length', () => {
    const png = inflatesFarTooMuchPng();
    expect(png.length).toBeLessThan(MAX_IMAGE_BYTES);
    expect(decodePngDataUrl(dataUrlOf(png))).toEqual({ ok: false, problem: 'undecodable' });
  });

  test('the inflated length the header announces: one filter byte per row, rows rounded up to whole bytes', () => {
    expect(inflatedLength(4, 2, 32, false)).toBe(2 * 17);
    expect(inflatedLength(3, 1, 1, false)).toBe(2);
    expect(MAX_IMAGE_PIXELS).toBeGreaterThanOrEqual(2732 * 1400);
  });
});
