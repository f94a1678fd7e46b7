import { useState } from 'react';
import { api, type Conference } from '../api';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

/**
 * The organisers' walk-in rule, saved on its own (`PUT …/walk-in-policy`,
 * one event per change): editing the conference's details never turns it
 * off by accident, and the switch takes effect at the doors at once.
 */
export function WalkInPolicyPanel({ conference, onSaved }: { conference: Conference; onSaved: () => void }) {
  const { t } = useLang();
  const [on, setOn] = useState(conference.walkIns?.beyondCapacity === true);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const change = async (beyondCapacity: boolean) => {
    // The box shows the choice at once; an error puts it back as the server has it.
    setOn(beyondCapacity);
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      const answer = await api.setWalkInPolicy(conference.conferenceId, beyondCapacity);
      setOn(answer.beyondCapacity);
      setSaved(true);
      onSaved();
    } catch (e) {
      setOn(!beyondCapacity);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel stack" aria-labelledby="walk-in-policy-title">
      <h2 id="walk-in-policy-title">{t('admin.walkIns.title')}</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          disabled={busy}
          aria-describedby="walk-in-policy-hint"
          onChange={(e) => void change(e.target.checked)}
        />
        <span>{t('admin.walkIns.beyondCapacity')}</span>
      </label>
      <p className="hint" id="walk-in-policy-hint">
        {t('admin.walkIns.hint')}
      </p>
      {saved ? (
        <p className="banner banner-info" role="status">
          {t('admin.walkIns.saved')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}
