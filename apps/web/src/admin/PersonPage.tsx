import { useEffect, useState } from 'react';
import { api, deskApi, type ConferenceDetails, type HistoryEntry, type PaymentMethod, type Registration } from '../api';
import { LunchPanel, type TakenPayment } from '../door/LunchPanel';
import { formatMoney, formatTime, newId, personName } from '../format';
import { isMessageKey, useLang, type Lang, type Translate } from '../i18n';
import { ErrorMessage } from '../shell';
import { ArrivalCell } from './Registrations';
import { CancelDialog, CorrectDialog, downloadTicket, EraseDialog, exportPerson } from './PersonActions';

/**
 * One person's page: who they are, their ticket, and their whole story from
 * the event log (`GET .../history`), oldest first, each step with its door
 * and the name of the device that recorded it — « who let this person in? ».
 */
export function PersonPage(props: {
  conferenceId: string;
  /** For the lunch fee (the organisers take and reverse lunch payments here too). */
  conference: ConferenceDetails;
  registrationId: string;
  timezone: string;
  /** The row the organiser clicked, shown at once while the page reads the rest. */
  initial: Registration | null;
  onBack: () => void;
}) {
  const { conferenceId, registrationId, timezone } = props;
  const { t, lang } = useLang();
  const [registration, setRegistration] = useState<Registration | null>(props.initial);
  const [history, setHistory] = useState<readonly HistoryEntry[] | null>(null);
  const [ticket, setTicket] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'cancel' | 'erase' | 'correct' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [resent, setResent] = useState(false);

  useEffect(() => {
    let live = true;
    // No single-registration read in the API: the list (already filtered by the server) is read and searched.
    Promise.all([api.registrations(conferenceId, {}), deskApi.history(conferenceId, registrationId)]).then(
      ([list, steps]) => {
        if (!live) return;
        setError(null);
        setRegistration(list.find((r) => r.registrationId === registrationId) ?? null);
        setHistory(steps);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, registrationId, reload]);

  useEffect(() => {
    let url: string | null = null;
    let live = true;
    deskApi.ticketImage(conferenceId, registrationId).then(
      (u) => {
        url = u;
        if (live) setTicket(u);
        else URL.revokeObjectURL(u);
      },
      () => undefined, // the ticket is a convenience here; the links below still offer it
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [conferenceId, registrationId, reload]);

  const run = (action: Promise<void>) => {
    action.catch((e: unknown) => setError(e));
  };
  const done = () => {
    setConfirm(null);
    setReload((n) => n + 1);
  };

  return (
    <section className="panel stack person-page" aria-labelledby="person-title">
      <div className="row row-between">
        <button type="button" className="btn btn-small" onClick={props.onBack}>
          ← {t('desk.backToList')}
        </button>
      </div>
      <ErrorMessage error={error} />
      {registration ? (
        <div className="person-head">
          <div className="stack">
            <h2 id="person-title" className={registration.erased ? 'person-erased' : undefined}>
              {personName(t, registration)}
            </h2>
            <p className="registration-detail">
              {[registration.organisation, registration.email].filter(Boolean).join(' · ')}
            </p>
            <p className="registration-tags">
              <span className={`badge badge-${registration.category}`}>{t(`category.${registration.category}`)}</span>{' '}
              <span className={`badge badge-status-${registration.status}`}>{t(`status.${registration.status}`)}</span>
            </p>
            <dl className="person-facts">
              <dt>{t('desk.arrival')}</dt>
              <dd>
                <ArrivalCell t={t} registration={registration} timezone={timezone} />
              </dd>
              <dt>{t('field.lunch')}</dt>
              <dd>
                {!registration.lunch
                  ? t('admin.lunchNo')
                  : registration.lunchPaid
                    ? t('desk.lunchPaid')
                    : t('desk.lunchDue')}
              </dd>
              {props.conference.lunch && history && !registration.erased ? (
                <dd className="person-lunch">
                  <LunchPanel
                    key={`${registration.lunchPaid}-${reload}`}
                    conference={props.conference}
                    registrationId={registration.registrationId}
                    expected={registration.lunch || registration.lunchPaid}
                    paid={registration.lunchPaid}
                    standing={standingPayment(history)}
                    onChange={() => setReload((n) => n + 1)}
                  />
                </dd>
              ) : null}
              {history && standingAdmissions(history).length > 0 ? (
                <dd className="person-undo">
                  {standingAdmissions(history).map((a) => (
                    <UndoAdmission
                      key={a.scanId}
                      conferenceId={conferenceId}
                      registrationId={registrationId}
                      admission={a}
                      timezone={timezone}
                      onDone={() => setReload((n) => n + 1)}
                    />
                  ))}
                </dd>
              ) : null}
              <dt>{t('desk.colCharter')}</dt>
              <dd>{registration.signed ? t('desk.signed') : '—'}</dd>
            </dl>
            <div className="row">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => run(downloadTicket(conferenceId, registration, 'pdf'))}
              >
                {t('admin.ticketPdf')}
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => run(downloadTicket(conferenceId, registration, 'png'))}
              >
                {t('admin.ticketPng')}
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => run(exportPerson(conferenceId, registration))}
              >
                {t('admin.exportData')}
              </button>
              {!registration.erased && registration.status === 'registered' ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() =>
                    run(
                      api
                        .sendTickets(conferenceId, { registrationIds: [registrationId], resend: true })
                        .then((answer) => {
                          setResent(answer.queued > 0);
                          setReload((n) => n + 1);
                        }),
                    )
                  }
                >
                  {t('mail.resend')}
                </button>
              ) : null}
              {!registration.erased ? (
                <button type="button" className="btn btn-small" onClick={() => setConfirm('correct')}>
                  {t('admin.correct')}…
                </button>
              ) : null}
              {registration.status !== 'cancelled' ? (
                <button type="button" className="btn btn-small" onClick={() => setConfirm('cancel')}>
                  {t('admin.cancel')}…
                </button>
              ) : null}
              {!registration.erased ? (
                <button type="button" className="btn btn-small" onClick={() => setConfirm('erase')}>
                  {t('admin.erase')}…
                </button>
              ) : null}
            </div>
          </div>
          {resent ? (
            <p className="hint" role="status">
              {t('mail.resent')}
            </p>
          ) : null}
          {ticket ? <img className="person-ticket" src={ticket} alt={t('desk.ticketAlt')} /> : null}
        </div>
      ) : history === null && !error ? (
        <p>{t('common.loading')}</p>
      ) : null}

      <h3>{t('desk.history')}</h3>
      {history?.length === 0 ? <p className="hint">{t('dashboard.none')}</p> : null}
      {history && history.length > 0 ? (
        <table className="history">
          <thead>
            <tr>
              <th scope="col">{t('desk.when')}</th>
              <th scope="col">{t('desk.what')}</th>
              <th scope="col">{t('desk.where')}</th>
              <th scope="col">{t('desk.device')}</th>
              <th scope="col">{t('desk.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((e, i) => (
              <tr key={i} className={`history-${e.type}`} data-testid="history-entry">
                <td title={new Date(e.at).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: timezone })}>
                  {formatTime(e.at, timezone, lang)}
                </td>
                <td>
                  <strong className={stepClass(e)}>{stepLabel(t, e)}</strong>
                </td>
                <td>{e.door ?? ''}</td>
                <td className="history-device">{e.device ?? ''}</td>
                <td>{stepDetail(t, lang, timezone, e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {registration && confirm === 'cancel' ? (
        <CancelDialog
          conferenceId={conferenceId}
          registration={registration}
          onClose={() => setConfirm(null)}
          onDone={done}
        />
      ) : null}
      {registration && confirm === 'correct' ? (
        <CorrectDialog
          conferenceId={conferenceId}
          registration={registration}
          onClose={() => setConfirm(null)}
          onDone={done}
        />
      ) : null}
      {registration && confirm === 'erase' ? (
        <EraseDialog
          conferenceId={conferenceId}
          registration={registration}
          onClose={() => setConfirm(null)}
          onDone={done}
        />
      ) : null}
    </section>
  );
}

/** The admissions that stand, from the history: admitted and not undone since (offline doors may make two). */
export function standingAdmissions(history: readonly HistoryEntry[]): { scanId: string; at: string; door: string }[] {
  const undone = new Set(history.filter((e) => e.type === 'AdmissionUndone').map((e) => e.detail.scanId));
  return history.flatMap((e) =>
    e.type === 'AttendeeAdmitted' && e.detail.scanId && !undone.has(e.detail.scanId)
      ? [{ scanId: e.detail.scanId, at: e.at, door: e.door ?? '' }]
      : [],
  );
}

/** Undo of any admission, with its reason (required), from the person's page: a mistake found later is corrected. */
function UndoAdmission(props: {
  conferenceId: string;
  registrationId: string;
  admission: { scanId: string; at: string; door: string };
  timezone: string;
  onDone: () => void;
}) {
  const { t, lang } = useLang();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One id for this undo, kept across a retry of the same form: the server writes it once. A page left open while a
  // door undid the same admission gets `already_undone`, recorded, rather than a silent success.
  const [undoId] = useState(newId);
  const { admission } = props;
  const what = t('desk.admissionAt', { time: formatTime(admission.at, props.timezone, lang), door: admission.door });
  if (!open) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        {t('desk.undoAdmission')} ({what})
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
        api
          .undoAdmission(props.conferenceId, props.registrationId, {
            undoId,
            scanId: admission.scanId,
            reason: reason.trim(),
          })
          .then(
            () => props.onDone(),
            (err: unknown) => {
              setError(err);
              setBusy(false);
            },
          );
      }}
    >
      <label className="field">
        <span>{t('result.undoReason')}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      <ErrorMessage error={error} />
      <div className="row">
        <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-small btn-danger" disabled={busy || reason.trim() === ''}>
          {t('result.undoConfirm')}
        </button>
      </div>
    </form>
  );
}

/** The payment that stands, from the history: the last one taken and not reversed since. */
export function standingPayment(history: readonly HistoryEntry[]): TakenPayment | null {
  let standing: TakenPayment | null = null;
  for (const e of history) {
    const { paymentId, amountCents, method } = e.detail;
    if (e.type === 'LunchPaid' && paymentId && amountCents !== undefined && method) {
      standing = { paymentId, amountCents, method: method as PaymentMethod };
    } else if (e.type === 'LunchPaymentReversed' && standing?.paymentId === paymentId) {
      standing = null;
    }
  }
  return standing;
}

const stepClass = (e: HistoryEntry): string =>
  e.type === 'AttendeeAdmitted'
    ? 'state-ok'
    : e.type === 'EntryRefused' ||
        e.type === 'ScanConflicted' ||
        e.type === 'MovementRefused' ||
        e.type === 'MovementConflicted'
      ? 'state-refused'
      : '';

function stepLabel(t: Translate, e: HistoryEntry): string {
  const key = `desk.event.${e.type}`;
  return isMessageKey(key) ? t(key) : e.type;
}

/** The step's particulars in words: the refusal's reason, the ID check, a late upload, the amount paid… */
function stepDetail(t: Translate, lang: Lang, timezone: string, e: HistoryEntry): string {
  const d = e.detail;
  const parts: string[] = [];
  const say = (key: string, params?: Record<string, string | number>) => {
    if (isMessageKey(key)) parts.push(t(key, params));
  };
  switch (e.type) {
    case 'PersonRegistered':
    case 'PersonWaitlisted':
      if (d.category) say(`category.${d.category}`);
      if (d.source) say(`desk.source.${d.source}`);
      break;
    case 'WaitlistedPersonPromoted':
      if (d.cause) say(`desk.cause.${d.cause}`);
      break;
    case 'EntryRefused':
    case 'ScanConflicted':
      if (d.reason) say(`dashboard.reason.${d.reason}`);
      if (d.previous)
        parts.push(
          t('desk.previousAdmission', { door: d.previous.door, time: formatTime(d.previous.at, timezone, lang) }),
        );
      break;
    case 'LunchPaid':
    case 'LunchPaymentReversed':
      if (d.amountCents !== undefined && d.currency) parts.push(formatMoney(d.amountCents, d.currency, lang));
      if (d.method) say(`lunch.method.${d.method}`);
      if (e.type === 'LunchPaymentReversed' && d.reason) parts.push(d.reason);
      break;
    case 'CharterSigned':
      parts.push(t('desk.signedDetail', { title: d.charterTitle ?? '', sequence: d.sequence ?? '' }));
      if (d.onBehalfOf) parts.push(t('desk.onBehalfOf', { organisation: d.onBehalfOf }));
      break;
    case 'ConflictAcknowledged':
      if (d.note) parts.push(d.note);
      break;
    case 'MovementRefused':
      // With its particulars (the hours of a closed space, inside/capacity of a full one).
      if (d.reason) say(`reason.${d.reason}`, d.limits);
      break;
    case 'MovementConflicted':
      // Let through by a space's phone offline; what the server would have said.
      if (d.reason) say(`reason.${d.reason}`, d.limits);
      if (d.offline) parts.push(t('desk.offline', { time: formatTime(d.offline.receivedAt, timezone, lang) }));
      break;
    case 'MovementConflictAcknowledged':
      if (d.note) parts.push(d.note);
      break;
    case 'PersonLeftSpace':
      if (d.because && d.because !== 'scan') say(`desk.because.${d.because}`);
      break;
    case 'RegistrationCorrected':
      // The fields that changed, in words (never their values: the history may be read over a shoulder).
      if (d.note) {
        const fields = d.note.split(', ').map((f) => {
          const key = `field.${f}`;
          return isMessageKey(key) ? t(key) : f;
        });
        parts.push(fields.join(', '));
      }
      if (d.category) say(`category.${d.category}`);
      break;
    case 'AdmissionUndoRefused':
      if (d.reason) say(`undo.refusal.${d.reason}`);
      if (d.note) parts.push(d.note);
      break;
    // The ticket by e-mail: why it failed or was dropped, and the SMTP server's own words.
    case 'TicketSendFailed':
    case 'TicketSendDropped':
    case 'TicketSent':
      if (d.reason) say(`mail.reason.${d.reason}`);
      if (d.note) parts.push(d.note);
      break;
    default:
      if (d.reason) parts.push(d.reason);
  }
  // No document: the refusal's reason (« Pas de pièce d'identité ») already says it all.
  if ((e.type === 'AttendeeAdmitted' || e.type === 'EntryRefused') && d.idCheck && d.idCheck.document !== 'none') {
    parts.push(
      t(d.idCheck.nameMatches ? 'desk.idChecked' : 'desk.idMismatch', {
        document: t(`document.${d.idCheck.document}`),
      }),
    );
  }
  if (d.offline && (e.type === 'AttendeeAdmitted' || e.type === 'EntryRefused' || e.type === 'ScanConflicted')) {
    parts.push(t('desk.offline', { time: formatTime(d.offline.receivedAt, timezone, lang) }));
  }
  return parts.join(' · ');
}
