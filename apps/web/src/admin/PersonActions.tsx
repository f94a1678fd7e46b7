import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, CATEGORIES, download, saveJson, type Category, type Registration } from '../api';
import { errorText, personName } from '../format';
import { useLang } from '../i18n';

/**
 * What an organiser may do to one registration, shared by the table's row
 * menu and the person's page. The destructive ones (cancel, erase) open a
 * dialog that says what will happen and asks again: never a red button on
 * every row.
 */

/** A name fit for a file: no accents, no spaces, nothing a file system could refuse. */
export function plainFileName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const ticketFileBase = (r: Registration): string =>
  (r.erased ? `billet-${r.registrationId}` : `billet-${r.lastName}-${r.firstName}`)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');

export const downloadTicket = (cid: string, r: Registration, kind: 'pdf' | 'png'): Promise<void> =>
  download(
    kind === 'pdf' ? api.ticketPdfPath(cid, r.registrationId) : api.ticketPngPath(cid, r.registrationId),
    `${ticketFileBase(r)}.${kind}`,
  );

/** The right of access: the server's whole answer, saved as a JSON file for the organiser to send on. */
export async function exportPerson(cid: string, r: Registration): Promise<void> {
  const base = plainFileName(r.erased ? '' : r.lastName) || r.registrationId;
  saveJson(await api.exportPersonalData(cid, r.registrationId), `donnees-${base}.json`);
}

/** A modal dialog: focus moves in, Escape closes it. */
function Dialog(props: { labelId: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(props.onClose);
  close.current = props.onClose;
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, textarea, button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <div
        ref={ref}
        className="modal stack"
        role="dialog"
        aria-modal="true"
        aria-labelledby={props.labelId}
        onClick={(e) => e.stopPropagation()}
      >
        {props.children}
      </div>
    </div>
  );
}

/** A dialog's one action: busy while it runs, its error kept to be shown. */
function useSubmit(action: () => Promise<void>): { busy: boolean; error: unknown; run: () => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/**
 * A registration corrected: a name typo, the organisation, the category, the
 * address. Only organisers (the door checks a document against the name on
 * its list: a door that could change the name could make any document match).
 * What changed is recorded as one event; the door lists, search, tickets and
 * exports read the corrected values.
 */
export function CorrectDialog(props: {
  conferenceId: string;
  registration: Registration;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useLang();
  const r = props.registration;
  const [firstName, setFirstName] = useState(r.firstName);
  const [lastName, setLastName] = useState(r.lastName);
  const [organisation, setOrganisation] = useState(r.organisation ?? '');
  const [email, setEmail] = useState(r.email ?? '');
  const [category, setCategory] = useState<Category>(r.category);
  const {
    busy,
    error,
    run: save,
  } = useSubmit(async () => {
    await api.correctRegistration(props.conferenceId, r.registrationId, {
      firstName,
      lastName,
      organisation,
      category,
      ...(email.trim() !== '' || (r.email ?? '') !== '' ? { email } : {}),
    });
    props.onDone();
  });
  const id = `correct-${r.registrationId}`;
  return (
    <Dialog labelId={id} onClose={props.onClose}>
      <h2 id={id}>{t('admin.correctTitle', { name: personName(t, r) })}</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          <span>{t('field.firstName')}</span>
          <input value={firstName} onChange={(e) => setFirstName(e.target.value)} required />
        </label>
        <label className="field">
          <span>{t('field.lastName')}</span>
          <input value={lastName} onChange={(e) => setLastName(e.target.value)} required />
        </label>
        <label className="field">
          <span>{t('field.organisation')}</span>
          <input value={organisation} onChange={(e) => setOrganisation(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('field.email')}</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('field.category')}</span>
          <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </label>
        {error ? (
          <p className="error" role="alert">
            {errorText(t, error)}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" className="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('admin.correctSave')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function CancelDialog(props: {
  conferenceId: string;
  registration: Registration;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useLang();
  const r = props.registration;
  const [reason, setReason] = useState('');
  const {
    busy,
    error,
    run: cancel,
  } = useSubmit(async () => {
    await api.cancelRegistration(props.conferenceId, r.registrationId, reason.trim() || undefined);
    props.onDone();
  });
  const id = `cancel-${r.registrationId}`;
  return (
    <Dialog labelId={id} onClose={props.onClose}>
      <h2 id={id}>{t('admin.cancelConfirm', { name: personName(t, r) })}</h2>
      <label className="field">
        <span>{t('admin.cancelReason')}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="btn" onClick={props.onClose}>
          {t('common.no')}
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void cancel()}>
          {t('admin.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

export function EraseDialog(props: {
  conferenceId: string;
  registration: Registration;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useLang();
  const r = props.registration;
  const [reason, setReason] = useState('');
  const {
    busy,
    error,
    run: erase,
  } = useSubmit(async () => {
    await api.erasePersonalData(props.conferenceId, r.registrationId, reason.trim());
    props.onDone();
  });
  const id = `erase-${r.registrationId}`;
  return (
    <Dialog labelId={id} onClose={props.onClose}>
      <h2 id={id}>{t('admin.eraseTitle', { name: personName(t, r) })}</h2>
      <p>{t('admin.eraseExplain')}</p>
      <p>
        <strong>{t('admin.eraseFinal')}</strong> {t('admin.eraseExportFirst')}
      </p>
      <label className="field">
        <span>{t('admin.eraseReason')}</span>
        <textarea
          value={reason}
          required
          maxLength={500}
          rows={2}
          aria-describedby={`erase-hint-${r.registrationId}`}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <p className="hint" id={`erase-hint-${r.registrationId}`}>
        {t('admin.eraseReasonHint')}
      </p>
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="btn" onClick={props.onClose}>
          {t('common.no')}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy || reason.trim() === ''}
          onClick={() => void erase()}
        >
          {t('admin.eraseSubmit')}
        </button>
      </div>
    </Dialog>
  );
}
