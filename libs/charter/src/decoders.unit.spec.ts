import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import pngjs from 'pngjs';
import { pngA, pngB } from '../test/examples.js';
import { dataUrlOf, notZlibPng, soundPng } from '../test/hostile-png.js';
import { canonicalJson } from './canonical-json.js';
import { parseMarkdown } from './markdown.js';
import { decodePngDataUrl } from './png-decode.js';
import type { PngProblem } from './png.js';

/**
 * The charter's decoders of bytes that come from outside, on random and
 * mutated inputs (issue 20): each gives a value or a stable refusal, never
 * an exception, and never a hang (each property is time-boxed).
 */

const TIME_BOX = { interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false } as const;

const PNG_PROBLEMS: readonly PngProblem[] = [
  'not_a_data_url',
  'too_large',
  'not_a_png',
  'truncated',
  'bad_crc',
  'bad_header',
  'no_image_data',
  'data_after_end',
  'too_many_pixels',
  'undecodable',
];

/** Rewrites every chunk's CRC, so that a mutation reaches the decoder instead of stopping at the CRC check. */
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

const bytesOf = (dataUrl: string): Buffer => Buffer.from(dataUrl.split(',')[1]!, 'base64');

/** Small real PNGs of every colour type and depth pngjs writes, interlaced or not among the seeds below. */
const pictures = fc
  .record({
    width: fc.integer({ min: 1, max: 24 }),
    height: fc.integer({ min: 1, max: 24 }),
    colorType: fc.constantFrom(0, 2, 4, 6),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ width, height, colorType, seed }) => {
    const png = new pngjs.PNG({ width, height, colorType: colorType });
    for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 31 + seed) & 0xff;
    return pngjs.PNG.sync.write(png, { colorType: colorType });
  });

const seeds = fc.oneof(fc.constantFrom(bytesOf(pngA), bytesOf(pngB), soundPng(), notZlibPng()), pictures);

type Mutation = { kind: 'flip' | 'cut' | 'insert' | 'zero'; at: number; value: number; crcs: boolean };
const mutation = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('flip', 'cut', 'insert', 'zero'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
  crcs: fc.boolean(),
});
const mutate = (bytes: Buffer, m: Mutation): Buffer => {
  const at = m.at % Math.max(bytes.length, 1);
  let out: Buffer;
  switch (m.kind) {
    case 'flip':
      out = Buffer.from(bytes);
      out[at] = out[at]! ^ (m.value || 1);
      break;
    case 'cut':
      out = bytes.subarray(0, at);
      break;
    case 'insert':
      out = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.value]), bytes.subarray(at)]);
      break;
    case 'zero':
      out = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(Math.min(m.value, bytes.length - at))]);
      break;
  }
  return m.crcs ? withGoodCrcs(out) : out;
};

const expectStable = (result: ReturnType<typeof decodePngDataUrl>): void => {
  if (result.ok) expect(result.width * result.height).toBeGreaterThan(0);
  else expect(PNG_PROBLEMS).toContain(result.problem);
};

describe('decoders on random and mutated input (issue 20)', () => {
  test('PNG: a real picture decodes', () => {
    fc.assert(
      fc.property(pictures, (bytes) => {
        expect(decodePngDataUrl(dataUrlOf(bytes))).toMatchObject({ ok: true });
      }),
      { numRuns: 100, ...TIME_BOX },
    );
  });

  test('PNG: a mutated picture (CRCs rewritten or not) is a picture or a stable problem, never an exception', () => {
    fc.assert(
      fc.property(seeds, fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        const bytes = mutations.reduce(mutate, seed);
        expectStable(decodePngDataUrl(dataUrlOf(bytes)));
      }),
      { numRuns: 1_000, ...TIME_BOX },
    );
  });

  test('PNG: random strings and bytes are a stable problem', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((b) => dataUrlOf(Buffer.from(b))),
        ),
        (s) => {
          expectStable(decodePngDataUrl(s));
        },
      ),
      { numRuns: 500, ...TIME_BOX },
    );
  });

  test('Markdown: any text gives blocks, never an exception', () => {
    const markers = fc.constantFrom(
      '*',
      '**',
      '_',
      '`',
      '#',
      '# ',
      '- ',
      '1. ',
      '> ',
      ' ',
      '\n',
      '\r\n',
      'a',
      '\u2028',
      '𝐀',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(markers, { maxLength: 300 }).map((a) => a.join('')),
        ),
        (text) => {
          expect(Array.isArray(parseMarkdown(text))).toBe(true);
        },
      ),
      { numRuns: 1_000, ...TIME_BOX },
    );
  });

  test('canonical JSON: a JSON value gives one text whatever its key order, which parses back to the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reordered = JSON.parse(JSON.stringify(value), (_, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse())
            : v,
        ) as unknown;
        expect(canonicalJson(reordered)).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500, ...TIME_BOX },
    );
  });

  test('canonical JSON: anything else is a TypeError, the one refusal it has', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true }),
        (value) => {
          try {
            expect(typeof canonicalJson(value)).toBe('string');
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
          }
        },
      ),
      { numRuns: 500, ...TIME_BOX },
    );
  });
});
