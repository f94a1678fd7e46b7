/**
 * CSV for spreadsheets (RFC 4180, as Excel and LibreOffice read it): CRLF
 * between records, a field in double quotes (`""` for a quote) when it holds
 * a delimiter, a quote, a line break or edge spaces, and a UTF-8 BOM so that
 * Excel reads the accents right.
 *
 * Formula injection: a spreadsheet runs a cell that starts with `=`, `+`,
 * `-` or `@` as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), and
 * a tab or carriage return ahead of one may be stripped before it looks. A
 * name typed into a public registration form is such a cell; every text
 * cell starting with one of these characters (or its full-width form) is
 * prefixed with `'`, which spreadsheets show as text and do not display
 * (OWASP's advice). Numbers and booleans are written as they are.
 */

export type CsvValue = string | number | boolean | null | undefined;

export const CSV_BOM = '\uFEFF';

/**
 * A tab or carriage return first, or a formula character (ASCII or full-width:
 * U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠) first after any spaces, which
 * some readers trim.
 */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/** A text cell that a spreadsheet could run, made inert with a leading `'`. */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** One field: text neutralised, then quoted when it must be. `null` and `undefined` are empty. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutraliseFormula(value);
  // Both delimiters are quoted, so the file reads the same whichever one a reader guesses.
  return /[",;\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvWriteOptions {
  /** Default `,`. */
  delimiter?: ',' | ';';
  /** Starts the text with a UTF-8 byte order mark; default true. */
  bom?: boolean;
}

/** A whole file: the header, then the rows, each record ended by CRLF. */
export function writeCsv(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]>,
  options: CsvWriteOptions = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const line = (fields: readonly CsvValue[]) => `${fields.map(csvField).join(delimiter)}\r\n`;
  const parts = [options.bom === false ? '' : CSV_BOM, line(header)];
  for (const row of rows) parts.push(line(row));
  return parts.join('');
}
