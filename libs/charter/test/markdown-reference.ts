/**
 * The charter's Markdown parser as it was before issue 20 (regular
 * expressions that backtrack), kept as the reference the linear one is
 * compared with on random texts (markdown.unit.spec.ts): same blocks, same
 * runs. Test code only; never use it on a text of any length.
 *
 * Just enough Markdown for a charter, shared by the signed PDF (server) and the
 * signing tablet (browser), so that what the tablet shows and what the PDF prints
 * are the same blocks: headings, paragraphs, ordered
 * and unordered lists (with continuation lines), block quotes, rules, and
 * `**bold**` / `*italic*` / `_italic_` / `` `code` `` inline. Anything else is
 * kept as the text it is: the printed charter must say exactly what the
 * tablet showed, so nothing is ever dropped, only left unformatted.
 */

interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
}

type Block =
  | { kind: 'heading'; level: number; runs: Run[] }
  | { kind: 'paragraph'; runs: Run[] }
  | { kind: 'quote'; runs: Run[] }
  | { kind: 'list'; ordered: boolean; items: { marker: string; runs: Run[] }[] }
  | { kind: 'rule' };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** Inline emphasis, left to right; an unclosed marker is kept as text. */
export function referenceInline(source: string): Run[] {
  const runs: Run[] = [];
  const push = (text: string, bold: boolean, italic: boolean) => {
    if (text === '') return;
    const last = runs[runs.length - 1];
    if (last && last.bold === bold && last.italic === italic) last.text += text;
    else runs.push({ text, bold, italic });
  };
  const pattern = /\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)\*|(?<![\p{L}\p{N}])_(?!\s)(.+?)_(?![\p{L}\p{N}])|`([^`]+)`/gu;
  let at = 0;
  for (const match of source.matchAll(pattern)) {
    push(source.slice(at, match.index), false, false);
    const [, strong, strongUnderscore, em, emUnderscore, code] = match;
    const strongText = strong ?? strongUnderscore;
    if (strongText !== undefined) {
      // Italic inside bold (`**a *b* c**`) is common enough to honour.
      for (const inner of referenceInline(strongText)) push(inner.text, true, inner.italic);
    } else if (em !== undefined || emUnderscore !== undefined) {
      for (const inner of referenceInline(em ?? emUnderscore ?? '')) push(inner.text, inner.bold, true);
    } else {
      push(code ?? '', false, false);
    }
    at = match.index + match[0].length;
  }
  push(source.slice(at), false, false);
  return runs;
}

/** A hard line break in Markdown is two trailing spaces or a backslash; here every line of a paragraph joins with a space. */
const join = (lines: string[]): string =>
  lines
    .map((l) => l.trim().replace(/\\$/, ''))
    .filter((l) => l !== '')
    .join(' ');

export function referenceMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, runs: referenceInline(heading[2]!) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ kind: 'quote', runs: referenceInline(join(quoted)) });
      continue;
    }
    const ordered = ORDERED.test(line);
    if (ordered || BULLET.test(line)) {
      const items: { marker: string; lines: string[] }[] = [];
      while (i < lines.length) {
        const current = lines[i]!;
        const o = ORDERED.exec(current);
        const b = BULLET.exec(current);
        if (ordered && o) items.push({ marker: `${o[1]}.`, lines: [o[2]!] });
        else if (!ordered && b && !RULE.test(current)) items.push({ marker: '•', lines: [b[1]!] });
        else if (current.trim() !== '' && /^\s+/.test(current) && items.length > 0)
          items[items.length - 1]!.lines.push(current);
        else if (current.trim() === '' && /^\s+\S/.test(lines[i + 1] ?? '') && items.length > 0) {
          // A blank line inside an item, followed by an indented continuation.
        } else break;
        i++;
      }
      blocks.push({
        kind: 'list',
        ordered,
        items: items.map((item) => ({ marker: item.marker, runs: referenceInline(join(item.lines)) })),
      });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const current = lines[i]!;
      if (current.trim() === '' || HEADING.test(current) || QUOTE.test(current) || RULE.test(current)) break;
      if (paragraph.length > 0 && (ORDERED.test(current) || BULLET.test(current))) break;
      paragraph.push(current);
      i++;
    }
    blocks.push({ kind: 'paragraph', runs: referenceInline(join(paragraph)) });
  }
  return blocks;
}
