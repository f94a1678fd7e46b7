import { useState } from 'react';
import { api, PAYMENT_METHODS, type ConferenceDetails as Conference, type PaymentMethod } from '../api';
import { errorText, formatMoney, newId } from '../format';
import { useLang } from '../i18n';

/** A payment as it was taken: what a reversal names and gives back. */
export interface TakenPayment {
  paymentId: string;
  amountCents: number;
  method: PaymentMethod;
}

/**
 * How the panel records: straight to the server (the organisers' page), or
 * through the door's engine, which keeps a payment in its outbox when the
 * server is away (`queued`) and counts the door's till.
 */
export interface LunchActions {
  pay: (payment: TakenPayment) => Promise<{ queued: boolean }>;
  reverse: (payment: TakenPayment, reason: string) => Promise<{ queued: boolean }>;
}

const directActions = (conferenceId: string, registrationId: string): LunchActions => ({
  pay: async (payment) => {
    await api.payLunch(conferenceId, registrationId, payment);
    return { queued: false };
  },
  reverse: async (payment, reason) => {
    await api.reverseLunch(conferenceId, registrationId, payment.paymentId, reason);
    return { queued: false };
  },
});

interface Props {
  conference: Conference;
  registrationId: string;
  expected: boolean;
  paid: boolean;
  /** The standing payment, when known (the person's history): it can then be reversed from here. */
  standing?: TakenPayment | null;
  actions?: LunchActions;
  /** Only whether lunch is due (before the admission, where the screen has no room): it is paid afterwards. */
  compact?: boolean;
  /** After a payment or a reversal (the organisers' page reads the person again). */
  onChange?: () => void;
}

/**
 * Whether the person booked lunch and paid, the payment itself, and taking it
 * back with a reason. The payment id is drawn once per payment shown, so a
 * double tap or a retry after a lost answer records one payment; a reversal
 * draws a new one for the next.
 */
export function LunchPanel(props: Props) {
  const { conference, registrationId, expected, compact = false } = props;
  const { t, lang } = useLang();
  const [paymentId, setPaymentId] = useState(newId);
  const [taken, setTaken] = useState<(TakenPayment & { queued: boolean }) | null>(null);
  const [reversed, setReversed] = useState<TakenPayment | null>(null);
  const [reversing, setReversing] = useState(false);
  const [reason, setReason] = useState(() => t('lunch.reverseReasonDefault'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fee = conference.lunch;
  if (!fee || registrationId === '') return null;
  const actions = props.actions ?? directActions(conference.conferenceId, registrationId);
  const price = formatMoney(fee.priceCents, fee.currency, lang);
  // What this panel did last wins over what it was told when it opened.
  const standing = taken ?? (reversed ? null : (props.standing ?? null));
  const isPaid = taken !== null || (reversed === null && props.paid);

  const act = async (job: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await job();
      props.onChange?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const pay = (method: PaymentMethod) =>
    act(async () => {
      const payment = { paymentId, amountCents: fee.priceCents, method };
      const { queued } = await actions.pay(payment);
      setTaken({ ...payment, queued });
      setReversed(null);
    });
  const reverse = (payment: TakenPayment) =>
    act(async () => {
      await actions.reverse(payment, reason.trim());
      setReversed(payment);
      setTaken(null);
      setReversing(false);
      setPaymentId(newId());
    });

  return (
    <section
      className={`lunch ${isPaid ? 'lunch-paid' : expected ? 'lunch-due' : ''}`}
      aria-label={t('lunch.title')}
      data-testid="lunch-panel"
    >
      <p className="lunch-status" data-testid="lunch-status">
        {taken
          ? t(taken.queued ? 'lunch.paidQueued' : 'lunch.paid', { method: t(`lunch.method.${taken.method}`) })
          : !expected && !isPaid
            ? t('lunch.notExpected')
            : isPaid
              ? t('lunch.expectedPaid')
              : t('lunch.expectedUnpaid', { price })}
      </p>
      {reversed && !taken ? (
        <p className="hint" role="status">
          {t('lunch.reversed', {
            amount: formatMoney(reversed.amountCents, fee.currency, lang),
            method: t(`lunch.method.${reversed.method}`),
          })}
        </p>
      ) : null}
      {!isPaid && expected && !compact ? (
        <div className="row" role="group" aria-label={t('lunch.pay', { price })}>
          {PAYMENT_METHODS.map((method) => (
            <button key={method} type="button" className="btn" disabled={busy} onClick={() => void pay(method)}>
              {t(`lunch.method.${method}`)}
            </button>
          ))}
        </div>
      ) : null}
      {isPaid && standing && !compact && !reversing ? (
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => setReversing(true)}>
          {t('lunch.reverse')}
        </button>
      ) : null}
      {isPaid && standing && reversing ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== '') void reverse(standing);
          }}
        >
          <label className="field">
            <span>{t('lunch.reverseReason')}</span>
            <input className="input-large" value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setReversing(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-danger" disabled={busy || reason.trim() === ''}>
              {t('lunch.reverseConfirm')}
            </button>
          </div>
        </form>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </section>
  );
}
