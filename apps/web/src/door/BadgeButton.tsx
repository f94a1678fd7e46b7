import { useEffect, useRef, useState } from 'react';
import type { BadgeLayout, DoorPrinter } from '@emargement/contract';
import { api, ApiError } from '../api';
import { errorText, formatTime, newId } from '../format';
import { useLang } from '../i18n';

type State =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'printed'; copy: number; at: string; url: string | null; printer: string | null }
  | { kind: 'reprint'; lastPrintedAt: string }
  | { kind: 'failed'; message: string; printId: string; printer: string | null; reason: string | undefined };

/**
 * « Imprimer le badge »: two real ways, both recorded in the print log first
 * (POST …/badge-prints), so a badge is never printed twice by accident. On
 * the phone: the badge's PDF, opened for the system print dialog (AirPrint,
 * Mopria), through a link the volunteer taps (a link opened after an answer
 * is a pop-up the browser may block). On the door's printer: the server sends
 * it through CUPS; a stopped printer is said, and the same print retried.
 * A second badge needs a reason (« badge perdu », « nom mal orthographié »).
 */
export function BadgeButton(props: {
  conferenceId: string;
  registrationId: string;
  timezone: string;
  layout?: BadgeLayout;
  /** The door's CUPS queue, when the organisers named one. */
  printer: DoorPrinter | null;
  /** Print on the door's printer at once (the door is set to print on admission). */
  auto?: boolean;
  onBusy?: () => void;
}) {
  const { t, lang } = useLang();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<'device' | 'printer'>('device');
  const layout = props.layout ?? (props.printer ? 'cr80' : 'a4-8');
  const started = useRef(false);

  const print = async (where: 'device' | 'printer', why?: string, printId = newId()) => {
    props.onBusy?.();
    setPending(where);
    setState({ kind: 'busy' });
    const printer = where === 'printer' && props.printer ? props.printer.queue : null;
    try {
      const done = await api.printBadge(props.conferenceId, props.registrationId, {
        printId,
        layout: where === 'printer' ? layout : 'a4-8',
        ...(printer ? { printer } : {}),
        ...(why ? { reason: why } : {}),
      });
      const url =
        printer === null ? await api.pdfUrl(api.badgePdfPath(props.conferenceId, props.registrationId, 'a4-8')) : null;
      setState({ kind: 'printed', copy: done.copy, at: done.printedAt, url, printer });
      setReason('');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'reprint_reason_required') {
        const last = error.detail.lastPrintedAt;
        setState({ kind: 'reprint', lastPrintedAt: typeof last === 'string' ? last : '' });
      } else {
        setState({ kind: 'failed', message: errorText(t, error), printId, printer, reason: why });
      }
    }
  };

  useEffect(() => {
    if (!props.auto || !props.printer || started.current) return;
    started.current = true;
    void print('printer');
    // Once per person on screen: the button stays for a second copy.
  }, [props.auto, props.printer]);

  const buttons = (why?: string) => (
    <div className="actions">
      <button type="button" className="btn" disabled={state.kind === 'busy'} onClick={() => void print('device', why)}>
        {why === undefined ? t('badge.print') : t('badge.reprintHere')}
      </button>
      {props.printer ? (
        <button
          type="button"
          className="btn"
          disabled={state.kind === 'busy'}
          onClick={() => void print('printer', why)}
        >
          {t('badge.printOn', { printer: props.printer.queue })}
        </button>
      ) : null}
    </div>
  );

  return (
    <div className="stack badge-print" data-testid="badge-print">
      {state.kind === 'idle' || state.kind === 'busy' ? buttons() : null}
      {state.kind === 'busy' ? <p role="status">{t('badge.busy')}</p> : null}
      {state.kind === 'printed' ? (
        <div role="status" className="stack">
          <p data-testid="badge-printed">
            {state.printer
              ? t('badge.sentTo', { printer: state.printer, copy: String(state.copy) })
              : t('badge.recorded', { copy: String(state.copy) })}
          </p>
          {state.url ? (
            <a className="btn btn-large" href={state.url} target="_blank" rel="noopener" data-testid="badge-open">
              {t('badge.open')}
            </a>
          ) : null}
        </div>
      ) : null}
      {state.kind === 'reprint' ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== '') void print(pending, reason.trim());
          }}
        >
          <p role="alert" data-testid="badge-already">
            {t('badge.already', { time: formatTime(state.lastPrintedAt, props.timezone, lang) })}
          </p>
          <label className="field">
            <span>{t('badge.reason')}</span>
            <input
              className="input-large"
              value={reason}
              placeholder={t('badge.reasonExample')}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setState({ kind: 'idle' })}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={reason.trim() === ''}>
              {t('badge.reprint')}
            </button>
          </div>
        </form>
      ) : null}
      {state.kind === 'failed' ? (
        <div className="stack">
          <p role="alert" className="error" data-testid="badge-failed">
            {state.message}
          </p>
          <div className="actions">
            <button
              type="button"
              className="btn"
              onClick={() => void print(state.printer ? 'printer' : 'device', state.reason, state.printId)}
            >
              {t('common.retry')}
            </button>
            {state.printer ? (
              // The printer is out: the phone's own print dialog is still there.
              <button type="button" className="btn" onClick={() => void print('device', state.reason)}>
                {t('badge.print')}
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
