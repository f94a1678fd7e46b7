import { ApiError, fullName, NetworkError, signerErased } from './api';
import { isMessageKey, type Lang, type Translate } from './i18n';

// Apart (no React, no i18n) for the door's engine, whose parts are tested in Node.
export { newId } from './ids';

/** HH:MM in the conference's time zone: the door and the hall share one clock, whatever the phone's setting. */
export function formatTime(iso: string, timeZone: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }).format(date);
  } catch {
    return date.toISOString().slice(11, 16);
  }
}

export function formatMoney(cents: number, currency: string, lang: Lang): string {
  try {
    return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency }).format(
      cents / 100,
    );
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** The French (or English) sentence for an error: the code decides, the server's message is never shown raw. */
export function errorText(t: Translate, error: unknown): string {
  if (error instanceof NetworkError) return t('error.network');
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    if (isMessageKey(key)) {
      const fields = error.errors.map((e) => e.field).filter((f) => f !== '');
      const base = t(key);
      return fields.length > 0 ? `${base} (${[...new Set(fields)].join(', ')})` : base;
    }
    return t('error.unknown', { code: error.code });
  }
  return t('error.unknown', { code: error instanceof Error ? error.name : 'error' });
}

/** A person's name as shown, or « Personne effacée » once the person exercised the right to be forgotten. */
export function personName(t: Translate, person: { firstName: string; lastName: string; erased?: boolean }): string {
  return person.erased ? t('person.erased') : fullName(person);
}

/** A signer's name (the charter, the kiosk), with the same rule. */
export function signerName(t: Translate, signer: { name: string | null }): string {
  return signer.name === null || signerErased(signer) ? t('person.erased') : signer.name;
}

/** Date and time, in the browser's zone (a device's activity is the organiser's concern, not the hall's clock). */
export function formatDateTime(iso: string | null, lang: Lang): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(date);
}

/** « à l’instant », « il y a 2 min », « il y a 3 h », « il y a 2 j »; `null` is « jamais ». */
export function formatRelative(t: Translate, iso: string | null, now: number, lang: Lang): string {
  if (!iso) return t('time.never');
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 45) return t('time.justNow');
  const format = new Intl.RelativeTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'short', numeric: 'always' });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return format.format(-Math.max(1, minutes), 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return format.format(-hours, 'hour');
  return format.format(-Math.round(hours / 24), 'day');
}
