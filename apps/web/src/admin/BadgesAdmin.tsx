import { useEffect, useState } from 'react';
import { BADGE_LAYOUTS, type BadgeLayout, type DoorPrinterList } from '@emargement/contract';
import { api, download } from '../api';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

/**
 * Badges for the organisers (issue 24): the welcome tables' sheet in a
 * layout (alphabetical, a divider per letter; optionally only the badges not
 * printed yet), and each door's printer queue on the server.
 */
export function BadgesAdmin({ conferenceId, doors }: { conferenceId: string; doors: readonly string[] }) {
  const { t } = useLang();
  const [layout, setLayout] = useState<BadgeLayout>('a4-8');
  const [unprinted, setUnprinted] = useState(false);
  const [printers, setPrinters] = useState<DoorPrinterList>([]);
  const [door, setDoor] = useState(doors[0] ?? '');
  const [queue, setQueue] = useState('');
  const [onAdmission, setOnAdmission] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api.badgePrinters(conferenceId).then(
      (list) => live && setPrinters(list),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId]);

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    api
      .setBadgePrinter(conferenceId, { door, queue: queue.trim() || null, printOnAdmission: onAdmission })
      .then(setPrinters, setError);
  };

  return (
    <section className="stack badges-admin" aria-labelledby="badges-admin-title">
      <h2 id="badges-admin-title">{t('badges.title')}</h2>
      <div className="actions">
        <label className="field">
          <span>{t('badges.layout')}</span>
          <select value={layout} onChange={(e) => setLayout(e.target.value as BadgeLayout)}>
            {BADGE_LAYOUTS.map((l) => (
              <option key={l} value={l}>
                {t(`badges.layout.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={unprinted} onChange={(e) => setUnprinted(e.target.checked)} />
          <span>{t('badges.unprinted')}</span>
        </label>
        <button
          type="button"
          className="btn"
          onClick={() =>
            void download(api.allBadgesPath(conferenceId, layout, unprinted), 'badges.pdf').catch(setError)
          }
        >
          {t('badges.sheet')}
        </button>
      </div>
      <h3>{t('badges.printers')}</h3>
      {printers.length > 0 ? (
        <ul>
          {printers.map((p) => (
            <li key={p.door}>
              {p.door} : {p.queue}
              {p.printOnAdmission ? ` — ${t('badges.onAdmission')}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">{t('badges.noPrinter')}</p>
      )}
      <form className="actions" onSubmit={save}>
        <label className="field">
          <span>{t('badges.door')}</span>
          <select value={door} onChange={(e) => setDoor(e.target.value)}>
            {doors.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('badges.queue')}</span>
          <input value={queue} onChange={(e) => setQueue(e.target.value)} placeholder="badges-accueil" />
        </label>
        <label className="check">
          <input type="checkbox" checked={onAdmission} onChange={(e) => setOnAdmission(e.target.checked)} />
          <span>{t('badges.onAdmission')}</span>
        </label>
        <button type="submit" className="btn">
          {t('badges.save')}
        </button>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
    </section>
  );
}
