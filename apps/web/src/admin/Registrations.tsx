import { useEffect, useState } from 'react';
import { api, CATEGORIES, download, saveJson, type Registration } from '../api';
import { errorText, personName } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

const PAGE = 100;

/** Search, filters and the actions on one registration; filtering is the server's, paging is ours. */
export function Registrations({ conferenceId, refresh }: { conferenceId: string; refresh: number }) {
  const { t } = useLang();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState('');
  const [lunch, setLunch] = useState('');
  const [list, setList] = useState<Registration[] | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.registrations(conferenceId, { q: q.trim(), category, status, lunch }).then(
        (found) => {
          if (!live) return;
          setError(null);
          setList(found);
          setShown(PAGE);
        },
        (e: unknown) => live && setError(e),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [conferenceId, q, category, status, lunch, refresh, reload]);

  const fetchFile = (path: string, name: string) => {
    download(path, name).catch((e: unknown) => setError(e));
  };

  return (
    <section className="panel stack">
      <div className="row row-between">
        <h2>{t('admin.registrations')}</h2>
        <button
          type="button"
          className="btn"
          onClick={() => fetchFile(api.allTicketsPath(conferenceId), 'billets.pdf')}
        >
          {t('admin.allTickets')}
        </button>
      </div>
      <div className="filters">
        <label className="field">
          <span>{t('admin.search')}</span>
          <input type="search" className="input-large" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('field.category')}</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('field.status')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="registered">{t('status.registered')}</option>
            <option value="waitlisted">{t('status.waitlisted')}</option>
            <option value="cancelled">{t('status.cancelled')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('admin.filterLunch')}</span>
          <select value={lunch} onChange={(e) => setLunch(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="true">{t('admin.lunchYes')}</option>
            <option value="false">{t('admin.lunchNo')}</option>
          </select>
        </label>
      </div>
      <ErrorMessage error={error} />
      {list === null && !error ? <p>{t('common.loading')}</p> : null}
      {list ? <p className="hint">{t('admin.registrationsCount', { count: list.length })}</p> : null}
      {list?.length === 0 ? <p>{t('admin.noRegistrations')}</p> : null}
      <ul className="registrations">
        {list?.slice(0, shown).map((r) => (
          <RegistrationRow
            key={r.registrationId}
            conferenceId={conferenceId}
            registration={r}
            onFile={fetchFile}
            onChanged={() => setReload((n) => n + 1)}
          />
        ))}
      </ul>
      {list && list.length > shown ? (
        <button type="button" className="btn btn-large" onClick={() => setShown((n) => n + PAGE)}>
          {t('admin.showMore', { count: Math.min(PAGE, list.length - shown) })}
        </button>
      ) : null}
    </section>
  );
}

function RegistrationRow(props: {
  conferenceId: string;
  registration: Registration;
  onFile: (path: string, name: string) => void;
  /** The registration was cancelled or erased: the list is read again. */
  onChanged: () => void;
}) {
  const { t } = useLang();
  const { conferenceId, registration: r } = props;
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [erasing, setErasing] = useState(false);
  const [eraseReason, setEraseReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileBase = (r.erased ? `billet-${r.registrationId}` : `billet-${r.lastName}-${r.firstName}`)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');
  const exportBase = plainFileName(r.erased ? '' : r.lastName) || r.registrationId;

  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.cancelRegistration(conferenceId, r.registrationId, reason.trim() || undefined);
      setConfirming(false);
      props.onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  /** The right of access: the server's whole answer, saved as a JSON file for the organiser to send on. */
  const exportData = async () => {
    setBusy(true);
    setError(null);
    try {
      saveJson(await api.exportPersonalData(conferenceId, r.registrationId), `donnees-${exportBase}.json`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const erase = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.erasePersonalData(conferenceId, r.registrationId, eraseReason.trim());
      setErasing(false);
      setEraseReason('');
      props.onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const openCancel = () => {
    setErasing(false);
    setConfirming(true);
  };
  const openErase = () => {
    setConfirming(false);
    setErasing(true);
  };

  return (
    <li className={`registration status-${r.status}`}>
      <div className="registration-main">
        <p className={r.erased ? 'registration-name person-erased' : 'registration-name'}>{personName(t, r)}</p>
        <p className="registration-detail">{[r.organisation, r.email].filter(Boolean).join(' · ')}</p>
        <p className="registration-tags">
          <span className={`badge badge-${r.category}`}>{t(`category.${r.category}`)}</span>
          <span className={`badge badge-status-${r.status}`}>{t(`status.${r.status}`)}</span>
          {r.lunch ? (
            <span className="badge">
              {t('field.lunch')}
              {r.lunchPaid ? ` · ${t('admin.lunchPaid')}` : ''}
            </span>
          ) : null}
        </p>
      </div>
      <div className="row registration-actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => props.onFile(api.ticketPdfPath(conferenceId, r.registrationId), `${fileBase}.pdf`)}
        >
          {t('admin.ticketPdf')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => props.onFile(api.ticketPngPath(conferenceId, r.registrationId), `${fileBase}.png`)}
        >
          {t('admin.ticketPng')}
        </button>
        {r.status !== 'cancelled' && !confirming ? (
          <button type="button" className="btn btn-small btn-danger" onClick={openCancel}>
            {t('admin.cancel')}
          </button>
        ) : null}
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void exportData()}>
          {t('admin.exportData')}
        </button>
        {!r.erased && !erasing ? (
          <button type="button" className="btn btn-small btn-danger" onClick={openErase}>
            {t('admin.erase')}
          </button>
        ) : null}
      </div>
      {confirming ? (
        <div className="stack confirm">
          <p>{t('admin.cancelConfirm', { name: personName(t, r) })}</p>
          <label className="field">
            <span>{t('admin.cancelReason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('common.no')}
            </button>
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void cancel()}>
              {t('admin.cancel')}
            </button>
          </div>
        </div>
      ) : null}
      {erasing && !r.erased ? (
        <div className="stack confirm" role="group" aria-labelledby={`erase-${r.registrationId}`}>
          <p id={`erase-${r.registrationId}`}>
            <strong>{t('admin.eraseTitle', { name: personName(t, r) })}</strong>
          </p>
          <p>{t('admin.eraseExplain')}</p>
          <p>
            <strong>{t('admin.eraseFinal')}</strong> {t('admin.eraseExportFirst')}
          </p>
          <label className="field">
            <span>{t('admin.eraseReason')}</span>
            <textarea
              value={eraseReason}
              required
              maxLength={500}
              rows={2}
              aria-describedby={`erase-hint-${r.registrationId}`}
              onChange={(e) => setEraseReason(e.target.value)}
            />
          </label>
          <p className="hint" id={`erase-hint-${r.registrationId}`}>
            {t('admin.eraseReasonHint')}
          </p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setErasing(false)}>
              {t('common.no')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={busy || eraseReason.trim() === ''}
              onClick={() => void erase()}
            >
              {t('admin.eraseSubmit')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </li>
  );
}

/** A name fit for a file: no accents, no spaces, nothing a file system could refuse. */
function plainFileName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
