import forge from 'node-forge';
import { verify as verifyChain, type Verification } from './chain.js';
import {
  OID,
  fromBinary,
  hexOf,
  octetValue,
  oidValue,
  parseCms,
  signingCertificateHash,
  toBinary,
  type ParsedCms,
} from './cms.js';
import { RECEIPT_FIELDS, parseReceipt, receiptOf, type SignatureReceipt } from './receipt.js';

/**
 * Checks a sealed charter PDF with nothing but its bytes (ADR 010): the
 * PDF signature, the certificate up to a root, the evidence attached, the
 * chain recomputed from it with the published algorithm (`chain.ts`), the
 * fingerprint the document states, and a signer's receipt. Stops at the
 * first fault and names it with a stable code, like the deciders' refusals.
 *
 * Pure: hashing and inflating come in with `env`, so the same code runs in
 * the command-line verifier (node:crypto, zlib) and on the public /verify/
 * page (WebCrypto, DecompressionStream), where the file never leaves the
 * browser.
 */

export const SEAL_FAULTS = [
  'not_a_pdf',
  'not_sealed',
  'not_total_document',
  'wrong_subfilter',
  'malformed_signature',
  'digest_mismatch',
  'no_signing_certificate_attribute',
  'signing_certificate_mismatch',
  'signature_invalid',
  'untrusted_certificate',
  'certificate_expired',
  'evidence_missing',
  'evidence_unreadable',
  'chain_invalid',
  'not_closed',
  'fingerprint_mismatch',
  'receipt_unreadable',
  'receipt_not_found',
  'receipt_mismatch',
] as const;
export type SealFault = (typeof SEAL_FAULTS)[number];

export interface VerifyEnv {
  sha256(bytes: Uint8Array): Promise<Uint8Array>;
  /** zlib (FlateDecode) inflate. */
  inflate(bytes: Uint8Array): Promise<Uint8Array>;
}

export interface VerifyOptions {
  /** PEM of the root to trust; without it, the root embedded in the signature (which proves less: ADR 010). */
  rootPem?: string;
  /** A receipt to find: its short code, a hash (prefix) or its JSON. */
  receipt?: string;
}

export interface SealReport {
  ok: boolean;
  fault?: SealFault;
  /** A few words on the fault (a problem code, a sequence, a date). */
  detail?: string;
  /** The checks that passed, in order. */
  passed: SealFault[];
  title?: string;
  signer?: string;
  rootSubject?: string;
  /** SHA-256 (hex, colon-free) of the root's DER: what to compare with the organiser's published one. */
  rootFingerprint?: string;
  rootSource?: 'given' | 'embedded';
  /** The signature dictionary's /M: the server's clock (no timestamp authority). */
  signedAt?: string;
  head?: string;
  count?: number;
  voided?: number;
  receipt?: SignatureReceipt;
}

class Fault extends Error {
  constructor(
    readonly fault: SealFault,
    readonly detail?: string,
  ) {
    super(fault);
  }
}

/** forge encodes a UTF8String when it writes one, but gives its bytes back undecoded. */
const commonName = (c: forge.pki.Certificate): string => {
  const field = (c.subject.getField('CN') as { value?: unknown } | null)?.value;
  const value = typeof field === 'string' ? field : '';
  try {
    return forge.util.decodeUtf8(value);
  } catch {
    return value;
  }
};

/** "D:20261202013000Z" or "D:20261202013000+01'00'" as an ISO date. */
function pdfDate(text: string): string | undefined {
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(text);
  if (!m) return undefined;
  const zone = m[7] === undefined || m[7] === 'Z' ? 'Z' : `${m[8]}${m[9]}:${m[10]}`;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The embedded files' streams, inflated when FlateDecode (pdfkit writes each as one `/Type /EmbeddedFile` object). */
async function embeddedFiles(pdf: Uint8Array, text: string, env: VerifyEnv): Promise<Uint8Array[]> {
  const files: Uint8Array[] = [];
  let at = text.indexOf('/Type /EmbeddedFile');
  while (at >= 0) {
    const dictStart = text.lastIndexOf('obj', at);
    const streamStart = text.indexOf('stream', at);
    if (streamStart < 0) break;
    const dict = text.slice(dictStart, streamStart);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const begin = streamStart + 'stream'.length + (text[streamStart + 6] === '\r' ? 2 : 1);
    if (Number.isFinite(length)) {
      const raw = pdf.subarray(begin, begin + length);
      try {
        files.push(dict.includes('/FlateDecode') ? await env.inflate(raw) : raw);
      } catch {
        files.push(new Uint8Array(0));
      }
    }
    at = text.indexOf('/Type /EmbeddedFile', streamStart);
  }
  return files;
}

const utf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);

export async function verifySealedPdf(pdf: Uint8Array, options: VerifyOptions, env: VerifyEnv): Promise<SealReport> {
  const report: SealReport = { ok: false, passed: [] };
  const pass = (code: SealFault) => report.passed.push(code);
  try {
    const text = toBinary(pdf);
    if (!text.startsWith('%PDF-')) throw new Fault('not_a_pdf');

    // ------------------------------------------------ the PDF signature
    const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
    const last = ranges[ranges.length - 1];
    if (last === undefined) throw new Fault('not_sealed', 'no /ByteRange: a draft, or the signature was removed');
    const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
    if (a !== 0 || c + d !== pdf.length || b >= c)
      throw new Fault('not_total_document', `ByteRange [${a} ${b} ${c} ${d}], file ${pdf.length} bytes`);
    pass('not_total_document');
    const dictStart = text.lastIndexOf(' obj', last.index);
    const dictEnd = text.indexOf('endobj', c);
    const dict = text.slice(dictStart, b) + text.slice(c, dictEnd);
    if (!/\/SubFilter\s*\/ETSI\.CAdES\.detached/.test(dict)) throw new Fault('wrong_subfilter');
    pass('wrong_subfilter');
    const m = /\/M\s*\((D:[^)]*)\)/.exec(dict)?.[1];
    if (m !== undefined) {
      const at = pdfDate(m);
      if (at !== undefined) report.signedAt = at;
    }
    const hex = text.slice(b, c).replace(/^<|>$/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Fault('malformed_signature', '/Contents is not hex');
    let cms: ParsedCms;
    try {
      // The placeholder's zero padding is left in: the DER's own length ends the CMS (a
      // signature may well end with a zero byte).
      cms = parseCms(fromBinary(forge.util.hexToBytes(hex)));
    } catch (error) {
      throw new Fault('malformed_signature', (error as Error).message);
    }
    pass('malformed_signature');
    const signed = new Uint8Array(b + d);
    signed.set(pdf.subarray(0, b), 0);
    signed.set(pdf.subarray(c, c + d), b);
    if (cms.digestAlgorithm !== OID.sha256) throw new Fault('malformed_signature', 'digest is not SHA-256');
    const digest = toBinary(await env.sha256(signed));
    if (octetValue(cms.attributes.get(OID.messageDigest)) !== digest) throw new Fault('digest_mismatch');
    if (oidValue(cms.attributes.get(OID.contentType)) !== OID.data)
      throw new Fault('malformed_signature', 'content-type is not id-data');
    pass('digest_mismatch');

    const signerIndex = cms.certificates.findIndex(
      (cert) => cert.serialNumber.replace(/^0+/, '') === cms.signerSerial.replace(/^0+/, ''),
    );
    const signer = cms.certificates[signerIndex];
    if (signer === undefined) throw new Fault('malformed_signature', 'the signing certificate is not in the CMS');
    report.signer = commonName(signer);
    const essAttribute = cms.attributes.get(OID.signingCertificateV2);
    if (essAttribute === undefined) throw new Fault('no_signing_certificate_attribute');
    pass('no_signing_certificate_attribute');
    const certHash = toBinary(await env.sha256(fromBinary(cms.certificatesDer[signerIndex]!)));
    if (signingCertificateHash(essAttribute) !== certHash) throw new Fault('signing_certificate_mismatch');
    pass('signing_certificate_mismatch');
    const attributesDigest = toBinary(await env.sha256(fromBinary(cms.signedAttributesDer)));
    let signatureHolds = false;
    try {
      signatureHolds = (signer.publicKey as forge.pki.rsa.PublicKey).verify(attributesDigest, cms.signature);
    } catch {
      signatureHolds = false;
    }
    if (!signatureHolds) throw new Fault('signature_invalid');
    pass('signature_invalid');

    // ------------------------------------------- the certificate's chain
    const issuedBy = (issuer: forge.pki.Certificate, subject: forge.pki.Certificate): boolean => {
      try {
        return subject.isIssuer(issuer) && issuer.verify(subject);
      } catch {
        return false;
      }
    };
    let root: forge.pki.Certificate | undefined;
    if (options.rootPem !== undefined) {
      try {
        root = forge.pki.certificateFromPem(options.rootPem);
      } catch {
        throw new Fault('untrusted_certificate', 'the root given is not a PEM certificate');
      }
      report.rootSource = 'given';
    } else {
      root = cms.certificates.find((cert) => issuedBy(cert, cert));
      report.rootSource = 'embedded';
      if (root === undefined) throw new Fault('untrusted_certificate', 'no root in the signature and none given');
    }
    report.rootSubject = commonName(root);
    report.rootFingerprint = hexOf(
      await env.sha256(fromBinary(forge.asn1.toDer(forge.pki.certificateToAsn1(root)).getBytes())),
    );
    const path = [signer];
    for (let current = signer; !issuedBy(root, current);) {
      const next = cms.certificates.find((cert) => !path.includes(cert) && issuedBy(cert, current));
      if (next === undefined || path.length > 5)
        throw new Fault('untrusted_certificate', `${commonName(signer)} does not chain to ${commonName(root)}`);
      path.push(next);
      current = next;
    }
    const when = report.signedAt === undefined ? new Date() : new Date(report.signedAt);
    for (const cert of [...path, root]) {
      if (when < cert.validity.notBefore || when > cert.validity.notAfter)
        throw new Fault('certificate_expired', `${commonName(cert)} was not valid on ${when.toISOString()}`);
    }
    pass('untrusted_certificate');
    pass('certificate_expired');

    // --------------------------------------------- the evidence, the chain
    let evidence: Record<string, unknown> | undefined;
    for (const file of await embeddedFiles(pdf, text, env)) {
      try {
        const value = JSON.parse(utf8(file)) as Record<string, unknown>;
        if (value['format'] === 'emargement/charter-evidence@1') evidence = value;
      } catch {
        // another attachment, or an unreadable one: looked at below
      }
    }
    if (evidence === undefined) throw new Fault('evidence_missing');
    pass('evidence_missing');
    const charter = evidence['charter'] as Record<string, unknown> | undefined;
    if (typeof charter?.['title'] === 'string') report.title = charter['title'];
    const events = evidence['events'];
    if (!Array.isArray(events)) throw new Fault('evidence_unreadable', 'no events');
    const stored = events.map((e: unknown) => {
      const event = (e ?? {}) as Record<string, unknown>;
      return { type: String(event['type']), data: event['data'] };
    });
    pass('evidence_unreadable');
    let chain: Verification;
    try {
      chain = verifyChain(stored);
    } catch (error) {
      throw new Fault('evidence_unreadable', (error as Error).message);
    }
    report.count = chain.count;
    report.voided = chain.voided;
    if (!chain.valid)
      throw new Fault(
        'chain_invalid',
        `${chain.problem?.code ?? 'invalid'}${chain.firstInvalidSequence === undefined ? '' : ` at n° ${chain.firstInvalidSequence}`}`,
      );
    pass('chain_invalid');
    if (chain.status !== 'closed') throw new Fault('not_closed');
    pass('not_closed');
    report.head = chain.head ?? undefined;
    // The fingerprint the document states (its metadata, Info and XMP, and the seal's reason), drawn
    // from the same value as the one printed on every page: each must be the head recomputed.
    const stated = [...text.matchAll(/empreinte ([0-9a-f]{64})/g)].map((match) => match[1]);
    const wrong = stated.find((h) => h !== chain.head);
    if (stated.length === 0 || wrong !== undefined)
      throw new Fault('fingerprint_mismatch', `stated ${wrong ?? 'none'}`);
    pass('fingerprint_mismatch');

    // ---------------------------------------------------- the receipt
    if (options.receipt !== undefined) {
      const wanted = parseReceipt(options.receipt);
      if (wanted === null) throw new Fault('receipt_unreadable');
      const entry = stored.find(
        (e) =>
          e.type === 'CharterSigned' &&
          typeof (e.data as Record<string, unknown> | null)?.['hash'] === 'string' &&
          String((e.data as Record<string, unknown>)['hash']).startsWith(wanted.prefix),
      );
      if (entry === undefined) throw new Fault('receipt_not_found', wanted.prefix);
      const found = receiptOf(entry.data as Record<string, unknown>);
      if (wanted.receipt !== null) {
        const differs = RECEIPT_FIELDS.find((field) => wanted.receipt![field] !== found[field]);
        if (differs !== undefined) throw new Fault('receipt_mismatch', differs);
      }
      report.receipt = found;
      pass('receipt_not_found');
    }
    report.ok = true;
    return report;
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    report.fault = error.fault;
    if (error.detail !== undefined) report.detail = error.detail;
    return report;
  }
}
