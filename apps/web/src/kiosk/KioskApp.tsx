import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { receiptCode } from '@emargement/charter/receipt.js';
import {
  api,
  ApiError,
  deskApi,
  type Charter,
  type CharterListItem,
  type Conference,
  type SignAnswer,
  type Signatory,
  type SignatureReceipt,
} from '../api';
import { AuthGate } from '../auth';
import { CharterText } from '../charter/CharterText';
import { sha256Hex, shortHash, verifyLink } from '../charter/digest';
import { useDevice } from '../device';
import { errorText, formatTime, newId, signerName } from '../format';
import { translate, useLang, type Translate } from '../i18n';
import { ErrorMessage, TopBar } from '../shell';
import { QrCanvas } from '../qr/QrCanvas';
import { storage } from '../storage';
import { SignatureField, type SignatureFieldHandle } from './SignatureField';

/** One screen at a time: whoever stands at the tablet sees only their own step. */
type Screen =
  | { kind: 'list' }
  | { kind: 'confirm'; signatory: Signatory }
  | { kind: 'sign'; signatory: Signatory; onBehalfOf: string }
  | { kind: 'receipt'; signatory: Signatory; onBehalfOf: string; answer: SignAnswer };

/** The text as the tablet will sign it: the server's, and the hash this browser computed over it. */
interface LoadedCharter {
  charter: Charter;
  /** What the tablet sends as `textSha256`. */
  textSha256: string;
  /** `computed`: this browser hashed the text and found the server's hash; `server`: no crypto.subtle here. */
  check: 'computed' | 'server' | 'mismatch';
}

const LIST_REFRESH_MS = 15_000;
const RECEIPT_MS = 60_000;
/**
 * A signing screen left alone this long goes back to the list, dropping the
 * half-drawn signature and the ticked box, never sending them: the next
 * person must not finish someone else's signature. `emargement.kioskIdleSeconds`
 * in the tablet's storage changes it (tests, slow readers).
 */
const IDLE_MS = 120_000;
const idleMs = (): number => {
  try {
    const seconds = Number(localStorage.getItem('emargement.kioskIdleSeconds'));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : IDLE_MS;
  } catch {
    return IDLE_MS;
  }
};

/** Calls `onIdle` after `ms` without a touch, a key or a scroll, while `active`. */
function useInactivity(active: boolean, onIdle: () => void): void {
  useEffect(() => {
    if (!active) return undefined;
    const ms = idleMs();
    let timer = setTimeout(onIdle, ms);
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(onIdle, ms);
    };
    const events = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'touchstart', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, reset, { passive: true, capture: true });
    return () => {
      clearTimeout(timer);
      for (const e of events) window.removeEventListener(e, reset, { capture: true });
    };
  }, [active, onIdle]);
}

/** Refusals after which this person cannot sign from here: only going back to the list helps. */
const FINAL_REFUSALS = new Set([
  'not_admitted',
  'not_a_signatory',
  'already_signed',
  'charter_closed',
  'text_changed',
  'unknown_charter',
  'unknown_registration',
  'signature_id_conflict',
]);

/**
 * The charter this tablet signs, per conference: from the link (`?charter=`, or
 * `#charter=` kept by the pairing link), or picked on the tablet from several
 * open ones, remembered for reloads. `null`: the tablet looks for the open one.
 */
function charterIdFor(conferenceId: string | null): string | null {
  if (!conferenceId) return null;
  const fromUrl = new URL(window.location.href).searchParams.get('charter');
  if (fromUrl) {
    storage.setJson(`charter.${conferenceId}`, fromUrl);
    return fromUrl;
  }
  const kept = storage.json<unknown>(`charter.${conferenceId}`, null);
  return typeof kept === 'string' ? kept : null;
}

/**
 * The tablet's name, sent with every signature (`kiosk`): `?kiosk=` once, else
 * the name it was paired under, else one made up and kept.
 */
function kioskName(deviceName: string | null): string {
  const fromUrl = new URL(window.location.href).searchParams.get('kiosk')?.trim().slice(0, 60);
  if (fromUrl) {
    storage.setJson('kiosk.name', fromUrl);
    return fromUrl;
  }
  if (deviceName && deviceName.trim() !== '') return deviceName.trim().slice(0, 60);
  const kept = storage.json<unknown>('kiosk.name', null);
  if (typeof kept === 'string' && kept.trim() !== '') return kept;
  const made = `Tablette ${newId().slice(0, 4).toUpperCase()}`;
  storage.setJson('kiosk.name', made);
  return made;
}

/** The signing tablet, behind the device gate: a `kiosk` device paired by its QR code. */
export function KioskApp() {
  const { t } = useLang();
  return (
    <AuthGate title={t('kiosk.title')} roles={['kiosk', 'organiser']}>
      <Kiosk />
    </AuthGate>
  );
}

function Kiosk() {
  const { t } = useLang();
  const deviceName = useDevice()?.device?.name ?? null;
  const [conferenceId] = useState(storage.conferenceId);
  const [charterId, setCharterId] = useState(() => charterIdFor(conferenceId));
  const [kiosk] = useState(() => kioskName(deviceName));
  const [conference, setConference] = useState<Conference | null>(null);
  const [loaded, setLoaded] = useState<LoadedCharter | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!conferenceId || !charterId) return undefined;
    let live = true;
    setLoadError(null);
    // The conference only names the page and gives the clock's time zone: the tablet works without it.
    api.conference(conferenceId).then(
      (c) => live && setConference(c),
      () => undefined,
    );
    api
      .charter(conferenceId, charterId)
      .then(async (charter) => {
        const computed = await sha256Hex(charter.text);
        const check = computed === null ? 'server' : computed === charter.textSha256 ? 'computed' : 'mismatch';
        if (live) setLoaded({ charter, textSha256: computed ?? charter.textSha256, check });
      })
      .catch((e: unknown) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [conferenceId, charterId, attempt]);

  const title = conference?.name || t('kiosk.title');
  if (conferenceId && !charterId) {
    return <OpenCharterFinder conferenceId={conferenceId} onFound={setCharterId} />;
  }
  if (!conferenceId || !charterId) {
    return (
      <>
        <TopBar title={t('kiosk.title')} />
        <main className="page">
          <p className="panel">{t('kiosk.notSetUp')}</p>
        </main>
      </>
    );
  }
  if (!loaded) {
    return (
      <>
        <TopBar title={title} />
        <main className="page stack">
          {loadError ? <ErrorMessage error={loadError} /> : <p>{t('common.loading')}</p>}
          {loadError ? (
            <button type="button" className="btn btn-large" onClick={() => setAttempt((n) => n + 1)}>
              {t('common.retry')}
            </button>
          ) : null}
        </main>
      </>
    );
  }
  return (
    <KioskDesk
      conferenceId={conferenceId}
      title={title}
      timeZone={conference?.timezone ?? 'Europe/Paris'}
      loaded={loaded}
      kiosk={kiosk}
      onReload={() => {
        setLoaded(null);
        setAttempt((n) => n + 1);
      }}
    />
  );
}

const OPEN_CHARTER_REFRESH_MS = 15_000;

/**
 * A tablet paired without a charter (one step: the pairing QR only) finds the
 * conference's open charter itself: one open, it signs that one; several, the
 * organiser setting the tablet up touches one (remembered); none, it says so
 * and looks again, so a charter published later reaches it untouched.
 */
function OpenCharterFinder(props: { conferenceId: string; onFound: (charterId: string) => void }) {
  const { t } = useLang();
  const { conferenceId, onFound } = props;
  const [open, setOpen] = useState<readonly CharterListItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    deskApi.charters(conferenceId).then(
      (items) => {
        if (!live) return;
        setError(null);
        const found = items.filter((c) => c.status === 'open');
        // The only open charter is not remembered: once it closes, a reload finds the next one.
        if (found.length === 1) onFound(found[0]!.charterId);
        else setOpen(found);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, onFound, tick]);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), OPEN_CHARTER_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const pick = (charterId: string) => {
    storage.setJson(`charter.${conferenceId}`, charterId);
    onFound(charterId);
  };
  return (
    <>
      <TopBar title={t('kiosk.title')} />
      <main className="page stack kiosk">
        <ErrorMessage error={error} />
        {open === null && !error ? <p>{t('common.loading')}</p> : null}
        {open !== null && open.length === 0 ? (
          <p className="panel" role="status" data-testid="no-open-charter">
            {t('kiosk.noOpenCharter')}
          </p>
        ) : null}
        {open !== null && open.length > 1 ? (
          <section className="stack" aria-labelledby="kiosk-charters">
            <div>
              <h2 id="kiosk-charters">{t('kiosk.chooseCharter')}</h2>
              <p className="hint">{t('kiosk.chooseCharterHint')}</p>
            </div>
            <ul className="signatories" aria-label={t('kiosk.chooseCharter')} data-testid="open-charters">
              {open.map((c) => (
                <li key={c.charterId}>
                  <button type="button" className="signatory" onClick={() => pick(c.charterId)}>
                    <span className="signatory-name">{c.title || c.charterId}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {open === null || open.length === 0 ? (
          <button type="button" className="btn btn-large" onClick={() => setTick((n) => n + 1)}>
            {t('kiosk.checkAgain')}
          </button>
        ) : null}
      </main>
    </>
  );
}

function KioskDesk(props: {
  conferenceId: string;
  title: string;
  timeZone: string;
  loaded: LoadedCharter;
  kiosk: string;
  onReload: () => void;
}) {
  const { t } = useLang();
  const { conferenceId, loaded, kiosk } = props;
  const { charter } = loaded;
  const [screen, setScreen] = useState<Screen>({ kind: 'list' });
  const [closed, setClosed] = useState(charter.status === 'closed');
  const markClosed = useCallback(() => setClosed(true), []);
  const toList = useCallback(() => {
    setScreen({ kind: 'list' });
    window.scrollTo(0, 0);
  }, []);
  useInactivity(screen.kind === 'confirm' || screen.kind === 'sign', toList);

  let body;
  if (loaded.check === 'mismatch') {
    body = (
      <p className="error" role="alert" data-testid="text-mismatch">
        {t('kiosk.textMismatch')}
      </p>
    );
  } else if (screen.kind === 'list') {
    body = (
      <SignatoryList
        conferenceId={conferenceId}
        charterId={charter.charterId}
        closed={closed}
        onClosed={markClosed}
        onPick={(signatory) => setScreen({ kind: 'confirm', signatory })}
      />
    );
  } else if (screen.kind === 'confirm') {
    body = (
      <ConfirmOrganisation
        signatory={screen.signatory}
        onBack={toList}
        onConfirm={(onBehalfOf) => {
          setScreen({ kind: 'sign', signatory: screen.signatory, onBehalfOf });
          window.scrollTo(0, 0);
        }}
      />
    );
  } else if (screen.kind === 'sign') {
    body = (
      <ReadAndSign
        conferenceId={conferenceId}
        loaded={loaded}
        kiosk={kiosk}
        signatory={screen.signatory}
        onBehalfOf={screen.onBehalfOf}
        onBack={toList}
        onClosed={markClosed}
        onSigned={(answer) => {
          setScreen({ kind: 'receipt', signatory: screen.signatory, onBehalfOf: screen.onBehalfOf, answer });
          window.scrollTo(0, 0);
        }}
      />
    );
  } else {
    body = (
      <Receipt
        conferenceId={conferenceId}
        charterId={charter.charterId}
        signatory={screen.signatory}
        onBehalfOf={screen.onBehalfOf}
        answer={screen.answer}
        timeZone={props.timeZone}
        onDone={toList}
      />
    );
  }

  return (
    <>
      <TopBar title={props.title} detail={<span data-testid="charter-title">{charter.title}</span>} />
      <main className="page stack kiosk">
        {body}
        <footer className="kiosk-footer">
          <span>{t('kiosk.device', { name: kiosk })}</span>
          <span className="mono" title={loaded.textSha256}>
            {t(loaded.check === 'server' ? 'kiosk.textFingerprintServer' : 'kiosk.textFingerprint', {
              hash: shortHash(loaded.textSha256),
            })}
          </span>
          {loaded.check === 'mismatch' ? (
            <button type="button" className="btn btn-small" onClick={props.onReload}>
              {t('common.retry')}
            </button>
          ) : null}
        </footer>
      </main>
    </>
  );
}

/** Folds case and accents, so "lemaitre" finds "Lemaître". */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function SignatoryList(props: {
  conferenceId: string;
  charterId: string;
  closed: boolean;
  onClosed: () => void;
  onPick: (signatory: Signatory) => void;
}) {
  const { t } = useLang();
  const { conferenceId, charterId, closed, onClosed } = props;
  const [list, setList] = useState<readonly Signatory[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (closed) return undefined;
    let live = true;
    Promise.all([api.signatories(conferenceId, charterId), api.charter(conferenceId, charterId)]).then(
      ([found, charter]) => {
        if (!live) return;
        setError(null);
        setList(found);
        if (charter.status === 'closed') onClosed();
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, charterId, closed, onClosed, tick]);

  useEffect(() => {
    // New arrivals at the door appear without anyone touching the tablet.
    const timer = setInterval(() => setTick((n) => n + 1), LIST_REFRESH_MS);
    const visible = () => document.visibilityState === 'visible' && setTick((n) => n + 1);
    document.addEventListener('visibilitychange', visible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', visible);
    };
  }, []);

  if (closed) {
    return (
      <p className="panel kiosk-closed" role="status" data-testid="charter-closed">
        {t('kiosk.closed')}
      </p>
    );
  }
  const shown = list?.filter((s) => filter.trim() === '' || fold(signerName(t, s)).includes(fold(filter.trim()))) ?? [];
  return (
    <section className="stack" aria-labelledby="kiosk-who">
      <div>
        <h2 id="kiosk-who">{t('kiosk.whoSigns')}</h2>
        <p className="hint">{t('kiosk.whoSignsHint')}</p>
      </div>
      <ErrorMessage error={error} />
      {list === null && !error ? <p>{t('common.loading')}</p> : null}
      {list !== null && list.length === 0 ? <p className="panel">{t('kiosk.empty')}</p> : null}
      {list !== null && list.length > 6 ? (
        <label className="field">
          <span>{t('kiosk.filter')}</span>
          <input
            type="search"
            className="input-large"
            value={filter}
            autoComplete="off"
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
      ) : null}
      {list !== null && list.length > 0 && shown.length === 0 ? <p>{t('kiosk.filterNone')}</p> : null}
      {shown.length > 0 ? (
        <ul className="signatories" aria-label={t('kiosk.whoSigns')}>
          {shown.map((s) => (
            <li key={s.registrationId}>
              <button
                type="button"
                className="signatory"
                disabled={s.organisationSigned}
                aria-describedby={s.organisationSigned ? `signed-${s.registrationId}` : undefined}
                onClick={() => props.onPick(s)}
              >
                <span className="signatory-name">{signerName(t, s)}</span>
                {s.organisation ? <span className="signatory-organisation">{s.organisation}</span> : null}
                {s.organisationSigned ? (
                  <span className="signatory-note" id={`signed-${s.registrationId}`}>
                    {t('kiosk.organisationSigned')}
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="btn" onClick={() => setTick((n) => n + 1)}>
        {t('kiosk.refresh')}
      </button>
    </section>
  );
}

function ConfirmOrganisation(props: {
  signatory: Signatory;
  onBack: () => void;
  onConfirm: (onBehalfOf: string) => void;
}) {
  const { t } = useLang();
  const [value, setValue] = useState(props.signatory.organisation ?? '');
  const trimmed = value.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (trimmed !== '') props.onConfirm(trimmed);
  };
  return (
    <form className="panel stack" onSubmit={submit}>
      <p className="person-name" data-testid="signer-name">
        {signerName(t, props.signatory)}
      </p>
      <h2>{t('kiosk.confirmTitle')}</h2>
      <label className="field">
        <span>{t('kiosk.onBehalfOf')}</span>
        <input
          className="input-large"
          value={value}
          maxLength={200}
          autoComplete="off"
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <p className="hint">{t('kiosk.onBehalfOfHint')}</p>
      <div className="actions">
        <button type="button" className="btn btn-large" onClick={props.onBack}>
          {t('kiosk.back')}
        </button>
        <button type="submit" className="btn btn-primary btn-large" disabled={trimmed === ''}>
          {t('kiosk.readCharter')}
        </button>
      </div>
    </form>
  );
}

/** The refusal in plain words; `already_signed` says whom it is about. */
function signError(t: Translate, error: unknown): string {
  if (error instanceof ApiError && error.code === 'already_signed') {
    const organisation = typeof error.detail.onBehalfOf === 'string' ? error.detail.onBehalfOf : null;
    if (error.detail.scope === 'person') return t('kiosk.alreadySignedPerson');
    if (organisation) return t('kiosk.alreadySignedOrganisation', { organisation });
  }
  return errorText(t, error);
}

function ReadAndSign(props: {
  conferenceId: string;
  loaded: LoadedCharter;
  kiosk: string;
  signatory: Signatory;
  onBehalfOf: string;
  onBack: () => void;
  onClosed: () => void;
  onSigned: (answer: SignAnswer) => void;
}) {
  const { t, lang } = useLang();
  const { loaded, signatory, onBehalfOf } = props;
  const { charter } = loaded;
  const end = useRef<HTMLDivElement>(null);
  const pad = useRef<SignatureFieldHandle>(null);
  const [reachedEnd, setReachedEnd] = useState(false);
  const [consentAt, setConsentAt] = useState<string | null>(null);
  const [hasLine, setHasLine] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [final, setFinal] = useState(false);
  /** Kept across a retry after a network error, so the server recognises the same signature; new once the drawing changes. */
  const signatureId = useRef(newId());

  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel) return undefined;
    if (typeof IntersectionObserver !== 'function') {
      setReachedEnd(true);
      return undefined;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setReachedEnd(true);
        observer.disconnect();
      }
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, []);

  // The words ticked are in the charter's language, whatever the tablet's: what is signed reads as one text.
  const charterLang = charter.lang ?? 'fr';
  const wording = translate(charterLang, 'kiosk.consent', { title: charter.title, organisation: onBehalfOf });
  const translation =
    charterLang === lang ? null : t('kiosk.consent', { title: charter.title, organisation: onBehalfOf });
  // The consent sent is the wording shown when the box was ticked: another language, another tick.
  useEffect(() => setConsentAt(null), [wording]);

  const submit = async () => {
    if (!pad.current || consentAt === null || !hasLine || busy) return;
    setBusy(true);
    setError(null);
    try {
      const capture = pad.current.capture();
      const answer = await api.signCharter(props.conferenceId, charter.charterId, {
        signatureId: signatureId.current,
        registrationId: signatory.registrationId,
        onBehalfOf,
        consent: { given: true, wording, givenAt: consentAt },
        textSha256: loaded.textSha256,
        strokes: capture.strokes,
        canvas: capture.canvas,
        image: capture.image,
        kiosk: props.kiosk,
        deviceSignedAt: new Date().toISOString(),
      });
      props.onSigned(answer);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && FINAL_REFUSALS.has(e.code)) setFinal(true);
      if (e instanceof ApiError && e.code === 'charter_closed') props.onClosed();
      setBusy(false);
    }
  };

  const drawingChanged = (line: boolean) => {
    setHasLine(line);
    // Another drawing is another signature: the same id with other strokes would be refused as a conflict.
    signatureId.current = newId();
  };

  return (
    <>
      <p className="signing-for" data-testid="signing-for">
        {t('kiosk.signingFor', { name: signerName(t, signatory), organisation: onBehalfOf })}
      </p>
      <article className="charter-document" aria-labelledby="charter-heading">
        <h2 id="charter-heading" className="charter-heading">
          {charter.title}
        </h2>
        <CharterText text={charter.text} />
        <div ref={end} className="charter-end" data-testid="charter-end" aria-hidden="true" />
      </article>
      {!reachedEnd ? (
        <p className="scroll-hint" role="status">
          {t('kiosk.scrollHint')}
        </p>
      ) : (
        <section className="panel stack signing" aria-label={t('kiosk.signTitle')}>
          <h2>{t('kiosk.signTitle')}</h2>
          <label className="check consent">
            <input
              type="checkbox"
              checked={consentAt !== null}
              disabled={busy || final}
              onChange={(e) => setConsentAt(e.target.checked ? new Date().toISOString() : null)}
            />
            <span data-testid="consent-wording" lang={charterLang}>
              {wording}
            </span>
          </label>
          {translation ? (
            <p className="hint" data-testid="consent-translation">
              {t('kiosk.consentTranslation', { text: translation })}
            </p>
          ) : null}
          <SignatureField
            ref={pad}
            label={t('kiosk.padLabel')}
            placeholder={t('kiosk.padHint')}
            disabled={busy || final}
            onChange={drawingChanged}
          />
          {error ? (
            <p className="error" role="alert" data-testid="sign-error">
              {signError(t, error)}
            </p>
          ) : null}
          {!final && consentAt === null ? <p className="hint">{t('kiosk.needConsent')}</p> : null}
          {!final && consentAt !== null && !hasLine ? <p className="hint">{t('kiosk.needSignature')}</p> : null}
          {final ? (
            <button type="button" className="btn btn-primary btn-large" onClick={props.onBack}>
              {t('kiosk.backToList')}
            </button>
          ) : (
            <div className="actions">
              <button type="button" className="btn btn-large" disabled={busy} onClick={() => pad.current?.clear()}>
                {t('kiosk.clear')}
              </button>
              <button
                type="button"
                className="btn btn-primary btn-large"
                disabled={busy || consentAt === null || !hasLine}
                onClick={() => void submit()}
              >
                {busy ? t('kiosk.sending') : t('kiosk.validate')}
              </button>
            </div>
          )}
        </section>
      )}
      {!final ? (
        <button type="button" className="btn" disabled={busy} onClick={props.onBack}>
          {t('kiosk.cancelSigning')}
        </button>
      ) : null}
    </>
  );
}

function Receipt(props: {
  conferenceId: string;
  charterId: string;
  signatory: Signatory;
  onBehalfOf: string;
  answer: SignAnswer;
  timeZone: string;
  onDone: () => void;
}) {
  const { t, lang } = useLang();
  const { answer, onDone } = props;
  const done = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    done.current?.focus();
    // The next signer should not find the previous one's receipt: back to the list after a minute.
    const timer = setTimeout(onDone, RECEIPT_MS);
    return () => clearTimeout(timer);
  }, [onDone]);
  // The receipt as a link to the public verifier, its hash filled in: a phone scanning it lands on
  // /verify/ ready to find this signature in the sealed PDF (the hash names the entry; see parseReceipt).
  const [receipt, setReceipt] = useState<SignatureReceipt | null>(null);
  useEffect(() => {
    let live = true;
    api
      .charterReceipt(props.conferenceId, props.charterId, answer.signatureId)
      .then((r) => {
        if (live) setReceipt(r);
      })
      .catch(() => {
        // The answer to the signature holds the same fields: the receipt is still shown.
        if (live && answer.signedAt)
          setReceipt({
            charterId: props.charterId,
            signatureId: answer.signatureId,
            sequence: answer.sequence,
            hash: answer.hash,
            previousHash: answer.previousHash,
            signedAt: answer.signedAt,
          });
      });
    return () => {
      live = false;
    };
  }, [props.conferenceId, props.charterId, answer]);
  return (
    <section className="receipt stack" data-testid="receipt" aria-live="polite">
      <h2 className="receipt-title">{t('kiosk.thanks', { name: signerName(t, props.signatory) })}</h2>
      <p className="receipt-sequence" data-testid="receipt-sequence">
        {t('kiosk.receiptSequence', { sequence: answer.sequence })}
      </p>
      <p>{t('kiosk.receiptFor', { organisation: answer.onBehalfOf ?? props.onBehalfOf })}</p>
      {answer.signedAt ? (
        <p>{t('kiosk.receiptTime', { time: formatTime(answer.signedAt, props.timeZone, lang) })}</p>
      ) : null}
      <p className="receipt-hash">
        {t('kiosk.receiptHash')}{' '}
        <span className="mono" data-testid="receipt-hash">
          {shortHash(answer.hash)}
        </span>
      </p>
      <div className="receipt-keep">
        {receipt ? (
          <QrCanvas
            text={verifyLink(receipt.hash)}
            width={220}
            margin={2}
            className="receipt-qr"
            testId="receipt-qr"
            label={t('kiosk.receiptQr')}
          />
        ) : null}
        <p>
          {t('kiosk.receiptCode')}{' '}
          <strong className="mono receipt-code" data-testid="receipt-code">
            {receiptCode(answer.hash)}
          </strong>
        </p>
        <p className="hint">{t('kiosk.receiptKeep')}</p>
      </div>
      <p className="hint">{t('kiosk.receiptHint')}</p>
      <button ref={done} type="button" className="btn btn-primary btn-large" onClick={onDone}>
        {t('kiosk.backToList')}
      </button>
    </section>
  );
}
