/**
 * CSV as spreadsheets really export it (RFC 4180 and what Excel and
 * LibreOffice do around it): comma or semicolon (a French Excel writes
 * semicolons), with or without a UTF-8 BOM, CRLF or LF (or a lone CR), fields
 * in double quotes with `""` for a quote and line breaks inside, spaces around
 * fields. Lenient where a reading is obvious, strict only where one is not.
 */

export type CsvDelimiter = ',' | ';';

export interface CsvRecord {
  /** 1-based line of the file on which the record starts (a quoted line break makes a record span lines). */
  line: number;
  /** Trimmed; a line break inside a quoted field is kept as `\n`. */
  fields: string[];
}

export interface CsvParseError {
  line: number;
  reason: 'unterminated_quote';
}

export interface CsvParseResult {
  delimiter: CsvDelimiter;
  records: CsvRecord[];
  /** A quote opened and never closed swallows the rest of the file: reported at the line where its record starts. */
  errors: CsvParseError[];
}

const BOM = '\uFEFF';

/**
 * The header's delimiter: whichever of `,` and `;` occurs more often in the
 * first line outside quotes (a comma wins a tie, as the contract's example
 * uses it). A header has no reason to contain either inside a column name.
 */
export const detectDelimiter = (text: string): CsvDelimiter => {
  let commas = 0;
  let semicolons = 0;
  let inQuotes = false;
  for (const char of text.startsWith(BOM) ? text.slice(1) : text) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) break;
    else if (!inQuotes && char === ',') commas += 1;
    else if (!inQuotes && char === ';') semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
};

export const parseCsv = (input: string, delimiter: CsvDelimiter = detectDelimiter(input)): CsvParseResult => {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const errors: CsvParseError[] = [];

  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoted = false; // the current field was opened by a quote

  const endField = (): void => {
    fields.push(field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endField();
    // A blank line is no record; a record of empty separators (`;;;;`, Excel's trailing rows) is left to the caller.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };

  const QUOTE = 34;
  const CR = 13;
  const LF = 10;
  const separator = delimiter.charCodeAt(0);
  // Runs of ordinary characters are copied with one slice, not character by
  // character: a 20,000-row file is read in tens of milliseconds.
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (inQuotes) {
      if (code === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) {
          field += '"';
          i += 2;
        } else {
          inQuotes = false;
          i += 1;
        }
      } else if (code === CR || code === LF) {
        field += '\n';
        line += 1;
        i += code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      } else {
        let end = i + 1;
        while (end < text.length) {
          const next = text.charCodeAt(end);
          if (next === QUOTE || next === CR || next === LF) break;
          end += 1;
        }
        field += text.slice(i, end);
        i = end;
      }
      continue;
    }
    if (code === QUOTE && !quoted && field.trim() === '') {
      // Spaces before an opening quote are the export's padding, not content.
      inQuotes = true;
      quoted = true;
      field = '';
      i += 1;
    } else if (code === separator) {
      endField();
      i += 1;
    } else if (code === CR || code === LF) {
      endRecord();
      line += 1;
      recordLine = line;
      i += code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else {
      // Includes a quote in the middle of an unquoted field (`5" screen`), or
      // text after a closing quote: kept as written.
      let end = i + 1;
      while (end < text.length) {
        const next = text.charCodeAt(end);
        if (next === QUOTE || next === separator || next === CR || next === LF) break;
        end += 1;
      }
      field += text.slice(i, end);
      i = end;
    }
  }
  if (inQuotes) errors.push({ line: recordLine, reason: 'unterminated_quote' });
  else if (fields.length > 0 || field !== '' || quoted) endRecord();
  return { delimiter, records, errors };
};
