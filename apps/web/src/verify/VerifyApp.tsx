import { useState, type FormEvent } from 'react';
import { receiptCode } from '@emargement/charter/receipt.js';
import { verifySealedPdf, type SealFault, type SealReport } from '@emargement/charter/verify-pdf.js';
import { useLang } from '../i18n';
import { TopBar } from '../shell';

/**
 * /verify/: anyone holding a sealed charter checks it here, with no token and
 * no server. The file is read in the browser and never sent anywhere: the
 * same checks as `npm run verify` (libs/charter/src/verify-pdf.ts), with
 * WebCrypto for the PDF's digest and DecompressionStream for the evidence.
 */

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/**
 * A receipt handed in by the link (`#receipt=` as the tablet's QR code carries
 * it, or `?receipt=`): the fragment is never sent to the server.
 */
export function receiptFromUrl(href: string): string {
  const url = new URL(href);
  const fromFragment = new URLSearchParams(url.hash.replace(/^#/, '')).get('receipt');
  return (fromFragment ?? url.searchParams.get('receipt') ?? '').trim().slice(0, 2000);
}

export function VerifyApp() {
  const { t, lang } = useLang();
  const [pdf, setPdf] = useState<File | null>(null);
  const [root, setRoot] = useState<File | null>(null);
  const [fromLink] = useState(() => receiptFromUrl(window.location.href));
  const [receipt, setReceipt] = useState(fromLink);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<SealReport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const usable =
    typeof crypto !== 'undefined' && crypto.subtle !== undefined && typeof DecompressionStream === 'function';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!pdf || busy) return;
    setBusy(true);
    setReport(null);
    setFailure(null);
    try {
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      const rootPem = root ? await root.text() : undefined;
      setReport(
        await verifySealedPdf(
          bytes,
          {
            ...(rootPem !== undefined ? { rootPem } : {}),
            ...(receipt.trim() !== '' ? { receipt: receipt.trim() } : {}),
          },
          { sha256, inflate },
        ),
      );
    } catch (e) {
      setFailure(String((e as Error).message ?? e));
    } finally {
      setBusy(false);
    }
  };

  const time = (iso: string) =>
    new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'medium' }).format(
      new Date(iso),
    );

  return (
    <>
      <TopBar title={t('verify.title')} />
      <main className="page stack verify-page">
        <p>{t('verify.intro')}</p>
        {fromLink !== '' ? (
          <p className="panel" data-testid="verify-receipt-from-link">
            {t('verify.receiptFromLink')}
          </p>
        ) : null}
        {!usable ? (
          <p className="error" role="alert">
            {t('verify.noCrypto')}
          </p>
        ) : null}
        <form className="panel stack" onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span>{t('verify.file')}</span>
            <input
              type="file"
              accept="application/pdf,.pdf"
              data-testid="verify-file"
              onChange={(e) => {
                setPdf(e.target.files?.[0] ?? null);
                setReport(null);
              }}
            />
          </label>
          <label className="field">
            <span>{t('verify.root')}</span>
            <input
              type="file"
              accept=".crt,.pem,application/x-pem-file"
              data-testid="verify-root"
              onChange={(e) => setRoot(e.target.files?.[0] ?? null)}
            />
            <small className="hint">{t('verify.rootHint')}</small>
          </label>
          <label className="field">
            <span>{t('verify.receipt')}</span>
            <input
              type="text"
              className="mono"
              autoComplete="off"
              placeholder="ABCD-EF01-2345"
              data-testid="verify-receipt"
              value={receipt}
              onChange={(e) => setReceipt(e.target.value)}
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={!pdf || busy || !usable} data-testid="verify-run">
            {busy ? t('verify.checking') : t('verify.check')}
          </button>
        </form>
        {failure ? (
          <p className="error" role="alert">
            {failure}
          </p>
        ) : null}
        {report ? (
          <section
            className={`panel stack verify-result ${report.ok ? 'verify-ok' : 'verify-bad'}`}
            data-testid="verify-result"
            data-fault={report.fault ?? ''}
            aria-live="polite"
          >
            <h2>{report.ok ? t('verify.ok') : t('verify.failed')}</h2>
            {report.fault ? (
              <p data-testid="verify-fault">
                {t(`verify.fault.${report.fault}` satisfies `verify.fault.${SealFault}`)}
                {report.detail ? <span className="mono"> ({report.detail})</span> : null}
              </p>
            ) : null}
            {report.title ? <p className="verify-title">« {report.title} »</p> : null}
            {report.signedAt ? <p>{t('verify.signedAt', { time: time(report.signedAt) })}</p> : null}
            {report.signer ? <p>{t('verify.signer', { name: report.signer })}</p> : null}
            {report.rootSubject ? (
              <p>
                {t(report.rootSource === 'given' ? 'verify.rootGiven' : 'verify.rootEmbedded', {
                  name: report.rootSubject,
                })}
              </p>
            ) : null}
            {report.rootFingerprint ? (
              <p className="mono verify-fingerprint">
                {t('verify.rootFingerprint', { fingerprint: report.rootFingerprint })}
              </p>
            ) : null}
            {report.count !== undefined ? (
              <p>{t('verify.count', { count: report.count, voided: report.voided ?? 0 })}</p>
            ) : null}
            {report.head ? <p className="mono verify-fingerprint">{t('verify.head', { head: report.head })}</p> : null}
            {report.receipt ? (
              <p data-testid="verify-receipt-found">
                {t('verify.receiptFound', {
                  sequence: report.receipt.sequence,
                  code: receiptCode(report.receipt.hash),
                })}
              </p>
            ) : null}
          </section>
        ) : null}
      </main>
    </>
  );
}
