import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  NetworkError,
  type Admission,
  type Attendee,
  type Conference,
  type IdCheck,
  type RefusalReason,
  type ScanRequest,
  type TicketState,
} from '../api';
import { AuthGate } from '../auth';
import { formatTime, newId, personName } from '../format';
import { useLang, type Translate } from '../i18n';
import { CameraScanner } from '../qr/CameraScanner';
import { scanQueue, type LateAnswer } from '../scan-queue';
import { ErrorMessage, TopBar } from '../shell';
import { play, unlockAudio } from '../sound';
import { storage } from '../storage';
import { emptyIdCheck, IdCheckForm, idCheckComplete, type IdCheckDraft } from './IdCheckForm';
import { LunchPanel } from './LunchPanel';
import { PersonCard } from './Person';
import { AttendeeSearch } from './Search';
import { ConferenceChooser, DoorChooser } from './Setup';
import { WalkInForm } from './WalkIn';

type TicketRef = { ticketCode: string } | { registrationId: string };

/** What the door phone shows; one screen at a time, each large enough to read at arm's length. */
type Screen =
  | { kind: 'idle' }
  | { kind: 'checking'; ticketCode: string }
  | { kind: 'preview'; ref: TicketRef; attendee: Attendee | null; offline: boolean }
  | { kind: 'sending' }
  | {
      kind: 'result';
      outcome: 'admitted' | 'refused' | 'queued';
      scanId: string;
      attendee: Attendee | null;
      reason?: RefusalReason;
      previous?: Admission;
    }
  | { kind: 'walkIn' };

interface LastAdmission {
  scanId: string;
  name: string;
}

const QUEUE_RETRY_MS = 10_000;

/** The door phone, behind the device gate: a `door` device (or an organiser) paired by its QR code. */
export function DoorApp() {
  const { t } = useLang();
  return (
    <AuthGate title={t('home.door')} roles={['door', 'organiser']}>
      <DoorSetup />
    </AuthGate>
  );
}

function DoorSetup() {
  const { t } = useLang();
  const [conferenceId, setConferenceId] = useState(storage.conferenceId);
  const [conference, setConference] = useState<Conference | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [door, setDoor] = useState<string | null>(() => (conferenceId ? storage.door(conferenceId) : null));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!conferenceId) return undefined;
    let live = true;
    setLoadError(null);
    api.conference(conferenceId).then(
      (c) => live && setConference(c),
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, attempt]);

  const chooseConference = (id: string) => {
    storage.setConferenceId(id);
    setConference(null);
    setConferenceId(id);
    setDoor(storage.door(id));
  };
  const forgetConference = () => {
    storage.setConferenceId(null);
    setConference(null);
    setConferenceId(null);
  };
  const chooseDoor = (name: string) => {
    unlockAudio();
    if (conferenceId) storage.setDoor(conferenceId, name);
    setDoor(name);
  };

  if (!conferenceId) {
    return (
      <>
        <TopBar title={t('home.door')} />
        <main className="page">
          <ConferenceChooser onChoose={chooseConference} />
        </main>
      </>
    );
  }
  if (!conference) {
    return (
      <>
        <TopBar title={t('home.door')} />
        <main className="page stack">
          {loadError ? <ErrorMessage error={loadError} /> : <p>{t('common.loading')}</p>}
          {loadError ? (
            <div className="actions">
              <button type="button" className="btn btn-large" onClick={() => setAttempt((n) => n + 1)}>
                {t('common.retry')}
              </button>
              <button type="button" className="btn btn-large" onClick={forgetConference}>
                {t('conference.change')}
              </button>
            </div>
          ) : null}
        </main>
      </>
    );
  }
  if (!door) {
    return (
      <>
        <TopBar title={conference.name} />
        <main className="page">
          <DoorChooser doors={conference.doors} onChoose={chooseDoor} />
        </main>
      </>
    );
  }
  return (
    <DoorDesk
      conference={conference}
      door={door}
      onChangeDoor={() => {
        storage.setDoor(conference.conferenceId, null);
        setDoor(null);
      }}
    />
  );
}

function reasonText(
  t: Translate,
  reason: RefusalReason | undefined,
  previous: Admission | undefined,
  tz: string,
  lang: 'fr' | 'en',
) {
  if (!reason) return '';
  if (reason === 'already_checked_in' && previous) {
    return t('reason.already_checked_in', { door: previous.door, time: formatTime(previous.at, tz, lang) });
  }
  if (reason === 'already_checked_in') return t('reason.already_checked_in', { door: '?', time: '?' });
  return t(`reason.${reason}`);
}

/** The door at work: scan (camera or handheld), search, check, admit or refuse, undo, lunch, walk-ins. */
function DoorDesk({
  conference,
  door,
  onChangeDoor,
}: {
  conference: Conference;
  door: string;
  onChangeDoor: () => void;
}) {
  const { t, lang } = useLang();
  const cid = conference.conferenceId;
  const [screen, setScreen] = useState<Screen>({ kind: 'idle' });
  const [cameraOn, setCameraOn] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [lastAdmission, setLastAdmission] = useState<LastAdmission | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [queued, setQueued] = useState(() => scanQueue.all().length);
  const [lateRefusals, setLateRefusals] = useState<string[]>([]);
  const screenRef = useRef(screen);
  screenRef.current = screen;

  // ------------------------------------------------------------ offline queue
  const flushQueue = useCallback(async () => {
    await scanQueue.flush(({ scan, result }: LateAnswer) => {
      if (result.result === 'refused') {
        const reason = reasonText(t, result.reason, result.previous, conference.timezone, lang);
        setLateRefusals((list) => [...list, t('door.queueRefused', { name: scan.label, reason })]);
      }
    });
    setQueued(scanQueue.all().length);
  }, [t, lang, conference.timezone]);

  useEffect(() => {
    void flushQueue();
    const timer = setInterval(() => void flushQueue(), QUEUE_RETRY_MS);
    const online = () => void flushQueue();
    window.addEventListener('online', online);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', online);
    };
  }, [flushQueue]);

  // ------------------------------------------------------------------ scans
  const submitScan = useCallback(
    async (ref: TicketRef, idCheck: IdCheck | undefined, attendee: Attendee | null) => {
      setScreen({ kind: 'sending' });
      setError(null);
      const body: ScanRequest = {
        scanId: newId(),
        ...ref,
        door,
        ...(idCheck ? { idCheck } : {}),
        scannedAt: new Date().toISOString(),
      };
      try {
        const answer = await api.scan(cid, body);
        const known = attendee ?? null;
        const who: Attendee | null = known ?? (answer.attendee ? { ...emptyAttendee, ...answer.attendee } : null);
        if (answer.result === 'admitted') {
          play('admitted');
          setLastAdmission({ scanId: answer.scanId, name: who ? personName(t, who) : '' });
          setScreen({ kind: 'result', outcome: 'admitted', scanId: answer.scanId, attendee: who });
        } else {
          play('refused');
          setScreen({
            kind: 'result',
            outcome: 'refused',
            scanId: answer.scanId,
            attendee: who,
            ...(answer.reason ? { reason: answer.reason } : {}),
            ...(answer.previous ? { previous: answer.previous } : {}),
          });
        }
      } catch (e) {
        if (e instanceof NetworkError || (e instanceof ApiError && e.status >= 500)) {
          // No answer: keep the scan and send it again later, with the same id and time.
          scanQueue.add({
            conferenceId: cid,
            body,
            label: attendee ? personName(t, attendee) : 'ticketCode' in ref ? ref.ticketCode.slice(0, 8) : '',
          });
          setQueued(scanQueue.all().length);
          play('queued');
          setScreen({ kind: 'result', outcome: 'queued', scanId: body.scanId, attendee });
        } else {
          play('refused');
          setError(e);
          setScreen({ kind: 'idle' });
        }
      }
    },
    [cid, door, t],
  );

  /**
   * After a ticket is found: an expected ticket needs the ID check first (when
   * the conference requires one); any other is sent straight away, so that the
   * refusal is recorded and shown with its reason.
   */
  const proceed = useCallback(
    (ref: TicketRef, attendee: Attendee, state: TicketState) => {
      if (state === 'expected' && conference.idCheckRequired) {
        setScreen({ kind: 'preview', ref, attendee, offline: false });
      } else {
        void submitScan(ref, undefined, attendee);
      }
    },
    [conference.idCheckRequired, submitScan],
  );

  const handleCode = useCallback(
    async (raw: string) => {
      const ticketCode = raw.trim();
      if (ticketCode === '') return;
      const current = screenRef.current.kind;
      if (current !== 'idle' && current !== 'result') return;
      setError(null);
      setNotice(null);
      setScreen({ kind: 'checking', ticketCode });
      try {
        const preview = await api.ticket(cid, ticketCode);
        proceed({ ticketCode }, preview.attendee, preview.state);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          // Unknown to the server: the scan is still sent, so the refusal is on record.
          void submitScan({ ticketCode }, undefined, null);
        } else if (e instanceof NetworkError) {
          setScreen({ kind: 'preview', ref: { ticketCode }, attendee: null, offline: true });
        } else {
          play('refused');
          setError(e);
          setScreen({ kind: 'idle' });
        }
      }
    },
    [cid, proceed, submitScan],
  );

  const pickFromSearch = (attendee: Attendee) => {
    setNotice(null);
    const state: TicketState =
      attendee.status === 'cancelled' || attendee.status === 'waitlisted'
        ? attendee.status
        : attendee.admitted
          ? 'admitted'
          : 'expected';
    proceed({ registrationId: attendee.registrationId }, attendee, state);
  };

  const undoLast = async (reason: string) => {
    if (!lastAdmission) return;
    try {
      await api.undoScan(cid, lastAdmission.scanId, reason);
      setNotice(t('result.undone', { name: lastAdmission.name }));
      setLastAdmission(null);
      setScreen({ kind: 'idle' });
    } catch (e) {
      setError(e);
    }
  };

  const next = () => {
    setError(null);
    setScreen({ kind: 'idle' });
  };

  // ------------------------------------------------------------------ render
  const scanning = screen.kind === 'idle';
  return (
    <>
      <TopBar
        title={conference.name}
        detail={<span data-testid="door-name">{t('door.at', { door })}</span>}
        actions={
          <button type="button" className="btn btn-small" aria-label={t('door.change')} onClick={onChangeDoor}>
            {t('door.changeShort')}
          </button>
        }
      />
      <main className="page stack door">
        {queued > 0 ? (
          <p className="banner banner-warning" role="status">
            {t('door.queue', { count: queued })}
          </p>
        ) : null}
        {lateRefusals.map((text, i) => (
          <p key={i} className="banner banner-danger" role="alert">
            {text}
          </p>
        ))}
        {notice ? (
          <p className="banner banner-info" role="status">
            {notice}
          </p>
        ) : null}
        <ErrorMessage error={error} />

        {cameraOn ? (
          <div hidden={!scanning}>
            <CameraScanner paused={!scanning} onCode={(code) => void handleCode(code)} />
          </div>
        ) : null}

        {screen.kind === 'idle' ? (
          <>
            <button
              type="button"
              className={`btn btn-large ${cameraOn ? '' : 'btn-primary'}`}
              onClick={() => {
                unlockAudio();
                setCameraOn(!cameraOn);
              }}
            >
              {cameraOn ? t('door.cameraStop') : t('door.camera')}
            </button>
            <CodeInput onCode={(code) => void handleCode(code)} autoFocus={!cameraOn} />
            {lastAdmission ? <UndoBar last={lastAdmission} onUndo={undoLast} /> : null}
            <AttendeeSearch conferenceId={cid} onPick={pickFromSearch} />
            <button type="button" className="btn btn-large" onClick={() => setScreen({ kind: 'walkIn' })}>
              {t('door.walkIn')}
            </button>
          </>
        ) : null}

        {screen.kind === 'checking' || screen.kind === 'sending' ? (
          <p className="panel busy" role="status">
            {t('preview.checking')}
          </p>
        ) : null}

        {screen.kind === 'preview' ? (
          <Preview
            conference={conference}
            attendee={screen.attendee}
            offline={screen.offline}
            ticketRef={screen.ref}
            onAdmit={(idCheck) => void submitScan(screen.ref, idCheck, screen.attendee)}
            onCancel={next}
          />
        ) : null}

        {screen.kind === 'result' ? (
          <Result
            conference={conference}
            screen={screen}
            reason={reasonText(t, screen.reason, screen.previous, conference.timezone, lang)}
            canUndo={screen.outcome === 'admitted' && lastAdmission?.scanId === screen.scanId}
            onUndo={undoLast}
            onNext={next}
          />
        ) : null}

        {screen.kind === 'walkIn' ? (
          <WalkInForm
            conference={conference}
            onCancel={next}
            onRegistered={(attendee, idCheck) =>
              void submitScan({ registrationId: attendee.registrationId }, idCheck, attendee)
            }
          />
        ) : null}
      </main>
    </>
  );
}

const emptyAttendee: Attendee = {
  registrationId: '',
  firstName: '',
  lastName: '',
  organisation: null,
  category: null,
  status: null,
  lunch: false,
  lunchPaid: false,
  ticketCode: null,
  admitted: null,
  erased: false,
};

/**
 * A handheld scanner is a keyboard: it types the code and presses Enter.
 * The field keeps the focus between scans when the camera is off.
 */
function CodeInput({ onCode, autoFocus }: { onCode: (code: string) => void; autoFocus: boolean }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // On a touch phone, focusing would pop the keyboard over the camera: only grab focus with a real pointer.
    if (autoFocus && window.matchMedia('(pointer: fine)').matches) input.current?.focus();
  }, [autoFocus]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = value.trim();
    setValue('');
    if (code !== '') onCode(code);
  };
  return (
    <form className="code-form" onSubmit={submit}>
      <label className="field">
        <span>{t('door.code')}</span>
        <span className="row">
          <input
            ref={input}
            className="input-large"
            value={value}
            placeholder={t('door.codePlaceholder')}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            enterKeyHint="go"
            onChange={(e) => setValue(e.target.value)}
          />
          <button type="submit" className="btn" aria-label={t('door.codeSubmit')}>
            OK
          </button>
        </span>
      </label>
    </form>
  );
}

function UndoBar({ last, onUndo }: { last: LastAdmission; onUndo: (reason: string) => Promise<void> }) {
  const { t } = useLang();
  return (
    <div className="undo-bar">
      <span>{t('door.lastAdmission', { name: last.name })}</span>
      <UndoButton onUndo={onUndo} />
    </div>
  );
}

/** Undo asks for a reason (the contract requires one) in place, without a modal: one thumb, two taps. */
function UndoButton({ onUndo }: { onUndo: (reason: string) => Promise<void> }) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState(() => t('result.undoReasonDefault'));
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className="btn btn-undo" onClick={() => setOpen(true)}>
        {t('result.undo')}
      </button>
    );
  }
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === '') return;
        setBusy(true);
        void onUndo(reason.trim()).finally(() => setBusy(false));
      }}
    >
      <label className="field">
        <span>{t('result.undoReason')}</span>
        <input className="input-large" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-danger" disabled={busy || reason.trim() === ''}>
          {t('result.undoConfirm')}
        </button>
      </div>
    </form>
  );
}

function Preview(props: {
  conference: Conference;
  attendee: Attendee | null;
  offline: boolean;
  ticketRef: TicketRef;
  onAdmit: (idCheck: IdCheck | undefined) => void;
  onCancel: () => void;
}) {
  const { t } = useLang();
  const { conference, attendee, offline, ticketRef } = props;
  const [draft, setDraft] = useState<IdCheckDraft>(emptyIdCheck);
  const needsCheck = conference.idCheckRequired;
  const ready = !needsCheck || idCheckComplete(draft);
  return (
    <section className="panel stack preview" aria-label={t('preview.title')}>
      {attendee ? (
        <PersonCard attendee={attendee} />
      ) : (
        <p className="person-name">
          {'ticketCode' in ticketRef ? t('preview.ticket', { code: ticketRef.ticketCode.slice(0, 12) }) : ''}
        </p>
      )}
      {offline ? <p className="warning">{t('preview.offline')}</p> : null}
      {attendee ? (
        <LunchPanel
          conference={conference}
          registrationId={attendee.registrationId}
          expected={attendee.lunch}
          paid={attendee.lunchPaid}
        />
      ) : null}
      {needsCheck ? <IdCheckForm value={draft} onChange={setDraft} /> : null}
      <div className="actions">
        <button type="button" className="btn btn-large" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary btn-large"
          disabled={!ready}
          onClick={() =>
            props.onAdmit(
              draft.document !== null && draft.nameMatches !== null
                ? { document: draft.document, nameMatches: draft.nameMatches }
                : undefined,
            )
          }
        >
          {t('preview.admit')}
        </button>
      </div>
    </section>
  );
}

function Result(props: {
  conference: Conference;
  screen: Extract<Screen, { kind: 'result' }>;
  reason: string;
  canUndo: boolean;
  onUndo: (reason: string) => Promise<void>;
  onNext: () => void;
}) {
  const { t } = useLang();
  const { screen, conference } = props;
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  const title =
    screen.outcome === 'admitted'
      ? t('result.admitted')
      : screen.outcome === 'refused'
        ? t('result.refused')
        : t('result.queued');
  return (
    <section className={`result result-${screen.outcome}`} data-testid="scan-result" aria-live="assertive">
      <h2 className="result-title">{title}</h2>
      {screen.outcome === 'refused' ? (
        <p className="result-reason" data-testid="refusal-reason">
          {props.reason}
        </p>
      ) : null}
      {screen.outcome === 'queued' ? <p className="result-reason">{t('result.queuedHint')}</p> : null}
      {screen.attendee ? <PersonCard attendee={screen.attendee} /> : null}
      {screen.outcome === 'admitted' && screen.attendee ? (
        <LunchPanel
          conference={conference}
          registrationId={screen.attendee.registrationId}
          expected={screen.attendee.lunch}
          paid={screen.attendee.lunchPaid}
        />
      ) : null}
      <button ref={next} type="button" className="btn btn-large btn-next" onClick={props.onNext}>
        {t('door.next')}
      </button>
      {props.canUndo ? <UndoButton onUndo={props.onUndo} /> : null}
    </section>
  );
}
