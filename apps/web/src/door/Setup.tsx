import { useEffect, useState, type FormEvent } from 'react';
import { api, type ConferenceSummary } from '../api';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

/** Lists the conferences the token can see; chosen once, then remembered. */
export function ConferenceChooser({ onChoose }: { onChoose: (conferenceId: string) => void }) {
  const { t } = useLang();
  const [list, setList] = useState<readonly ConferenceSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.listConferences().then(
      (found) => live && setList(found),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  return (
    <section className="panel stack">
      <h2>{t('conference.choose')}</h2>
      <ErrorMessage error={error} />
      {error ? (
        <button type="button" className="btn btn-large" onClick={() => setAttempt((n) => n + 1)}>
          {t('common.retry')}
        </button>
      ) : null}
      {list === null && !error ? <p>{t('common.loading')}</p> : null}
      {list?.length === 0 ? <p>{t('conference.none')}</p> : null}
      {list?.map((c) => (
        <button
          key={c.conferenceId}
          type="button"
          className="btn btn-large btn-choice"
          onClick={() => onChoose(c.conferenceId)}
        >
          {c.name || c.conferenceId}
        </button>
      ))}
    </section>
  );
}

/** The door this phone stands at, sent with every scan; offered from the conference's doors, or typed. */
export function DoorChooser({
  doors,
  onChoose,
  spaces = [],
  onChooseSpace,
}: {
  doors: readonly string[];
  onChoose: (door: string) => void;
  /** The conference's spaces (issue 23): a phone at a room's door counts entries and exits there. */
  spaces?: readonly string[];
  onChooseSpace?: (space: string) => void;
}) {
  const { t } = useLang();
  const [custom, setCustom] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (custom.trim() !== '') onChoose(custom.trim());
  };
  return (
    <section className="panel stack">
      <h2>{t('door.chooseTitle')}</h2>
      <p className="hint">{t('door.chooseHint')}</p>
      {doors.map((door) => (
        <button key={door} type="button" className="btn btn-large btn-choice" onClick={() => onChoose(door)}>
          {door}
        </button>
      ))}
      {/* A conference that names its doors accepts scans at those doors only (the server refuses others). */}
      {doors.length === 0 && (
        <form className="stack" onSubmit={submit}>
          <label className="field">
            <span>{t('door.custom')}</span>
            <input
              className="input-large"
              value={custom}
              placeholder={t('door.customPlaceholder')}
              onChange={(e) => setCustom(e.target.value)}
            />
          </label>
          <button type="submit" className="btn" disabled={custom.trim() === ''}>
            {t('door.customSubmit')}
          </button>
        </form>
      )}
      {spaces.length > 0 && onChooseSpace ? (
        <section className="stack" aria-labelledby="space-choice-title">
          <h2 id="space-choice-title">{t('space.chooseTitle')}</h2>
          <p className="hint">{t('space.chooseHint')}</p>
          {spaces.map((space) => (
            <button key={space} type="button" className="btn btn-large btn-choice" onClick={() => onChooseSpace(space)}>
              {space}
            </button>
          ))}
        </section>
      ) : null}
    </section>
  );
}
