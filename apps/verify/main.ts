// Checks a sealed charter PDF offline, with no server (ADR 010):
//   npm run verify -- charte.pdf [--receipt ABCD-EF01-2345] [--root racine.crt]
// Exit 0 when everything holds; 1 naming the first fault; 2 on a usage error.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { verifySealedPdf, type SealReport } from '../../libs/charter/src/verify-pdf.js';
import { receiptCode } from '../../libs/charter/src/receipt.js';

const USAGE = 'usage: npm run verify -- FILE.pdf [--receipt CODE] [--root root.crt]';

function parseArgs(argv: string[]): { file: string; receipt?: string; root?: string } {
  let file: string | undefined;
  let receipt: string | undefined;
  let root: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--receipt') receipt = argv[++i];
    else if (arg === '--root') root = argv[++i];
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new Error(`one file only (${arg})`);
  }
  if (file === undefined) throw new Error('no file');
  if (receipt === '' || root === '') throw new Error('an option without its value');
  return { file, ...(receipt !== undefined ? { receipt } : {}), ...(root !== undefined ? { root } : {}) };
}

const MESSAGES: Record<string, [string, string]> = {
  not_a_pdf: ['ce n’est pas un PDF', 'not a PDF'],
  not_sealed: [
    'le document n’est pas scellé (brouillon, ou signature retirée)',
    'not sealed (a draft, or the signature was removed)',
  ],
  not_total_document: [
    'des octets ont été ajoutés ou retirés après le scellement',
    'bytes were added or removed after sealing',
  ],
  wrong_subfilter: [
    'la signature n’est pas une signature PAdES (ETSI.CAdES.detached)',
    'not a PAdES signature (ETSI.CAdES.detached)',
  ],
  malformed_signature: ['la signature est illisible', 'the signature cannot be read'],
  digest_mismatch: [
    'le document a été modifié après le scellement (empreinte différente)',
    'the document was changed after sealing (digest mismatch)',
  ],
  no_signing_certificate_attribute: [
    'la signature ne désigne pas son certificat (signing-certificate-v2)',
    'no signing-certificate-v2 attribute',
  ],
  signing_certificate_mismatch: [
    'le certificat joint n’est pas celui que la signature désigne',
    'the certificate is not the one the signature names',
  ],
  signature_invalid: ['la signature ne correspond pas au certificat', 'the signature does not match the certificate'],
  untrusted_certificate: [
    'le certificat ne remonte pas à la racine de confiance',
    'the certificate does not chain to the trusted root',
  ],
  certificate_expired: [
    'un certificat n’était pas valable à la date du scellement',
    'a certificate was not valid when sealing',
  ],
  evidence_missing: ['les preuves jointes sont absentes', 'the attached evidence is missing'],
  evidence_unreadable: ['les preuves jointes sont illisibles', 'the attached evidence cannot be read'],
  chain_invalid: ['la chaîne des signatures est rompue', 'the chain of signatures is broken'],
  not_closed: ['la charte n’était pas close', 'the charter was not closed'],
  fingerprint_mismatch: [
    'l’empreinte indiquée n’est pas celle recalculée',
    'the stated fingerprint is not the recomputed one',
  ],
  receipt_unreadable: ['le reçu donné est illisible', 'the receipt given cannot be read'],
  receipt_not_found: ['ce reçu n’est pas dans la chaîne', 'this receipt is not in the chain'],
  receipt_mismatch: ['le reçu diffère de l’entrée de la chaîne', 'the receipt differs from the chain’s entry'],
};

function print(report: SealReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (report.ok) {
    out(`OK — charte scellée, intacte / sealed charter, intact: « ${report.title ?? ''} »`);
    out(
      `  Scellée le / sealed on ${report.signedAt ?? '—'} (horloge du serveur / server clock) par / by ${report.signer ?? '—'}`,
    );
    out(
      `  Racine / root: ${report.rootSubject ?? '—'} (${report.rootSource === 'given' ? 'donnée / given' : 'jointe au document, non vérifiée / embedded, not checked against yours'})`,
    );
    out(`  SHA-256 racine / root: ${report.rootFingerprint ?? '—'}`);
    out(
      `  Signatures: ${report.count ?? 0} (${report.voided ?? 0} annulée(s) / voided); empreinte / fingerprint ${report.head ?? '—'}`,
    );
    if (report.receipt)
      out(
        `  Reçu trouvé / receipt found: n° ${report.receipt.sequence}, ${receiptCode(report.receipt.hash)}, ${report.receipt.signedAt}`,
      );
    return;
  }
  const [fr, en] = MESSAGES[report.fault ?? ''] ?? [report.fault ?? '?', report.fault ?? '?'];
  process.stderr.write(
    `ÉCHEC / FAILED: ${report.fault} — ${fr} / ${en}${report.detail ? ` (${report.detail})` : ''}\n`,
  );
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const pdf = readFileSync(args.file);
  const report = await verifySealedPdf(
    new Uint8Array(pdf),
    {
      ...(args.root !== undefined ? { rootPem: readFileSync(args.root, 'utf8') } : {}),
      ...(args.receipt !== undefined ? { receipt: args.receipt } : {}),
    },
    {
      sha256: (bytes) => Promise.resolve(createHash('sha256').update(bytes).digest()),
      inflate: (bytes) => Promise.resolve(inflateSync(bytes)),
    },
  );
  print(report);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
