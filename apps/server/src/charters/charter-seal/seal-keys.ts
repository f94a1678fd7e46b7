// The key that seals closed charters (ADR 010): a PKCS#12 the organisation
// was given (CHARTER_SIGNING_P12, read and checked at start by config.ts), or
// by default an organisation root and a signing certificate it issues, made
// at first use in DATA_DIR/charter-seal (directory 0700, keys 0600), as
// DocuSeal does with its own CA. The root is what a reader of the PDF trusts.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

const DAY_MS = 24 * 60 * 60 * 1000;
const ROOT_VALIDITY_DAYS = 20 * 365;
const SIGNING_VALIDITY_DAYS = 10 * 365;

export interface SealKeys {
  /** PEM of the signing key (PKCS#8 or PKCS#1). */
  keyPem: string;
  /** The signing certificate first, then its chain (the root last when known). */
  chain: forge.pki.Certificate[];
  /** PEM of the root readers trust; the last certificate of the chain. */
  rootPem: string;
  source: 'generated' | 'p12';
}

export const sealFiles = (dir: string) => ({
  rootCert: join(dir, 'root.crt'),
  rootKey: join(dir, 'root.key'),
  signingCert: join(dir, 'signing.crt'),
  signingKey: join(dir, 'signing.key'),
});

/** Reads a PKCS#12: its key and its certificates, the one matching the key first. Throws with a reason. */
export function readP12(der: Buffer, passphrase: string): Omit<SealKeys, 'source'> {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), passphrase);
  const bagsOf = (bagType: string) => p12.getBags({ bagType })[bagType] ?? [];
  const keyBags = [...bagsOf(forge.pki.oids['pkcs8ShroudedKeyBag']!), ...bagsOf(forge.pki.oids['keyBag']!)];
  const key = keyBags.find((b) => b.key)?.key;
  if (!key) throw new Error('holds no RSA private key');
  const certs = bagsOf(forge.pki.oids['certBag']!)
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => c !== undefined && c !== null);
  const leaf = certs.find((c) => (c.publicKey as forge.pki.rsa.PublicKey).n?.equals(key.n));
  if (!leaf) throw new Error('holds no certificate for its key');
  // Order the chain leaf → root by issuer.
  const chain = [leaf];
  for (let current = leaf; ;) {
    const issuer = certs.find((c) => c !== current && !chain.includes(c) && current.isIssuer(c));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  const root = chain[chain.length - 1]!;
  return { keyPem: forge.pki.privateKeyToPem(key), chain, rootPem: forge.pki.certificateToPem(root) };
}

/** The generated root and signing certificate, made when missing. */
export function ensureSealKeys(dir: string, organisation: string, now: Date = new Date()): SealKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const files = sealFiles(dir);
  if (Object.values(files).every((f) => existsSync(f))) {
    const root = forge.pki.certificateFromPem(readFileSync(files.rootCert, 'utf8'));
    const signing = forge.pki.certificateFromPem(readFileSync(files.signingCert, 'utf8'));
    if (root.verify(signing) && signing.validity.notAfter.getTime() > now.getTime())
      return {
        keyPem: readFileSync(files.signingKey, 'utf8'),
        chain: [signing, root],
        rootPem: forge.pki.certificateToPem(root),
        source: 'generated',
      };
  }
  const rootKeys = rsaKeys();
  const root = certificate({
    subject: [
      { name: 'commonName', value: `${organisation} — racine du sceau des chartes` },
      { name: 'organizationName', value: organisation },
    ],
    issuer: null,
    publicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    days: ROOT_VALIDITY_DAYS,
    now,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const signingKeys = rsaKeys();
  const signing = certificate({
    subject: [
      { name: 'commonName', value: `${organisation} — sceau des chartes` },
      { name: 'organizationName', value: organisation },
    ],
    issuer: root,
    publicKey: signingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    days: SIGNING_VALIDITY_DAYS,
    now,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  write(files.rootKey, forge.pki.privateKeyToPem(rootKeys.privateKey), 0o600);
  write(files.signingKey, forge.pki.privateKeyToPem(signingKeys.privateKey), 0o600);
  write(files.rootCert, forge.pki.certificateToPem(root), 0o644);
  write(files.signingCert, forge.pki.certificateToPem(signing), 0o644);
  return {
    keyPem: forge.pki.privateKeyToPem(signingKeys.privateKey),
    chain: [signing, root],
    rootPem: forge.pki.certificateToPem(root),
    source: 'generated',
  };
}

/** node:crypto makes the key (much faster than forge's JavaScript RSA); forge builds the certificate. */
function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function certificate(o: {
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.Certificate | null;
  publicKey: forge.pki.rsa.PublicKey;
  signingKey: forge.pki.rsa.PrivateKey;
  days: number;
  now: Date;
  extensions: object[];
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.publicKey;
  // Positive, 16 random bytes.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(o.now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(o.now.getTime() + o.days * DAY_MS);
  // UTF8String (forge encodes it): its default PrintableString cannot hold É or —.
  const subject = o.subject.map((f) => ({ ...f, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }));
  cert.setSubject(subject);
  cert.setIssuer(o.issuer ? o.issuer.subject.attributes : subject);
  const extensions = [...o.extensions];
  if (o.issuer) {
    const keyId = o.issuer.generateSubjectKeyIdentifier().getBytes();
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: keyId });
  }
  cert.setExtensions(extensions);
  cert.sign(o.signingKey, forge.md.sha256.create());
  return cert;
}

function write(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}
