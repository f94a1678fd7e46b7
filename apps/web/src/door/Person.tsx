import type { Attendee } from '../api';
import { useLang } from '../i18n';

/** Name, organisation and category, large. Names are text nodes: React escapes them, nothing is parsed as HTML. */
export function PersonCard({ attendee }: { attendee: Attendee }) {
  const { t } = useLang();
  return (
    <div className="person">
      <p className="person-name" data-testid="person-name">
        {attendee.firstName} {attendee.lastName}
      </p>
      {attendee.organisation ? <p className="person-org">{attendee.organisation}</p> : null}
      {attendee.category ? (
        <p className={`badge badge-${attendee.category}`}>{t(`category.${attendee.category}`)}</p>
      ) : null}
    </div>
  );
}
