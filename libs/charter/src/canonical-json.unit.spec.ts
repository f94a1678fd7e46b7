import { describe, expect, test } from '@jest/globals';
import { canonicalJson, sha256Hex } from './canonical-json.js';

describe('canonical JSON', () => {
  test('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  test('sorts by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, a: 4 })).toBe('{"Z":3,"a":4,"z":2,"é":1}');
  });

  test('leaves out undefined members, as a JSON round trip does, so a stored value hashes as before', () => {
    const value = { a: 1, b: undefined, c: { pressure: undefined, x: 1.25 }, d: null };
    expect(canonicalJson(value)).toBe('{"a":1,"c":{"x":1.25},"d":null}');
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  test('writes numbers and strings as JSON does (shortest round trip, escapes)', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 'l’ÉSS "x"\n'])).toBe('[1e+21,0.1,0,1.5e-7,"l’ÉSS \\"x\\"\\n"]');
  });

  test('refuses what JSON cannot hold faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0))).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });

  test('SHA-256 is lower-case hex over UTF-8', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});
