/**
 * Which text encoding a CSV file is in, as France saves spreadsheets: UTF-8
 * (with or without a BOM, what LibreOffice and « CSV UTF-8 » write), or else
 * Windows-1252 (what French Excel writes by default, « CSV (séparateur :
 * point-virgule) »). A file that is neither is refused rather than imported
 * with its accents turned into « � »: bytes that mean nothing in Windows-1252
 * (0x81, 0x8D, 0x8F, 0x90, 0x9D) after failing as UTF-8, or control bytes,
 * which no spreadsheet writes in text (a UTF-16 file is full of NULs, a binary
 * file of everything).
 *
 * Pure: runs the same in the server and in a browser.
 */

export const CSV_ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export type DecodedCsv =
  | { ok: true; text: string; encoding: CsvEncoding; bom: boolean }
  /** `offset`: the first byte that fits neither encoding (0-based), for the error message. */
  | { ok: false; reason: 'unsupported_encoding'; offset: number };

/** Windows-1252's 0x80–0x9F (the rest of its upper half is Latin-1); `null` where it defines nothing. */
const CP1252_80_9F: readonly (string | null)[] = [
  '\u20AC', null, '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
  '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', null, '\u017D', null,
  null, '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
  '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', null, '\u017E', '\u0178',
]; // prettier-ignore

/** C0 controls and DEL, except tab, line feed and carriage return, which a CSV may hold. */
const isControl = (byte: number): boolean =>
  (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f;

export const decodeCsvBytes = (bytes: Uint8Array): DecodedCsv => {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = bom ? 3 : 0;
  const body = bytes.subarray(start);
  const control = body.findIndex(isControl);
  if (control !== -1) return { ok: false, reason: 'unsupported_encoding', offset: start + control };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8', bom };
  } catch {
    // Not UTF-8: Windows-1252, unless a BOM said UTF-8 (then the file is damaged, not in another encoding).
  }
  if (bom) return { ok: false, reason: 'unsupported_encoding', offset: firstInvalidUtf8(body) + start };
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let from = 0; from < body.length; from += CHUNK) {
    const chars: string[] = [];
    const end = Math.min(body.length, from + CHUNK);
    for (let i = from; i < end; i++) {
      const byte = body[i]!;
      if (byte >= 0x80 && byte <= 0x9f) {
        const char = CP1252_80_9F[byte - 0x80];
        if (char === null || char === undefined) return { ok: false, reason: 'unsupported_encoding', offset: i };
        chars.push(char);
      } else {
        chars.push(String.fromCharCode(byte));
      }
    }
    parts.push(chars.join(''));
  }
  return { ok: true, text: parts.join(''), encoding: 'windows-1252', bom: false };
};

/** Where UTF-8 decoding first fails (for the message only): the shortest prefix that does not decode. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.length;
  // The longest prefix that decodes, allowing a sequence cut at its end (`stream`) to count as fine.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}
