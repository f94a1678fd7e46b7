import { useCallback, useEffect, useState } from 'react';
import type { TicketMailProgress } from '@emargement/contract';
import { api } from '../api';
import { useLang, type Translate } from '../i18n';
import { ErrorMessage } from '../shell';

export type MailStatus = TicketMailProgress['people'][number]['status'];

/**
 * Where the tickets by e-mail stand for a conference: the counts, and each person's latest message (for the
 * registrations table's column). Looked at again every two seconds while something is waiting or leaving, so
 * the organiser sees the batch go without reloading; once all is sent or failed it stops asking.
 */
export function useTicketMail(conferenceId: string): {
  progress: TicketMailProgress | null;
  statusOf: (registrationId: string) => TicketMailProgress['people'][number] | undefined;
  reload: () => void;
  error: unknown;
} {
  const [progress, setProgress] = useState<TicketMailProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    api.ticketMail(conferenceId).then(
      (p) => {
        if (!live) return;
        setError(null);
        setProgress(p);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, tick]);
  const busy = progress !== null && progress.queued + progress.sending > 0;
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(timer);
  }, [busy, progress]);
  const byPerson = new Map(progress?.people.map((p) => [p.registrationId, p]) ?? []);
  return {
    progress,
    statusOf: (id) => byPerson.get(id),
    reload: useCallback(() => setTick((n) => n + 1), []),
    error,
  };
}

export const mailStatusLabel = (t: Translate, status: MailStatus): string => t(`mail.status.${status}`);

/** « Envoyer les billets » with the batch's progress, or why it cannot be sent (« e-mail non configuré »). */
export function SendTickets(props: {
  conferenceId: string;
  progress: TicketMailProgress | null;
  onQueued: () => void;
}) {
  const { t } = useLang();
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const p = props.progress;
  if (p === null) return null;
  const send = () => {
    setBusy(true);
    setError(null);
    api.sendTickets(props.conferenceId).then(
      (answer) => {
        setQueued(answer.queued);
        setBusy(false);
        props.onQueued();
      },
      (e: unknown) => {
        setError(e);
        setBusy(false);
      },
    );
  };
  return (
    // One row: the title, the button and where the batch stands (the registrations table below is the page).
    <section className="mail-send row" aria-labelledby="mail-send-title">
      <h3 id="mail-send-title">{t('mail.sendTitle')}</h3>
      {p.configured ? (
        <div className="row">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={send}>
            {t('mail.send')}
          </button>
          <p className="hint" role="status" data-testid="mail-progress">
            {queued !== null ? `${t('mail.queued', { queued })} — ` : ''}
            {t('mail.progress', { sent: p.sent, waiting: p.queued + p.sending, failed: p.failed })}
          </p>
        </div>
      ) : (
        <p className="hint" data-testid="mail-not-configured">
          {t('mail.notConfigured')}
        </p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
