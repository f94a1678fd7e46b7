import { useEffect, useState } from 'react';
import { api, type Attendee } from '../api';
import { formatTime, personName } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';
import { UndoButton } from './UndoButton';

/**
 * Search by name or organisation (and e-mail, on the server). The forgiving
 * match (accents, case, one typo) is `libs/conference`'s, run on the phone's
 * list when it has one (offline too), otherwise by the server.
 */
export function AttendeeSearch({
  conferenceId,
  onPick,
  onUndo,
  searchLocal,
  timezone,
}: {
  conferenceId: string;
  /** The conference's zone, for the time a person came in. */
  timezone: string;
  onPick: (a: Attendee) => void;
  /** Undo the person's admission, with the reason (a refusal is thrown, and shown by the door). */
  onUndo?: (a: Attendee, reason: string) => Promise<void>;
  /** The phone's own list, when it has one: the same match, without the network. */
  searchLocal: ((q: string) => Attendee[]) | null;
}) {
  const { t, lang } = useLang();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<{ q: string; items: Attendee[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Bumped after an undo: the same query again shows the person as no longer in.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const query = q.trim();
    if (query.length < 2) {
      setResults(null);
      return undefined;
    }
    if (searchLocal) {
      setError(null);
      setResults({ q: query, items: searchLocal(query) });
      return undefined;
    }
    let live = true;
    // Wait for a pause in typing: one request per word, not per letter.
    const timer = setTimeout(() => {
      api.searchAttendees(conferenceId, query).then(
        (items) => {
          if (!live) return;
          setError(null);
          setResults({ q: query, items });
        },
        (e: unknown) => live && setError(e),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, conferenceId, searchLocal, version]);

  return (
    <section className="search stack">
      <label className="field">
        <span>{t('door.search')}</span>
        <input
          type="search"
          className="input-large"
          value={q}
          placeholder={t('door.searchPlaceholder')}
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      <ErrorMessage error={error} />
      {results && results.items.length === 0 ? <p className="hint">{t('door.searchNone', { q: results.q })}</p> : null}
      {results && results.items.length > 0 ? (
        <ul className="results" aria-label={t('door.search')}>
          {results.items.map((a) => (
            <li key={a.registrationId}>
              <button type="button" className="result-item" onClick={() => onPick(a)}>
                <span className="result-name" id={`result-name-${a.registrationId}`}>
                  {personName(t, a)}
                </span>
                <span className="result-detail">
                  {[
                    a.organisation,
                    a.category ? t(`category.${a.category}`) : null,
                    a.status ? t(`status.${a.status}`) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                {a.admitted ? (
                  // Who is already in, before anyone scans them again (« who let this person in? »).
                  <span className="search-admitted" data-testid="result-admitted">
                    {t('door.searchAdmitted', {
                      time: formatTime(a.admitted.at, timezone, lang),
                      door: a.admitted.door,
                    })}
                  </span>
                ) : null}
              </button>
              {a.admitted && onUndo ? (
                <UndoButton
                  label={t('door.undoAdmission')}
                  describedBy={`result-name-${a.registrationId}`}
                  onUndo={(reason) => onUndo(a, reason).then(() => setVersion((v) => v + 1))}
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
