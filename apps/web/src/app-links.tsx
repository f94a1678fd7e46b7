import { useEffect, useState } from 'react';
import { deskApi, type CharterListItem } from './api';
import { useDevice } from './device';
import { useLang } from './i18n';

/**
 * One way around for organisers: the organisers' page, each charter (by its
 * title, opened directly) and the dashboard of the same conference, in the
 * top bar of each. Shown to organisers only: a screen or a tablet has no
 * business on the others, and its role could not list the charters anyway.
 */
export function AppLinks({ conferenceId, current }: { conferenceId: string | null; current: 'admin' | 'dashboard' }) {
  const { t } = useLang();
  const info = useDevice();
  const organiser = info?.device?.role === 'organiser';
  const [charters, setCharters] = useState<readonly CharterListItem[]>([]);

  useEffect(() => {
    if (!organiser || !conferenceId) return undefined;
    let live = true;
    deskApi.charters(conferenceId).then(
      (list) => live && setCharters(list),
      () => undefined, // the links to the other pages still work without the charters
    );
    return () => {
      live = false;
    };
  }, [organiser, conferenceId]);

  if (!organiser || !conferenceId) return null;
  const q = `conference=${encodeURIComponent(conferenceId)}`;
  return (
    <nav className="admin-links" aria-label={t('links.label')}>
      <a href={`/admin/?${q}`} aria-current={current === 'admin' ? 'page' : undefined}>
        {t('links.admin')}
      </a>
      {charters.map((c) => (
        <a key={c.charterId} href={`/charter/?${q}&charter=${encodeURIComponent(c.charterId)}`}>
          {t('links.charter', { title: c.title || c.charterId })}
        </a>
      ))}
      <a href={`/dashboard/?${q}`} aria-current={current === 'dashboard' ? 'page' : undefined}>
        {t('links.dashboard')}
      </a>
    </nav>
  );
}
