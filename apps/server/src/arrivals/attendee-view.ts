import type { Registration } from '@emargement/conference';

/** What the door sees of a person: enough to recognise them and check their ID, nothing more. */
export const attendeeView = (r: Registration) => ({
  registrationId: r.registrationId,
  firstName: r.person.firstName,
  lastName: r.person.lastName,
  organisation: r.person.organisation,
  category: r.category,
  lunch: r.lunch,
  status: r.status,
});
