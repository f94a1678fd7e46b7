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
  /** Ordinals per distinct word, in no particular order (a search marks them in a bitmap). */
  private readonly postings = new Map<string, number[]>();
  /** Distinct words by their first letter (one-letter queries). */
  private readonly byFirst = new Map<string, Set<string>>();
  /** Distinct words by two of their first three letters: 0 and 1, 0 and 2, 1 and 2. */
  private readonly pairs = [
    new Map<string, Set<string>>(),
    new Map<string, Set<string>>(),
    new Map<string, Set<string>>(),
  ];

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
    const before = this.words[ordinal]!;
    const distinct = words.length < 2 ? [...words] : [...new Set(words)];
    // Most changes (a cancellation, a promotion) leave the words as they were.
    if (before.length === distinct.length && before.every((w, i) => w === distinct[i])) return ordinal;
    for (const word of before) this.unpost(word, ordinal);
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
    // The query word with the fewest entries gives the candidates (a first
    // name is shared by thousands, a surname by a few); the whole query is
    // then checked on each of them.
    let matched: string[] | undefined;
    let fewest = Infinity;
    for (const queryWord of queryWords) {
      const words = this.matchingWords(queryWord, this.bucketsFor(queryWord));
      let count = 0;
      for (const word of words) count += this.postings.get(word)?.length ?? 0;
      if (count === 0) return [];
      if (count < fewest) {
        matched = words;
        fewest = count;
      }
    }
    if (matched === undefined) return [];

    // Marked in a bitmap and read back in order: no set, no sort, whatever the number of candidates.
    const marked = new Uint8Array(this.keys.length);
    let lowest = this.keys.length;
    let highest = -1;
    for (const word of matched) {
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

  /**
   * Where the words that `queryWord` can match are. Under four letters, a
   * match starts with the query. From four, one edit of a beginning: with the
   * first difference at letter 2 or later, the word starts with the query's
   * letters 0 and 1; at letter 1, it has the query's letter 0 first and the
   * query's letter 2 second, or letter 1 or 2 third; at letter 0, its letters
   * 1 and 2 are the query's 1 and 2 or 0 and 1, or its letters 0 and 1 are the
   * query's 1 and 2 or 1 and 0 (substitution, a letter too many in the query,
   * a letter left out, a swap). Words under three letters cannot match then.
   */
  private bucketsFor(queryWord: string): Set<string>[] {
    // UTF-16 units, as `withinOneEditOfPrefix` compares them.
    const [q0, q1, q2] = [queryWord.charAt(0), queryWord.charAt(1), queryWord.charAt(2)];
    const found: (Set<string> | undefined)[] = [];
    const [b01, b02, b12] = this.pairs;
    if (!isFuzzyQueryWord(queryWord)) {
      found.push(queryWord.length === 1 ? this.byFirst.get(q0) : b01!.get(q0 + q1));
    } else {
      found.push(
        b01!.get(q0 + q1),
        b01!.get(q0 + q2),
        b02!.get(q0 + q2),
        b02!.get(q0 + q1),
        b12!.get(q1 + q2),
        b01!.get(q1 + q2),
        b12!.get(q0 + q1),
        b01!.get(q1 + q0),
      );
    }
    return [...new Set(found.filter((b): b is Set<string> => b !== undefined))];
  }

  /** The distinct indexed words in `buckets` that `queryWord` matches (`wordMatches`). */
  private matchingWords(queryWord: string, buckets: readonly Set<string>[]): string[] {
    const found: string[] = [];
    const seen = buckets.length > 1 ? new Set<string>() : undefined;
    for (const bucket of buckets) {
      for (const word of bucket) {
        if (seen) {
          if (seen.has(word)) continue;
          seen.add(word);
        }
        if (wordMatches(queryWord, word)) found.push(word);
      }
    }
    return found;
  }

  private post(word: string, ordinal: number): void {
    const posting = this.postings.get(word);
    if (posting !== undefined) {
      posting.push(ordinal);
      return;
    }
    this.postings.set(word, [ordinal]);
    for (const [map, key] of this.bucketKeys(word)) bucket(map, key).add(word);
  }

  /** Linear in the word's posting: only when an entry's words change (an erasure, a corrected name). */
  private unpost(word: string, ordinal: number): void {
    const posting = this.postings.get(word);
    if (posting === undefined) return;
    const at = posting.indexOf(ordinal);
    if (at >= 0) posting.splice(at, 1);
    if (posting.length > 0) return;
    this.postings.delete(word);
    for (const [map, key] of this.bucketKeys(word)) map.get(key)?.delete(word);
  }

  private bucketKeys(word: string): [Map<string, Set<string>>, string][] {
    const [w0, w1, w2] = [word.charAt(0), word.charAt(1), word.charAt(2)];
    const [b01, b02, b12] = this.pairs;
    const keys: [Map<string, Set<string>>, string][] = [[this.byFirst, w0]];
    if (word.length >= 2) keys.push([b01!, w0 + w1]);
    if (word.length >= 3) keys.push([b02!, w0 + w2], [b12!, w1 + w2]);
    return keys;
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
