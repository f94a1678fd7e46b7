import { useEffect, useState, type FormEvent } from 'react';
import {
  api,
  CATEGORIES,
  type Attendee,
  type Category,
  type ConferenceDetails as Conference,
  type IdCheck,
} from '../api';
import { newId } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';
import { emptyIdCheck, IdCheckForm, idCheckComplete, type IdCheckDraft } from './IdCheckForm';

interface Props {
  conference: Conference;
  onRegistered: (attendee: Attendee, idCheck: IdCheck | undefined) => void;
  onCancel: () => void;
}

/**
 * Registers someone who turns up without a ticket, then hands over to the
 * normal admission with the new registration id. The id is drawn once for
 * the form, so pressing the button again after a lost answer registers the
 * person once.
 */
export function WalkInForm({ conference, onRegistered, onCancel }: Props) {
  const { t } = useLang();
  const [registrationId] = useState(newId);
  const [form, setForm] = useState({
    firstName: '',
    lastName: '',
    email: '',
    organisation: '',
    category: 'participant' as Category,
    lunch: false,
    photoConsent: false,
  });
  const [idCheck, setIdCheck] = useState<IdCheckDraft>(emptyIdCheck);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [waitlisted, setWaitlisted] = useState(false);

  // The e-mail is optional here: someone at the desk may have none to give, and the queue must not wait for it.
  const ready =
    form.firstName.trim() !== '' &&
    form.lastName.trim() !== '' &&
    (!conference.idCheckRequired || idCheckComplete(idCheck));
  // How many places are left, read when the form opens: the volunteer knows before typing a name.
  const [places, setPlaces] = useState<{ left: number; capacity: number; waiting: number } | null>(null);
  useEffect(() => {
    let live = true;
    api.conference(conference.conferenceId).then(
      (c) =>
        live &&
        setPlaces({ left: Math.max(0, c.capacity - c.registered), capacity: c.capacity, waiting: c.waitlisted }),
      () => undefined, // no figure is better than a wrong one; the registration still says « liste d'attente »
    );
    return () => {
      live = false;
    };
  }, [conference.conferenceId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const organisation = form.organisation.trim();
      const answer = await api.register(conference.conferenceId, {
        registrationId,
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(organisation ? { organisation } : {}),
        category: form.category,
        lunch: form.lunch,
        photoConsent: form.photoConsent,
      });
      if (answer.status === 'waitlisted') setWaitlisted(true);
      const check =
        idCheck.document !== null && idCheck.nameMatches !== null
          ? { document: idCheck.document, nameMatches: idCheck.nameMatches }
          : undefined;
      onRegistered(
        {
          registrationId: answer.registrationId,
          firstName: form.firstName.trim(),
          lastName: form.lastName.trim(),
          organisation: organisation || null,
          category: form.category,
          status: answer.status,
          lunch: form.lunch,
          lunchPaid: false,
          ticketCode: answer.ticketCode,
          admitted: null,
          erased: false,
        },
        check,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const text = (key: 'firstName' | 'lastName' | 'email' | 'organisation', type = 'text', required = true) => (
    <label className="field">
      <span>
        {t(`field.${key}`)}
        {required ? '' : ` ${t('walkIn.optional')}`}
      </span>
      <input
        className="input-large"
        type={type}
        required={required}
        value={form[key]}
        autoComplete="off"
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );

  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)}>
      <h2>{t('walkIn.title')}</h2>
      {places ? (
        <p
          className={places.left > 0 && places.waiting === 0 ? 'banner banner-info' : 'banner banner-warning'}
          role="status"
          data-testid="walkin-places"
        >
          {places.left > 0 && places.waiting === 0
            ? t('walkIn.placesLeft', { left: places.left, capacity: places.capacity })
            : t('walkIn.full', { capacity: places.capacity, waiting: places.waiting })}
        </p>
      ) : null}
      {text('firstName')}
      {text('lastName')}
      {text('email', 'email', false)}
      {text('organisation', 'text', false)}
      <label className="field">
        <span>{t('field.category')}</span>
        <select
          className="input-large"
          value={form.category}
          onChange={(e) => setForm({ ...form, category: e.target.value as Category })}
        >
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`category.${c}`)}
            </option>
          ))}
        </select>
      </label>
      {conference.lunch ? (
        <label className="check">
          <input type="checkbox" checked={form.lunch} onChange={(e) => setForm({ ...form, lunch: e.target.checked })} />
          <span>{t('field.lunch')}</span>
        </label>
      ) : null}
      <label className="check">
        <input
          type="checkbox"
          checked={form.photoConsent}
          onChange={(e) => setForm({ ...form, photoConsent: e.target.checked })}
        />
        <span>{t('field.photoConsent')}</span>
      </label>
      {conference.idCheckRequired ? <IdCheckForm value={idCheck} onChange={setIdCheck} /> : null}
      {waitlisted ? <p className="warning">{t('walkIn.waitlisted')}</p> : null}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="btn btn-large" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary btn-large" disabled={!ready || busy}>
          {t('walkIn.submit')}
        </button>
      </div>
    </form>
  );
}
