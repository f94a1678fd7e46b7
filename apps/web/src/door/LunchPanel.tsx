import { useState } from 'react';
import { api, PAYMENT_METHODS, type ConferenceDetails as Conference, type PaymentMethod } from '../api';
import { errorText, formatMoney, newId } from '../format';
import { useLang } from '../i18n';

interface Props {
  conference: Conference;
  registrationId: string;
  expected: boolean;
  paid: boolean;
  /** No server: the payment cannot be recorded, and the panel says so. */
  offline?: boolean;
  /** Only whether lunch is due (before the admission, where the screen has no room): it is paid afterwards. */
  compact?: boolean;
}

/**
 * Whether the person booked lunch and paid, and the payment itself. The
 * payment id is drawn once per person shown, so a double tap or a retry after
 * a lost answer records one payment.
 */
export function LunchPanel({ conference, registrationId, expected, paid, offline = false, compact = false }: Props) {
  const { t, lang } = useLang();
  const [paymentId] = useState(newId);
  const [paidWith, setPaidWith] = useState<PaymentMethod | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fee = conference.lunch;
  if (!fee || registrationId === '') return null;
  const price = formatMoney(fee.priceCents, fee.currency, lang);

  const pay = async (method: PaymentMethod) => {
    setBusy(true);
    setError(null);
    try {
      await api.payLunch(conference.conferenceId, registrationId, { paymentId, amountCents: fee.priceCents, method });
      setPaidWith(method);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const isPaid = paid || paidWith !== null;
  return (
    <section className={`lunch ${isPaid ? 'lunch-paid' : expected ? 'lunch-due' : ''}`} aria-label={t('lunch.title')}>
      <p className="lunch-status">
        {paidWith
          ? t('lunch.paid', { method: t(`lunch.method.${paidWith}`) })
          : !expected && !paid
            ? t('lunch.notExpected')
            : paid
              ? t('lunch.expectedPaid')
              : t('lunch.expectedUnpaid', { price })}
      </p>
      {!isPaid && expected && offline && !compact ? <p className="hint">{t('offline.needsNetworkLunch')}</p> : null}
      {!isPaid && expected && !offline && !compact ? (
        <div className="row" role="group" aria-label={t('lunch.pay', { price })}>
          {PAYMENT_METHODS.map((method) => (
            <button key={method} type="button" className="btn" disabled={busy} onClick={() => void pay(method)}>
              {t(`lunch.method.${method}`)}
            </button>
          ))}
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </section>
  );
}
