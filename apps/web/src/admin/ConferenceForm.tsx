import { useState, type FormEvent } from 'react';
import { api, ApiError, type Conference, type ConferenceRequest } from '../api';
import { newId } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';
import { isoToLocal, localToIso } from './time';

interface Props {
  /** null to create a new conference. */
  conference: Conference | null;
  onSaved: (conferenceId: string) => void;
}

interface Draft {
  name: string;
  venue: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  capacity: string;
  idCheckRequired: boolean;
  lunchOffered: boolean;
  lunchPrice: string;
  currency: string;
  doors: string;
}

const draftOf = (c: Conference | null): Draft =>
  c
    ? {
        name: c.name,
        venue: c.venue,
        startsAt: isoToLocal(c.startsAt, c.timezone),
        endsAt: isoToLocal(c.endsAt, c.timezone),
        timezone: c.timezone,
        capacity: String(c.capacity),
        idCheckRequired: c.idCheckRequired,
        lunchOffered: c.lunch !== null,
        lunchPrice: c.lunch ? (c.lunch.priceCents / 100).toFixed(2) : '',
        currency: c.lunch?.currency ?? 'EUR',
        doors: c.doors.join('\n'),
      }
    : {
        name: '',
        venue: '',
        startsAt: '',
        endsAt: '',
        timezone: 'Europe/Paris',
        capacity: '100',
        idCheckRequired: false,
        lunchOffered: false,
        lunchPrice: '',
        currency: 'EUR',
        doors: '',
      };

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone !== '';
  } catch {
    return false;
  }
};

/** Creates the conference, or edits every detail of an existing one (the server keeps both as events). */
export function ConferenceForm({ conference, onSaved }: Props) {
  const { t } = useLang();
  const [draft, setDraft] = useState<Draft>(() => draftOf(conference));
  // Drawn once per form: a second press after a lost answer is the same creation.
  const [conferenceId] = useState(() => conference?.conferenceId ?? newId());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!isTimeZone(draft.timezone.trim())) {
      setError(new ApiError(400, 'invalid_timezone', ''));
      return;
    }
    const startsAt = localToIso(draft.startsAt, draft.timezone.trim());
    const endsAt = localToIso(draft.endsAt, draft.timezone.trim());
    if (!startsAt || !endsAt) {
      setError(new ApiError(400, 'missing_field', ''));
      return;
    }
    const priceCents = Math.round(Number(draft.lunchPrice.replace(',', '.')) * 100);
    if (draft.lunchOffered && !(priceCents >= 0)) {
      setError(new ApiError(400, 'invalid_lunch_fee', ''));
      return;
    }
    const body: Omit<ConferenceRequest, 'conferenceId'> = {
      name: draft.name.trim(),
      venue: draft.venue.trim(),
      startsAt,
      endsAt,
      timezone: draft.timezone.trim(),
      capacity: Number(draft.capacity),
      idCheckRequired: draft.idCheckRequired,
      ...(draft.lunchOffered ? { lunch: { priceCents, currency: draft.currency.trim().toUpperCase() } } : {}),
      doors: draft.doors
        .split('\n')
        .map((d) => d.trim())
        .filter((d) => d !== ''),
    };
    setBusy(true);
    try {
      if (conference) await api.reviseConference(conference.conferenceId, body);
      else await api.createConference({ conferenceId, ...body });
      setSaved(true);
      onSaved(conferenceId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const input = (key: 'name' | 'venue' | 'timezone' | 'capacity' | 'startsAt' | 'endsAt', type = 'text') => (
    <label className="field">
      <span>{t(`field.${key}`)}</span>
      <input
        className="input-large"
        type={type}
        required
        min={type === 'number' ? 1 : undefined}
        value={draft[key]}
        onChange={(e) => set(key, e.target.value)}
      />
    </label>
  );

  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)}>
      <h2>{conference ? t('admin.conference') : t('admin.newConference')}</h2>
      {input('name')}
      {input('venue')}
      <div className="grid-2">
        {input('startsAt', 'datetime-local')}
        {input('endsAt', 'datetime-local')}
      </div>
      <div className="grid-2">
        {input('timezone')}
        {input('capacity', 'number')}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.idCheckRequired}
          onChange={(e) => set('idCheckRequired', e.target.checked)}
        />
        <span>{t('field.idCheckRequired')}</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.lunchOffered} onChange={(e) => set('lunchOffered', e.target.checked)} />
        <span>{t('field.lunchOffered')}</span>
      </label>
      {draft.lunchOffered ? (
        <div className="grid-2">
          <label className="field">
            <span>{t('field.lunchPrice')}</span>
            <input
              className="input-large"
              inputMode="decimal"
              required
              value={draft.lunchPrice}
              onChange={(e) => set('lunchPrice', e.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('field.currency')}</span>
            <input className="input-large" value={draft.currency} onChange={(e) => set('currency', e.target.value)} />
          </label>
        </div>
      ) : null}
      <label className="field">
        <span>{t('field.doors')}</span>
        <textarea className="input-large" rows={3} value={draft.doors} onChange={(e) => set('doors', e.target.value)} />
      </label>
      <ErrorMessage error={error} />
      {saved ? (
        <p className="banner banner-info" role="status">
          {t('admin.conferenceSaved')}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
        {conference ? t('admin.saveConference') : t('admin.createConference')}
      </button>
    </form>
  );
}
