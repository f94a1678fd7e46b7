import forge from 'node-forge';

/**
 * CMS SignedData for a PAdES baseline B-B signature (ETSI EN 319 142-1):
 * detached, over the PDF's ByteRange; signed attributes content-type,
 * message-digest and signing-certificate-v2 (RFC 5035), and no signing-time
 * (B-B puts the time in the signature dictionary's /M). Built with
 * node-forge's ASN.1 layer because its pkcs7 writer cannot add
 * signing-certificate-v2. Pure: the RSA signature is done by the caller's
 * `sign` (node:crypto on the server), so this module also runs in a browser.
 *
 * Bytes travel as forge "binary strings" (one char per byte) inside, as
 * Uint8Array outside.
 */

const { asn1 } = forge;
const C = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
} as const;

export const toBinary = (bytes: Uint8Array): string => {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    out += String.fromCharCode(...bytes.subarray(i, Math.min(i + 0x8000, bytes.length)));
  return out;
};
export const fromBinary = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};
export const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const oid = (value: string) => asn1.create(C, T.OID, false, asn1.oidToDer(value).getBytes());
const seq = (items: forge.asn1.Asn1[]) => asn1.create(C, T.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(C, T.SET, true, items);
const octets = (binary: string) => asn1.create(C, T.OCTETSTRING, false, binary);
const int = (n: number) => asn1.create(C, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const der = (node: forge.asn1.Asn1): string => asn1.toDer(node).getBytes();
const algorithm = (value: string) => seq([oid(value), asn1.create(C, T.NULL, false, '')]);

/** DER's SET OF: members sorted by their encodings. */
const derSetOf = (members: string[]): forge.asn1.Asn1[] =>
  [...members].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((m) => asn1.fromDer(m));

export interface CmsInput {
  /** SHA-256 of the signed bytes (the PDF without its /Contents). */
  digest: Uint8Array;
  /** The signing certificate first, then its chain up to the root. */
  certificates: readonly forge.pki.Certificate[];
  /** RSA PKCS#1 v1.5 with SHA-256 over the DER of the signed attributes. */
  sign: (signedAttributes: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  sha256: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;
}

/** The DER bytes of a ContentInfo holding the SignedData. */
export async function buildCms(input: CmsInput): Promise<Uint8Array> {
  const [signer] = input.certificates;
  if (signer === undefined) throw new Error('A signing certificate is needed');
  const signerAsn1 = forge.pki.certificateToAsn1(signer);
  const signerDer = der(signerAsn1);
  const certHash = await input.sha256(fromBinary(signerDer));
  const issuer = forge.pki.distinguishedNameToAsn1(signer.issuer);
  const serial = asn1.create(C, T.INTEGER, false, forge.util.hexToBytes(signer.serialNumber));
  const issuerSerial = seq([seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [issuer])]), serial]);
  const attribute = (type: string, value: forge.asn1.Asn1) => der(seq([oid(type), set([value])]));
  const attributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(toBinary(input.digest))),
    // ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires.
    attribute(OID.signingCertificateV2, seq([seq([seq([octets(toBinary(certHash)), issuerSerial])])])),
  ];
  const signedAttributes = der(set(derSetOf(attributes)));
  const signature = await input.sign(fromBinary(signedAttributes));
  const signerInfo = seq([
    int(1),
    seq([forge.pki.distinguishedNameToAsn1(signer.issuer), serial]),
    algorithm(OID.sha256),
    // The same members, [0] IMPLICIT instead of SET.
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, derSetOf(attributes)),
    algorithm(OID.rsaEncryption),
    octets(toBinary(signature)),
  ]);
  const signedData = seq([
    int(1),
    set([algorithm(OID.sha256)]),
    seq([oid(OID.data)]),
    asn1.create(
      asn1.Class.CONTEXT_SPECIFIC,
      0,
      true,
      input.certificates.map((c) => forge.pki.certificateToAsn1(c)),
    ),
    set([signerInfo]),
  ]);
  return fromBinary(der(seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])])));
}

export interface ParsedCms {
  certificates: forge.pki.Certificate[];
  /** DER of the certificates, same order. */
  certificatesDer: string[];
  /** The signed attributes as DER SET (what the signature covers). */
  signedAttributesDer: string;
  attributes: Map<string, forge.asn1.Asn1>;
  signature: string;
  digestAlgorithm: string;
  signerSerial: string;
}

const oidOf = (node: forge.asn1.Asn1 | undefined): string =>
  node && node.type === T.OID && typeof node.value === 'string' ? asn1.derToOid(node.value) : '';
const children = (node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] =>
  node && Array.isArray(node.value) ? node.value : [];

/** Reads a ContentInfo/SignedData as this module writes it (and as most signers do); throws when it is not one. */
export function parseCms(bytes: Uint8Array): ParsedCms {
  const root = asn1.fromDer(toBinary(bytes), { strict: false, parseAllBytes: false } as never);
  const [type, content] = children(root);
  if (oidOf(type) !== OID.signedData) throw new Error('not a CMS SignedData');
  const signedData = children(content)[0];
  const fields = children(signedData);
  const certsNode = fields.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && (f.type as number) === 0);
  const certificatesDer = children(certsNode).map((c) => der(c));
  const certificates = children(certsNode).map((c) => forge.pki.certificateFromAsn1(c));
  const signerInfos = fields[fields.length - 1];
  const signerInfo = children(signerInfos)[0];
  const si = children(signerInfo);
  const sid = children(si[1]);
  const serialNode = sid[1];
  const signerSerial = forge.util.bytesToHex(typeof serialNode?.value === 'string' ? serialNode.value : '');
  const digestAlgorithm = oidOf(children(si[2])[0]);
  const attrsNode = si.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && (f.type as number) === 0);
  if (attrsNode === undefined) throw new Error('no signed attributes');
  const members = children(attrsNode);
  const signedAttributesDer = der(set(members));
  const attributes = new Map<string, forge.asn1.Asn1>();
  for (const member of members) {
    const [attrType, values] = children(member);
    const first = children(values)[0];
    if (first !== undefined) attributes.set(oidOf(attrType), first);
  }
  const signatureNode = si[si.length - 1];
  const signature = typeof signatureNode?.value === 'string' ? signatureNode.value : '';
  return { certificates, certificatesDer, signedAttributesDer, attributes, signature, digestAlgorithm, signerSerial };
}

/** The certHash of the first ESSCertIDv2 in a signing-certificate-v2 attribute, binary. */
export function signingCertificateHash(value: forge.asn1.Asn1): string | null {
  const certs = children(value)[0];
  const first = children(certs)[0];
  const parts = children(first);
  // hashAlgorithm is optional (DEFAULT sha256): the hash is the first OCTET STRING.
  const hash = parts.find((p) => p.type === T.OCTETSTRING);
  const algorithmNode = parts.find((p) => p.type === T.SEQUENCE && oidOf(children(p)[0]) !== '');
  if (algorithmNode !== undefined && oidOf(children(algorithmNode)[0]) !== OID.sha256) return null;
  return hash && typeof hash.value === 'string' ? hash.value : null;
}

export const octetValue = (node: forge.asn1.Asn1 | undefined): string | null =>
  node && node.type === T.OCTETSTRING && typeof node.value === 'string' ? node.value : null;
export const oidValue = oidOf;
