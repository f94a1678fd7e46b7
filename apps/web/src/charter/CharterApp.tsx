import { useCallback, useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { api, ApiError, download, signerErased, type Charter, type Conference, type Verification } from '../api';
import { AuthGate } from '../auth';
import { ConferenceChooser } from '../door/Setup';
import { formatTime, newId, signerName } from '../format';
import { useLang, type Lang, type Translate } from '../i18n';
import { ErrorMessage, TopBar } from '../shell';
import { storage } from '../storage';
import { CharterText } from './CharterText';
import { Receipts } from './Receipts';
import { shortHash } from './digest';

const REFRESH_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `?conference=…&charter=…` in the address bar, so the page survives a reload and can be shared. */
function showCharter(conferenceId: string, charterId: string | null): void {
  const url = new URL(window.location.href);
  url.searchParams.set('conference', conferenceId);
  if (charterId) url.searchParams.set('charter', charterId);
  else url.searchParams.delete('charter');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  if (charterId) storage.setJson(`charter.${conferenceId}`, charterId);
}

/**
 * The organisers' charter page: publish the charter, then follow the
 * signatures as they come, check the chain, close it, download the signed
 * document. There is no list of a conference's charters in the contract, so
 * the charter is the one in the address (`?charter=`), or the last one this
 * device opened.
 */
export function CharterApp() {
  const { t } = useLang();
  return (
    <AuthGate title={t('charter.title')} roles={['organiser']}>
      <CharterPage />
    </AuthGate>
  );
}

function CharterPage() {
  const { t } = useLang();
  const [conferenceId, setConferenceId] = useState(storage.conferenceId);
  const [charterId, setCharterId] = useState(() => new URL(window.location.href).searchParams.get('charter'));
  const [conference, setConference] = useState<Conference | null>(null);

  useEffect(() => {
    if (!conferenceId) return undefined;
    let live = true;
    api.conference(conferenceId).then(
      (c) => live && setConference(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [conferenceId]);

  const open = (id: string | null) => {
    if (!conferenceId) return;
    showCharter(conferenceId, id);
    setCharterId(id);
    window.scrollTo(0, 0);
  };

  const bar = <TopBar title={t('charter.title')} detail={conference ? conference.name : undefined} />;
  if (!conferenceId) {
    return (
      <>
        {bar}
        <main className="page">
          <ConferenceChooser
            onChoose={(id) => {
              storage.setConferenceId(id);
              showCharter(id, null);
              setConferenceId(id);
            }}
          />
        </main>
      </>
    );
  }
  return (
    <>
      {bar}
      <main className="page stack charter-page">
        {charterId ? (
          <CharterDashboard
            key={charterId}
            conferenceId={conferenceId}
            charterId={charterId}
            timeZone={conference?.timezone ?? 'Europe/Paris'}
            onLeave={() => open(null)}
          />
        ) : (
          <>
            <PublishForm conferenceId={conferenceId} onPublished={open} />
            <OpenCharter conferenceId={conferenceId} onOpen={open} />
          </>
        )}
      </main>
    </>
  );
}

function PublishForm({ conferenceId, onPublished }: { conferenceId: string; onPublished: (id: string) => void }) {
  const { t } = useLang();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [charterLang, setCharterLang] = useState<Lang>('fr');
  const [preview, setPreview] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** Kept until it succeeds: a retry after a lost answer publishes nothing twice. */
  const charterId = useRef(newId());
  const ready = title.trim() !== '' && text.trim() !== '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.publishCharter(conferenceId, {
        charterId: charterId.current,
        title: title.trim(),
        text,
        lang: charterLang,
      });
      onPublished(answer.charterId);
    } catch (e) {
      setError(e);
      // A refusal means this id is spent on something else, or the body is wrong: the next try is a new charter.
      if (e instanceof ApiError && e.status < 500) charterId.current = newId();
      setBusy(false);
    }
  };

  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)}>
      <h2>{t('charter.publishTitle')}</h2>
      <p className="hint">{t('charter.publishHint')}</p>
      <label className="field">
        <span>{t('charter.fieldTitle')}</span>
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('charter.fieldText')}</span>
        <textarea className="charter-source" rows={14} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('charter.fieldLang')}</span>
        <select value={charterLang} onChange={(e) => setCharterLang(e.target.value === 'en' ? 'en' : 'fr')}>
          <option value="fr">Français</option>
          <option value="en">English</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={preview} onChange={(e) => setPreview(e.target.checked)} />
        <span>{t('charter.preview')}</span>
      </label>
      {preview && text.trim() !== '' ? (
        <div className="charter-document">
          <CharterText text={text} />
        </div>
      ) : null}
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary btn-large" disabled={!ready || busy}>
        {t('charter.publish')}
      </button>
    </form>
  );
}

function OpenCharter({ conferenceId, onOpen }: { conferenceId: string; onOpen: (id: string) => void }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  const last = storage.json<unknown>(`charter.${conferenceId}`, null);
  const valid = UUID.test(value.trim());
  return (
    <section className="panel stack">
      <h2>{t('charter.open')}</h2>
      {typeof last === 'string' ? (
        <button type="button" className="btn btn-choice" onClick={() => onOpen(last)}>
          {t('charter.lastOpened')} <span className="mono">{last.slice(0, 8)}…</span>
        </button>
      ) : null}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onOpen(value.trim());
        }}
      >
        <label className="field">
          <span>{t('charter.openId')}</span>
          <span className="row">
            <input
              className="mono"
              value={value}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setValue(e.target.value)}
            />
            <button type="submit" className="btn" disabled={!valid}>
              {t('charter.openSubmit')}
            </button>
          </span>
        </label>
      </form>
    </section>
  );
}

/** The verification in plain words: green when every entry recomputes, red naming where it breaks. */
function verificationText(t: Translate, v: Verification): string {
  if (v.valid) return t('charter.verifyValid', { count: v.count, hash: v.head ? shortHash(v.head) : '—' });
  if (v.firstInvalidSequence === 0) return t('charter.verifyInvalidPublication');
  if (typeof v.firstInvalidSequence === 'number')
    return t('charter.verifyInvalid', { sequence: v.firstInvalidSequence });
  return t('charter.verifyInvalidOther', { problem: v.problem?.code ?? '?' });
}

function CharterDashboard(props: { conferenceId: string; charterId: string; timeZone: string; onLeave: () => void }) {
  const { t, lang } = useLang();
  const { conferenceId, charterId, timeZone } = props;
  const [charter, setCharter] = useState<Charter | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [closing, setClosing] = useState(false);

  useEffect(() => {
    let live = true;
    api.charter(conferenceId, charterId).then(
      (c) => {
        if (!live) return;
        setError(null);
        setCharter(c);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, charterId, tick]);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const verify = useCallback(() => {
    setVerifying(true);
    api.verifyCharter(conferenceId, charterId).then(
      (v) => {
        setVerification(v);
        setVerifying(false);
      },
      (e: unknown) => {
        setError(e);
        setVerifying(false);
      },
    );
  }, [conferenceId, charterId]);

  // Verified again whenever the chain grows or closes (and on demand).
  const chainKey = charter ? `${charter.count}/${charter.voided}/${charter.status}/${charter.head}` : null;
  useEffect(() => {
    if (chainKey !== null) verify();
  }, [chainKey, verify]);

  const close = async () => {
    setClosing(true);
    setError(null);
    try {
      await api.closeCharter(conferenceId, charterId);
      setConfirming(false);
      setTick((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setClosing(false);
    }
  };

  const pdfPath = api.charterPdfPath(conferenceId, charterId);
  const downloadPdf = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain link cannot carry the bearer token: with one, fetch the file and hand it over.
    if (!storage.token()) return;
    event.preventDefault();
    download(pdfPath, 'charte.pdf').catch((e: unknown) => setError(e));
  };
  const kioskUrl = `${window.location.origin}/kiosk/?conference=${encodeURIComponent(conferenceId)}&charter=${encodeURIComponent(charterId)}`;

  if (!charter) {
    return (
      <>
        {error ? <ErrorMessage error={error} /> : <p>{t('common.loading')}</p>}
        {error ? (
          <div className="actions">
            <button type="button" className="btn btn-large" onClick={() => setTick((n) => n + 1)}>
              {t('common.retry')}
            </button>
            <button type="button" className="btn btn-large" onClick={props.onLeave}>
              {t('charter.other')}
            </button>
          </div>
        ) : null}
      </>
    );
  }

  const standing = charter.signatures.filter((s) => s.voided === null).length;
  return (
    <>
      <section className="panel stack" aria-labelledby="charter-name">
        <h2 id="charter-name">{charter.title}</h2>
        <p data-testid="charter-status" className={`charter-status charter-status-${charter.status}`}>
          {charter.status === 'closed'
            ? t('charter.statusClosed', { time: charter.closedAt ? formatTime(charter.closedAt, timeZone, lang) : '' })
            : t('charter.statusOpen')}
        </p>
        <p>{t('charter.counts', { count: standing, voided: charter.voided })}</p>
        <dl className="fingerprints">
          <dt>{t('charter.textFingerprint')}</dt>
          <dd className="mono">{charter.textSha256}</dd>
          <dt>{t('charter.head')}</dt>
          <dd className="mono">{charter.head}</dd>
        </dl>
      </section>

      <section
        className={`verification ${verification ? (verification.valid ? 'verification-ok' : 'verification-bad') : ''}`}
        aria-live="polite"
      >
        <p data-testid="verification">{verification ? verificationText(t, verification) : t('charter.verifying')}</p>
        <button type="button" className="btn btn-small" disabled={verifying} onClick={verify}>
          {verifying ? t('charter.verifying') : t('charter.verifyAgain')}
        </button>
      </section>

      <ErrorMessage error={error} />

      <div className="charter-actions">
        <a className="btn btn-link" href={pdfPath} download onClick={downloadPdf} data-testid="charter-pdf">
          {t('charter.pdf')}
        </a>
        {charter.status === 'open' && !confirming ? (
          <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
            {t('charter.close')}
          </button>
        ) : null}
      </div>
      {confirming && charter.status === 'open' ? (
        <div className="confirm stack" role="alertdialog" aria-label={t('charter.close')}>
          <p>{t('charter.closeConfirm')}</p>
          <div className="actions">
            <button type="button" className="btn" disabled={closing} onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn btn-danger" disabled={closing} onClick={() => void close()}>
              {t('charter.closeYes')}
            </button>
          </div>
        </div>
      ) : null}

      <section className="stack" aria-labelledby="charter-signatures">
        <h2 id="charter-signatures">{t('charter.signatures', { count: charter.signatures.length })}</h2>
        {charter.signatures.length === 0 ? <p className="hint">{t('charter.noSignatures')}</p> : null}
        {charter.signatures.length > 0 ? (
          <div className="table-scroll">
            <table className="signatures-table">
              <thead>
                <tr>
                  <th scope="col">{t('charter.colSequence')}</th>
                  <th scope="col">{t('charter.colName')}</th>
                  <th scope="col">{t('charter.colOrganisation')}</th>
                  <th scope="col">{t('charter.colTime')}</th>
                  <th scope="col">{t('charter.colHash')}</th>
                </tr>
              </thead>
              <tbody>
                {charter.signatures.map((s) => (
                  <tr key={s.signatureId} className={s.voided ? 'voided' : undefined}>
                    <td>{s.sequence}</td>
                    <td>
                      <span className={signerErased(s) ? 'signature-name person-erased' : 'signature-name'}>
                        {signerName(t, s)}
                      </span>
                      {s.voided ? (
                        <span className="voided-note">{t('charter.voided', { reason: s.voided.reason })}</span>
                      ) : null}
                    </td>
                    <td>{s.onBehalfOf}</td>
                    <td>{formatTime(s.signedAt, timeZone, lang)}</td>
                    <td className="mono" title={s.hash}>
                      {shortHash(s.hash)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <Receipts charter={charter} timeZone={timeZone} />

      <section className="panel stack">
        <h2>{t('charter.kioskLink')}</h2>
        <p className="hint">{t('charter.kioskLinkHint')}</p>
        <a className="mono kiosk-link" href={kioskUrl}>
          {kioskUrl}
        </a>
      </section>

      <div className="actions">
        <button type="button" className="btn" onClick={() => setTick((n) => n + 1)}>
          {t('charter.refresh')}
        </button>
        <button type="button" className="btn" onClick={props.onLeave}>
          {t('charter.other')}
        </button>
      </div>
    </>
  );
}
