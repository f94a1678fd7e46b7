import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  api,
  ApiError,
  NetworkError,
  onAuthFailure,
  type Admission,
  type Attendee,
  type ConferenceDetails as Conference,
  type DoorConference,
  type IdCheck,
  type RefusalReason,
  type RegisterRequest,
} from '../api';
import { AuthGate } from '../auth';
import { formatTime, personName } from '../format';
import { useLang, type Translate } from '../i18n';
import { CameraToggle, CameraView } from './Camera';
import { ErrorMessage, TopBar } from '../shell';
import { play, unlockAudio } from '../sound';
import { storage } from '../storage';
import { emptyIdCheck, IdCheckForm, idCheckComplete, type IdCheckDraft } from './IdCheckForm';
import { LunchPanel, type LunchActions, type TakenPayment } from './LunchPanel';
import { LunchTill } from './LunchTill';
import { DoorEngine, type EngineState, type DoorScanResult, type TicketRef } from './offline/door-engine';
import { firstStep, shownAnswer, type LastAdmission, type Screen } from './scan-flow';
import { localStore } from './offline/local-store';
import { DoorStatus, SyncNotices } from './OfflineStatus';
import { attendeeOf, PersonCard } from './Person';
import { AttendeeSearch } from './Search';
import { registerServiceWorker } from './service-worker';
import { ConferenceChooser, DoorChooser } from './Setup';
import { RollCallLink, SPACE_PREFIX, SpaceDesk, spaceOf } from './SpaceDesk';
import { WalkInForm } from './WalkIn';
import { WalkInWaitlisted } from './WalkInOutcome';
import { CodeInput, useScannerKeys } from './CodeInput';
import { UndoButton } from './UndoButton';
import { BadgeButton } from './BadgeButton';
import type { DoorPrinter } from '@emargement/contract';
import { ProgrammeLine } from './Programme';

/** How long a result stays before the door is back to scanning by itself. */
const RESULT_MS = 4_000;
/** How long the ticket look-up may wait for the server before the phone decides on its own list. */
const LOOKUP_TIMEOUT_MS = 3_000;

/** The door phone, behind the device gate: a `door` device (or an organiser) paired by its QR code. */
export function DoorApp() {
  const { t } = useLang();
  useEffect(registerServiceWorker, []);
  // Revoked (a 401 from any call, the gate's first one included): the list and the names leave the phone,
  // even before the door's desk is on screen. Queued scans stay, without names, for a phone paired again.
  useEffect(
    () =>
      onAuthFailure((failure) => {
        if (failure === 'unauthorized') void localStore.wipePersonalData();
      }),
    [],
  );
  return (
    <AuthGate title={t('home.door')} roles={['door', 'organiser']}>
      <DoorSetup />
    </AuthGate>
  );
}

/** The conference as the phone last saw it in its list: enough to open the door with the server down. */
const fromList = (conferenceId: string, c: DoorConference): Conference => ({
  conferenceId,
  name: c.name,
  venue: '',
  startsAt: c.startsAt,
  endsAt: c.endsAt,
  timezone: c.timezone,
  capacity: 0,
  idCheckRequired: c.idCheckRequired,
  lunch: c.lunch,
  doors: c.doors,
  // The list carries no programme: the one last seen online is kept on the phone for the line under the status.
  programme: storage.json<{ at: string; title: string }[]>(programmeKey(conferenceId), []),
});

const programmeKey = (conferenceId: string) => `programme.${conferenceId}`;

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
      (c) => {
        storage.setJson(programmeKey(conferenceId), c.programme ?? []);
        if (live) setConference(c);
      },
      async (e: unknown) => {
        // No server: the list the phone keeps knows the conference's rules and doors.
        const unavailable = e instanceof NetworkError || (e instanceof ApiError && e.status >= 500);
        const kept = unavailable ? (await localStore.load(conferenceId)).meta : null;
        if (!live) return;
        if (kept) setConference(fromList(conferenceId, kept.conference));
        else setLoadError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [conferenceId, attempt]);

  // The spaces a phone may stand at instead of a door; none (or no network) leaves the doors alone on offer.
  const [spaces, setSpaces] = useState<readonly string[]>([]);
  useEffect(() => {
    if (!conferenceId || door) return undefined;
    let live = true;
    api.spaces(conferenceId).then(
      (found) => live && setSpaces(found.map((s) => s.name)),
      () => live && setSpaces([]),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, door]);

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
          <DoorChooser
            doors={conference.doors}
            onChoose={chooseDoor}
            spaces={spaces}
            onChooseSpace={(name) => chooseDoor(`${SPACE_PREFIX}${name}`)}
          />
        </main>
      </>
    );
  }
  const space = spaceOf(door);
  if (space !== null) {
    return (
      <SpaceDesk
        key={`${conference.conferenceId}/${door}`}
        conference={conference}
        space={space}
        onChange={() => {
          storage.setDoor(conference.conferenceId, null);
          setDoor(null);
        }}
      />
    );
  }
  return (
    <DoorDesk
      key={`${conference.conferenceId}/${door}`}
      conference={conference}
      door={door}
      onChangeDoor={() => {
        storage.setDoor(conference.conferenceId, null);
        setDoor(null);
      }}
    />
  );
}

export function reasonText(
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

function useEngine(conference: Conference, door: string): [DoorEngine, EngineState] {
  const engine = useMemo(
    () =>
      new DoorEngine(conference.conferenceId, door, {
        name: conference.name,
        doors: conference.doors,
        idCheckRequired: conference.idCheckRequired,
        lunch: conference.lunch,
        startsAt: conference.startsAt,
        endsAt: conference.endsAt,
        timezone: conference.timezone,
      }),
    [conference, door],
  );
  useEffect(() => {
    engine.start();
    // For the benchmark and the browser tests: the engine is this page's own object, holding only what the
    // page already shows; the CSP keeps every other script out.
    (window as unknown as { emargementDoor?: DoorEngine }).emargementDoor = engine;
    return () => engine.stop();
  }, [engine]);
  const state = useSyncExternalStore(engine.subscribe, engine.getState);
  return [engine, state];
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
  const [engine, state] = useEngine(conference, door);
  const rules = state.conference ?? conference;
  const offline = state.connectivity !== 'online';
  // The door's badge printer, if the organisers named one (asked once; without it, badges print from the phone).
  const [badgePrinter, setBadgePrinter] = useState<DoorPrinter | null>(null);
  useEffect(() => {
    let live = true;
    api.badgePrinters(cid).then(
      (list) => {
        if (live) setBadgePrinter(list.find((p) => p.door === door) ?? null);
      },
      () => undefined, // offline or an older server: the phone's own print dialog still works once back
    );
    return () => {
      live = false;
    };
  }, [cid, door]);
  const [screen, setScreen] = useState<Screen>({ kind: 'idle' });
  const [cameraOn, setCameraOn] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [lastAdmission, setLastAdmission] = useState<LastAdmission | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const screenRef = useRef(screen);
  screenRef.current = screen;

  // ------------------------------------------------------------------ scans
  const showAnswer = useCallback(
    (answer: DoorScanResult, known: Attendee | null) => {
      const shown = shownAnswer(answer, known, (who) => personName(t, who));
      play(shown.tune);
      if (shown.lastAdmission !== undefined) setLastAdmission(shown.lastAdmission);
      setScreen(shown.screen);
    },
    [t],
  );

  const submitScan = useCallback(
    async (ref: TicketRef, idCheck: IdCheck | undefined, attendee: Attendee | null) => {
      setScreen({ kind: 'sending' });
      setError(null);
      try {
        showAnswer(await engine.scan(ref, idCheck ?? null), attendee);
      } catch (e) {
        play('refused');
        setError(e);
        setScreen({ kind: 'idle' });
      }
    },
    [engine, showAnswer],
  );

  /** A ticket read or a person picked: the ID check first when the decider wants one, else the scan at once. */
  const handleRef = useCallback(
    async (ref: TicketRef, known: Attendee | null) => {
      setError(null);
      setNotice(null);
      setScreen({ kind: 'checking' });
      const step = await firstStep(ref, known, {
        preview: (r) => engine.preview(r, null),
        online: () => engine.getState().connectivity === 'online',
        lookUp: (ticketCode) => api.ticket(cid, ticketCode, { timeoutMs: LOOKUP_TIMEOUT_MS }),
        idCheckRequired: rules.idCheckRequired,
      });
      if (step.kind === 'confirm') {
        setScreen({ kind: 'preview', ref, attendee: step.attendee });
      } else if (step.kind === 'error') {
        play('refused');
        setError(step.error);
        setScreen({ kind: 'idle' });
      } else {
        await submitScan(ref, undefined, step.attendee);
      }
    },
    [cid, engine, rules.idCheckRequired, submitScan],
  );

  const handleCode = useCallback(
    (raw: string) => {
      const ticketCode = raw.trim();
      if (ticketCode === '') return;
      const current = screenRef.current.kind;
      // A scan while a result or a check shows starts the next person; one being sent is not interrupted.
      if (current === 'checking' || current === 'sending' || current === 'walkIn' || current === 'walkInWaitlisted')
        return;
      void handleRef({ ticketCode }, null);
    },
    [handleRef],
  );
  useScannerKeys(handleCode);

  // Lunch money through the engine: kept in the outbox when the server is away, counted in the door's till.
  const lunchActions = useCallback(
    (attendee: Attendee): LunchActions => ({
      pay: (payment) => engine.payLunch(attendee.registrationId, personName(t, attendee), payment),
      reverse: (payment, reason) =>
        engine.reverseLunch(attendee.registrationId, personName(t, attendee), payment, reason),
    }),
    [engine, t],
  );

  const pickFromSearch = (attendee: Attendee) => void handleRef({ registrationId: attendee.registrationId }, attendee);

  const undoLast = async (reason: string) => {
    if (!lastAdmission) return;
    try {
      await api.undoScan(cid, lastAdmission.scanId, reason);
      await engine.recordUndo(lastAdmission.scanId, reason);
      setNotice(t('result.undone', { name: lastAdmission.name }));
      setLastAdmission(null);
      setScreen({ kind: 'idle' });
    } catch (e) {
      setError(e);
    }
  };

  /**
   * Any admission of the person undone (from the search results or the
   * person's screen), online or kept in the outbox: the engine decides which.
   * A refusal (undone meanwhile elsewhere, nothing to undo) is shown as the
   * server's error; the server has recorded it.
   */
  const undoPerson = useCallback(
    async (attendee: Attendee, reason: string, scanId?: string) => {
      setError(null);
      try {
        const { queued } = await engine.undoAdmission(attendee.registrationId, personName(t, attendee), reason, scanId);
        setNotice(t(queued ? 'door.undoQueued' : 'result.undone', { name: personName(t, attendee) }));
        if (lastAdmission && scanId === lastAdmission.scanId) setLastAdmission(null);
        setScreen({ kind: 'idle' });
      } catch (e) {
        // Shown where the door shows errors; the screen stays, so staff see whose undo it was.
        setError(e);
      }
    },
    [engine, lastAdmission, t],
  );

  const next = useCallback(() => {
    setError(null);
    setScreen({ kind: 'idle' });
  }, []);

  // Walk-ins through the engine: the server when it answers, the phone's list otherwise.
  const registerWalkIn = useCallback((body: RegisterRequest) => engine.registerWalkIn(body), [engine]);
  const localPlaces = useCallback(() => engine.walkInPlaces(), [engine]);
  // Offline, a walk-in needs the day's list (its places and rules); the list's refresh changes the answer.
  const walkInsHere = useMemo(
    () => engine.walkInPlaces() !== null,
    // A new list (its size, its time) is what changes the answer, hence the deps unused inside.
    [engine, state.listSize, state.refreshedAt],
  );

  // ------------------------------------------------------------------ render
  const scanning = screen.kind === 'idle';
  const hasList = state.listSize > 0;
  const searchLocal = useMemo(
    () => (hasList ? (q: string) => engine.search(q).map(attendeeOf) : null),
    // A refreshed list is searched afresh (hence `refreshedAt`, unused inside).
    [engine, hasList, state.refreshedAt],
  );
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
      <DoorStatus state={state} timezone={rules.timezone} />
      <ProgrammeLine programme={conference.programme} timezone={rules.timezone} />
      <main className="page stack door">
        <SyncNotices state={state} timezone={rules.timezone} onDismiss={(id) => void engine.dismiss(id)} />
        {notice ? (
          <p className="banner banner-info" role="status">
            {notice}
          </p>
        ) : null}
        <ErrorMessage error={error} />

        {screen.kind !== 'walkIn' && screen.kind !== 'walkInWaitlisted' ? (
          <CodeInput onCode={handleCode} screen={screen.kind} />
        ) : null}

        <CameraView on={cameraOn} scanning={scanning} onCode={handleCode} />

        {screen.kind === 'idle' ? (
          <>
            <CameraToggle on={cameraOn} onToggle={setCameraOn} />
            {lastAdmission ? <UndoBar last={lastAdmission} offline={offline} onUndo={undoLast} /> : null}
            <AttendeeSearch
              conferenceId={cid}
              onPick={pickFromSearch}
              onUndo={(attendee, reason) => undoPerson(attendee, reason)}
              searchLocal={searchLocal}
              timezone={rules.timezone}
            />
            <button
              type="button"
              className="btn btn-large"
              disabled={offline && !walkInsHere}
              onClick={() => setScreen({ kind: 'walkIn' })}
            >
              {t('door.walkIn')}
            </button>
            {offline ? (
              <p className="hint">{t(walkInsHere ? 'offline.walkInQueued' : 'offline.needsNetworkWalkIn')}</p>
            ) : null}
            {rules.lunch ? <LunchTill till={state.till} currency={rules.lunch.currency} /> : null}
            <RollCallLink />
          </>
        ) : null}

        {screen.kind === 'checking' || screen.kind === 'sending' ? (
          <p className="panel busy" role="status">
            {t('preview.checking')}
          </p>
        ) : null}

        {screen.kind === 'preview' ? (
          <Preview
            key={JSON.stringify(screen.ref)}
            conference={{ ...conference, ...rules }}
            attendee={screen.attendee}
            ticketRef={screen.ref}
            onAdmit={(idCheck) => void submitScan(screen.ref, idCheck, screen.attendee)}
            onCancel={next}
          />
        ) : null}

        {screen.kind === 'result' ? (
          <Result
            key={screen.scanId}
            conference={{ ...conference, ...rules }}
            screen={screen}
            offline={offline}
            reason={reasonText(t, screen.reason, screen.previous, rules.timezone, lang)}
            canUndo={screen.outcome === 'admitted' && lastAdmission?.scanId === screen.scanId}
            onUndo={undoLast}
            onUndoPerson={undoPerson}
            lunchActions={lunchActions}
            lunchStanding={(rid) => engine.paymentOf(rid)}
            badgePrinter={badgePrinter}
            onNext={next}
          />
        ) : null}

        {screen.kind === 'walkIn' ? (
          <WalkInForm
            conference={{ ...conference, ...rules }}
            register={registerWalkIn}
            localPlaces={localPlaces}
            offline={offline}
            onCancel={next}
            onWaitlisted={(attendee) => setScreen({ kind: 'walkInWaitlisted', attendee })}
            onRegistered={(attendee, idCheck) =>
              void submitScan({ registrationId: attendee.registrationId }, idCheck, attendee)
            }
          />
        ) : null}

        {screen.kind === 'walkInWaitlisted' ? <WalkInWaitlisted attendee={screen.attendee} onNext={next} /> : null}
      </main>
    </>
  );
}

function UndoBar({
  last,
  offline,
  onUndo,
}: {
  last: LastAdmission;
  offline: boolean;
  onUndo: (reason: string) => Promise<void>;
}) {
  const { t } = useLang();
  return (
    <div className="undo-bar">
      <span>{t('door.lastAdmission', { name: last.name })}</span>
      {offline ? <span className="hint">{t('offline.needsNetworkUndo')}</span> : <UndoButton onUndo={onUndo} />}
    </div>
  );
}

/**
 * What must be confirmed before the scan goes: the ID check. Made to fit one
 * phone screen (390×844) with its button, which says what it will do.
 */
function Preview(props: {
  conference: Conference;
  attendee: Attendee | null;
  ticketRef: TicketRef;
  onAdmit: (idCheck: IdCheck | undefined) => void;
  onCancel: () => void;
}) {
  const { t } = useLang();
  const { conference, attendee, ticketRef } = props;
  const [draft, setDraft] = useState<IdCheckDraft>(emptyIdCheck);
  const needsCheck = conference.idCheckRequired;
  const ready = !needsCheck || idCheckComplete(draft);
  const refuses = draft.nameMatches === false;
  return (
    <section className="panel stack preview" aria-label={t('preview.title')}>
      {attendee ? (
        <PersonCard attendee={attendee} />
      ) : (
        <p className="person-name">
          {'ticketCode' in ticketRef ? t('preview.ticket', { code: ticketRef.ticketCode.slice(0, 12) }) : ''}
        </p>
      )}
      {attendee ? (
        <LunchPanel
          conference={conference}
          registrationId={attendee.registrationId}
          expected={attendee.lunch}
          paid={attendee.lunchPaid}
          compact
        />
      ) : null}
      {needsCheck ? <IdCheckForm value={draft} onChange={setDraft} /> : null}
      <div className="actions">
        <button type="button" className="btn btn-large" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={`btn btn-large ${refuses ? 'btn-danger' : 'btn-primary'}`}
          disabled={!ready}
          onClick={() =>
            props.onAdmit(
              draft.document !== null && draft.nameMatches !== null
                ? { document: draft.document, nameMatches: draft.nameMatches }
                : undefined,
            )
          }
        >
          {refuses ? t('offline.refuse') : t('preview.admit')}
        </button>
      </div>
    </section>
  );
}

function Result(props: {
  conference: Conference;
  screen: Extract<Screen, { kind: 'result' }>;
  offline: boolean;
  reason: string;
  canUndo: boolean;
  onUndo: (reason: string) => Promise<void>;
  /** Any admission of the person on screen (this one, or the earlier one a « Déjà entré(e) » names). */
  onUndoPerson: (attendee: Attendee, reason: string, scanId?: string) => Promise<void>;
  onNext: () => void;
  lunchActions: (attendee: Attendee) => LunchActions;
  /** A payment this phone took from the person earlier, which it may give back. */
  lunchStanding: (registrationId: string) => TakenPayment | null;
  /** The door's badge printer (CUPS queue), when the organisers named one. */
  badgePrinter: DoorPrinter | null;
}) {
  const { t } = useLang();
  const { screen, conference, onNext, offline } = props;
  // The person is in (now, or earlier: « Déjà entré(e) »), so lunch can be taken here, offline too.
  const inside =
    screen.outcome === 'admitted' || (screen.outcome === 'refused' && screen.reason === 'already_checked_in');
  // Lunch to be paid: the volunteer needs the screen until it is done.
  const lunchDue = inside && !!conference.lunch && !!screen.attendee?.lunch && !screen.attendee.lunchPaid;
  const [held, setHeld] = useState(lunchDue);
  useEffect(() => {
    if (held) return undefined;
    const timer = setTimeout(onNext, RESULT_MS);
    return () => clearTimeout(timer);
  }, [held, onNext]);
  const title =
    screen.outcome === 'admitted'
      ? t('result.admitted')
      : screen.outcome === 'refused'
        ? t('result.refused')
        : t('result.queued');
  return (
    <section
      className={`result result-${screen.outcome}`}
      data-testid="scan-result"
      aria-live="assertive"
      onPointerDown={() => setHeld(true)}
    >
      <h2 className="result-title">{title}</h2>
      {screen.outcome === 'refused' ? (
        <p className="result-reason" data-testid="refusal-reason">
          {props.reason}
        </p>
      ) : null}
      {screen.outcome === 'queued' ? <p className="result-reason">{t('result.queuedHint')}</p> : null}
      {screen.attendee ? <PersonCard attendee={screen.attendee} /> : null}
      {screen.local ? (
        <p className="result-offline" data-testid="decided-offline">
          {t('offline.decidedHere')}
        </p>
      ) : null}
      {inside && screen.attendee ? (
        <LunchPanel
          conference={conference}
          registrationId={screen.attendee.registrationId}
          expected={screen.attendee.lunch}
          paid={screen.attendee.lunchPaid}
          actions={props.lunchActions(screen.attendee)}
          standing={props.lunchStanding(screen.attendee.registrationId)}
          onChange={() => setHeld(true)}
        />
      ) : null}
      {inside && screen.attendee && !screen.attendee.erased && !offline ? (
        // A badge for whoever is in: printing is separate from admitting, and never undoes nor repeats it.
        <div onPointerDown={() => setHeld(true)} onFocus={() => setHeld(true)}>
          <BadgeButton
            conferenceId={conference.conferenceId}
            registrationId={screen.attendee.registrationId}
            timezone={conference.timezone}
            printer={props.badgePrinter}
            auto={screen.outcome === 'admitted' && props.badgePrinter?.printOnAdmission === true}
            onBusy={() => setHeld(true)}
          />
        </div>
      ) : null}
      <button type="button" className="btn btn-large btn-next" onClick={onNext}>
        {t('door.next')}
      </button>
      {props.canUndo && !offline ? (
        <UndoButton onUndo={props.onUndo} />
      ) : inside && screen.attendee ? (
        // Decided here (offline), or the person was already in: undone through the outbox when need be.
        <div onPointerDown={() => setHeld(true)} onFocus={() => setHeld(true)}>
          <UndoButton
            label={t('door.undoAdmission')}
            onUndo={(reason) =>
              props.onUndoPerson(screen.attendee!, reason, screen.outcome === 'admitted' ? screen.scanId : undefined)
            }
          />
        </div>
      ) : null}
    </section>
  );
}
