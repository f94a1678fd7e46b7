import { PAYMENT_METHODS } from '../api';
import { formatMoney } from '../format';
import { useLang } from '../i18n';
import type { Till } from './offline/door-engine';

/**
 * The lunch money this phone took, by method, reversals deducted: what the
 * volunteer counts the cash box and the card slips against at the end.
 */
export function LunchTill({ till, currency }: { till: Till; currency: string }) {
  const { t, lang } = useLang();
  const lines = PAYMENT_METHODS.flatMap((method) => {
    const line = till[method];
    return line && line.count !== 0 ? [{ method, ...line }] : [];
  });
  return (
    <section className="lunch-till" aria-labelledby="lunch-till-title" data-testid="lunch-till">
      <h2 id="lunch-till-title" className="label">
        {t('lunch.till')}
      </h2>
      {lines.length === 0 ? (
        <p className="hint">{t('lunch.tillEmpty')}</p>
      ) : (
        <ul>
          {lines.map((line) => (
            <li key={line.method} data-testid={`lunch-till-${line.method}`}>
              {t('lunch.tillLine', {
                method: t(`lunch.method.${line.method}`),
                amount: formatMoney(line.cents, currency, lang),
                count: line.count,
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
