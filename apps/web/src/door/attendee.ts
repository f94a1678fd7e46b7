import type { Attendee, DoorTicket } from '../api';

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
