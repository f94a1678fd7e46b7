import { useEffect, useState } from 'react';
import { receiptCode } from '@emargement/charter/receipt.js';
import type { Charter, CharterSignature } from '../api';
import { formatTime, signerName } from '../format';
import { useLang } from '../i18n';
import { QrCanvas } from '../qr/QrCanvas';
import { verifyLink } from './digest';

/**
 * One signer's receipt, as the tablet showed it: the QR code is the link to the public verifier with the receipt's
 * hash filled in (the same as on the tablet's screen), and the short code beside it.
 */
function ReceiptCard(props: { signature: CharterSignature; timeZone: string }) {
  const { t, lang } = useLang();
  const { signature } = props;
  return (
    <div className="receipt-card" data-testid="receipt-card">
      <strong>
        {t('charter.receiptFor', {
          sequence: signature.sequence,
          name: signerName(t, signature),
          organisation: signature.onBehalfOf,
        })}
      </strong>
      <span>{formatTime(signature.signedAt, props.timeZone, lang)}</span>
      <QrCanvas
        text={verifyLink(signature.hash)}
        width={160}
        margin={2}
        className="receipt-qr"
        testId="receipt-card-qr"
        label={t('kiosk.receiptQr')}
      />
      <span className="mono">{t('charter.receiptCode', { code: receiptCode(signature.hash) })}</span>
    </div>
  );
}

/** The organisers' printable receipts, one card per standing signature; printing hides the rest of the page. */
export function Receipts(props: { charter: Charter; timeZone: string }) {
  const { t } = useLang();
  const [shown, setShown] = useState(false);
  const standing = props.charter.signatures.filter((s) => s.voided === null);
  useEffect(() => {
    if (!shown) return undefined;
    const done = () => document.body.classList.remove('printing-receipts');
    window.addEventListener('afterprint', done);
    return () => {
      window.removeEventListener('afterprint', done);
      done();
    };
  }, [shown]);
  if (standing.length === 0) return null;
  const print = () => {
    setShown(true);
    // After React has drawn the cards and their QR codes.
    setTimeout(() => {
      document.body.classList.add('printing-receipts');
      window.print();
    }, 100);
  };
  return (
    <section className="stack receipts-section" aria-labelledby="charter-receipts">
      <div className="actions">
        <button type="button" className="btn" onClick={print} data-testid="print-receipts">
          {t('charter.printReceipts')}
        </button>
        <a className="btn btn-link" href="/verify/">
          {t('charter.verifyPage')}
        </a>
      </div>
      {shown ? (
        <>
          <h2 id="charter-receipts">{t('charter.receiptsTitle')}</h2>
          <div className="receipts-print">
            {standing.map((s) => (
              <ReceiptCard key={s.signatureId} signature={s} timeZone={props.timeZone} />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
