import { tokenise } from './normalise.js';
import { isFuzzyQueryWord, queryMatcher, wordMatches } from './search.js';

/**
 * An inverted index for the attendee search: the same answers as testing
 * `queryMatcher(query)` on every entry's words (`searchWords`), found from the
 * distinct words instead of from every entry.
 *
 * Entries keep the order they were first added in (an ordinal each), and a
 * search answers ordinals in that order. For each query word, the distinct
 * words it can match are looked for only where they can be: a prefix match
 * (words under four letters) starts with the query's first letter; a match
 * within one edit of a prefix has, as its first or second letter, the
 * query's first or second letter (an edit at the first letter leaves the
 * second in place, shifts it, or swaps the two). The entries of the rarest
 * query word are then checked against the whole query.
 *
 * Held in memory only (it holds names in clear, which must never reach a
 * file); replacing an entry's words takes its old words out at once, which is
 * what an erasure relies on.
 */
export class SearchIndex {
  private readonly ordinals = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly words: (readonly string[])[] = [];
  private readonly postings = new Map<string, Set<number>>();
  private readonly byFirst = new Map<string, Set<string>>();
  private readonly bySecond = new Map<string, Set<string>>();

  get size(): number {
    return this.keys.length;
  }

  /** Adds an entry at the end, or replaces the words of an entry already there (keeping its place). */
  set(key: string, words: readonly string[]): number {
    let ordinal = this.ordinals.get(key);
    if (ordinal === undefined) {
      ordinal = this.keys.length;
      this.ordinals.set(key, ordinal);
      this.keys.push(key);
      this.words.push([]);
    }
    for (const word of new Set(this.words[ordinal])) this.unpost(word, ordinal);
    const distinct = [...new Set(words)];
    this.words[ordinal] = distinct;
    for (const word of distinct) this.post(word, ordinal);
    return ordinal;
  }

  ordinalOf(key: string): number | undefined {
    return this.ordinals.get(key);
  }

  keyAt(ordinal: number): string {
    const key = this.keys[ordinal];
    if (key === undefined) throw new RangeError(`no entry ${ordinal}`);
    return key;
  }

  /** Ordinals of the entries matching `query`, ascending; every entry for a blank query. */
  search(query: string): number[] {
    const queryWords = [...new Set(tokenise(query))];
    if (queryWords.length === 0) return this.keys.map((_, i) => i);
    let rarest: string[] | undefined;
    let rarestCount = Infinity;
    for (const queryWord of queryWords) {
      const matched = this.matchingWords(queryWord);
      let count = 0;
      for (const word of matched) count += this.postings.get(word)?.size ?? 0;
      if (count < rarestCount) {
        rarest = matched;
        rarestCount = count;
      }
      if (count === 0) return [];
    }
    // Marked in a bitmap and read back in order: no set, no sort, whatever the number of candidates.
    const marked = new Uint8Array(this.keys.length);
    let lowest = this.keys.length;
    let highest = -1;
    for (const word of rarest ?? []) {
      for (const ordinal of this.postings.get(word) ?? []) {
        marked[ordinal] = 1;
        if (ordinal < lowest) lowest = ordinal;
        if (ordinal > highest) highest = ordinal;
      }
    }
    const matches = queryWords.length === 1 ? undefined : queryMatcher(query);
    const found: number[] = [];
    for (let ordinal = lowest; ordinal <= highest; ordinal++) {
      if (marked[ordinal] === 1 && (!matches || matches(this.words[ordinal]!))) found.push(ordinal);
    }
    return found;
  }

  /** The distinct indexed words that `queryWord` matches (`wordMatches`). */
  private matchingWords(queryWord: string): string[] {
    const first = queryWord.charAt(0);
    const second = queryWord.charAt(1);
    const buckets = [this.byFirst.get(first)];
    if (isFuzzyQueryWord(queryWord)) {
      buckets.push(this.bySecond.get(first));
      if (second !== first) buckets.push(this.byFirst.get(second), this.bySecond.get(second));
    }
    const found: string[] = [];
    const seen = new Set<string>();
    for (const bucket of buckets) {
      if (bucket === undefined) continue;
      for (const word of bucket) {
        if (seen.has(word)) continue;
        seen.add(word);
        if (wordMatches(queryWord, word)) found.push(word);
      }
    }
    return found;
  }

  private post(word: string, ordinal: number): void {
    let posting = this.postings.get(word);
    if (posting === undefined) {
      posting = new Set();
      this.postings.set(word, posting);
      bucket(this.byFirst, word.charAt(0)).add(word);
      if (word.length > 1) bucket(this.bySecond, word.charAt(1)).add(word);
    }
    posting.add(ordinal);
  }

  private unpost(word: string, ordinal: number): void {
    const posting = this.postings.get(word);
    if (posting === undefined) return;
    posting.delete(ordinal);
    if (posting.size > 0) return;
    this.postings.delete(word);
    this.byFirst.get(word.charAt(0))?.delete(word);
    if (word.length > 1) this.bySecond.get(word.charAt(1))?.delete(word);
  }
}

const bucket = (map: Map<string, Set<string>>, letter: string): Set<string> => {
  let set = map.get(letter);
  if (set === undefined) {
    set = new Set();
    map.set(letter, set);
  }
  return set;
};
