import { useState } from 'react';
import { useLang } from '../i18n';

/** Undo asks for a reason (the contract requires one) in place, without a modal: one thumb, two taps. */
export function UndoButton({
  onUndo,
  label,
  describedBy,
}: {
  onUndo: (reason: string) => Promise<void>;
  /** The button's words (the last admission's, by default). */
  label?: string;
  /** The id of the element naming whose admission it is (search results): read after the button's words. */
  describedBy?: string;
}) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState(() => t('result.undoReasonDefault'));
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className="btn btn-undo" aria-describedby={describedBy} onClick={() => setOpen(true)}>
        {label ?? t('result.undo')}
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
        void onUndo(reason.trim()).finally(() => setBusy(false));
      }}
    >
      <label className="field">
        <span>{t('result.undoReason')}</span>
        <input className="input-large" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-danger" disabled={busy || reason.trim() === ''}>
          {t('result.undoConfirm')}
        </button>
      </div>
    </form>
  );
}
