import type { Attendee } from '../api';
import { personName } from '../format';
import { useLang } from '../i18n';

/** Name, organisation and category, large. Names are text nodes: React escapes them, nothing is parsed as HTML. */
export function PersonCard({ attendee }: { attendee: Attendee }) {
  const { t } = useLang();
  return (
    <div className="person">
      <p className={attendee.erased ? 'person-name person-erased' : 'person-name'} data-testid="person-name">
        {personName(t, attendee)}
      </p>
      {attendee.organisation ? <p className="person-org">{attendee.organisation}</p> : null}
      {attendee.category ? (
        <p className={`badge badge-${attendee.category}`}>{t(`category.${attendee.category}`)}</p>
      ) : null}
    </div>
  );
}

// Apart (no React) for the door's scan flow, tested in Node; here still for the screens that import them.
export { attendeeOf, emptyAttendee } from './attendee';
