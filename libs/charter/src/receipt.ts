/**
 * A signer's receipt: what the tablet shows after a signature (as a QR code
 * and a short code) and what `GET .../receipt` answers. Every field is one of
 * the chain entry's own, stored as is, so the receipt is found unchanged in
 * the sealed PDF's evidence; none is personal data.
 */
export interface SignatureReceipt {
  charterId: string;
  signatureId: string;
  sequence: number;
  hash: string;
  previousHash: string;
  signedAt: string;
}

export const RECEIPT_FIELDS = ['charterId', 'signatureId', 'sequence', 'hash', 'previousHash', 'signedAt'] as const;

export const receiptOf = (data: Record<string, unknown>): SignatureReceipt => ({
  charterId: String(data['charterId']),
  signatureId: String(data['signatureId']),
  sequence: Number(data['sequence']),
  hash: String(data['hash']),
  previousHash: String(data['previousHash']),
  signedAt: String(data['signedAt']),
});

/** The short code a signer can photograph or copy: the hash's first 12 hex digits in groups of 4. */
export const receiptCode = (hash: string): string =>
  hash
    .slice(0, 12)
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1-');

/**
 * What a signer kept, as typed or scanned back: the short code (any case,
 * spaces or dashes), a hash or a prefix of one, or the receipt's JSON (the QR
 * code's content). `null` when it is none of these.
 */
export function parseReceipt(text: string): { prefix: string; receipt: SignatureReceipt | null } | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof value['hash'] !== 'string') return null;
      return { prefix: value['hash'].toLowerCase(), receipt: receiptOf(value) };
    } catch {
      return null;
    }
  }
  const hex = trimmed.replace(/[\s-]/g, '').toLowerCase();
  return /^[0-9a-f]{12,64}$/.test(hex) ? { prefix: hex, receipt: null } : null;
}
