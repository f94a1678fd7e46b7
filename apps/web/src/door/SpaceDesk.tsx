import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api, type Attendee, type ConferenceDetails as Conference, type MovementAnswer, type Space } from '../api';
import { formatTime } from '../format';
import { useLang, type Lang, type Translate } from '../i18n';
import { CameraToggle, CameraView } from './Camera';
import { ErrorMessage, TopBar } from '../shell';
import { play } from '../sound';
import { CodeInput, useScannerKeys } from './CodeInput';
import { attendeeOf, emptyAttendee, PersonCard } from './Person';
import { AttendeeSearch } from './Search';
import { serverAway, SpaceEngine, type MovementNotice, type SpaceAnswer } from './offline/space-engine';

/**
 * The door phone at a space's door (issue 23): each scan is a movement, an
 * entry or an exit. Online the server decides (3 s at most). Without network,
 * or with the server away, the phone decides itself with the same decider
 * (libs/spaces, bundled) on its copy of the door's list and its own
 * movements since (`SpaceEngine`), shows the answer as large as online, counts
 * the room from what it knows, and keeps the movement in its outbox; when the
 * server answers again the outbox goes up (same scan ids: nothing twice), and
 * a movement the server would have refused comes back as a conflict, shown
 * here and in the organisers' list.
 */

/** What a door phone remembers as its « door » when it stands at a space: kept apart from door names. */
export const SPACE_PREFIX = 'space:';
export const spaceOf = (door: string): string | null =>
  door.startsWith(SPACE_PREFIX) ? door.slice(SPACE_PREFIX.length) : null;

type Direction = 'in' | 'out' | 'auto';
const DIRECTIONS: readonly Direction[] = ['auto', 'in', 'out'];

type Screen =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'result'; answer: MovementAnswer | SpaceAnswer; attendee: Attendee | null; here: boolean };

/** How long an online movement may take before the phone decides it itself (as the entrance's engine). */
const ONLINE_TIMEOUT_MS = 3_000;

/** How often the count is asked again while nothing is scanned here (other phones move people too). */
const REFRESH_MS = 5_000;
const RESULT_MS = 4_000;

/** The refusal as the door reads it, with what the server gave to explain it (hours, count, first entry). */
export function movementReason(
  t: Translate,
  answer: Pick<MovementAnswer, 'reason' | 'detail'>,
  tz: string,
  lang: Lang,
): string {
  const { reason, detail } = answer;
  if (!reason) return '';
  if (reason === 'space_closed' && detail?.opens !== undefined && detail.closes !== undefined) {
    return t('reason.space_closed', { opens: String(detail.opens), closes: String(detail.closes) });
  }
  if (reason === 'space_full' && detail?.inside !== undefined && detail.capacity !== undefined) {
    return t('space.fullDetail', { inside: String(detail.inside), capacity: String(detail.capacity) });
  }
  if (reason === 'already_entered' && typeof detail?.at === 'string') {
    return t('space.alreadyEnteredAt', { time: formatTime(detail.at, tz, lang) });
  }
  if (reason === 'space_closed') return t('reason.space_closed', { opens: '?', closes: '?' });
  return t(`reason.${reason}`);
}

/** Whether the browser believes it has a network; the server's silence says the rest. */
function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

export function SpaceDesk({
  conference,
  space,
  onChange,
}: {
  conference: Conference;
  space: string;
  onChange: () => void;
}) {
  const { t, lang } = useLang();
  const cid = conference.conferenceId;
  const engine = useMemo(() => new SpaceEngine(cid), [cid]);
  const local = useSyncExternalStore(engine.subscribe, engine.getState);
  const online = useOnline();
  const [unreachable, setUnreachable] = useState(false);
  const [view, setView] = useState<Space | null>(null);
  const [direction, setDirection] = useState<Direction>('auto');
  const [screen, setScreen] = useState<Screen>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const [cameraOn, setCameraOn] = useState(false);
  const screenRef = useRef(screen);
  screenRef.current = screen;
  const offline = !online || unreachable;
  const unreachableRef = useRef(offline);
  unreachableRef.current = offline;
  // Offline, or with movements not yet told to the server, the room's count is the phone's own.
  const localInside = offline || local.pending > 0 ? engine.inside(space) : null;
  const shown = view && localInside !== null ? { ...view, inside: localInside } : view;

  const refresh = useCallback(async () => {
    try {
      const found = (await api.spaces(cid, { timeoutMs: ONLINE_TIMEOUT_MS })).find((s) => s.name === space) ?? null;
      setView(found);
      setUnreachable(false);
    } catch (e) {
      if (serverAway(e)) setUnreachable(true);
      return;
    }
    // The server answers: what waits goes up (then the list, by delta), or the list alone.
    const hadPending = engine.getState().pending > 0;
    const ok = hadPending
      ? await engine.sync()
      : await engine.refresh().then(
          () => true,
          (e: unknown) => !serverAway(e),
        );
    if (!ok) {
      setUnreachable(true);
      return;
    }
    if (hadPending) {
      // The count now includes what this phone just sent.
      const after = (await api.spaces(cid).catch(() => null))?.find((s) => s.name === space);
      if (after) setView(after);
    }
  }, [cid, space, engine]);

  useEffect(() => {
    void engine.load();
  }, [engine]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  /** Decided here: no network, the server away, or it did not answer in time (same scan id and time). */
  const decideHere = useCallback(
    async (
      scanId: string,
      scannedAt: string,
      ref: { ticketCode: string } | { registrationId: string },
      known: Attendee | null,
    ) => {
      const decided = await engine.decideHere(scanId, scannedAt, ref, space, direction);
      if (decided === null) {
        // No list yet, or a ticket the list does not know: nothing to decide on, nothing recorded.
        play('refused');
        setError(new Error(t('space.cannotDecide')));
        setScreen({ kind: 'idle' });
        return;
      }
      play(decided.answer.result === 'admitted' ? 'admitted' : 'refused');
      setScreen({ kind: 'result', answer: decided.answer, attendee: known ?? attendeeOf(decided.ticket), here: true });
    },
    [engine, space, direction, t],
  );

  const send = useCallback(
    async (ref: { ticketCode: string } | { registrationId: string }, known: Attendee | null) => {
      setError(null);
      const scanId = crypto.randomUUID();
      const scannedAt = new Date().toISOString();
      if (!navigator.onLine || unreachableRef.current) {
        setUnreachable(true);
        await decideHere(scanId, scannedAt, ref, known);
        return;
      }
      setScreen({ kind: 'sending' });
      try {
        // A movement's answer may not name the person: a ticket read is looked up alongside (not after), so the
        // volunteer sees whom it is about without waiting twice. The look-up failing changes nothing.
        const lookup =
          known || !('ticketCode' in ref)
            ? Promise.resolve(known)
            : api.ticket(cid, ref.ticketCode, { timeoutMs: ONLINE_TIMEOUT_MS }).then(
                (found) => found.attendee,
                () => null,
              );
        const answer = await api.movement(cid, { scanId, ...ref, space, direction }, { timeoutMs: ONLINE_TIMEOUT_MS });
        play(answer.result === 'admitted' ? 'admitted' : 'refused');
        const attendee = (await lookup) ?? (answer.attendee ? { ...emptyAttendee, ...answer.attendee } : null);
        setScreen({ kind: 'result', answer, attendee, here: false });
        const registrationId = attendee?.registrationId || (await engine.lookUp(ref))?.registrationId;
        if (answer.result === 'admitted' && answer.direction && registrationId) {
          await engine.remember(scanId, registrationId, space, answer.direction);
        }
      } catch (e) {
        if (serverAway(e)) {
          // The same scan, decided here: if the server did record it, the same id makes it one movement.
          setUnreachable(true);
          await decideHere(scanId, scannedAt, ref, known);
          return;
        }
        play('refused');
        setError(e);
        setScreen({ kind: 'idle' });
      }
      void refresh();
    },
    [cid, space, direction, refresh, decideHere, engine],
  );

  const handleCode = useCallback(
    (raw: string) => {
      const ticketCode = raw.trim();
      if (ticketCode === '' || screenRef.current.kind === 'sending') return;
      void send({ ticketCode }, null);
    },
    [send],
  );
  useScannerKeys(handleCode);

  const next = useCallback(() => setScreen({ kind: 'idle' }), []);
  const scanning = screen.kind === 'idle';

  return (
    <>
      <TopBar
        title={conference.name}
        detail={
          <>
            <span data-testid="door-name">{t('space.at', { space })}</span>
            {/* In the sticky top bar: the count stays on screen whatever the volunteer scrolls to. */}
            <InsideCount view={shown} />
          </>
        }
        actions={
          <button type="button" className="btn btn-small" aria-label={t('space.change')} onClick={onChange}>
            {t('door.changeShort')}
          </button>
        }
      />
      <main className="page stack door space-desk">
        {offline || local.pending > 0 ? (
          <p className="banner banner-warning" role="status" data-testid="space-offline">
            {offline ? t('space.decidedHere') : t('space.sending')} {t('space.pending', { count: local.pending })}
          </p>
        ) : null}
        <MovementNotices notices={local.notices} onDismiss={(id) => void engine.dismiss(id)} />
        <ErrorMessage error={error} />
        <fieldset className="space-direction">
          <legend>{t('space.direction')}</legend>
          <div className="space-direction-buttons">
            {DIRECTIONS.map((d) => (
              <button
                key={d}
                type="button"
                className="btn btn-choice"
                aria-pressed={direction === d}
                onClick={() => setDirection(d)}
              >
                {t(`space.${d}`)}
              </button>
            ))}
          </div>
        </fieldset>

        <CodeInput onCode={handleCode} screen={screen.kind} />

        <CameraView on={cameraOn} scanning={scanning} onCode={handleCode} />

        {screen.kind === 'idle' ? (
          <>
            <CameraToggle on={cameraOn} onToggle={setCameraOn} />
            <AttendeeSearch
              conferenceId={cid}
              onPick={(a) => void send({ registrationId: a.registrationId }, a)}
              searchLocal={null}
              timezone={conference.timezone}
            />
          </>
        ) : null}

        {screen.kind === 'sending' ? (
          <p className="panel busy" role="status">
            {t('preview.checking')}
          </p>
        ) : null}

        {screen.kind === 'result' ? (
          <MovementResult
            key={screen.answer.scanId}
            answer={screen.answer}
            attendee={screen.attendee}
            space={space}
            reason={movementReason(t, screen.answer, conference.timezone, lang)}
            here={screen.here}
            onNext={next}
          />
        ) : null}
        <RollCallLink />
      </main>
    </>
  );
}

/** « inside / capacity », large: the one figure the volunteer at a room's door is asked all day. */
function InsideCount({ view }: { view: Space | null }) {
  const { t } = useLang();
  const full = view?.capacity != null && view.inside >= view.capacity;
  return (
    <div className={`space-count${full ? ' space-count-full' : ''}`}>
      <p className="space-count-label">{t('space.inside')}</p>
      <p className="space-count-value" data-testid="space-inside" aria-live="polite">
        {view
          ? view.capacity != null
            ? t('space.insideOf', { inside: view.inside, capacity: view.capacity })
            : String(view.inside)
          : '…'}
      </p>
      {view && !view.open ? (
        <p className="space-count-closed">{t('space.closedNow', { opens: view.opens, closes: view.closes })}</p>
      ) : null}
    </div>
  );
}

/** What the upload brought back: movements the server would have refused (now in the organisers' list too). */
function MovementNotices({
  notices,
  onDismiss,
}: {
  notices: readonly MovementNotice[];
  onDismiss: (scanId: string) => void;
}) {
  const { t } = useLang();
  if (notices.length === 0) return null;
  return (
    <section className="panel" aria-label={t('space.noticesTitle')} data-testid="space-notices">
      <h2>{t('space.noticesTitle')}</h2>
      <ul className="stack">
        {notices.map((n) => (
          <li key={n.scanId}>
            {n.conflict
              ? t('space.conflict', { name: n.name ?? '?', reason: t(`reason.${n.conflict as 'space_full'}`) })
              : t('space.rejected', { name: n.name ?? '?', code: n.rejected ?? '?' })}{' '}
            <button type="button" className="btn btn-small" onClick={() => onDismiss(n.scanId)}>
              {t('space.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MovementResult(props: {
  answer: MovementAnswer | SpaceAnswer;
  attendee: Attendee | null;
  space: string;
  reason: string;
  here: boolean;
  onNext: () => void;
}) {
  const { t } = useLang();
  const { answer, attendee, onNext } = props;
  const admitted = answer.result === 'admitted';
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return undefined;
    const timer = setTimeout(onNext, RESULT_MS);
    return () => clearTimeout(timer);
  }, [held, onNext]);
  return (
    <section
      className={`result result-${admitted ? 'admitted' : 'refused'}`}
      data-testid="scan-result"
      aria-live="assertive"
      onPointerDown={() => setHeld(true)}
    >
      <h2 className="result-title">{admitted ? t('result.admitted') : t('result.refused')}</h2>
      {answer.direction ? (
        <p className="result-direction" data-testid="movement-direction">
          {/* A refused entry did not go « into » the room: the direction is named, not the move. */}
          {t(
            admitted
              ? answer.direction === 'in'
                ? 'space.movedIn'
                : 'space.movedOut'
              : answer.direction === 'in'
                ? 'space.triedIn'
                : 'space.triedOut',
            { space: props.space },
          )}
        </p>
      ) : null}
      {!admitted ? (
        <p className="result-reason" data-testid="refusal-reason">
          {props.reason}
        </p>
      ) : null}
      {props.here ? (
        <p className="result-direction" data-testid="decided-here">
          {t('space.decidedHereShort')}
        </p>
      ) : null}
      {attendee ? <PersonCard attendee={attendee} /> : null}
      <button type="button" className="btn btn-large btn-next" onClick={onNext}>
        {t('door.next')}
      </button>
    </section>
  );
}

/** The evacuation roll call, one tap away from any door screen, small: scanning comes first. */
export function RollCallLink() {
  const { t } = useLang();
  return (
    <p className="roll-call-link">
      <a href="/roll-call/">{t('door.rollCall')}</a>
    </p>
  );
}
