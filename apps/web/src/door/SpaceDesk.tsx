import { useCallback, useEffect, useRef, useState } from 'react';
import {
  api,
  NetworkError,
  type Attendee,
  type ConferenceDetails as Conference,
  type MovementAnswer,
  type Space,
} from '../api';
import { formatTime } from '../format';
import { useLang, type Lang, type Translate } from '../i18n';
import { CameraToggle, CameraView } from './Camera';
import { ErrorMessage, TopBar } from '../shell';
import { play } from '../sound';
import { CodeInput, useScannerKeys } from './CodeInput';
import { PersonCard } from './Person';
import { AttendeeSearch } from './Search';

/**
 * The door phone at a space's door (issue 23): each scan is a movement, an
 * entry or an exit, decided by the server. Offline movements are not queued
 * here (the phone's offline engine knows the entrance only): without network
 * the screen says so and sends nothing.
 */

/** What a door phone remembers as its « door » when it stands at a space: kept apart from door names. */
export const SPACE_PREFIX = 'space:';
export const spaceOf = (door: string): string | null =>
  door.startsWith(SPACE_PREFIX) ? door.slice(SPACE_PREFIX.length) : null;

type Direction = 'in' | 'out' | 'auto';
const DIRECTIONS: readonly Direction[] = ['auto', 'in', 'out'];

type Screen =
  { kind: 'idle' } | { kind: 'sending' } | { kind: 'result'; answer: MovementAnswer; attendee: Attendee | null };

/** How often the count is asked again while nothing is scanned here (other phones move people too). */
const REFRESH_MS = 5_000;
const RESULT_MS = 4_000;

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

/** The refusal as the door reads it, with what the server gave to explain it (hours, count, first entry). */
export function movementReason(t: Translate, answer: MovementAnswer, tz: string, lang: Lang): string {
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

  const refresh = useCallback(async () => {
    try {
      const found = (await api.spaces(cid)).find((s) => s.name === space) ?? null;
      setView(found);
      setUnreachable(false);
    } catch (e) {
      if (e instanceof NetworkError) setUnreachable(true);
    }
  }, [cid, space]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const send = useCallback(
    async (ref: { ticketCode: string } | { registrationId: string }, known: Attendee | null) => {
      setError(null);
      if (!navigator.onLine) {
        play('refused');
        setUnreachable(true);
        return;
      }
      setScreen({ kind: 'sending' });
      try {
        // A movement's answer may not name the person: a ticket read is looked up alongside (not after), so the
        // volunteer sees whom it is about without waiting twice. The look-up failing changes nothing.
        const lookup =
          known || !('ticketCode' in ref)
            ? Promise.resolve(known)
            : api.ticket(cid, ref.ticketCode).then(
                (found) => found.attendee,
                () => null,
              );
        const answer = await api.movement(cid, { scanId: crypto.randomUUID(), ...ref, space, direction });
        play(answer.result === 'admitted' ? 'admitted' : 'refused');
        const attendee = (await lookup) ?? (answer.attendee ? { ...emptyAttendee, ...answer.attendee } : null);
        setScreen({ kind: 'result', answer, attendee });
      } catch (e) {
        play('refused');
        // Nothing is kept for later: a movement decided without the server would count people twice.
        if (e instanceof NetworkError) setUnreachable(true);
        else setError(e);
        setScreen({ kind: 'idle' });
      }
      void refresh();
    },
    [cid, space, direction, refresh],
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
            <InsideCount view={view} />
          </>
        }
        actions={
          <button type="button" className="btn btn-small" aria-label={t('space.change')} onClick={onChange}>
            {t('door.changeShort')}
          </button>
        }
      />
      <main className="page stack door space-desk">
        {offline ? (
          <p className="banner banner-warning" role="alert" data-testid="space-offline">
            {t('space.needsNetwork')}
          </p>
        ) : null}
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

function MovementResult(props: {
  answer: MovementAnswer;
  attendee: Attendee | null;
  space: string;
  reason: string;
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
