/**
 * Text normalisation shared by the registry (e-mail uniqueness), the import
 * (header and value matching) and the attendee search.
 */

/**
 * The key under which an e-mail address is unique within a conference. The
 * whole address is lower-cased, local part included: RFC 5321 lets a server
 * treat `Jo@x` and `jo@x` as two mailboxes, but no real one does, and the
 * contract asks for case-insensitive uniqueness. NFC first, so that an `é`
 * typed as one code point or as `e` + accent is the same address.
 */
export const normaliseEmail = (raw: string): string => raw.normalize('NFC').trim().toLowerCase();

/**
 * Deliberately permissive (one `@`, something on both sides, a dot in the
 * domain, no spaces): the only test of an address that matters is sending to
 * it, and a stricter pattern refuses real addresses.
 */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
export const isValidEmail = (raw: string): boolean => EMAIL_PATTERN.test(normaliseEmail(raw));

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

const NOT_ASCII = /[^\x00-\x7f]/;

const normaliseUnicode = (raw: string): string =>
  raw
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(LIGATURE_PATTERN, (letter) => LIGATURES[letter] ?? letter)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Lower case, accents removed (NFD then combining marks dropped, so `Lemaître`
 * is `lemaitre` and `Tuấn` is `tuan`), ligatures spelt out (`Cœur` is
 * `coeur`), and every run of anything but letters and digits collapsed to one
 * space, so that punctuation (`Jean-Louis`, `l'Économie`, `a.b@c.org`)
 * separates words. Trimmed.
 */
export const normaliseText = (raw: string): string =>
  // Plain ASCII (e-mail addresses, most organisations and many names) has no
  // accent nor ligature to take apart: the same result for a third of the cost
  // (the search index normalises every field of 100,000 people at once).
  NOT_ASCII.test(raw)
    ? normaliseUnicode(raw)
    : raw
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();

/** The words of a normalised text; none for a blank one. */
export const tokenise = (raw: string): string[] => {
  const text = normaliseText(raw);
  return text === '' ? [] : text.split(' ');
};
