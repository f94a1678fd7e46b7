import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api, ApiError, type Conference, type ConferenceRequest, type SpaceRequest } from '../api';
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
  /** One line a moment: `09:30 Accueil café`. */
  programme: string;
}

const programmeText = (items: readonly { at: string; title: string }[] | undefined): string =>
  (items ?? []).map((p) => `${p.at} ${p.title}`).join('\n');

/** The lines `HH:MM title` of the programme field; null (with the line) when one cannot be read. */
const programmeOf = (text: string): { items: { at: string; title: string }[] } | { bad: string } => {
  const items: { at: string; title: string }[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    const m = /^(\d{1,2})[:h](\d{2})\s+(.+)$/.exec(line);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return { bad: line };
    items.push({ at: `${m[1]!.padStart(2, '0')}:${m[2]}`, title: m[3]!.trim() });
  }
  return { items };
};

/** A conference file shaped like `fixtures/ptce-2014/conference.json` (its programme, and spaces if it has some). */
interface ConferenceFile {
  name?: unknown;
  venue?: unknown;
  startsAt?: unknown;
  endsAt?: unknown;
  timezone?: unknown;
  capacity?: unknown;
  idCheckRequired?: unknown;
  lunch?: { priceCents?: unknown; currency?: unknown } | null;
  doors?: unknown;
  programme?: unknown;
  spaces?: unknown;
}

/** The same wall-clock time on another day (`2014-09-19T09:30` → `2026-12-07T09:30`): a rehearsal today. */
const onDay = (local: string, day: string): string => (local.length >= 16 ? `${day}${local.slice(10, 16)}` : local);

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
        programme: programmeText(c.programme),
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
        programme: '',
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
  const [spaces, setSpaces] = useState<SpaceRequest[]>([]);
  const [rehearsal, setRehearsal] = useState(false);
  const [loaded, setLoaded] = useState<string | null>(null);

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
    const programme = programmeOf(draft.programme);
    if ('bad' in programme) {
      setError(new ApiError(400, 'invalid_programme', programme.bad));
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
      ...(programme.items.length > 0 ? { programme: programme.items } : {}),
    };
    setBusy(true);
    try {
      if (conference) await api.reviseConference(conference.conferenceId, body);
      else await api.createConference({ conferenceId, ...body, ...(spaces.length > 0 ? { spaces } : {}) });
      setSaved(true);
      onSaved(conferenceId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  /** Fills the form from a conference file; with « répétition », on today's date (a training day). */
  const load = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setError(null);
    let data: ConferenceFile;
    try {
      data = JSON.parse(await file.text()) as ConferenceFile;
      if (typeof data !== 'object' || data === null || typeof data.name !== 'string') throw new Error('shape');
    } catch {
      setError(new ApiError(400, 'invalid_conference_file', file.name));
      return;
    }
    const zone = typeof data.timezone === 'string' ? data.timezone : 'Europe/Paris';
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    let startsAt = typeof data.startsAt === 'string' ? isoToLocal(data.startsAt, zone) : '';
    let endsAt = typeof data.endsAt === 'string' ? isoToLocal(data.endsAt, zone) : '';
    if (rehearsal) {
      const today = isoToLocal(new Date().toISOString(), zone).slice(0, 10);
      startsAt = onDay(startsAt, today);
      endsAt = onDay(endsAt, today);
    }
    const lunch = data.lunch && typeof data.lunch.priceCents === 'number' ? data.lunch : null;
    setDraft({
      name: rehearsal ? `${text(data.name)} (${t('admin.rehearsalSuffix')})` : text(data.name),
      venue: text(data.venue),
      startsAt,
      endsAt,
      timezone: zone,
      capacity: typeof data.capacity === 'number' ? String(data.capacity) : '100',
      idCheckRequired: data.idCheckRequired === true,
      lunchOffered: lunch !== null,
      lunchPrice: lunch ? (Number(lunch.priceCents) / 100).toFixed(2) : '',
      currency: lunch && typeof lunch.currency === 'string' ? lunch.currency : 'EUR',
      doors: Array.isArray(data.doors) ? data.doors.filter((d) => typeof d === 'string').join('\n') : '',
      programme: Array.isArray(data.programme)
        ? programmeText(
            (data.programme as { at?: unknown; title?: unknown }[]).filter(
              (p): p is { at: string; title: string } => typeof p?.at === 'string' && typeof p.title === 'string',
            ),
          )
        : '',
    });
    setSpaces(
      Array.isArray(data.spaces)
        ? (data.spaces as (SpaceRequest & { desks?: unknown })[]).map(({ desks: _desks, ...space }) => space)
        : [],
    );
    setLoaded(file.name);
    setSaved(false);
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
      {conference ? null : (
        <div className="stack conference-file">
          <label className="check">
            <input type="checkbox" checked={rehearsal} onChange={(e) => setRehearsal(e.target.checked)} />
            <span>{t('admin.rehearsal')}</span>
          </label>
          <label className="field">
            <span>{t('admin.loadConferenceFile')}</span>
            <input type="file" accept="application/json,.json" onChange={(e) => void load(e)} />
          </label>
          {loaded ? (
            <p className="banner banner-info" role="status">
              {t('admin.conferenceFileLoaded', { file: loaded, spaces: spaces.length })}
            </p>
          ) : null}
        </div>
      )}
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
      <label className="field">
        <span>{t('field.programme')}</span>
        <textarea
          className="input-large"
          rows={5}
          placeholder="09:30 Accueil café"
          value={draft.programme}
          onChange={(e) => set('programme', e.target.value)}
        />
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
