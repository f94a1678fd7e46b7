import { useLang } from './i18n';

/**
 * Shown on every page opened outside a secure context (plain http:// on a LAN
 * address): browsers then give no camera, no service worker and no
 * crypto.subtle, so the door can neither scan nor work offline. Says so
 * plainly, and what to do, rather than letting a button fail later.
 * (localhost and 127.0.0.1 are secure contexts: nothing is shown there.)
 */
export function InsecureContextNotice() {
  const { t } = useLang();
  if (typeof window === 'undefined' || window.isSecureContext) return null;
  return (
    <div className="banner banner-warning insecure-context stack" role="status" data-testid="insecure-context">
      <strong>{t('tls.insecureTitle')}</strong>
      <span>{t('tls.insecure')}</span>
      <span>{t('tls.insecureWhat')}</span>
    </div>
  );
}
