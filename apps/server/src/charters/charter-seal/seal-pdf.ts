// Seals finished PDF bytes with a PAdES baseline B-B signature. The
// placeholder (signature dictionary, an invisible field, the catalog's
// AcroForm) is added by @signpdf/placeholder-plain as an incremental update,
// so the bytes pdfkit wrote, those of the draft, are kept as they are and
// are what the signature covers; @signpdf/signpdf fills the ByteRange; the
// CMS is ours (libs/charter/src/cms.ts), since @signpdf/signer-p12 writes no
// signing-certificate-v2.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf, Signer } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { buildCms } from '@emargement/charter';
import type { SealKeys } from './seal-keys.js';

/** Room for the CMS, in bytes (hex-encoded twice that in the file): two RSA-2048 certificates need ~3 KiB. */
const SIGNATURE_ROOM = 12_288;

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();

class CadesSigner extends Signer {
  constructor(private readonly keys: SealKeys) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const key = createPrivateKey(this.keys.keyPem);
    const cms = await buildCms({
      digest: sha256(pdfBuffer),
      certificates: this.keys.chain,
      sha256,
      sign: (attributes) => sign('sha256', attributes, key),
    });
    return Buffer.from(cms);
  }
}

export interface SealDetails {
  reason: string;
  location: string;
  name: string;
  contact: string;
  /** Written to the signature dictionary's /M: the server's clock, there is no timestamp authority. */
  signingTime: Date;
}

export async function sealPdf(pdf: Buffer, keys: SealKeys, details: SealDetails): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: details.reason,
    contactInfo: details.contact,
    name: details.name,
    location: details.location,
    signingTime: details.signingTime,
    signatureLength: SIGNATURE_ROOM,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Émargement',
  });
  return new SignPdf().sign(withPlaceholder, new CadesSigner(keys), details.signingTime);
}
