/**
 * The SHA-256 (lower-case hex) of the charter's text as UTF-8, computed in the
 * browser over the very string it shows. `crypto.subtle` exists only in a
 * secure context (https, or localhost); on plain http over the hall's LAN it
 * is missing, and the answer is `null`: the caller then falls back to the
 * server's `textSha256` (which the server checks again on signing).
 */
export async function sha256Hex(text: string): Promise<string | null> {
  const subtle = typeof crypto !== 'undefined' ? crypto.subtle : undefined;
  if (!subtle || !window.isSecureContext) return null;
  try {
    const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

/** The first 12 hex digits: enough to compare a receipt with the signed document by eye. */
export const shortHash = (hash: string): string => hash.slice(0, 12);

/** The public verifier with this receipt filled in (fragment: never sent to a server, out of logs). */
export const verifyLink = (hash: string, origin: string = window.location.origin): string =>
  `${origin}/verify/#receipt=${encodeURIComponent(hash)}`;
