import type { DayWindow } from './timeline';

const W = 1000;
const H = 340;
const M = { left: 60, right: 70, top: 20, bottom: 44 };
const HOUR_MS = 3_600_000;

/** A round number at or above `n`, for an axis's top. */
function niceMax(n: number): number {
  if (n <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  // Even steps only, so that the middle gridline is a whole number too.
  for (const step of [1, 2, 4, 6, 8, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Arrivals per five minutes (bars, left axis) and the running total (line,
 * right axis), as inline SVG: no chart library, and it scales from a laptop
 * to a projector. `marker` draws the replayed moment.
 */
export function ArrivalChart({
  series,
  day,
  marker,
  timeLabel,
  title,
  totalLabel,
  programme = [],
  start,
  limit,
  height = H,
}: {
  /** The printed programme's moments (instants), drawn as marks on the day. */
  programme?: { at: number; title: string }[];
  /** Where the line starts; by default the running total before the first slot (the arrivals' curve). */
  start?: number;
  /** A level drawn across on the line's axis (a space's capacity), and the axis reaches it. */
  limit?: number | null;
  /** The drawing's height in its own units (a space's small curve is shorter); the width is always 1000. */
  height?: number;
  series: { at: number; count: number; total: number }[];
  day: DayWindow;
  marker: number | null;
  timeLabel: (ms: number) => string;
  title: string;
  /** Written at the top of the line's axis; none for small curves (their panel says what the line is). */
  totalLabel?: string;
}) {
  const span = Math.max(1, day.to - day.from);
  const plotW = W - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const x = (ms: number) => M.left + ((ms - day.from) / span) * plotW;
  const barMax = niceMax(Math.max(0, ...series.map((s) => s.count)));
  const totalMax = niceMax(Math.max(0, limit ?? 0, ...series.map((s) => s.total)));
  const yBar = (n: number) => M.top + plotH - (n / barMax) * plotH;
  const yTotal = (n: number) => M.top + plotH - (n / totalMax) * plotH;
  const slotW = series.length > 0 ? plotW / series.length : plotW;
  const hours = span / HOUR_MS;
  const tickEvery = hours <= 6 ? HOUR_MS / 2 : hours <= 14 ? HOUR_MS : hours <= 28 ? 2 * HOUR_MS : 4 * HOUR_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil(day.from / tickEvery) * tickEvery; t <= day.to; t += tickEvery) ticks.push(t);
  // When replaying, the running total stops at the replayed moment.
  const line = series
    .filter((s) => marker === null || s.at < marker)
    .map((s) => `L${(x(s.at) + slotW).toFixed(1)},${yTotal(s.total).toFixed(1)}`);
  const startLine =
    series.length > 0
      ? `M${x(day.from).toFixed(1)},${yTotal(start ?? series[0]!.total - series[0]!.count).toFixed(1)}`
      : '';

  return (
    <svg className="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line className="chart-grid" x1={M.left} x2={W - M.right} y1={yBar(barMax * f)} y2={yBar(barMax * f)} />
          <text className="chart-axis" x={M.left - 8} y={yBar(barMax * f) + 6} textAnchor="end">
            {barMax * f}
          </text>
          <text className="chart-axis chart-axis-total" x={W - M.right + 8} y={yTotal(totalMax * f) + 6}>
            {totalMax * f}
          </text>
        </g>
      ))}
      {series.map((s) =>
        s.count > 0 ? (
          <rect
            key={s.at}
            className="chart-bar"
            x={x(s.at) + slotW * 0.1}
            width={Math.max(1, slotW * 0.8)}
            y={yBar(s.count)}
            height={M.top + plotH - yBar(s.count)}
          >
            <title>{`${timeLabel(s.at)} : ${s.count}`}</title>
          </rect>
        ) : null,
      )}
      {limit != null && limit > 0 ? (
        <line className="chart-limit" x1={M.left} x2={W - M.right} y1={yTotal(limit)} y2={yTotal(limit)} />
      ) : null}
      {series.length > 0 ? <path className="chart-line" d={`${startLine} ${line.join(' ')}`} /> : null}
      {ticks.map((t) => (
        <g key={t}>
          <line className="chart-tick" x1={x(t)} x2={x(t)} y1={M.top + plotH} y2={M.top + plotH + 6} />
          <text className="chart-axis" x={x(t)} y={height - 10} textAnchor="middle">
            {timeLabel(t)}
          </text>
        </g>
      ))}
      {programme
        .filter((p) => p.at >= day.from && p.at <= day.to)
        .map((p, i) => (
          <g key={`${p.at}-${i}`} className="chart-programme">
            <line x1={x(p.at)} x2={x(p.at)} y1={M.top} y2={M.top + plotH} />
            <text x={x(p.at) + 4} y={M.top + 14 + (i % 3) * 16}>
              {p.title.length > 28 ? `${p.title.slice(0, 27)}…` : p.title}
            </text>
            <title>{`${timeLabel(p.at)} — ${p.title}`}</title>
          </g>
        ))}
      {marker !== null && marker >= day.from && marker <= day.to ? (
        <line className="chart-marker" x1={x(marker)} x2={x(marker)} y1={M.top} y2={M.top + plotH} />
      ) : null}
      {totalLabel ? (
        <text className="chart-legend" x={W - M.right} y={M.top + 4} textAnchor="end">
          {totalLabel}
        </text>
      ) : null}
    </svg>
  );
}

/** Horizontal bars: `value` out of `max`, with the figures written out (colour is never the only cue). */
export function Bars({
  rows,
  emptyText,
}: {
  rows: { key: string; label: string; value: number; max: number; text: string; extra?: string }[];
  emptyText: string;
}) {
  if (rows.length === 0) return <p className="dash-muted">{emptyText}</p>;
  return (
    <ul className="bars">
      {rows.map((r) => (
        <li key={r.key} className="bars-row">
          <span className="bars-label">{r.label}</span>
          <span className="bars-track" aria-hidden="true">
            <span
              className="bars-fill"
              style={{ width: `${r.max > 0 ? Math.min(100, (r.value / r.max) * 100) : 0}%` }}
            />
          </span>
          <span className="bars-value">
            {r.text}
            {r.extra ? <span className="bars-extra"> {r.extra}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
