import { isValidEmail, normaliseText } from '../text/normalise.js';
import { PERSON_FIELD_MAX_LENGTH, type Category, type Language } from '../vocabulary.js';
import { parseCsv, type CsvDelimiter } from './csv.js';

/**
 * The registration import file: `first_name,last_name,email,organisation,
 * category,lunch,photo_consent`, one registration per record. Each row is
 * checked on its own, so a bad row is reported with its line and never
 * blocks the others; rows that pass are registrations to decide (the registry
 * then finds duplicates, the file's own included).
 */

export const REGISTRATION_COLUMNS = [
  'first_name',
  'last_name',
  'email',
  'organisation',
  'category',
  'lunch',
  'photo_consent',
] as const;
export type RegistrationColumn = (typeof REGISTRATION_COLUMNS)[number];

/** A map, not an object: a cell reading `constructor` must not find `Object.prototype`'s. */
const wordMap = <T>(words: Record<string, T>): ReadonlyMap<string, T> => new Map(Object.entries(words));

/** Without these a row means nothing; the others default (no organisation, no lunch, no photo consent). */
const REQUIRED_COLUMNS: readonly RegistrationColumn[] = ['first_name', 'last_name', 'email', 'category'];

/** Header names as organisers' spreadsheets spell them, after `normaliseText` and spaces turned into `_`. */
const COLUMN_ALIASES: ReadonlyMap<string, RegistrationColumn> = wordMap({
  first_name: 'first_name',
  firstname: 'first_name',
  given_name: 'first_name',
  prenom: 'first_name',
  last_name: 'last_name',
  lastname: 'last_name',
  surname: 'last_name',
  family_name: 'last_name',
  nom: 'last_name',
  email: 'email',
  e_mail: 'email',
  mail: 'email',
  courriel: 'email',
  organisation: 'organisation',
  organization: 'organisation',
  organisme: 'organisation',
  structure: 'organisation',
  category: 'category',
  categorie: 'category',
  lunch: 'lunch',
  dejeuner: 'lunch',
  repas: 'lunch',
  photo_consent: 'photo_consent',
  droit_a_l_image: 'photo_consent',
  consentement_photo: 'photo_consent',
});

const CATEGORY_WORDS: ReadonlyMap<string, Category> = wordMap({
  participant: 'participant',
  participante: 'participant',
  speaker: 'speaker',
  intervenant: 'speaker',
  intervenante: 'speaker',
  signatory: 'signatory',
  signataire: 'signatory',
  press: 'press',
  presse: 'press',
  staff: 'staff',
  equipe: 'staff',
  official: 'official',
  officiel: 'official',
  officielle: 'official',
});

/**
 * Yes and no as spreadsheets write them, in English and French, and a cross
 * in a tick column. An empty cell is no: photo consent in particular must be
 * given, never presumed.
 */
/**
 * An optional column, outside `REGISTRATION_COLUMNS` (the export's columns stay as they were): the language
 * the person is written to in (their ticket by e-mail). Empty or absent: French.
 */
const LANGUAGE_HEADERS = new Set(['language', 'langue', 'lang']);
const LANGUAGE_WORDS: ReadonlyMap<string, Language | undefined> = wordMap({
  '': undefined,
  fr: 'fr',
  francais: 'fr',
  french: 'fr',
  en: 'en',
  anglais: 'en',
  english: 'en',
});

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = wordMap({
  yes: true,
  y: true,
  oui: true,
  o: true,
  true: true,
  vrai: true,
  '1': true,
  x: true,
  no: false,
  n: false,
  non: false,
  false: false,
  faux: false,
  '0': false,
  '': false,
});

export const ROW_REJECTION_REASONS = [
  'missing_field',
  'invalid_email',
  'invalid_category',
  'invalid_boolean',
  'wrong_field_count',
  'unterminated_quote',
  'field_too_long',
  'invalid_language',
] as const;
export type RowRejectionReason = (typeof ROW_REJECTION_REASONS)[number];

export interface RowRejection {
  line: number;
  reason: RowRejectionReason;
  /** The column at fault, when there is one. */
  field?: RegistrationColumn | 'language';
  /** Who the row is about, as written (first and last name), when it says: a line number alone names nobody. */
  name?: string;
}

export interface RegistrationCsvRow {
  line: number;
  firstName: string;
  lastName: string;
  /** As written, trimmed. */
  email: string;
  organisation: string | null;
  category: Category;
  lunch: boolean;
  photoConsent: boolean;
  /** Absent: French. */
  language?: Language;
}

export type RegistrationCsvResult =
  | { ok: true; delimiter: CsvDelimiter; rows: RegistrationCsvRow[]; rejected: RowRejection[] }
  | { ok: false; reason: 'empty_file' }
  | { ok: false; reason: 'missing_column'; columns: RegistrationColumn[] };

const headerKey = (name: string): string => normaliseText(name).replace(/ /g, '_');

export const parseRegistrationCsv = (text: string): RegistrationCsvResult => {
  const { delimiter, records, errors } = parseCsv(text);
  const [header, ...body] = records;
  if (header === undefined) return { ok: false, reason: 'empty_file' };

  // Column → index; unknown columns are ignored, the first of two equal ones wins.
  const columnIndex = new Map<RegistrationColumn, number>();
  header.fields.forEach((name, index) => {
    const column = COLUMN_ALIASES.get(headerKey(name));
    if (column !== undefined && !columnIndex.has(column)) columnIndex.set(column, index);
  });
  const languageIndex = header.fields.findIndex((name) => LANGUAGE_HEADERS.has(headerKey(name)));
  const missing = REQUIRED_COLUMNS.filter((column) => !columnIndex.has(column));
  if (missing.length > 0) return { ok: false, reason: 'missing_column', columns: missing };

  const rows: RegistrationCsvRow[] = [];
  const rejected: RowRejection[] = errors.map(({ line, reason }) => ({ line, reason }));
  for (const { line, fields } of body) {
    // Excel leaves rows of bare separators below the data: nothing to report.
    if (fields.every((value) => value === '')) continue;
    // More values than columns is a field that needed quotes (`Ministère du Logement, de l'Égalité…`):
    // reading the row anyway would shift the category and the booleans.
    if (fields.slice(header.fields.length).some((value) => value !== '')) {
      const at = (column: RegistrationColumn) => fields[columnIndex.get(column) ?? -1] ?? '';
      const name = shortName(at('first_name'), at('last_name'));
      rejected.push(name === '' ? { line, reason: 'wrong_field_count' } : { line, reason: 'wrong_field_count', name });
      continue;
    }
    const value = (column: RegistrationColumn): string => {
      const index = columnIndex.get(column);
      return index === undefined ? '' : (fields[index] ?? '');
    };
    const row = readRow(line, value, languageIndex < 0 ? '' : (fields[languageIndex] ?? ''));
    if ('reason' in row) {
      const name = shortName(value('first_name'), value('last_name'));
      rejected.push(name === '' ? row : { ...row, name });
    } else rows.push(row);
  }
  rejected.sort((a, b) => a.line - b.line);
  return { ok: true, delimiter, rows, rejected };
};

/** The row's person for the report, cut at 80 characters: a cell far too long is not a name to echo whole. */
const shortName = (first: string, last: string): string => {
  const name = `${first} ${last}`.trim();
  return name.length > 80 ? `${name.slice(0, 79)}…` : name;
};

const readRow = (
  line: number,
  value: (column: RegistrationColumn) => string,
  languageText: string,
): RegistrationCsvRow | RowRejection => {
  for (const column of REQUIRED_COLUMNS)
    if (value(column) === '') return { line, reason: 'missing_field', field: column };
  const limits: [RegistrationColumn, number][] = [
    ['first_name', PERSON_FIELD_MAX_LENGTH.firstName],
    ['last_name', PERSON_FIELD_MAX_LENGTH.lastName],
    ['email', PERSON_FIELD_MAX_LENGTH.email],
    ['organisation', PERSON_FIELD_MAX_LENGTH.organisation],
  ];
  for (const [column, max] of limits)
    if (value(column).length > max) return { line, reason: 'field_too_long', field: column };
  const email = value('email');
  if (!isValidEmail(email)) return { line, reason: 'invalid_email', field: 'email' };
  const category = CATEGORY_WORDS.get(normaliseText(value('category')));
  if (category === undefined) return { line, reason: 'invalid_category', field: 'category' };
  const lunch = BOOLEAN_WORDS.get(normaliseText(value('lunch')));
  if (lunch === undefined) return { line, reason: 'invalid_boolean', field: 'lunch' };
  const photoConsent = BOOLEAN_WORDS.get(normaliseText(value('photo_consent')));
  if (photoConsent === undefined) return { line, reason: 'invalid_boolean', field: 'photo_consent' };
  const languageWord = normaliseText(languageText);
  if (!LANGUAGE_WORDS.has(languageWord)) return { line, reason: 'invalid_language', field: 'language' };
  const language = LANGUAGE_WORDS.get(languageWord);
  const organisation = value('organisation');
  return {
    line,
    firstName: value('first_name'),
    lastName: value('last_name'),
    email,
    organisation: organisation === '' ? null : organisation,
    category,
    lunch,
    photoConsent,
    ...(language !== undefined ? { language } : {}),
  };
};
