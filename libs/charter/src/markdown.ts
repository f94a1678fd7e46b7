/**
 * Just enough Markdown for a charter, shared by the signed PDF (server) and the
 * signing tablet (browser), so that what the tablet shows and what the PDF prints
 * are the same blocks: headings, paragraphs, ordered
 * and unordered lists (with continuation lines), block quotes, rules, and
 * `**bold**` / `*italic*` / `_italic_` / `` `code` `` inline. Anything else is
 * kept as the text it is: the printed charter must say exactly what the
 * tablet showed, so nothing is ever dropped, only left unformatted.
 */

export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
}

export type Block =
  | { kind: 'heading'; level: number; runs: Run[] }
  | { kind: 'paragraph'; runs: Run[] }
  | { kind: 'quote'; runs: Run[] }
  | { kind: 'list'; ordered: boolean; items: { marker: string; runs: Run[] }[] }
  | { kind: 'rule' };

/**
 * At most this many characters in a charter's text (a charter is a page or
 * two; this is fifty): refused at publication with `charter_too_long`.
 */
export const MAX_CHARTER_TEXT_LENGTH = 100_000;

// Linear time, whatever the text (issue 20): no expression here can backtrack
// more than a bounded amount. The heading, which the expression
// `^(#{1,6})\s+(.*?)\s*#*\s*$` once matched in cubic time (a « # Charte »
// followed by 1,500 spaces blocked the event loop for seconds), and the
// inline emphasis, which lazy searches made quadratic (100 kB of `a _b`), are
// scanned by hand; the behaviour is the expressions' own, character for character.
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s([\s\S]*)$/;
const BULLET = /^\s{0,3}[-*+]\s([\s\S]*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** What `\s` matches, one UTF-16 unit at a time. */
const SPACE = /\s/;
const isSpace = (c: string | undefined): boolean => c !== undefined && SPACE.test(c);
/** What `.` does not match (without the `s` flag). */
const isLineEnd = (c: string | undefined): boolean => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/** `^(#{1,6})\s+(.*?)\s*#*\s*$`: the level and the text, or null. */
function heading(line: string): { level: number; text: string } | null {
  let level = 0;
  while (line[level] === '#') level++;
  if (level < 1 || level > 6 || !isSpace(line[level])) return null;
  let from = level;
  while (isSpace(line[from])) from++;
  let to = line.length;
  while (to > from && isSpace(line[to - 1])) to--;
  while (to > from && line[to - 1] === '#') to--;
  while (to > from && isSpace(line[to - 1])) to--;
  for (let i = from; i < to; i++) if (isLineEnd(line[i])) return null;
  return { level, text: line.slice(from, to) };
}

/** `^\s{0,3}([-*_])(\s*\1){2,}\s*$`: three or more of one of `-`, `*`, `_`, spaces between. */
function isRule(line: string): boolean {
  let i = 0;
  while (i < 3 && isSpace(line[i])) i++;
  const mark = line[i];
  if (mark !== '-' && mark !== '*' && mark !== '_') return false;
  let count = 0;
  for (; i < line.length; i++) {
    if (line[i] === mark) count++;
    else if (!isSpace(line[i])) return false;
  }
  return count >= 3;
}

/**
 * `\s+(.*)$` after a list marker: the item's text (after the spaces that
 * follow the marker), or null when the marker is not followed by a space or
 * the text holds a line end `.` cannot cross. ORDERED and BULLET above match
 * only the marker and one space, then take the rest as it is: nothing to
 * backtrack over.
 */
function itemText(rest: string | undefined): string | null {
  if (rest === undefined) return null;
  let from = 0;
  while (isSpace(rest[from])) from++;
  for (let i = from; i < rest.length; i++) if (isLineEnd(rest[i])) return null;
  return rest.slice(from);
}

const ordered = (line: string): { number: string; text: string } | null => {
  const m = ORDERED.exec(line);
  const text = itemText(m?.[2]);
  return m && text !== null ? { number: m[1]!, text } : null;
};
const bullet = (line: string): string | null => itemText(BULLET.exec(line)?.[1]);

const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
/** The code point ending just before `i` is a letter or a number (a lookbehind `(?<=[\p{L}\p{N}])`). */
const letterBefore = (s: string, i: number): boolean => {
  if (i <= 0) return false;
  const low = s.charCodeAt(i - 1);
  const high = i >= 2 ? s.charCodeAt(i - 2) : 0;
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return LETTER_OR_NUMBER.test(String.fromCodePoint(s.codePointAt(pair ? i - 2 : i - 1)!));
};
/** The code point starting at `i` is a letter or a number (a lookahead). */
const letterAt = (s: string, i: number): boolean => {
  const c = s.codePointAt(i);
  return c !== undefined && LETTER_OR_NUMBER.test(String.fromCodePoint(c));
};

/**
 * For each index, the first index at or after it where `test` holds (or
 * `s.length`): each "where does this close" question is answered in O(1).
 */
function nextWhere(s: string, test: (i: number) => boolean): Int32Array {
  const next = new Int32Array(s.length + 2).fill(s.length);
  for (let i = s.length - 1; i >= 0; i--) next[i] = test(i) ? i : next[i + 1]!;
  return next;
}

/**
 * Inline emphasis, left to right; an unclosed marker is kept as text. The
 * expression it replaces, tried at each position in turn, alternatives in
 * this order: `\*\*(.+?)\*\*`, `__(.+?)__`, `\*(?!\s)(.+?)\*`,
 * `(?<![\p{L}\p{N}])_(?!\s)(.+?)_(?![\p{L}\p{N}])`, `` `([^`]+)` ``.
 */
export function parseInline(source: string): Run[] {
  const runs: Run[] = [];
  const push = (text: string, bold: boolean, italic: boolean) => {
    if (text === '') return;
    const last = runs[runs.length - 1];
    if (last && last.bold === bold && last.italic === italic) last.text += text;
    else runs.push({ text, bold, italic });
  };
  const s = source;
  const n = s.length;
  const lineEnd = nextWhere(s, (i) => isLineEnd(s[i]));
  const doubleStar = nextWhere(s, (i) => s[i] === '*' && s[i + 1] === '*');
  const doubleUnderscore = nextWhere(s, (i) => s[i] === '_' && s[i + 1] === '_');
  const star = nextWhere(s, (i) => s[i] === '*');
  const closingUnderscore = nextWhere(s, (i) => s[i] === '_' && !letterAt(s, i + 1));
  const backtick = nextWhere(s, (i) => s[i] === '`');
  /** `(.+?)` from `from` to a closer found by `next`: the closer's index, or -1 (it may not cross a line end). */
  const lazy = (next: Int32Array, from: number): number => {
    if (from >= n || isLineEnd(s[from])) return -1;
    const close = next[from + 1]!;
    return close < n && close <= lineEnd[from]! ? close : -1;
  };

  let at = 0;
  let i = 0;
  while (i < n) {
    const c = s[i];
    let end = -1;
    let inner: Run[] | null = null;
    let code: string | null = null;
    if (c === '*' || c === '_') {
      const pair = c === '*' ? doubleStar : doubleUnderscore;
      if (s[i + 1] === c) {
        const close = lazy(pair, i + 2);
        if (close >= 0) {
          inner = parseInline(s.slice(i + 2, close)).map((r) => ({ ...r, bold: true }));
          end = close + 2;
        }
      }
      if (end < 0 && !isSpace(s[i + 1]) && (c === '*' || !letterBefore(s, i))) {
        const close = lazy(c === '*' ? star : closingUnderscore, i + 1);
        if (close >= 0) {
          inner = parseInline(s.slice(i + 1, close)).map((r) => ({ ...r, italic: true }));
          end = close + 1;
        }
      }
    } else if (c === '`' && i + 1 < n && s[i + 1] !== '`') {
      const close = backtick[i + 1]!;
      if (close < n) {
        code = s.slice(i + 1, close);
        end = close + 1;
      }
    }
    if (end < 0) {
      i++;
      continue;
    }
    push(s.slice(at, i), false, false);
    if (code !== null) push(code, false, false);
    for (const r of inner ?? []) push(r.text, r.bold, r.italic);
    at = end;
    i = end;
  }
  push(s.slice(at), false, false);
  return runs;
}

/** A hard line break in Markdown is two trailing spaces or a backslash; here every line of a paragraph joins with a space. */
const join = (lines: string[]): string =>
  lines
    .map((l) => l.trim().replace(/\\$/, ''))
    .filter((l) => l !== '')
    .join(' ');

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const title = heading(line);
    if (title) {
      blocks.push({ kind: 'heading', level: title.level, runs: parseInline(title.text) });
      i++;
      continue;
    }
    if (isRule(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ kind: 'quote', runs: parseInline(join(quoted)) });
      continue;
    }
    const isOrdered = ordered(line) !== null;
    if (isOrdered || bullet(line) !== null) {
      const items: { marker: string; lines: string[] }[] = [];
      while (i < lines.length) {
        const current = lines[i]!;
        const o = ordered(current);
        const b = bullet(current);
        if (isOrdered && o) items.push({ marker: `${o.number}.`, lines: [o.text] });
        else if (!isOrdered && b !== null && !isRule(current)) items.push({ marker: '•', lines: [b] });
        else if (current.trim() !== '' && /^\s+/.test(current) && items.length > 0)
          items[items.length - 1]!.lines.push(current);
        else if (current.trim() === '' && /^\s+\S/.test(lines[i + 1] ?? '') && items.length > 0) {
          // A blank line inside an item, followed by an indented continuation.
        } else break;
        i++;
      }
      blocks.push({
        kind: 'list',
        ordered: isOrdered,
        items: items.map((item) => ({ marker: item.marker, runs: parseInline(join(item.lines)) })),
      });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const current = lines[i]!;
      if (current.trim() === '' || heading(current) !== null || QUOTE.test(current) || isRule(current)) break;
      if (paragraph.length > 0 && (ordered(current) !== null || bullet(current) !== null)) break;
      paragraph.push(current);
      i++;
    }
    blocks.push({ kind: 'paragraph', runs: parseInline(join(paragraph)) });
  }
  return blocks;
}
