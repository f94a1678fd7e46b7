/**
 * The key under which one organisation signs once: case, accents and
 * punctuation ignored (`PTCE Fabrique  Pays-Basque` and `ptce fabrique pays
 * basque` are one organisation).
 *
 * The charter's own, not the registry's search normalisation (libs/conference
 * `normaliseText`), although it is the same today: stored charters' standing
 * signatures are folded with this key, so it may change only as a migration,
 * while the attendee search is free to be tuned. The charter also stays free
 * of the conference context this way.
 */

/** Letters that NFD does not decompose into a base letter plus marks. */
const LIGATURES: Readonly<Record<string, string>> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const LIGATURE_PATTERN = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'gu');

export const organisationKey = (organisation: string): string =>
  organisation
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(LIGATURE_PATTERN, (letter) => LIGATURES[letter] ?? letter)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
