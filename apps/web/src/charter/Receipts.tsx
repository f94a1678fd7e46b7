import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { receiptCode, type SignatureReceipt } from '../../../../libs/charter/src/receipt';
import type { Charter, CharterSignature } from '../api';
import { formatTime, signerName } from '../format';
import { useLang } from '../i18n';

/** One signer's receipt, as the tablet showed it: the QR code of the receipt's JSON and the short code. */
function ReceiptCard(props: { charterId: string; signature: CharterSignature; timeZone: string }) {
  const { t, lang } = useLang();
  const { signature } = props;
  const qr = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    // The receipt's fields are the chain entry's, which the charter's view already holds.
    const receipt: SignatureReceipt = {
      charterId: props.charterId,
      signatureId: signature.signatureId,
      sequence: signature.sequence,
      hash: signature.hash,
      previousHash: signature.previousHash,
      signedAt: signature.signedAt,
    };
    if (qr.current)
      QRCode.toCanvas(qr.current, JSON.stringify(receipt), { errorCorrectionLevel: 'M', margin: 2, width: 160 }).catch(
        () => undefined,
      );
  }, [props.charterId, signature]);
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
      <canvas ref={qr} className="receipt-qr" />
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
              <ReceiptCard
                key={s.signatureId}
                charterId={props.charter.charterId}
                signature={s}
                timeZone={props.timeZone}
              />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
