import { useState, type FormEvent, type ReactNode } from 'react';
import { useDevice } from './device';
import { useLang } from './i18n';
import { InsecureContextNotice } from './insecure-context';
import { storage } from './storage';
import { errorText } from './format';

/** The bar every page shares: the page's title, what it is set up for, and the language switch. */
export function TopBar({ title, detail, actions }: { title: string; detail?: ReactNode; actions?: ReactNode }) {
  const { lang, setLang, t } = useLang();
  return (
    <header className="topbar">
      <div className="topbar-row">
        <h1>{title}</h1>
        <button
          type="button"
          className="lang-toggle"
          aria-label={t('lang.switchLabel')}
          lang={lang === 'fr' ? 'en' : 'fr'}
          onClick={() => setLang(lang === 'fr' ? 'en' : 'fr')}
        >
          {t('lang.switch')}
        </button>
      </div>
      <DeviceLine />
      <InsecureContextNotice />
      {detail || actions ? (
        <div className="topbar-row">
          <div className="topbar-detail">{detail}</div>
          {actions ? <div className="topbar-actions">{actions}</div> : null}
        </div>
      ) : null}
    </header>
  );
}

/** « Appareil : Porte A (accueil) »; a role the page is not made for is pointed out. */
function DeviceLine() {
  const { t } = useLang();
  const info = useDevice();
  if (!info?.device) return null;
  const { device, roles } = info;
  const role = device.role ? t(`role.${device.role}`) : '?';
  const mismatch = device.role !== null && !roles.includes(device.role);
  return (
    <p className="topbar-device">
      <span data-testid="device-name">{t('auth.device', { name: device.name, role })}</span>
      {mismatch ? (
        <span className="topbar-device-warning" role="status">
          {' — '}
          {t('auth.roleMismatch')}
        </span>
      ) : null}
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useLang();
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert">
      {errorText(t, error)}
    </p>
  );
}

/** Asks for the device token when none is stored (a device link sets it without asking). */
export function TokenForm({ onDone }: { onDone: () => void }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() === '') return;
    storage.setToken(value.trim());
    onDone();
  };
  return (
    <form className="panel stack" onSubmit={submit}>
      <h2>{t('token.title')}</h2>
      <p className="hint">{t('token.hint')}</p>
      <label className="field">
        <span>{t('token.label')}</span>
        <input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="input-large"
        />
      </label>
      <button type="submit" className="btn btn-primary btn-large">
        {t('token.submit')}
      </button>
    </form>
  );
}
