import { useEffect, useState } from 'react';
import type { BackupStatus } from '@emargement/contract';
import { request } from '../api';
import { useLang } from '../i18n';

const REFRESH_MS = 30_000;

/**
 * The backups of the day, where the organisers look (issue 28): « dernière
 * sauvegarde il y a 4 min », or the last failure in red (the stick pulled
 * out, the disk full), or that none are configured. Refreshed every 30 s;
 * says nothing while it has not heard from the server.
 */
export function BackupNotice() {
  const { t, lang } = useLang();
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let live = true;
    const load = () =>
      request<BackupStatus>('GET', '/api/backups').then(
        (s) => {
          if (!live) return;
          setStatus(s);
          setNow(Date.now());
        },
        () => undefined, // the page's other calls report the network; this one stays quiet
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  if (status === null) return null;
  const ago = (iso: string): string => {
    const minutes = Math.round((Date.parse(iso) - now) / 60_000);
    if (minutes === 0) return t('backup.justNow');
    if (minutes > -60) return new Intl.RelativeTimeFormat(lang).format(minutes, 'minute');
    return new Intl.RelativeTimeFormat(lang).format(Math.round(minutes / 60), 'hour');
  };
  if (!status.enabled) {
    return (
      <p className="backup-notice backup-off" data-testid="backup-notice">
        {t('backup.off')}
      </p>
    );
  }
  if (status.lastFailure) {
    return (
      <p className="error backup-notice" role="alert" data-testid="backup-notice">
        {t('backup.failed', { when: ago(status.lastFailure.at), message: status.lastFailure.message })}
      </p>
    );
  }
  return (
    <p className="backup-notice" data-testid="backup-notice">
      {status.last ? t('backup.last', { when: ago(status.last.at) }) : t('backup.none')}
    </p>
  );
}
