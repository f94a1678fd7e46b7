import { useEffect, useState, type FormEvent } from 'react';
import {
  api,
  CATEGORIES,
  type Attendee,
  type Category,
  type ConferenceDetails as Conference,
  type IdCheck,
  type RegisterRequest,
} from '../api';
import { formatTime, newId } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';
import { emptyIdCheck, IdCheckForm, idCheckComplete, type IdCheckDraft } from './IdCheckForm';
import { placesLeft, type WalkInPlaces, type WalkInRegistered } from './offline/walk-ins';

interface Props {
  conference: Conference;
  /** Registers through the door's engine: the server when it answers, otherwise the phone's list (queued). */
  register: (body: RegisterRequest) => Promise<WalkInRegistered>;
  /** The places as the phone's list counts them: shown when the server cannot be asked. */
  localPlaces: () => WalkInPlaces | null;
  /** The door works without the server: the list's figures are the only ones. */
  offline: boolean;
  onRegistered: (attendee: Attendee, idCheck: IdCheck | undefined) => void;
  /** No place, and no choice to go beyond: the person waits, and the door says so in words. */
  onWaitlisted: (attendee: Attendee) => void;
  onCancel: () => void;
}

/**
 * Registers someone who turns up without a ticket, then hands over to the
 * normal admission with the new registration id. The id is drawn once for
 * the form, so pressing the button again after a lost answer registers the
 * person once.
 */
export function WalkInForm({
  conference,
  register,
  localPlaces,
  offline,
  onRegistered,
  onWaitlisted,
  onCancel,
}: Props) {
  const { t, lang } = useLang();
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

  // The e-mail is optional here: someone at the desk may have none to give, and the queue must not wait for it.
  const ready =
    form.firstName.trim() !== '' &&
    form.lastName.trim() !== '' &&
    (!conference.idCheckRequired || idCheckComplete(idCheck));
  // How many places are left, read when the form opens: the volunteer knows before typing a name.
  // From the server when it answers, otherwise from the phone's list (which says how old it is).
  const [places, setPlaces] = useState<WalkInPlaces | null>(() => (offline ? localPlaces() : null));
  useEffect(() => {
    if (offline) return undefined;
    let live = true;
    api.conference(conference.conferenceId).then(
      (c) =>
        live &&
        setPlaces({
          capacity: c.capacity,
          registered: c.registered,
          waiting: c.waitlisted,
          beyondCapacity: c.walkIns?.beyondCapacity === true,
          fromList: null,
        }),
      () => live && setPlaces(localPlaces()), // no figure at all is better than a wrong one
    );
    return () => {
      live = false;
    };
  }, [conference.conferenceId, offline, localPlaces]);
  const { left, full } = places ? placesLeft(places) : { left: 0, full: false };
  const mayGoBeyond = places !== null && full && places.beyondCapacity;

  const submit = async (beyondCapacity: boolean) => {
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const organisation = form.organisation.trim();
      const answer = await register({
        registrationId,
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(organisation ? { organisation } : {}),
        category: form.category,
        lunch: form.lunch,
        photoConsent: form.photoConsent,
        ...(beyondCapacity ? { beyondCapacity: true } : {}),
      });
      const check =
        idCheck.document !== null && idCheck.nameMatches !== null
          ? { document: idCheck.document, nameMatches: idCheck.nameMatches }
          : undefined;
      const attendee: Attendee = {
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
      };
      // A waitlisted person is not refused at the door: they wait, and the screen says so.
      if (answer.status === 'waitlisted') onWaitlisted(attendee);
      else onRegistered(attendee, check);
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
    <form
      className="panel stack"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        // The primary button is the explicit choice when the day is full and the organisers allow it.
        void submit(mayGoBeyond);
      }}
    >
      <h2>{t('walkIn.title')}</h2>
      {places ? (
        <div
          className={full ? 'banner banner-warning' : 'banner banner-info'}
          role="status"
          data-testid="walkin-places"
        >
          <p>
            {!full
              ? left === 1
                ? t('walkIn.placeLeft', { capacity: places.capacity })
                : t('walkIn.placesLeft', { left, capacity: places.capacity })
              : places.beyondCapacity
                ? t('walkIn.fullBeyond', { capacity: places.capacity })
                : t('walkIn.full', { capacity: places.capacity, waiting: places.waiting })}
          </p>
          {places.fromList !== null ? (
            <p className="hint">
              {t('walkIn.fromList', {
                time: formatTime(new Date(places.fromList).toISOString(), conference.timezone, lang),
              })}
            </p>
          ) : null}
        </div>
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
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="btn btn-large" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        {mayGoBeyond ? (
          <button type="button" className="btn btn-large" disabled={!ready || busy} onClick={() => void submit(false)}>
            {t('walkIn.submitWaitlist')}
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary btn-large" disabled={!ready || busy}>
          {mayGoBeyond ? t('walkIn.acceptBeyond') : full ? t('walkIn.submitWaitlist') : t('walkIn.submit')}
        </button>
      </div>
    </form>
  );
}
