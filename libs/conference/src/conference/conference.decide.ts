import { accept, refuse, type Decider, type Decision, type DomainCommand, type Refused } from '@emargement/decider';
import { isValidEmail, normaliseEmail, normaliseText } from '../text/normalise.js';
import type { Category, Language, Person, RegistrationSource } from '../vocabulary.js';
import {
  draftOf,
  evolve,
  foldConference,
  initialState,
  type ConferenceDetails,
  type ConferenceEvent,
  type ConferenceRevised,
  type ConferenceScheduled,
  type ConferenceState,
  type PersonRegistered,
  type PersonWaitlisted,
  type Registration,
  type RegistrationCancelled,
  type RegistrationChanges,
  type RegistrationCorrected,
  type PersonalDataErased,
  type Scheduled,
  type WaitlistedPersonPromoted,
  type WalkInPolicySet,
  type WalkInRefused,
} from './conference.js';
import { ticketSha256 } from './ticket-code.js';

// -------------------------------------------------------------- commands

export type ScheduleConference = DomainCommand<
  'ScheduleConference',
  ConferenceDetails & { conferenceId: string; scheduledAt: string }
>;

/** Replaces every detail (the organisers' edit form sends them all). */
export type ReviseConference = DomainCommand<'ReviseConference', ConferenceDetails & { revisedAt: string }>;

export interface RegistrationRequest {
  /** Chosen by the caller, so that a retry is recognised. */
  registrationId: string;
  /**
   * Generated outside (at least 128 random bits). A retry carries a fresh one,
   * so it is not part of what makes two requests the same: the first one stays.
   */
  ticketCode: string;
  person: Person;
  category: Category;
  lunch: boolean;
  photoConsent: boolean;
  /** The language to write to the person in; absent: French. */
  language?: Language;
  /**
   * The door's explicit choice to register a walk-in beyond the capacity when
   * the day is full (allowed only under the organisers' setting). Ignored while
   * a place is free.
   */
  beyondCapacity?: boolean;
}

export type RegisterPerson = DomainCommand<
  'RegisterPerson',
  RegistrationRequest & { source: RegistrationSource; registeredAt: string }
>;

export interface ImportRow extends RegistrationRequest {
  /** Line of the row in the imported file, for the report. */
  line: number;
}

/**
 * Many registrations decided at once, against one revision, so that they can
 * be appended together: a 20,000-row file is one decision (the handler may
 * split it in chunks to bound an append's size; each chunk is decided and
 * appended in turn, and a re-run of the whole file finishes what a crash left).
 */
export type ImportRegistrations = DomainCommand<
  'ImportRegistrations',
  { rows: readonly ImportRow[]; importedAt: string }
>;

export type CancelRegistration = DomainCommand<
  'CancelRegistration',
  { registrationId: string; reason: string | null; cancelledAt: string }
>;

export type ErasePersonalData = DomainCommand<
  'ErasePersonalData',
  { registrationId: string; reason: string; erasedAt: string }
>;

/** The organisers turn « accept beyond capacity » for walk-ins on or off. */
export type SetWalkInPolicy = DomainCommand<'SetWalkInPolicy', { beyondCapacity: boolean; setAt: string }>;

/** What an organiser typed in the correction form: any of the fields, the others left as they are. */
export type CorrectRegistration = DomainCommand<
  'CorrectRegistration',
  {
    registrationId: string;
    changes: Omit<RegistrationChanges, 'erased'>;
    correctedAt: string;
  }
>;

export type ConferenceCommand =
  | ScheduleConference
  | ReviseConference
  | RegisterPerson
  | ImportRegistrations
  | CancelRegistration
  | ErasePersonalData
  | SetWalkInPolicy
  | CorrectRegistration;

// ------------------------------------------------------- reasons, outcomes

export const CONFERENCE_REFUSAL_REASONS = [
  'conference_exists',
  'conference_not_scheduled',
  'missing_field',
  'invalid_capacity',
  'invalid_period',
  'invalid_timezone',
  'invalid_lunch_fee',
  'invalid_doors',
  'invalid_programme',
  'capacity_below_registered',
  'invalid_email',
  'duplicate_email',
  'registration_id_conflict',
  'ticket_code_conflict',
  'unknown_registration',
  'beyond_capacity_not_allowed',
  'registration_erased',
] as const;
export type ConferenceRefusalReason = (typeof CONFERENCE_REFUSAL_REASONS)[number];

export type DetailsRefusalReason = Extract<
  ConferenceRefusalReason,
  | 'missing_field'
  | 'invalid_capacity'
  | 'invalid_period'
  | 'invalid_timezone'
  | 'invalid_lunch_fee'
  | 'invalid_doors'
  | 'invalid_programme'
>;
export type ScheduleRefusalReason = DetailsRefusalReason | 'conference_exists';
export type ReviseRefusalReason = DetailsRefusalReason | 'conference_not_scheduled' | 'capacity_below_registered';
export type RegisterRefusalReason = Extract<
  ConferenceRefusalReason,
  | 'conference_not_scheduled'
  | 'missing_field'
  | 'invalid_email'
  | 'duplicate_email'
  | 'registration_id_conflict'
  | 'ticket_code_conflict'
>;
export type ImportRefusalReason = 'conference_not_scheduled';
export type ImportRowRejectionReason = Exclude<RegisterRefusalReason, 'conference_not_scheduled' | 'duplicate_email'>;
export type WalkInPolicyRefusalReason = 'conference_not_scheduled';
export type CancelRefusalReason = 'conference_not_scheduled' | 'unknown_registration';
export type EraseRefusalReason = 'conference_not_scheduled' | 'unknown_registration';
export type CorrectRefusalReason = Extract<
  ConferenceRefusalReason,
  | 'conference_not_scheduled'
  | 'unknown_registration'
  | 'registration_erased'
  | 'missing_field'
  | 'invalid_email'
  | 'duplicate_email'
>;

export interface CorrectOutcome {
  registrationId: string;
  /** The fields that changed (none: the registration already read so, and nothing was written). */
  changed: readonly (keyof Omit<RegistrationChanges, 'erased'>)[];
  correctedAt: string | null;
}

export interface EraseOutcome {
  registrationId: string;
  erasedAt: string;
}

export interface ScheduleOutcome {
  conferenceId: string;
}

export interface ReviseOutcome {
  conferenceId: string;
  /** Waitlisted registrations given a place by a raised capacity, in queue order. */
  promoted: readonly string[];
}

export interface RegistrationOutcome {
  registrationId: string;
  ticketCode: string;
  status: 'registered' | 'waitlisted';
  /** Given a place beyond the capacity (a walk-in, by the door's choice under the organisers' setting). */
  beyondCapacity?: true;
}

/** A registration refused but recorded (`WalkInRefused`): the handler answers it as an error once it is stored. */
export interface RegistrationRefusedOutcome {
  registrationId: string;
  refused: 'beyond_capacity_not_allowed';
}

export interface WalkInPolicyOutcome {
  conferenceId: string;
  beyondCapacity: boolean;
}

export interface ImportOutcome {
  created: readonly { line: number; registrationId: string; status: 'registered' | 'waitlisted' }[];
  /** Rows whose address is already held by an active registration (the file's earlier rows included), or repeated ids. */
  duplicates: readonly { line: number; registrationId: string }[];
  rejected: readonly { line: number; reason: ImportRowRejectionReason; field?: string }[];
}

export interface CancelOutcome {
  registrationId: string;
  status: 'cancelled';
  /** The waitlisted registration this cancellation gave a place to, if it did. */
  promoted: string | null;
}

export type ConferenceOutcome =
  | ScheduleOutcome
  | ReviseOutcome
  | RegistrationOutcome
  | RegistrationRefusedOutcome
  | ImportOutcome
  | CancelOutcome
  | EraseOutcome
  | WalkInPolicyOutcome
  | CorrectOutcome;

// -------------------------------------------------------------- details

const isValidTimezone = (timezone: string): boolean => {
  if (timezone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
};

/** Checks the details and returns them trimmed, or the first rule they break. */
const validDetails = (details: ConferenceDetails): ConferenceDetails | Refused<DetailsRefusalReason> => {
  const name = details.name.trim();
  const venue = details.venue.trim();
  if (name === '') return refuse('missing_field', { field: 'name' });
  if (venue === '') return refuse('missing_field', { field: 'venue' });
  const startsAt = Date.parse(details.startsAt);
  const endsAt = Date.parse(details.endsAt);
  if (Number.isNaN(startsAt) || Number.isNaN(endsAt) || endsAt <= startsAt) return refuse('invalid_period');
  if (!isValidTimezone(details.timezone)) return refuse('invalid_timezone');
  if (!Number.isSafeInteger(details.capacity) || details.capacity < 1) return refuse('invalid_capacity');
  const { lunch } = details;
  if (
    lunch !== null &&
    (!Number.isSafeInteger(lunch.priceCents) || lunch.priceCents < 0 || !/^[A-Z]{3}$/.test(lunch.currency))
  )
    return refuse('invalid_lunch_fee');
  const doors = details.doors.map((door) => door.trim());
  // Two doors a volunteer cannot tell apart on a phone would split one door's figures in two.
  const doorKeys = new Set(doors.map(normaliseText));
  if (doors.some((door) => door === '') || doorKeys.size !== doors.length) return refuse('invalid_doors');
  const programme = (details.programme ?? []).map((item) => ({ at: item.at, title: item.title.trim() }));
  if (programme.some((item) => !/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(item.at) || item.title === '')) {
    return refuse('invalid_programme');
  }
  programme.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    ...details,
    name,
    venue,
    doors,
    lunch: lunch === null ? null : { ...lunch },
    ...(programme.length > 0 ? { programme } : {}),
  };
};

const sameDetails = (a: ConferenceDetails, b: ConferenceDetails): boolean =>
  a.name === b.name &&
  a.venue === b.venue &&
  a.startsAt === b.startsAt &&
  a.endsAt === b.endsAt &&
  a.timezone === b.timezone &&
  a.capacity === b.capacity &&
  a.idCheckRequired === b.idCheckRequired &&
  (a.lunch === null || b.lunch === null
    ? a.lunch === b.lunch
    : a.lunch.priceCents === b.lunch.priceCents && a.lunch.currency === b.lunch.currency) &&
  a.doors.length === b.doors.length &&
  a.doors.every((door, index) => door === b.doors[index]) &&
  JSON.stringify(a.programme ?? []) === JSON.stringify(b.programme ?? []);

const detailsData = (details: ConferenceDetails): ConferenceDetails => ({
  name: details.name,
  venue: details.venue,
  startsAt: details.startsAt,
  endsAt: details.endsAt,
  timezone: details.timezone,
  capacity: details.capacity,
  idCheckRequired: details.idCheckRequired,
  lunch: details.lunch,
  doors: details.doors,
  ...(details.programme !== undefined && details.programme.length > 0 ? { programme: details.programme } : {}),
});

// ---------------------------------------------------------------- decide

export const scheduleConference = (
  command: ScheduleConference,
  state: ConferenceState,
): Decision<ConferenceScheduled, ScheduleOutcome, ScheduleRefusalReason> => {
  const { conferenceId, scheduledAt } = command.data;
  const details = validDetails(command.data);
  if ('ok' in details) return details;
  switch (state.status) {
    case 'not_scheduled':
      return accept([{ type: 'ConferenceScheduled', data: { conferenceId, ...detailsData(details), scheduledAt } }], {
        conferenceId,
      });
    case 'scheduled':
      // The same request again is answered as the first time; anything else under this id is a clash.
      return state.conferenceId === conferenceId && sameDetails(state.details, details)
        ? accept([], { conferenceId })
        : refuse('conference_exists');
    default: {
      const unknown: never = state;
      throw new Error(`Unknown conference state ${JSON.stringify(unknown)}`);
    }
  }
};

export const reviseConference = (
  command: ReviseConference,
  state: ConferenceState,
): Decision<ConferenceRevised | WaitlistedPersonPromoted, ReviseOutcome, ReviseRefusalReason> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const details = validDetails(command.data);
  if ('ok' in details) return details;
  const { conferenceId } = state;
  if (sameDetails(state.details, details)) return accept([], { conferenceId, promoted: [] });
  // Nobody loses a place they were given: lower the capacity only as far as the places taken.
  if (details.capacity < state.registeredCount)
    return refuse('capacity_below_registered', { registered: state.registeredCount });
  const { revisedAt } = command.data;
  const promoted = state.waitlist.slice(0, Math.max(0, details.capacity - state.registeredCount));
  return accept(
    [
      { type: 'ConferenceRevised', data: { conferenceId, ...detailsData(details), revisedAt } },
      ...promoted.map((registrationId): WaitlistedPersonPromoted => ({
        type: 'WaitlistedPersonPromoted',
        data: { conferenceId, registrationId, cause: 'capacity_raised', promotedAt: revisedAt },
      })),
    ],
    { conferenceId, promoted },
  );
};

/** Spaces collapsed: a name pasted with a line break or a double space prints badly on a ticket. */
const tidy = (text: string): string => text.replace(/\s+/gu, ' ').trim();

const tidyPerson = (person: Person): Person => {
  const organisation = tidy(person.organisation ?? '');
  return {
    firstName: tidy(person.firstName),
    lastName: tidy(person.lastName),
    email: person.email.trim(),
    organisation: organisation === '' ? null : organisation,
  };
};

const sameRequest = (registration: Registration, person: Person, request: RegistrationRequest): boolean =>
  registration.person.firstName === person.firstName &&
  registration.person.lastName === person.lastName &&
  normaliseEmail(registration.person.email) === normaliseEmail(person.email) &&
  registration.person.organisation === person.organisation &&
  registration.category === request.category &&
  registration.lunch === request.lunch &&
  registration.photoConsent === request.photoConsent;

/** The rules of one registration, shared by a single registration and by each row of an import. */
const decideRegistration = (
  request: RegistrationRequest,
  source: RegistrationSource,
  registeredAt: string,
  state: Scheduled,
): Decision<PersonRegistered | PersonWaitlisted, RegistrationOutcome, RegisterRefusalReason> => {
  const person = tidyPerson(request.person);
  if (person.firstName === '') return refuse('missing_field', { field: 'firstName' });
  if (person.lastName === '') return refuse('missing_field', { field: 'lastName' });
  // Someone who turns up at the door may have no address to give (or not want to): a walk-in goes without one.
  if (person.email === '' && source !== 'walk_in') return refuse('missing_field', { field: 'email' });
  if (person.email !== '' && !isValidEmail(person.email)) return refuse('invalid_email');

  const { registrationId, ticketCode } = request;
  const existing = state.registrations.get(registrationId);
  if (existing !== undefined) {
    return sameRequest(existing, person, request)
      ? accept([], {
          registrationId,
          ticketCode: existing.ticketCode,
          status: existing.initialStatus,
          ...(existing.beyondCapacity === true ? { beyondCapacity: true as const } : {}),
        })
      : refuse('registration_id_conflict');
  }
  const digest = ticketSha256(ticketCode);
  if (state.byTicketSha256.has(digest)) return refuse('ticket_code_conflict');
  const holder = person.email === '' ? undefined : state.activeByEmail.get(normaliseEmail(person.email));
  if (holder !== undefined) return refuse('duplicate_email', { registrationId: holder });

  // While anyone waits, a newcomer waits behind them, even if a place looks free.
  const placeFree = state.registeredCount < state.details.capacity && state.waitlist.length === 0;
  const data = {
    conferenceId: state.conferenceId,
    registrationId,
    ticketCode,
    ticketSha256: digest,
    person,
    category: request.category,
    lunch: request.lunch,
    photoConsent: request.photoConsent,
    ...(request.language !== undefined ? { language: request.language } : {}),
    source,
    registeredAt,
  };
  if (placeFree)
    return accept([{ type: 'PersonRegistered', data }], { registrationId, ticketCode, status: 'registered' });
  // Full, and the door chose to go beyond the capacity where the organisers allow it:
  // a place for this person, recorded as such, the capacity itself unchanged.
  if (request.beyondCapacity === true && state.walkIns.beyondCapacity)
    return accept([{ type: 'PersonRegistered', data: { ...data, beyondCapacity: true } }], {
      registrationId,
      ticketCode,
      status: 'registered',
      beyondCapacity: true,
    });
  return accept([{ type: 'PersonWaitlisted', data }], { registrationId, ticketCode, status: 'waitlisted' });
};

export const registerPerson = (
  command: RegisterPerson,
  state: ConferenceState,
): Decision<
  PersonRegistered | PersonWaitlisted | WalkInRefused,
  RegistrationOutcome | RegistrationRefusedOutcome,
  RegisterRefusalReason
> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const { source, registeredAt, ...request } = command.data;
  const decision = decideRegistration(request, source, registeredAt, state);
  // Asked beyond the capacity without the organisers' leave: not put on the waiting list
  // behind the volunteer's back, but refused, and the refusal recorded like every refusal at the door.
  if (decision.ok && request.beyondCapacity === true && decision.events[0]?.type === 'PersonWaitlisted') {
    const { registrationId } = request;
    // Asked again (a retry after a lost answer): the same refusal, already recorded.
    if (state.walkInRefusals.has(registrationId))
      return accept([], { registrationId, refused: 'beyond_capacity_not_allowed' });
    return accept(
      [
        {
          type: 'WalkInRefused',
          data: {
            conferenceId: state.conferenceId,
            registrationId,
            reason: 'beyond_capacity_not_allowed',
            refusedAt: registeredAt,
          },
        },
      ],
      { registrationId, refused: 'beyond_capacity_not_allowed' },
    );
  }
  return decision;
};

/** Setting the rule as it already stands writes nothing. */
export const setWalkInPolicy = (
  command: SetWalkInPolicy,
  state: ConferenceState,
): Decision<WalkInPolicySet, WalkInPolicyOutcome, WalkInPolicyRefusalReason> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const { beyondCapacity, setAt } = command.data;
  const { conferenceId } = state;
  if (state.walkIns.beyondCapacity === beyondCapacity) return accept([], { conferenceId, beyondCapacity });
  return accept([{ type: 'WalkInPolicySet', data: { conferenceId, beyondCapacity, setAt } }], {
    conferenceId,
    beyondCapacity,
  });
};

export const importRegistrations = (
  command: ImportRegistrations,
  state: ConferenceState,
): Decision<PersonRegistered | PersonWaitlisted, ImportOutcome, ImportRefusalReason> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const { rows, importedAt } = command.data;
  // Each row is decided against the registry as the rows before it left it, so
  // that a file holding one address twice, or more rows than places, is decided
  // exactly as the same rows sent one by one would be.
  const draft = draftOf(state);
  const events: (PersonRegistered | PersonWaitlisted)[] = [];
  const created: { line: number; registrationId: string; status: 'registered' | 'waitlisted' }[] = [];
  const duplicates: { line: number; registrationId: string }[] = [];
  const rejected: { line: number; reason: ImportRowRejectionReason; field?: string }[] = [];
  for (const { line, ...request } of rows) {
    const decision = decideRegistration(request, 'import', importedAt, draft.state);
    if (!decision.ok) {
      const { reason, detail } = decision;
      if (reason === 'duplicate_email') {
        const holder = draft.state.activeByEmail.get(normaliseEmail(request.person.email)) ?? '';
        duplicates.push({ line, registrationId: holder });
      } else if (reason !== 'conference_not_scheduled') {
        const field = detail?.['field'];
        rejected.push(typeof field === 'string' ? { line, reason, field } : { line, reason });
      }
      continue;
    }
    if (decision.events.length === 0) {
      duplicates.push({ line, registrationId: request.registrationId });
      continue;
    }
    for (const event of decision.events) {
      events.push(event);
      draft.apply(event);
    }
    created.push({ line, registrationId: decision.outcome.registrationId, status: decision.outcome.status });
  }
  return accept(events, { created, duplicates, rejected });
};

export const cancelRegistration = (
  command: CancelRegistration,
  state: ConferenceState,
): Decision<RegistrationCancelled | WaitlistedPersonPromoted, CancelOutcome, CancelRefusalReason> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const { registrationId, cancelledAt } = command.data;
  const registration = state.registrations.get(registrationId);
  if (registration === undefined) return refuse('unknown_registration');
  const { conferenceId } = state;
  const previousStatus = registration.status;
  switch (previousStatus) {
    case 'cancelled':
      return accept([], { registrationId, status: 'cancelled', promoted: null });
    case 'waitlisted':
    case 'registered': {
      const givenReason = command.data.reason?.trim() ?? '';
      const reason = givenReason === '' ? null : givenReason;
      const cancelled: RegistrationCancelled = {
        type: 'RegistrationCancelled',
        data: { conferenceId, registrationId, previousStatus, reason, cancelledAt },
      };
      // The freed place goes to the head of the queue in the same append, so
      // there is no moment when a place is free and someone is still waiting.
      const next = previousStatus === 'registered' ? state.waitlist[0] : undefined;
      if (next === undefined) return accept([cancelled], { registrationId, status: 'cancelled', promoted: null });
      return accept(
        [
          cancelled,
          {
            type: 'WaitlistedPersonPromoted',
            data: { conferenceId, registrationId: next, cause: 'place_freed', promotedAt: cancelledAt },
          },
        ],
        { registrationId, status: 'cancelled', promoted: next },
      );
    }
    default: {
      const unknown: never = previousStatus;
      throw new Error(`Unknown registration status ${String(unknown)}`);
    }
  }
};

/** Erasing twice erases once: the second answer is the first one's. */
export const erasePersonalData = (
  command: ErasePersonalData,
  state: ConferenceState,
): Decision<PersonalDataErased, EraseOutcome, EraseRefusalReason> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const { registrationId, reason, erasedAt } = command.data;
  const registration = state.registrations.get(registrationId);
  if (registration === undefined) return refuse('unknown_registration');
  if (registration.erasedAt !== undefined) return accept([], { registrationId, erasedAt: registration.erasedAt });
  return accept(
    [
      {
        type: 'PersonalDataErased',
        data: { conferenceId: state.conferenceId, registrationId, reason: reason.trim(), erasedAt },
      },
    ],
    { registrationId, erasedAt },
  );
};

/**
 * A correction keeps only what changes (tidied as at registration): the same
 * form sent twice writes once. Names cannot be emptied, an address must be an
 * address and free (an active registration's address is unique), and an
 * erased person cannot be given a name again (the erasure would be undone by
 * the back door).
 */
export const correctRegistration = (
  command: CorrectRegistration,
  state: ConferenceState,
): Decision<RegistrationCorrected, CorrectOutcome, CorrectRefusalReason> => {
  if (state.status !== 'scheduled') return refuse('conference_not_scheduled');
  const { registrationId, changes: asked, correctedAt } = command.data;
  const registration = state.registrations.get(registrationId);
  if (registration === undefined) return refuse('unknown_registration');
  if (registration.erasedAt !== undefined) return refuse('registration_erased');
  const before = registration.person;
  const changes: Omit<RegistrationChanges, 'erased'> = {};
  if (asked.firstName !== undefined) {
    const firstName = tidy(asked.firstName);
    if (firstName === '') return refuse('missing_field', { field: 'firstName' });
    if (firstName !== before.firstName) changes.firstName = firstName;
  }
  if (asked.lastName !== undefined) {
    const lastName = tidy(asked.lastName);
    if (lastName === '') return refuse('missing_field', { field: 'lastName' });
    if (lastName !== before.lastName) changes.lastName = lastName;
  }
  if (asked.organisation !== undefined) {
    const organisation = tidy(asked.organisation ?? '') || null;
    if (organisation !== before.organisation) changes.organisation = organisation;
  }
  if (asked.category !== undefined && asked.category !== registration.category) changes.category = asked.category;
  if (asked.email !== undefined) {
    const email = asked.email.trim();
    // A walk-in may have come without one; a registration made with an address keeps one.
    if (email === '' && before.email !== '') return refuse('missing_field', { field: 'email' });
    if (email !== '' && !isValidEmail(email)) return refuse('invalid_email');
    if (normaliseEmail(email) !== normaliseEmail(before.email)) {
      const holder = state.activeByEmail.get(normaliseEmail(email));
      if (holder !== undefined && holder !== registrationId) return refuse('duplicate_email');
    }
    if (email !== before.email) changes.email = email;
  }
  const changed = Object.keys(changes) as CorrectOutcome['changed'][number][];
  if (changed.length === 0) return accept([], { registrationId, changed: [], correctedAt: null });
  return accept(
    [
      {
        type: 'RegistrationCorrected',
        data: { conferenceId: state.conferenceId, registrationId, changes, correctedAt },
      },
    ],
    { registrationId, changed, correctedAt },
  );
};

export const decide = (
  command: ConferenceCommand,
  state: ConferenceState,
): Decision<ConferenceEvent, ConferenceOutcome, ConferenceRefusalReason> => {
  switch (command.type) {
    case 'ScheduleConference':
      return scheduleConference(command, state);
    case 'ReviseConference':
      return reviseConference(command, state);
    case 'RegisterPerson':
      return registerPerson(command, state);
    case 'ImportRegistrations':
      return importRegistrations(command, state);
    case 'CancelRegistration':
      return cancelRegistration(command, state);
    case 'ErasePersonalData':
      return erasePersonalData(command, state);
    case 'SetWalkInPolicy':
      return setWalkInPolicy(command, state);
    case 'CorrectRegistration':
      return correctRegistration(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown conference command ${JSON.stringify(unknown)}`);
    }
  }
};

export const conferenceDecider: Decider<
  ConferenceCommand,
  ConferenceEvent,
  ConferenceState,
  ConferenceOutcome,
  ConferenceRefusalReason
> = { decide, evolve, initialState, fold: foldConference };
