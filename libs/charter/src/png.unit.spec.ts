import { describe, expect, test } from '@jest/globals';
import { pngA } from '../test/examples.js';
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
