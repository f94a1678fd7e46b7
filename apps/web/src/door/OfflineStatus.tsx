import type { RefusalReason } from '../api';
import { formatTime } from '../format';
import { isMessageKey, useLang, type Translate } from '../i18n';
import type { EngineState } from './offline/door-engine';
import type { SyncNotice } from './offline/local-store';

/**
 * Always on screen, under the top bar: whether the door asks the server or
 * decides on its own list, how many scans wait to go up, and how old the list
 * is (« liste du 9:41 »), so a volunteer knows what the phone is going on.
 */
export function DoorStatus({ state, timezone }: { state: EngineState; timezone: string }) {
  const { t, lang } = useLang();
  const { connectivity, pending } = state;
  const main =
    connectivity === 'syncing'
      ? t('offline.syncing', { count: pending })
      : connectivity === 'offline'
        ? t('offline.offline', { count: pending })
        : pending > 0
          ? t('offline.onlinePending', { count: pending })
          : t('offline.online');
  const list =
    state.refreshedAt === null
      ? t('offline.noList')
      : `${t('offline.listAge', { time: formatTime(new Date(state.refreshedAt).toISOString(), timezone, lang) })} · ${t('offline.listSize', { count: state.listSize })}`;
  return (
    <div
      className={`door-status door-status-${connectivity}`}
      data-testid="door-status"
      data-connectivity={connectivity}
      data-pending={pending}
      role="status"
    >
      <strong>{main}</strong>
      <span>{list}</span>
    </div>
  );
}

/** What the uploads came to, in words staff can act on, with the person's name; each stays until dismissed. */
export function SyncNotices({
  state,
  timezone,
  onDismiss,
}: {
  state: EngineState;
  timezone: string;
  onDismiss: (scanId: string) => void;
}) {
  const { t, lang } = useLang();
  return (
    <>
      {state.wiped ? (
        <p className="banner banner-warning" role="status">
          {state.wiped === 'ended' ? t('offline.wipedEnded') : t('offline.wipedRevoked')}
        </p>
      ) : null}
      {state.connectivity === 'online' && state.lastSyncAgreed > 0 ? (
        <p className="banner banner-info" role="status" data-testid="sync-summary">
          {t('offline.synced', { count: state.lastSyncAgreed })}
        </p>
      ) : null}
      {state.notices.map((notice) => (
        <div key={notice.scanId} className="banner banner-danger sync-notice" role="alert" data-testid="sync-notice">
          <span>{noticeText(t, notice, timezone, lang)}</span>
          <button type="button" className="btn btn-small" onClick={() => onDismiss(notice.scanId)}>
            {t('offline.dismiss')}
          </button>
        </div>
      ))}
    </>
  );
}

export function noticeText(t: Translate, notice: SyncNotice, timezone: string, lang: 'fr' | 'en'): string {
  const name = notice.name ?? t('offline.unknownPerson');
  const time = (iso: string) => formatTime(iso, timezone, lang);
  if (notice.undo) {
    // Undone meanwhile elsewhere (or nothing left to undo): the server recorded the refusal; staff hear it here.
    const code = notice.rejected ?? '?';
    const words = `undo.refusal.${code}`;
    return t('offline.undoRejected', {
      name,
      time: time(notice.scannedAt),
      reason: isMessageKey(words) ? t(words) : code,
    });
  }
  if (notice.lunch) {
    return t(notice.lunch === 'pay' ? 'offline.lunchRejected' : 'offline.lunchReversalRejected', {
      name,
      time: time(notice.scannedAt),
      code: notice.rejected ?? '?',
    });
  }
  if (notice.walkIn) {
    return t(notice.walkIn === 'rejected' ? 'offline.walkInRejected' : 'offline.walkInWaitlisted', {
      name,
      time: time(notice.scannedAt),
      code: notice.rejected ?? '?',
    });
  }
  if (notice.rejected !== null || notice.answer === null) {
    return t('offline.rejected', { name, time: time(notice.scannedAt), code: notice.rejected ?? '?' });
  }
  if (notice.offline === null) {
    // Kept undecided (the phone had no list); the server refused it when it arrived.
    const { reason, previous } = notice.answer;
    const why =
      reason === 'already_checked_in' && previous
        ? t('reason.already_checked_in', { door: previous.door, time: time(previous.at) })
        : t(`reason.${reason ?? 'unknown_ticket'}`);
    return t('door.queueRefused', { name, reason: why });
  }
  const conflict = notice.answer.conflict;
  // An entrance scan's conflict is an entrance reason; the contract's enum also names the movements'.
  const reason = (conflict?.reason ?? 'unknown_ticket') as RefusalReason;
  if (
    reason === 'already_checked_in' &&
    conflict?.previous &&
    Date.parse(conflict.previous.at) > Date.parse(notice.scannedAt)
  ) {
    // This scan came first: it is the other door's later admission that the server flagged.
    return t('offline.conflictAlso', { name, time: time(conflict.previous.at), door: conflict.previous.door });
  }
  if (reason === 'already_checked_in' && conflict?.previous) {
    return t('offline.conflictAlready', { name, time: time(conflict.previous.at), door: conflict.previous.door });
  }
  if (notice.offline.result === 'admitted') {
    return t('offline.conflictAdmitted', { name, reason: t(`offline.reasonLower.${reason}`) });
  }
  const ours = notice.offline.reason ?? 'unknown_ticket';
  return t('offline.conflictRefused', {
    name,
    ours: t(`offline.reasonLower.${ours}`),
    reason: t(`offline.reasonLower.${reason}`),
  });
}
