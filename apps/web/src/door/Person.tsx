import type { Attendee, DoorTicket } from '../api';
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

/** A person the door knows nothing of yet: filled in from whatever an answer says. */
export const emptyAttendee: Attendee = {
  registrationId: '',
  firstName: '',
  lastName: '',
  organisation: null,
  category: null,
  status: null,
  lunch: false,
  lunchPaid: false,
  ticketCode: null,
  admitted: null,
  erased: false,
};

/** A person of the phone's list as the door's screens show one (the entrance's and a space's). */
export const attendeeOf = (ticket: DoorTicket): Attendee => ({
  registrationId: ticket.registrationId,
  firstName: ticket.firstName,
  lastName: ticket.lastName,
  organisation: ticket.organisation,
  category: ticket.category,
  status: ticket.status,
  lunch: ticket.lunch,
  lunchPaid: ticket.lunchPaid,
  ticketCode: null,
  admitted: ticket.admitted,
  erased: `${ticket.firstName}${ticket.lastName}` === '',
});
