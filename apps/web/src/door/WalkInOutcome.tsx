import type { Attendee } from '../api';
import { useLang } from '../i18n';
import { PersonCard } from './Person';

/**
 * A walk-in who got no place: registered on the waiting list. Not a
 * refusal (nothing was refused, the person waits), so not the red REFUSÉ
 * screen: « Liste d'attente » in words, on amber, until the next scan.
 */
export function WalkInWaitlisted({ attendee, onNext }: { attendee: Attendee; onNext: () => void }) {
  const { t } = useLang();
  return (
    <section className="result result-waitlisted" data-testid="walkin-waitlisted" aria-live="assertive">
      <h2 className="result-title">{t('walkIn.waitlistedTitle')}</h2>
      <p className="result-reason">{t('walkIn.waitlistedHint')}</p>
      <PersonCard attendee={attendee} />
      <button type="button" className="btn btn-large btn-next" onClick={onNext}>
        {t('door.next')}
      </button>
    </section>
  );
}
