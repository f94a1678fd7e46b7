import { useEffect, useState } from 'react';
import { MOVEMENT_REFUSAL_REASONS } from '@emargement/contract';
import { request } from '../api';
import { formatTime } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';

/**
 * The open conflicts' count for the Conflits tab, read every 15 s while the
 * organisers' page is open: a conflict must not wait for someone to open the tab.
 */
export function useOpenConflicts(conferenceId: string | null): [number | null, (count: number) => void] {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!conferenceId) return undefined;
    let live = true;
    const load = () =>
      conflictsApi.list(conferenceId).then(
        (found) => live && setCount(found.filter((c) => !c.acknowledged).length),
        () => undefined, // the tab itself says what went wrong when opened
      );
    void load();
    const timer = setInterval(() => void load(), 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [conferenceId]);
  return [count, setCount];
}

/** `GET /api/conferences/:cid/conflicts` (see API.md, "The door without network"). */
export interface DoorConflict {
  conflictId: string;
  scanId: string;
  registrationId: string | null;
  name: string | null;
  reason: string;
  door: string;
  deviceId: string;
  deviceName: string | null;
  scannedAt: string;
  receivedAt: string;
  late: boolean;
  previous?: { at: string; door: string };
  acknowledged: boolean;
  acknowledgement?: { at: string; deviceName: string | null; note: string | null };
}

const REASONS = [
  'already_checked_in',
  'cancelled',
  'waitlisted',
  'unknown_ticket',
  'id_not_checked',
  'id_mismatch',
  'id_missing',
] as const;
const reasonKey = (reason: string) =>
  `conflicts.reason.${(REASONS as readonly string[]).includes(reason) ? (reason as (typeof REASONS)[number]) : 'other'}` as const;

const isMovementReason = (reason: string): reason is (typeof MOVEMENT_REFUSAL_REASONS)[number] =>
  (MOVEMENT_REFUSAL_REASONS as readonly string[]).includes(reason);

const path = (cid: string) => `/api/conferences/${encodeURIComponent(cid)}/conflicts`;

export const conflictsApi = {
  list: (cid: string) => request<DoorConflict[]>('GET', path(cid)),
  acknowledge: (cid: string, conflictId: string, note: string) =>
    request<unknown>('POST', `${path(cid)}/${encodeURIComponent(conflictId)}/acknowledge`, note ? { note } : {}),
};

/**
 * What doors that worked without network did that the server would not have
 * done: each conflict with both scans (who, where, when), acknowledged once
 * an organiser has dealt with it. Refreshed every 15 s.
 */
export function Conflicts({
  conferenceId,
  timezone,
  onOpenCount,
}: {
  conferenceId: string;
  timezone: string;
  /** How many are still open, each time the list is read (the tab's count follows at once). */
  onOpenCount?: (count: number) => void;
}) {
  const { t, lang } = useLang();
  const [list, setList] = useState<DoorConflict[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [showDone, setShowDone] = useState(false);

  useEffect(() => {
    let live = true;
    const load = () =>
      conflictsApi.list(conferenceId).then(
        (found) => {
          if (!live) return;
          setError(null);
          setList(found);
          onOpenCount?.(found.filter((c) => !c.acknowledged).length);
        },
        (e: unknown) => live && setError(e),
      );
    void load();
    const timer = setInterval(() => void load(), 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `onOpenCount` is the tab's state setter: stable, and not a reason to read the list again.
  }, [conferenceId, reload]);

  const time = (iso: string) => formatTime(iso, timezone, lang);
  const open = list?.filter((c) => !c.acknowledged) ?? [];
  const shown = showDone ? (list ?? []) : open;

  const acknowledge = async (c: DoorConflict) => {
    try {
      await conflictsApi.acknowledge(conferenceId, c.conflictId, notes[c.conflictId]?.trim() ?? '');
      setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="stack" data-testid="conflicts">
      <h2>{t('conflicts.title', { count: open.length })}</h2>
      <p className="muted">{t('conflicts.explain')}</p>
      <ErrorMessage error={error} />
      <label className="row">
        <input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} />
        <span>{t('conflicts.showAcknowledged', { count: (list?.length ?? 0) - open.length })}</span>
      </label>
      {list === null ? <p>{t('common.loading')}</p> : null}
      {list !== null && shown.length === 0 ? <p className="muted">{t('conflicts.none')}</p> : null}
      <ul className="stack conflict-list">
        {shown.map((c) => (
          <li key={c.conflictId} className={`card conflict${c.acknowledged ? ' done' : ''}`} data-testid="conflict">
            <strong>{c.name ?? t('conflicts.unknownPerson')}</strong>{' '}
            <span className="badge">
              {/* A movement let through offline at a space's door: its refusal's own words (« Espace complet »). */}
              {isMovementReason(c.reason) ? t(`reason.${c.reason}`) : t(reasonKey(c.reason))}
            </span>
            <div>
              {t('conflicts.thisScan', {
                time: time(c.scannedAt),
                door: c.door,
                device: c.deviceName ?? c.deviceId,
                received: time(c.receivedAt),
              })}
              {c.late ? <span className="badge warn"> {t('conflicts.late')}</span> : null}
            </div>
            {c.previous ? (
              <div>{t('conflicts.previous', { time: time(c.previous.at), door: c.previous.door })}</div>
            ) : null}
            {c.acknowledged ? (
              <div className="muted">
                {t('conflicts.acknowledgedBy', {
                  time: c.acknowledgement ? time(c.acknowledgement.at) : '',
                  device: c.acknowledgement?.deviceName ?? '',
                })}
                {c.acknowledgement?.note ? ` — ${c.acknowledgement.note}` : ''}
              </div>
            ) : (
              <div className="row">
                <input
                  className="grow"
                  maxLength={500}
                  placeholder={t('conflicts.note')}
                  aria-label={t('conflicts.note')}
                  value={notes[c.conflictId] ?? ''}
                  onChange={(e) => setNotes((n) => ({ ...n, [c.conflictId]: e.target.value }))}
                />
                <button type="button" className="btn" onClick={() => void acknowledge(c)}>
                  {t('conflicts.acknowledge')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
