import { useEffect, useState } from 'react';
import type { SpaceList } from '@emargement/contract';
import { request } from '../api';
import { useLang } from '../i18n';
import { ArrivalChart } from './charts';
import { insideSeries, type DayWindow } from './timeline';

const REFRESH_MS = 5_000;
/** From this share of its capacity a space is shown as nearly full. */
const NEARLY_FULL = 0.9;
/** A space's curve is shorter than the arrivals' (several side by side). */
const CURVE_HEIGHT = 300;

/**
 * Who is inside each space, live (issue 23): inside / capacity as a bar, in
 * amber from 90 %, in red when full, and whether it is open now; below, each
 * space's curve of the day (people in per five minutes, and inside, against
 * its capacity), drawn by the arrivals' chart on the same day. Counts only:
 * the room's screen (display role) shows it. Polled every 5 s; a conference
 * without spaces shows nothing.
 */
export function SpacesPanel({
  conferenceId,
  day,
  clock,
}: {
  conferenceId: string;
  /** The day the arrivals' curve covers: the spaces' curves share it, so their times line up. */
  day: DayWindow;
  clock: (ms: number) => string;
}) {
  const { t, lang } = useLang();
  const [spaces, setSpaces] = useState<SpaceList['items'] | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      request<SpaceList>('GET', `/api/conferences/${encodeURIComponent(conferenceId)}/spaces?curve=true`).then(
        (list) => live && setSpaces(list.items),
        () => undefined, // the live figures above report the network
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [conferenceId]);

  if (spaces === null || spaces.length === 0) return null;
  const n = (value: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(value);
  return (
    <section className="dash-panel dash-full" data-testid="dash-spaces">
      <div className="dash-panel-head">
        <h2>{t('dashboard.spaces')}</h2>
        <span className="dash-muted">{t('dashboard.spacesLegend')}</span>
      </div>
      <ul className="bars space-bars">
        {spaces.map((s) => {
          const share = s.capacity ? s.inside / s.capacity : 0;
          const level = s.capacity && share >= 1 ? 'full' : s.capacity && share >= NEARLY_FULL ? 'nearly' : 'ok';
          return (
            <li key={s.spaceId} className={`bars-row space-${level}`} data-testid="dash-space">
              <span className="bars-label">
                {s.name}
                <span className={s.open ? 'dash-muted' : 'space-closed'}>
                  {' '}
                  {s.open
                    ? t('dashboard.spaceOpen', { closes: s.closes })
                    : t('dashboard.spaceClosed', { opens: s.opens, closes: s.closes })}
                </span>
              </span>
              <span className="bars-track" aria-hidden="true">
                <span className="bars-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
              </span>
              <span className="bars-value">
                {s.capacity ? `${n(s.inside)} / ${n(s.capacity)}` : n(s.inside)}
                {level === 'full' ? <strong className="space-flag"> {t('dashboard.spaceFull')}</strong> : null}
                {level === 'nearly' ? <strong className="space-flag"> {t('dashboard.spaceNearlyFull')}</strong> : null}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="dash-muted space-curves-legend">{t('dashboard.spaceCurvesLegend')}</p>
      <div className="space-curves">
        {spaces.map((s) => {
          const { start, series } = insideSeries(day, s.curve?.slots ?? []);
          const peak = (s.curve?.slots ?? []).reduce<{ peak: number; at: string | null }>(
            (best, slot) => (slot.peak > best.peak ? { peak: slot.peak, at: slot.at } : best),
            { peak: 0, at: null },
          );
          // The text alternative: what the curve shows, in words (a screen reader, or a glance).
          const detail =
            peak.at === null
              ? t('dashboard.spaceCurveEmpty')
              : t('dashboard.spaceCurve', {
                  inside: n(s.inside),
                  peak: n(peak.peak),
                  time: clock(Date.parse(peak.at)),
                });
          return (
            <figure key={s.spaceId} className="space-curve" data-testid="dash-space-curve">
              <figcaption>
                <span className="space-curve-name">{s.name}</span> <span className="dash-muted">{detail}</span>
              </figcaption>
              <ArrivalChart
                series={series}
                start={start}
                limit={s.capacity}
                height={CURVE_HEIGHT}
                day={day}
                marker={null}
                timeLabel={clock}
                title={`${s.name} — ${detail}`}
              />
            </figure>
          );
        })}
      </div>
    </section>
  );
}
