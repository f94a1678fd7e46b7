import { createRequire } from 'node:module';
import { normaliseText, type Category, type ConferenceDetails, type Registration } from '@emargement/conference';

/** Everything printed on one ticket: the conference, the person, the code the QR carries. */
export interface TicketSheet {
  conferenceId: string;
  conference: Pick<
    ConferenceDetails,
    'name' | 'venue' | 'startsAt' | 'endsAt' | 'timezone' | 'idCheckRequired' | 'lunch'
  >;
  registrationId: string;
  ticketCode: string;
  firstName: string;
  lastName: string;
  organisation: string | null;
  category: Category;
  status: Registration['status'];
  lunch: boolean;
  lunchPaid: boolean;
}

/** The conference as a ticket prints it. */
export const conferenceOnTicket = (details: ConferenceDetails): TicketSheet['conference'] => ({
  name: details.name,
  venue: details.venue,
  startsAt: details.startsAt,
  endsAt: details.endsAt,
  timezone: details.timezone,
  idCheckRequired: details.idCheckRequired,
  lunch: details.lunch,
});

export const ticketSheet = (
  conferenceId: string,
  details: ConferenceDetails,
  r: Registration,
  lunchPaid: boolean,
): TicketSheet => ({
  conferenceId,
  conference: conferenceOnTicket(details),
  registrationId: r.registrationId,
  ticketCode: r.ticketCode,
  firstName: r.person.firstName,
  lastName: r.person.lastName,
  organisation: r.person.organisation,
  category: r.category,
  status: r.status,
  lunch: r.lunch,
  lunchPaid,
});

export const fullName = (t: Pick<TicketSheet, 'firstName' | 'lastName'>): string => `${t.firstName} ${t.lastName}`;

/** Printed as the badge's category line; the tickets are French first, like the door app. */
export const CATEGORY_LABELS: Record<Category, string> = {
  participant: 'Participant·e',
  speaker: 'Intervenant·e',
  signatory: 'Signataire de la charte',
  press: 'Presse',
  staff: 'Organisation',
  official: 'Officiel·le',
};

/** Alphabetical by last name then first name, as a French reader expects (accents and case ignored). */
const collator = new Intl.Collator('fr', { sensitivity: 'base', ignorePunctuation: true });
type Named = Pick<TicketSheet, 'firstName' | 'lastName' | 'registrationId'>;
export const byLastName = (a: Named, b: Named): number =>
  collator.compare(a.lastName, b.lastName) ||
  collator.compare(a.firstName, b.firstName) ||
  a.registrationId.localeCompare(b.registrationId);

/** "vendredi 19 septembre 2014, 09:30 – 16:30" in the conference's own time zone. */
export function whenText(c: TicketSheet['conference']): string {
  const start = new Date(c.startsAt);
  const end = new Date(c.endsAt);
  try {
    const day = new Intl.DateTimeFormat('fr-FR', {
      timeZone: c.timezone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const time = new Intl.DateTimeFormat('fr-FR', { timeZone: c.timezone, hour: '2-digit', minute: '2-digit' });
    return day.format(start) === day.format(end)
      ? `${day.format(start)}, ${time.format(start)} – ${time.format(end)}`
      : `du ${day.format(start)}, ${time.format(start)} au ${day.format(end)}, ${time.format(end)}`;
  } catch {
    // An unknown zone name: the stored times carry their offset, so their
    // local part is still the time the organisers wrote.
    return `${c.startsAt.slice(0, 10)} ${c.startsAt.slice(11, 16)} – ${c.endsAt.slice(11, 16)}`;
  }
}

export function lunchText(t: TicketSheet): string | null {
  const fee = t.conference.lunch;
  if (!fee) return null;
  if (!t.lunch) return 'Déjeuner : non réservé';
  if (t.lunchPaid) return 'Déjeuner : réservé, réglé';
  const price = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: fee.currency }).format(
    fee.priceCents / 100,
  );
  return `Déjeuner : réservé, ${price} à régler à l’accueil`;
}

/**
 * The fonts come from an npm package (DejaVu, which covers every Latin,
 * Greek and Cyrillic letter a name can hold) rather than from the system or
 * PDF's built-in Helvetica: Helvetica's WinAnsi encoding has é and œ but not
 * ł, ș or ğ, and a fresh CI machine has no system fonts to fall back on.
 */
const require = createRequire(import.meta.url);
export const FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};

/** An ASCII file name for Content-Disposition: `billet-alphandery-claude.pdf`. */
export function fileName(stem: string, parts: string[], ext: string): string {
  // The search's normalisation: accents dropped, œ and ł spelt out, words split.
  const slug = normaliseText(parts.join(' '))
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return `${stem}${slug ? `-${slug}` : ''}.${ext}`;
}
