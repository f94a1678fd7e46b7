import type { DomainEvent } from '@emargement/decider';
import { normaliseEmail } from '../text/normalise.js';
import type { Category, Language, LunchFee, Person, RegistrationSource, RegistrationStatus } from '../vocabulary.js';
import { ticketSha256 } from './ticket-code.js';

/**
 * The conference stream (`conference-<id>`): the conference itself and its
 * registry. Capacity, the waitlist's order and e-mail uniqueness are rules
 * over the whole set of registrations, so every registration, promotion and
 * cancellation is decided here, against one stream revision (see the ADR
 * summary in `../index.ts`).
 */

export interface ConferenceDetails {
  name: string;
  venue: string;
  /** ISO-8601 with offset. */
  startsAt: string;
  endsAt: string;
  /** IANA zone, e.g. `Europe/Paris`. */
  timezone: string;
  /** How many people may hold a `registered` place; the others wait. */
  capacity: number;
  idCheckRequired: boolean;
  lunch: LunchFee | null;
  /** Door names as the door app offers them; may be empty. */
  doors: readonly string[];
  /**
   * The printed programme (`HH:MM` in the conference's time zone, and a title),
   * shown on the dashboard's curve of the day and on the door. Absent from
   * conferences recorded before it existed: read as none.
   */
  programme?: readonly ProgrammeItem[];
}

export interface ProgrammeItem {
  at: string;
  title: string;
}

// ---------------------------------------------------------------- events

export type ConferenceScheduled = DomainEvent<
  'ConferenceScheduled',
  ConferenceDetails & { conferenceId: string; scheduledAt: string }
>;

/** Carries every detail, not a diff, so that a reader never has to replay earlier revisions to know one. */
export type ConferenceRevised = DomainEvent<
  'ConferenceRevised',
  ConferenceDetails & { conferenceId: string; revisedAt: string }
>;

export interface RegistrationData {
  conferenceId: string;
  registrationId: string;
  /**
   * What the ticket's QR code carries: at least 128 random bits, chosen outside the decider. A bearer secret: the
   * store seals it with the person's other data (ADR 007), so it reads as `''` once the person is erased.
   */
  ticketCode: string;
  /**
   * SHA-256 (hex) of `ticketCode`, in clear: how the door finds a ticket, even an erased person's (refused
   * `cancelled`). Absent from events written before it existed; the fold then computes it from the code.
   */
  ticketSha256?: string;
  person: Person;
  category: Category;
  /** Whether the person takes the lunch (and so owes its fee). */
  lunch: boolean;
  photoConsent: boolean;
  /** The language to write to the person in (their ticket by e-mail); absent: French. */
  language?: Language;
  source: RegistrationSource;
  registeredAt: string;
  /**
   * A walk-in given a place while every place was taken, by the door's explicit
   * choice under the organisers' « accept beyond capacity » setting: the day holds
   * more people than its capacity, and the event says so (the device is in the
   * metadata). Absent otherwise.
   */
  beyondCapacity?: boolean;
}

export type PersonRegistered = DomainEvent<'PersonRegistered', RegistrationData>;

/** Registered while every place was taken (or others were already waiting): holds a ticket the door refuses. */
export type PersonWaitlisted = DomainEvent<'PersonWaitlisted', RegistrationData>;

export type PromotionCause = 'place_freed' | 'capacity_raised';

/** Always appended together with its cause (a cancellation, a revision), in the same append. */
export type WaitlistedPersonPromoted = DomainEvent<
  'WaitlistedPersonPromoted',
  { conferenceId: string; registrationId: string; cause: PromotionCause; promotedAt: string }
>;

export type RegistrationCancelled = DomainEvent<
  'RegistrationCancelled',
  {
    conferenceId: string;
    registrationId: string;
    /** Lets a projection count places without replaying the registry. */
    previousStatus: 'registered' | 'waitlisted';
    reason: string | null;
    cancelledAt: string;
  }
>;

/**
 * The person asked to be forgotten: their name and e-mail address are erased
 * (the key that encrypts them is deleted, see ADR 007). The registration
 * stays, with its category, organisation and status, so counts stay right.
 * `reason` is the organiser's note, and must not itself name the person.
 */
export type PersonalDataErased = DomainEvent<
  'PersonalDataErased',
  { conferenceId: string; registrationId: string; reason: string; erasedAt: string }
>;

/**
 * The organisers' rule for walk-ins at a full day: whether a door may register
 * someone beyond the capacity (a recorded decision per person, never a raised
 * capacity). Off until an organiser turns it on.
 */
export type WalkInPolicySet = DomainEvent<
  'WalkInPolicySet',
  { conferenceId: string; beyondCapacity: boolean; setAt: string }
>;

/**
 * A door asked to register someone beyond the capacity while the organisers
 * had not allowed it: refused, and recorded like every refusal at the door.
 * Holds no personal data (the person was not registered).
 */
export type WalkInRefused = DomainEvent<
  'WalkInRefused',
  { conferenceId: string; registrationId: string; reason: 'beyond_capacity_not_allowed'; refusedAt: string }
>;

/** The fields of a registration an organiser may correct; only those that changed travel in the event. */
export interface RegistrationChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  organisation?: string | null;
  category?: Category;
  /**
   * Set when the person's data was erased after the correction: the names and
   * e-mail then read as '' (libs/privacy seals them like a registration's).
   */
  erased?: boolean;
}

/**
 * A registration corrected (a name typo, an organisation, a category, an
 * e-mail address), with only the fields that changed. The registration keeps
 * its id and ticket; the names and the address are sealed personal data (ADR
 * 007), erased with the person's key like those of `PersonRegistered`.
 */
export type RegistrationCorrected = DomainEvent<
  'RegistrationCorrected',
  { conferenceId: string; registrationId: string; changes: RegistrationChanges; correctedAt: string }
>;

export type ConferenceEvent =
  | WalkInPolicySet
  | WalkInRefused
  | PersonalDataErased
  | RegistrationCorrected
  | ConferenceScheduled
  | ConferenceRevised
  | PersonRegistered
  | PersonWaitlisted
  | WaitlistedPersonPromoted
  | RegistrationCancelled;

// ----------------------------------------------------------------- state

export interface Registration {
  registrationId: string;
  ticketCode: string;
  person: Person;
  category: Category;
  lunch: boolean;
  photoConsent: boolean;
  /** Absent: French. */
  language?: Language;
  source: RegistrationSource;
  registeredAt: string;
  status: RegistrationStatus;
  /** What the registration was answered when it was made; a repeated request is answered the same. */
  initialStatus: 'registered' | 'waitlisted';
  /** Given a place beyond the capacity (a walk-in, by the door's choice): a repeated request is answered so too. */
  beyondCapacity?: true;
  /** When the person's data was erased (then `person` holds empty strings and `erased: true`). */
  erasedAt?: string;
}

export interface NotScheduled {
  status: 'not_scheduled';
}

export interface Scheduled {
  status: 'scheduled';
  conferenceId: string;
  details: ConferenceDetails;
  registrations: ReadonlyMap<string, Registration>;
  /** Normalised e-mail → registration id, for registered and waitlisted registrations only. */
  activeByEmail: ReadonlyMap<string, string>;
  /** SHA-256 of the ticket code → registration id (the code itself is a secret the log keeps sealed). */
  byTicketSha256: ReadonlyMap<string, string>;
  registeredCount: number;
  /** Registration ids in the order they were waitlisted: the stream's order is the queue's order. */
  waitlist: readonly string[];
  /** The organisers' walk-in rule (`WalkInPolicySet`); off for a conference that never set it. */
  walkIns: WalkInPolicy;
  /** Registration ids refused beyond the capacity (`WalkInRefused`): the same request again writes nothing. */
  walkInRefusals: ReadonlySet<string>;
}

export interface WalkInPolicy {
  /** A door may register a walk-in as `registered` beyond the capacity, by an explicit choice. */
  beyondCapacity: boolean;
}

export type ConferenceState = NotScheduled | Scheduled;

export const initialState = (): ConferenceState => ({ status: 'not_scheduled' });

/*
 * Folding is linear. A registry of 20,000 registrations must be rebuilt in
 * milliseconds, so events are applied in place to a private copy; copying the
 * maps for every event (the textbook immutable evolve) would make the fold
 * quadratic. `evolve` and `foldConference` copy once, then mutate only that
 * copy, so to their callers they are pure: no state passed in is ever changed
 * (the handler can keep a cached state and discard a decision that lost an
 * optimistic-concurrency race). Registration objects are never mutated, only
 * replaced, so copies may share them.
 */

/** What `applyInPlace` needs of a map: a `Map`, or an `Overlay` on one. */
interface MutableMap<K, V> extends ReadonlyMap<K, V> {
  set(key: K, value: V): unknown;
  delete(key: K): boolean;
}

interface WorkingScheduled {
  status: 'scheduled';
  conferenceId: string;
  details: ConferenceDetails;
  registrations: MutableMap<string, Registration>;
  activeByEmail: MutableMap<string, string>;
  byTicketSha256: MutableMap<string, string>;
  registeredCount: number;
  waitlist: string[];
  walkIns: WalkInPolicy;
  walkInRefusals: Set<string>;
}

/**
 * A map that reads through to a base it never changes and keeps its own
 * changes aside: a draft of a 100,000-registration registry costs what the
 * draft changes, not a copy of the registry (an import of 100,000 rows in
 * chunks of 500 made 200 such copies; the import was quadratic). Iteration
 * keeps a `Map`'s order for the keys of the base; keys added by the draft
 * come after them.
 */
class Overlay<K, V> implements MutableMap<K, V> {
  private readonly changed = new Map<K, V>();
  private readonly removed = new Set<K>();
  size: number;

  constructor(private readonly base: ReadonlyMap<K, V>) {
    this.size = base.size;
  }

  get(key: K): V | undefined {
    if (this.changed.has(key)) return this.changed.get(key);
    return this.removed.has(key) ? undefined : this.base.get(key);
  }

  has(key: K): boolean {
    return this.changed.has(key) || (!this.removed.has(key) && this.base.has(key));
  }

  set(key: K, value: V): this {
    if (!this.has(key)) this.size += 1;
    this.changed.set(key, value);
    this.removed.delete(key);
    return this;
  }

  delete(key: K): boolean {
    if (!this.has(key)) return false;
    this.size -= 1;
    this.changed.delete(key);
    if (this.base.has(key)) this.removed.add(key);
    return true;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (this.removed.has(key)) continue;
      yield [key, this.changed.has(key) ? (this.changed.get(key) as V) : value];
    }
    for (const entry of this.changed) if (!this.base.has(entry[0])) yield entry;
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}

type WorkingState = NotScheduled | WorkingScheduled;

const workingCopy = (state: ConferenceState): WorkingState =>
  state.status === 'not_scheduled'
    ? state
    : {
        status: 'scheduled',
        conferenceId: state.conferenceId,
        details: state.details,
        registrations: new Map(state.registrations),
        activeByEmail: new Map(state.activeByEmail),
        byTicketSha256: new Map(state.byTicketSha256),
        registeredCount: state.registeredCount,
        waitlist: [...state.waitlist],
        walkIns: state.walkIns,
        walkInRefusals: new Set(state.walkInRefusals),
      };

const detailsOf = (data: ConferenceDetails): ConferenceDetails => ({
  name: data.name,
  venue: data.venue,
  startsAt: data.startsAt,
  endsAt: data.endsAt,
  timezone: data.timezone,
  capacity: data.capacity,
  idCheckRequired: data.idCheckRequired,
  lunch: data.lunch === null ? null : { priceCents: data.lunch.priceCents, currency: data.lunch.currency },
  doors: [...data.doors],
  ...(data.programme !== undefined && data.programme.length > 0
    ? { programme: data.programme.map((p) => ({ at: p.at, title: p.title })) }
    : {}),
});

const removeFromWaitlist = (state: WorkingScheduled, registrationId: string): void => {
  const index = state.waitlist.indexOf(registrationId);
  if (index >= 0) state.waitlist.splice(index, 1);
};

const applyInPlace = (state: WorkingState, event: ConferenceEvent): WorkingState => {
  switch (event.type) {
    case 'ConferenceScheduled': {
      if (state.status === 'scheduled') return state;
      return {
        status: 'scheduled',
        conferenceId: event.data.conferenceId,
        details: detailsOf(event.data),
        registrations: new Map(),
        activeByEmail: new Map(),
        byTicketSha256: new Map(),
        registeredCount: 0,
        waitlist: [],
        walkIns: { beyondCapacity: false },
        walkInRefusals: new Set(),
      };
    }
    case 'ConferenceRevised': {
      if (state.status !== 'scheduled') return state;
      state.details = detailsOf(event.data);
      return state;
    }
    case 'PersonRegistered':
    case 'PersonWaitlisted': {
      if (state.status !== 'scheduled') return state;
      const { data } = event;
      const status = event.type === 'PersonRegistered' ? 'registered' : 'waitlisted';
      state.registrations.set(data.registrationId, {
        registrationId: data.registrationId,
        ticketCode: data.ticketCode,
        person: data.person,
        category: data.category,
        lunch: data.lunch,
        photoConsent: data.photoConsent,
        ...(data.language !== undefined ? { language: data.language } : {}),
        source: data.source,
        registeredAt: data.registeredAt,
        status,
        initialStatus: status,
        ...(data.beyondCapacity === true ? { beyondCapacity: true as const } : {}),
      });
      // An erased person's address is gone (read back as ''): it blocks no one.
      // A walk-in without an address (and an erased person) blocks no one.
      if (data.person.erased !== true && data.person.email !== '')
        state.activeByEmail.set(normaliseEmail(data.person.email), data.registrationId);
      // Written before the digest was recorded: computed from the code, which such events hold in clear.
      const digest = data.ticketSha256 ?? (data.ticketCode === '' ? undefined : ticketSha256(data.ticketCode));
      if (digest !== undefined) state.byTicketSha256.set(digest, data.registrationId);
      if (status === 'registered') state.registeredCount += 1;
      else state.waitlist.push(data.registrationId);
      return state;
    }
    case 'WaitlistedPersonPromoted': {
      if (state.status !== 'scheduled') return state;
      const registration = state.registrations.get(event.data.registrationId);
      if (registration === undefined || registration.status !== 'waitlisted') return state;
      state.registrations.set(registration.registrationId, { ...registration, status: 'registered' });
      removeFromWaitlist(state, registration.registrationId);
      state.registeredCount += 1;
      return state;
    }
    case 'RegistrationCancelled': {
      if (state.status !== 'scheduled') return state;
      const registration = state.registrations.get(event.data.registrationId);
      if (registration === undefined || registration.status === 'cancelled') return state;
      state.registrations.set(registration.registrationId, { ...registration, status: 'cancelled' });
      const email = normaliseEmail(registration.person.email);
      if (state.activeByEmail.get(email) === registration.registrationId) state.activeByEmail.delete(email);
      if (registration.status === 'registered') state.registeredCount -= 1;
      else removeFromWaitlist(state, registration.registrationId);
      return state;
    }
    case 'WalkInPolicySet': {
      if (state.status !== 'scheduled') return state;
      state.walkIns = { beyondCapacity: event.data.beyondCapacity };
      return state;
    }
    case 'WalkInRefused':
      // A recorded refusal: no registration, only the id, so that a retry is answered without a second event.
      if (state.status !== 'scheduled') return state;
      state.walkInRefusals.add(event.data.registrationId);
      return state;
    case 'RegistrationCorrected': {
      if (state.status !== 'scheduled') return state;
      const registration = state.registrations.get(event.data.registrationId);
      if (registration === undefined) return state;
      const { changes } = event.data;
      // Names and address erased since (read back as ''): only what is not personal still applies.
      const personal = changes.erased !== true && registration.erasedAt === undefined;
      const person = { ...registration.person };
      if (personal && changes.firstName !== undefined) person.firstName = changes.firstName;
      if (personal && changes.lastName !== undefined) person.lastName = changes.lastName;
      if (changes.organisation !== undefined) person.organisation = changes.organisation;
      if (personal && changes.email !== undefined) {
        const before = normaliseEmail(registration.person.email);
        if (state.activeByEmail.get(before) === registration.registrationId) state.activeByEmail.delete(before);
        person.email = changes.email;
        if (changes.email !== '' && registration.status !== 'cancelled')
          state.activeByEmail.set(normaliseEmail(changes.email), registration.registrationId);
      }
      state.registrations.set(registration.registrationId, {
        ...registration,
        person,
        category: changes.category ?? registration.category,
      });
      return state;
    }
    case 'PersonalDataErased': {
      if (state.status !== 'scheduled') return state;
      const registration = state.registrations.get(event.data.registrationId);
      if (registration === undefined || registration.erasedAt !== undefined) return state;
      const email = normaliseEmail(registration.person.email);
      if (state.activeByEmail.get(email) === registration.registrationId) state.activeByEmail.delete(email);
      state.registrations.set(registration.registrationId, {
        ...registration,
        person: {
          firstName: '',
          lastName: '',
          email: '',
          organisation: registration.person.organisation,
          erased: true,
        },
        erasedAt: event.data.erasedAt,
      });
      return state;
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unknown conference event ${JSON.stringify(unknown)}`);
    }
  }
};

export const evolve = (state: ConferenceState, event: ConferenceEvent): ConferenceState =>
  applyInPlace(workingCopy(state), event);

/** `events.reduce(evolve, from)`, in linear time. */
export const foldConference = (
  events: Iterable<ConferenceEvent>,
  from: ConferenceState = initialState(),
): ConferenceState => {
  let state = workingCopy(from);
  for (const event of events) state = applyInPlace(state, event);
  return state;
};

/**
 * For a decision that must see the effect of its own earlier events (an import
 * decides row after row): a private copy of the state that only the draft
 * mutates, so the state it was made from is left as it was.
 */
export interface ConferenceDraft {
  readonly state: Scheduled;
  apply(event: ConferenceEvent): void;
}

export const draftOf = (state: Scheduled): ConferenceDraft => {
  // Overlays, not copies: a draft costs what it changes (see `Overlay`). A
  // scheduled state stays scheduled whatever the event, so the cast cannot lie.
  let working: WorkingScheduled = {
    status: 'scheduled',
    conferenceId: state.conferenceId,
    details: state.details,
    registrations: new Overlay(state.registrations),
    activeByEmail: new Overlay(state.activeByEmail),
    byTicketSha256: new Overlay(state.byTicketSha256),
    registeredCount: state.registeredCount,
    waitlist: [...state.waitlist],
    walkIns: state.walkIns,
    walkInRefusals: new Set(state.walkInRefusals),
  };
  return {
    get state(): Scheduled {
      return working;
    },
    apply(event: ConferenceEvent): void {
      working = applyInPlace(working, event) as WorkingScheduled;
    },
  };
};

/**
 * Folds `events` onto `state` itself, changing it: for the one owner of a
 * state that no one expects to stay as it was (the server's registry cache,
 * which would otherwise copy 100,000 registrations to take in one more). The
 * state must come from `foldConference`, `evolve` or this function (never a
 * draft's). Registration objects are still replaced, never changed.
 */
export const advanceConference = (state: ConferenceState, events: Iterable<ConferenceEvent>): ConferenceState => {
  let working = state as WorkingState;
  for (const event of events) working = applyInPlace(working, event);
  return working;
};

// --------------------------------------------------------------- queries

export const registrationById = (state: ConferenceState, registrationId: string): Registration | undefined =>
  state.status === 'scheduled' ? state.registrations.get(registrationId) : undefined;

export const registrationByTicketCode = (state: ConferenceState, ticketCode: string): Registration | undefined => {
  if (state.status !== 'scheduled' || ticketCode === '') return undefined;
  const registrationId = state.byTicketSha256.get(ticketSha256(ticketCode));
  return registrationId === undefined ? undefined : state.registrations.get(registrationId);
};

/** The active registration (registered or waitlisted) holding this address, if any. */
export const activeRegistrationByEmail = (state: ConferenceState, email: string): Registration | undefined => {
  if (state.status !== 'scheduled') return undefined;
  const registrationId = state.activeByEmail.get(normaliseEmail(email));
  return registrationId === undefined ? undefined : state.registrations.get(registrationId);
};
