import { tokenise } from './normalise.js';

/**
 * True when `a` and `b` are at most one edit apart, an edit being the
 * insertion, deletion or substitution of one character or the swap of two
 * adjacent ones (Damerau-Levenshtein, optimal string alignment, bounded at 1).
 * Linear, with no matrix: the door searches 20,000 names on every keystroke.
 */
export const withinOneEdit = (a: string, b: string): boolean => {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  if (a.length === b.length) {
    // One substitution at `start`, or the swap of `start` and `start + 1`.
    const restAfter = (skip: number): boolean => a.slice(start + skip) === b.slice(start + skip);
    if (restAfter(1)) return true;
    return a[start] === b[start + 1] && a[start + 1] === b[start] && restAfter(2);
  }
  // One insertion: the longer string, without its character at `start`, is the shorter one.
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  return shorter.slice(start) === longer.slice(start + 1);
};

const regionEquals = (a: string, aFrom: number, b: string, bFrom: number, length: number): boolean => {
  if (length < 0 || aFrom + length > a.length || bFrom + length > b.length) return false;
  for (let i = 0; i < length; i += 1) if (a.charCodeAt(aFrom + i) !== b.charCodeAt(bFrom + i)) return false;
  return true;
};

/**
 * True when `query` is at most one edit away from some beginning of `word`
 * (the word itself included): the search runs while the name is being typed,
 * so `alphanb` must already find Alphandéry. Same edits as `withinOneEdit`,
 * without building a single substring.
 */
export const withinOneEditOfPrefix = (query: string, word: string): boolean => {
  let k = 0;
  while (k < query.length && k < word.length && query[k] === word[k]) k += 1;
  if (k === query.length) return true;
  const rest = query.length - k - 1;
  return (
    regionEquals(query, k + 1, word, k + 1, rest) || // one letter of the query replaced
    regionEquals(query, k + 1, word, k, rest) || // one letter too many in the query
    regionEquals(query, k, word, k + 1, rest + 1) || // one letter of the word left out
    (rest >= 1 &&
      query[k] === word[k + 1] &&
      query[k + 1] === word[k] &&
      regionEquals(query, k + 2, word, k + 2, rest - 1))
  );
};

/**
 * Below this length a query word must match exactly or as a prefix: one typo
 * allowed in a two- or three-letter word matches a large part of any list.
 */
const MIN_FUZZY_LENGTH = 4;

/** Whether a query word may match with one typo (else only as a prefix). */
export const isFuzzyQueryWord = (queryWord: string): boolean => queryWord.length >= MIN_FUZZY_LENGTH;

/** Whether one normalised query word matches one of an attendee's words: the rule every search applies. */
export const wordMatches = (queryWord: string, word: string): boolean =>
  isFuzzyQueryWord(queryWord) ? withinOneEditOfPrefix(queryWord, word) : word.startsWith(queryWord);

/**
 * The words a search can match in these fields: each field's words, plus each
 * multi-word field's words run together, so that `dubouetiez` finds Du Bouëtiez
 * and `carreyconte` finds Carrey-Conte. Worth computing once per attendee when
 * a read model holds thousands of them.
 */
export const searchWords = (fields: readonly (string | null | undefined)[]): string[] => {
  const words: string[] = [];
  for (const field of fields) {
    if (field === null || field === undefined) continue;
    const fieldWords = tokenise(field);
    words.push(...fieldWords);
    if (fieldWords.length > 1) words.push(fieldWords.join(''));
  }
  return words;
};

/**
 * Whether an attendee described by these fields (name, organisation, e-mail
 * address) answers a door's search: every word of the query must match one of
 * the fields' words ignoring case and accents, as a prefix or within one typo.
 * A blank query matches everyone.
 */
export const matchesQuery = (fields: readonly (string | null | undefined)[], query: string): boolean =>
  matchesWords(searchWords(fields), query);

/**
 * The query read once, for filtering many attendees whose words were computed
 * by `searchWords`: `rows.filter((row) => matches(row.words))`.
 */
export const queryMatcher = (query: string): ((words: readonly string[]) => boolean) => {
  const queryWords = tokenise(query);
  return (words) => queryWords.every((queryWord) => words.some((word) => wordMatches(queryWord, word)));
};

/** `matchesQuery` over words already computed by `searchWords`. */
export const matchesWords = (words: readonly string[], query: string): boolean => queryMatcher(query)(words);
