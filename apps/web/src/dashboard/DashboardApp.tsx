import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, CATEGORIES, REFUSAL_REASONS, type AttendanceSnapshot, type Conference } from '../api';
import { AuthGate } from '../auth';
import { ConferenceChooser } from '../door/Setup';
import { formatTime } from '../format';
import { useLang, type Lang, type Translate } from '../i18n';
import { AppLinks } from '../app-links';
import { ErrorMessage, TopBar } from '../shell';
import { storage } from '../storage';
import { useDevice } from '../device';
import { ArrivalChart, Bars } from './charts';
import { SpacesPanel } from './SpacesPanel';
import { useLiveAttendance, type Connection } from './live';
import { dayWindow, slotSeries, SLOT_MS, type DayWindow } from './timeline';
import { isoToLocal, localToIso } from '../admin/time';

/** Figures as of a moment of the day, fetched while the slider is dragged; live updates are kept, not shown. */
type Replay = { at: number; snapshot: AttendanceSnapshot | null; error: unknown; loading: boolean };

const REPLAY_DEBOUNCE_MS = 150;
/** How long a replay stays on screen untouched before the dashboard goes back to live. */
export const REPLAY_IDLE_MS = 90_000;

/**
 * `/dashboard/?conference=<id>`: the organisers' live figures, for a laptop
 * and for the big screen in the hall. Aggregates only: the snapshot carries
 * no names, so there is no feed of arrivals. The conference's printed
 * programme, when it has one, marks the curve of the day.
 */
export function DashboardApp() {
  const { t } = useLang();
  return (
    <AuthGate title={t('dashboard.title')} roles={['display', 'organiser']}>
      <DashboardSetup />
    </AuthGate>
  );
}

function DashboardSetup() {
  const { t } = useLang();
  const [conferenceId, setConferenceId] = useState(storage.conferenceId);

  const choose = (id: string) => {
    storage.setConferenceId(id);
    const url = new URL(window.location.href);
    url.searchParams.set('conference', id);
    window.history.replaceState(null, '', url.pathname + url.search);
    setConferenceId(id);
  };

  if (!conferenceId) {
    return (
      <>
        <TopBar title={t('dashboard.title')} />
        <main className="page">
          <ConferenceChooser onChoose={choose} />
        </main>
      </>
    );
  }
  return <Dashboard conferenceId={conferenceId} />;
}

function Dashboard({ conferenceId }: { conferenceId: string }) {
  const { t, lang } = useLang();
  const live = useLiveAttendance(conferenceId);
  const [conference, setConference] = useState<Conference | null>(null);
  const [replay, setReplay] = useState<Replay | null>(null);
  const request = useRef(0);
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    let open = true;
    api.conference(conferenceId).then(
      (c) => open && setConference(c),
      () => undefined, // the dashboard works from the snapshot alone; the conference only frames the day
    );
    return () => {
      open = false;
    };
  }, [conferenceId]);

  useEffect(() => () => clearTimeout(debounce.current), []);

  // A replay left alone goes back to live by itself: a screen in the hall must not stay on 10:15 all afternoon.
  useEffect(() => {
    if (replay === null) return undefined;
    const timer = setTimeout(() => {
      request.current++;
      setReplay(null);
    }, REPLAY_IDLE_MS);
    return () => clearTimeout(timer);
  }, [replay?.at, replay === null]);

  const timezone = live.snapshot?.timezone ?? conference?.timezone ?? 'Europe/Paris';
  const clock = (ms: number) => formatTime(new Date(ms).toISOString(), timezone, lang);

  // The day is framed by the live figures (all arrivals so far), not the replayed ones.
  const liveSlots = live.snapshot?.arrivals.slots;
  const day = useMemo(() => dayWindow(conference, liveSlots ?? [], Date.now()), [conference, liveSlots]);

  const scrub = (at: number) => {
    const id = ++request.current;
    setReplay((r) => ({ at, snapshot: r?.snapshot ?? null, error: null, loading: true }));
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => {
      api.attendance(conferenceId, new Date(at).toISOString()).then(
        (snapshot) => id === request.current && setReplay({ at, snapshot, error: null, loading: false }),
        (error: unknown) =>
          id === request.current && setReplay((r) => ({ at, snapshot: r?.snapshot ?? null, error, loading: false })),
      );
    }, REPLAY_DEBOUNCE_MS);
  };
  const backToLive = () => {
    request.current++;
    clearTimeout(debounce.current);
    setReplay(null);
  };

  // While the first replayed figures load, the live ones stay (the pill says they are loading).
  const shown = replay?.snapshot ?? live.snapshot;
  const title = live.snapshot?.name ?? conference?.name ?? t('dashboard.title');

  return (
    <div className={replay ? 'dash dash-replaying' : 'dash'}>
      <TopBar
        title={title}
        detail={
          <div className="dash-status-row">
            <ConnectionBadge connection={live.connection} clock={clock} t={t} />
            {replay ? (
              <span className="dash-pill dash-pill-replay" role="status" data-testid="replay-banner">
                {!replay.loading
                  ? t('dashboard.replayAt', { time: clock(replay.at) })
                  : t('dashboard.replayLoading', { time: clock(replay.at) })}
              </span>
            ) : null}
          </div>
        }
        actions={
          <>
            {replay ? (
              <>
                <span className="dash-replay-note">
                  {t('desk.replayAutoReturn', { seconds: Math.round(REPLAY_IDLE_MS / 1000) })}
                </span>
                <button type="button" className="btn btn-small dash-back" onClick={backToLive}>
                  {t('dashboard.backToLive')}
                </button>
              </>
            ) : null}
            <AppLinks conferenceId={conferenceId} current="dashboard" />
          </>
        }
      />
      <main className="dash-main">
        {replay?.error ? <ErrorMessage error={replay.error} /> : null}
        {!shown && live.error ? <ErrorMessage error={live.error} /> : null}
        {shown ? (
          <Figures
            programme={programmeMarks(conference)}
            snapshot={shown}
            day={day}
            marker={replay?.at ?? null}
            clock={clock}
            t={t}
            lang={lang}
            slider={<Slider day={day} value={replay?.at ?? null} onChange={scrub} clock={clock} t={t} />}
          />
        ) : !live.error ? (
          <p className="dash-muted">{t('common.loading')}</p>
        ) : null}
        <SpacesPanel conferenceId={conferenceId} day={day} clock={clock} />
      </main>
    </div>
  );
}

function ConnectionBadge({
  connection,
  clock,
  t,
}: {
  connection: Connection;
  clock: (ms: number) => string;
  t: Translate;
}) {
  const [text, kind] =
    connection.kind === 'live'
      ? [t('dashboard.live'), 'live']
      : connection.kind === 'reconnecting'
        ? [t('dashboard.reconnecting'), 'reconnecting']
        : connection.kind === 'stale'
          ? [t('dashboard.stale', { time: clock(connection.since) }), 'stale']
          : [t('dashboard.connecting'), 'reconnecting'];
  return (
    <span className={`dash-pill dash-pill-${kind}`} role="status" aria-live="polite" data-testid="connection-state">
      <span className="dash-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function Slider({
  day,
  value,
  onChange,
  clock,
  t,
}: {
  day: DayWindow;
  value: number | null;
  onChange: (at: number) => void;
  clock: (ms: number) => string;
  t: Translate;
}) {
  const position = value ?? day.to;
  return (
    <label className="dash-slider">
      <span className="dash-slider-label">{t('dashboard.replay')}</span>
      <span className="dash-slider-time">{clock(day.from)}</span>
      <input
        type="range"
        min={day.from}
        max={day.to}
        step={SLOT_MS}
        value={Math.min(day.to, Math.max(day.from, position))}
        aria-valuetext={clock(position)}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <span className="dash-slider-time">{clock(day.to)}</span>
    </label>
  );
}

const percent = (part: number, whole: number, lang: Lang) =>
  whole > 0 ? new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(Math.round((part / whole) * 100)) : '0';

/** The programme's `HH:MM` (the conference's local time, on the day it starts) as instants. */
function programmeMarks(conference: Conference | null): { at: number; title: string }[] {
  if (!conference?.programme) return [];
  const day = isoToLocal(conference.startsAt, conference.timezone).slice(0, 10);
  return conference.programme.flatMap((p) => {
    const iso = localToIso(`${day}T${p.at}`, conference.timezone);
    return iso ? [{ at: Date.parse(iso), title: p.title }] : [];
  });
}

function Figures({
  snapshot: s,
  day,
  marker,
  clock,
  t,
  lang,
  slider,
  programme,
}: {
  slider: ReactNode;
  /** The printed programme's moments on the curve of the day. */
  programme: { at: number; title: string }[];
  snapshot: AttendanceSnapshot;
  day: DayWindow;
  marker: number | null;
  clock: (ms: number) => string;
  t: Translate;
  lang: Lang;
}) {
  const n = (value: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(value);
  // Conflicts are the organisers' business: the room screen (a display device) shows the audience none of them.
  const showConflicts = useDevice()?.device?.role === 'organiser';
  const series = slotSeries(day, s.arrivals.slots);
  const categories = CATEGORIES.map((c) => ({ c, counts: s.byCategory[c] })).filter(
    ({ counts }) => counts && (counts.registered > 0 || counts.present > 0),
  );
  const doorMax = Math.max(0, ...s.byDoor.map((d) => d.admitted));

  return (
    <div className="dash-grid">
      <Kpi label={t('dashboard.admitted')} testId="dash-admitted" value={n(s.admitted)} tone="green">
        <span>{t('dashboard.admittedOf', { count: n(s.registered) })}</span>
        <span className="dash-explain">{t('desk.dashAdmittedExplain')}</span>
        {s.undone > 0 ? <span>{t('dashboard.undone', { count: n(s.undone) })}</span> : null}
      </Kpi>
      <Kpi label={t('dashboard.present')} testId="dash-present" value={n(s.present)} tone="blue">
        <span>{t('dashboard.presentShare', { percent: percent(s.present, s.registered, lang) })}</span>
        <span className="dash-explain">{t('desk.dashPresentExplain')}</span>
        {showConflicts && s.conflicts && s.conflicts.open > 0 ? (
          <span className="dash-warn" data-testid="dash-conflicts">
            {t('dashboard.conflicts', { count: n(s.conflicts.open) })}
          </span>
        ) : null}
      </Kpi>
      <Kpi label={t('dashboard.lunch')} testId="dash-lunch" value={n(s.lunch.admittedWithLunch)} tone="amber">
        <span>{t('dashboard.lunchAdmitted')}</span>
        <span>{t('dashboard.lunchDetail', { expected: n(s.lunch.expected), paid: n(s.lunch.paid) })}</span>
      </Kpi>
      <Kpi
        label={t('dashboard.charter')}
        testId="dash-signatures"
        value={`${n(s.signatures.count)} / ${n(s.signatures.signatoriesExpected)}`}
        tone="violet"
      >
        <span>{t('dashboard.charterOf')}</span>
        <span>{t('dashboard.charterPresent', { count: n(s.signatures.signatoriesPresent) })}</span>
      </Kpi>

      <section className="dash-panel dash-wide">
        <div className="dash-panel-head">
          <h2>{t('dashboard.arrivals')}</h2>
          <span className="dash-muted">{t('dashboard.arrivalsLegend')}</span>
        </div>
        <ArrivalChart
          series={series}
          day={day}
          marker={marker}
          timeLabel={clock}
          title={t('dashboard.arrivalsChart', { total: n(s.present) })}
          totalLabel={t('dashboard.cumulative')}
          programme={programme}
        />
        {slider}
      </section>

      <section className="dash-panel dash-quarter">
        <h2>{t('dashboard.byCategory')}</h2>
        <Bars
          emptyText={t('dashboard.none')}
          rows={categories.map(({ c, counts }) => ({
            key: c,
            label: t(`category.${c}`),
            value: counts?.present ?? 0,
            max: counts?.registered ?? 0,
            text: `${n(counts?.present ?? 0)} / ${n(counts?.registered ?? 0)}`,
          }))}
        />
      </section>

      <section className="dash-panel dash-quarter">
        <h2>{t('dashboard.byDoor')}</h2>
        <Bars
          emptyText={t('dashboard.none')}
          rows={s.byDoor.map((d) => ({
            key: d.door,
            label: d.door,
            value: d.admitted,
            max: doorMax,
            text: n(d.admitted),
            extra: d.refused > 0 ? t('dashboard.doorRefused', { count: n(d.refused) }) : undefined,
          }))}
        />
      </section>
      <section className="dash-panel dash-full">
        <div className="dash-panel-head">
          <h2>{t('dashboard.refusals')}</h2>
          <span className="dash-muted">{t('dashboard.refusalsTotal', { count: n(s.refusedTotal) })}</span>
        </div>
        <ul className="dash-refusals">
          {REFUSAL_REASONS.map((r) => (
            <li key={r} className={(s.refused[r] ?? 0) > 0 ? 'dash-refusal dash-refusal-some' : 'dash-refusal'}>
              <span className="dash-refusal-count">{n(s.refused[r] ?? 0)}</span>
              <span>{t(`dashboard.reason.${r}`)}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function Kpi({
  label,
  value,
  tone,
  testId,
  children,
}: {
  label: string;
  value: string;
  tone: 'green' | 'blue' | 'amber' | 'violet';
  testId: string;
  children?: ReactNode;
}) {
  return (
    <section className={`dash-kpi dash-kpi-${tone}`} aria-label={label}>
      <h2 className="dash-kpi-label">{label}</h2>
      <p className="dash-kpi-value" data-testid={testId}>
        {value}
      </p>
      <p className="dash-kpi-detail">{children}</p>
    </section>
  );
}
