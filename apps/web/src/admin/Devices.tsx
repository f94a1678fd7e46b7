import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

type Role = 'door' | 'kiosk' | 'display' | 'organiser';
const ROLES: Role[] = ['door', 'kiosk', 'display', 'organiser'];

/**
 * Issues a token for a phone or tablet and shows, once, the link that sets the
 * device up (conference and token) in one tap. The server never shows the
 * token again; losing it means issuing another and revoking the first.
 */
export function Devices({ conferenceId }: { conferenceId: string }) {
  const { t } = useLang();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('door');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    setBusy(true);
    setError(null);
    setLink(null);
    try {
      const { token } = await api.createDevice(name.trim(), role);
      const page = role === 'door' ? '/door/' : role === 'organiser' ? '/admin/' : '/';
      const url = new URL(page, window.location.origin);
      url.searchParams.set('conference', conferenceId);
      url.searchParams.set('token', token);
      setLink(url.toString());
      setName('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel stack">
      <h2>{t('admin.devices')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('admin.deviceName')}</span>
          <input className="input-large" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('admin.deviceRole')}</span>
          <select className="input-large" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`admin.role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary btn-large" disabled={busy || name.trim() === ''}>
          {t('admin.deviceCreate')}
        </button>
      </form>
      <ErrorMessage error={error} />
      {link ? (
        <div className="stack">
          <p>{t('admin.deviceLink')}</p>
          <input className="input-large mono" readOnly value={link} onFocus={(e) => e.target.select()} />
        </div>
      ) : null}
    </section>
  );
}
