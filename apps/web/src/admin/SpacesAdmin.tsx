import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CATEGORIES, type Category } from '@emargement/contract';
import { api, download, type SpaceRequest } from '../api';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

const REFRESH_MS = 10_000;

type Space = Awaited<ReturnType<typeof api.spaces>>[number];

/**
 * The conference's spaces on the organisers' page (issue 23): each with its hours, who may enter and who is
 * inside now against its capacity; a space added later (a change is an event on the server); the list of
 * people on site as a PDF for the evacuation, and the roll call. The figures refresh every 10 s.
 */
export function SpacesAdmin({ conferenceId }: { conferenceId: string }) {
  const { t, lang } = useLang();
  const [spaces, setSpaces] = useState<readonly Space[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.spaces(conferenceId).then(
        (items) => {
          if (!live) return;
          setSpaces(items);
          setError(null);
        },
        (e: unknown) => live && setError(e),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [conferenceId, reload]);

  const n = (value: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(value);
  const rules = (s: Space): string =>
    [
      s.audience && s.audience.length > 0
        ? t('spaces.audience', { categories: s.audience.map((c) => t(`category.${c}`)).join(', ') })
        : null,
      s.requiresLunch ? t('spaces.requiresLunch') : null,
      s.oneEntry ? t('spaces.oneEntry') : null,
      s.exitScan ? t('spaces.exitScan') : null,
    ]
      .filter((x): x is string => x !== null)
      .join(' · ');

  return (
    <section className="stack spaces-admin" aria-labelledby="spaces-admin-title">
      <h2 id="spaces-admin-title">{t('spaces.title')}</h2>
      <p className="hint">{t('spaces.intro')}</p>
      {error ? <ErrorMessage error={error} /> : null}
      {spaces !== null && spaces.length === 0 ? <p className="hint">{t('spaces.none')}</p> : null}
      {spaces !== null && spaces.length > 0 ? (
        <div className="table-scroll">
          <table className="spaces-table desk-table" data-testid="spaces-table">
            <caption className="visually-hidden">{t('spaces.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('spaces.name')}</th>
                <th scope="col">{t('spaces.hours')}</th>
                <th scope="col">{t('spaces.insideNow')}</th>
                <th scope="col">{t('spaces.rules')}</th>
              </tr>
            </thead>
            <tbody>
              {spaces.map((s) => (
                <tr key={s.spaceId} data-testid="space-row">
                  <th scope="row">{s.name}</th>
                  <td>
                    {t('spaces.hoursValue', { opens: s.opens, closes: s.closes })}{' '}
                    <span className={s.open ? 'state-ok' : 'hint'}>
                      {s.open ? t('spaces.openNow') : t('spaces.closedNow')}
                    </span>
                  </td>
                  <td data-testid="space-inside">
                    {s.capacity === null
                      ? t('spaces.insideOnly', { inside: n(s.inside) })
                      : t('spaces.insideOf', { inside: n(s.inside), capacity: n(s.capacity) })}
                  </td>
                  <td>{rules(s) || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <OnSiteActions conferenceId={conferenceId} />
      <AddSpace conferenceId={conferenceId} onAdded={() => setReload((r) => r + 1)} />
    </section>
  );
}

function OnSiteActions({ conferenceId }: { conferenceId: string }) {
  const { t } = useLang();
  const [error, setError] = useState<unknown>(null);
  const pdf = () => {
    setError(null);
    download(`/api/conferences/${encodeURIComponent(conferenceId)}/on-site.pdf`, 'sur-site.pdf').catch(setError);
  };
  return (
    <div className="actions">
      <button type="button" className="btn" onClick={pdf} data-testid="on-site-pdf">
        {t('spaces.onSitePdf')}
      </button>
      <a className="btn btn-link" href="/roll-call/">
        {t('door.rollCall')}
      </a>
      {error ? <ErrorMessage error={error} /> : null}
    </div>
  );
}

const EMPTY = {
  name: '',
  opens: '09:00',
  closes: '18:00',
  capacity: '',
  audience: [] as Category[],
  requiresLunch: false,
  oneEntry: false,
  exitScan: true,
};

function AddSpace({ conferenceId, onAdded }: { conferenceId: string; onAdded: () => void }) {
  const { t } = useLang();
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  const submit = useCallback(
    async (event: FormEvent) => {
      event.preventDefault();
      setBusy(true);
      setError(null);
      setAdded(null);
      const body: SpaceRequest = {
        name: form.name.trim(),
        opens: form.opens,
        closes: form.closes,
        ...(form.capacity.trim() === '' ? {} : { capacity: Number(form.capacity) }),
        ...(form.audience.length > 0 ? { audience: form.audience } : {}),
        requiresLunch: form.requiresLunch,
        oneEntry: form.oneEntry,
        exitScan: form.exitScan,
      };
      try {
        await api.defineSpace(conferenceId, body);
        setAdded(body.name);
        setForm(EMPTY);
        onAdded();
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    },
    [conferenceId, form, onAdded],
  );

  const toggle = (c: Category) =>
    setForm((f) => ({
      ...f,
      audience: f.audience.includes(c) ? f.audience.filter((x) => x !== c) : [...f.audience, c],
    }));

  return (
    <form className="stack space-form" aria-label={t('spaces.add')} onSubmit={(e) => void submit(e)}>
      <h3>{t('spaces.add')}</h3>
      <div className="grid-2">
        <label className="field">
          <span>{t('spaces.name')}</span>
          <input
            required
            maxLength={100}
            value={form.name}
            onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
          />
        </label>
        <label className="field">
          <span>{t('spaces.opens')}</span>
          <input
            type="time"
            required
            value={form.opens}
            onChange={(e) => setForm((f) => ({ ...f, opens: e.target.value }))}
          />
        </label>
        <label className="field">
          <span>{t('spaces.closes')}</span>
          <input
            type="time"
            required
            value={form.closes}
            onChange={(e) => setForm((f) => ({ ...f, closes: e.target.value }))}
          />
        </label>
        <label className="field">
          <span>{t('spaces.capacity')}</span>
          <input
            type="number"
            min={1}
            inputMode="numeric"
            value={form.capacity}
            onChange={(e) => setForm((f) => ({ ...f, capacity: e.target.value }))}
          />
        </label>
      </div>
      <fieldset className="checks">
        <legend>{t('spaces.audienceLegend')}</legend>
        {CATEGORIES.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={form.audience.includes(c)} onChange={() => toggle(c)} />
            {t(`category.${c}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="checks">
        <legend>{t('spaces.rules')}</legend>
        {(['requiresLunch', 'oneEntry', 'exitScan'] as const).map((k) => (
          <label key={k} className="check">
            <input
              type="checkbox"
              checked={form[k]}
              onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.checked }))}
            />
            {t(`spaces.${k}`)}
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('spaces.addButton')}
        </button>
      </div>
      {added ? (
        <p role="status" className="banner banner-info">
          {t('spaces.added', { name: added })}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
    </form>
  );
}
