import {
  CATEGORIES,
  ENTRY_REFUSAL_REASONS,
  normaliseText,
  type Category,
  type EntryRefusalReason,
} from '@emargement/conference';
import type { AttendanceEvent } from './events.js';
import { slotOf } from './time.js';

/**
 * The attendance read model: per conference, the figures of the organisers'
 * dashboard; per registration, the few facts those figures are counted from
 * (its category, organisation, lunch, status and standing admission).
 *
 * Both halves are plain JSON-able objects, so that a projection can keep each
 * conference and each registration as one row and write back only the rows
 * an event touched (`evolve` says which).
 *
 * Definitions (what the dashboard's words mean):
 * - `registered`, `waitlisted`, `cancelled`: registrations in that status now
 *   (a promotion moves one from waitlisted to registered).
 * - `admitted`: people admitted (`AttendeeAdmitted`; a person let in by several
 *   doors that worked offline counts once, at the earliest scan), `undone`: those
 *   revoked (`AdmissionUndone`); `present` = admitted − undone = tickets whose
 *   admission stands. There is no exit scan, so "present" means "came in".
 * - `refused`: refused scans by reason code (every one, repeated scans too).
 * - arrivals: standing admissions per five-minute slot of their scan time; an
 *   undone admission leaves its slot, so the curve adds up to `present`.
 * - lunch: a registration takes the lunch if it said so or has paid for it
 *   on the day. `expected` = registered and taking the lunch, `paid` =
 *   registrations that paid, `admittedWithLunch` = present and taking the
 *   lunch (the caterer's number).
 * - signatures: standing signatures (voided ones apart) of every charter of
 *   the conference; signatories expected = registered in category `signatory`.
 */

/** What a group (the whole conference, a category, an organisation) counts. */
export interface Counts {
  registered: number;
  waitlisted: number;
  cancelled: number;
  admitted: number;
  present: number;
}

export interface DoorCounts {
  admitted: number;
  refused: number;
  present: number;
}

export interface CharterCounts {
  charterId: string;
  title: string | null;
  status: 'open' | 'closed';
  /** Standing signatures. */
  signatures: number;
  voided: number;
}

export interface ConferenceFacts {
  name: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
}

export interface ConferenceTally {
  conferenceId: string;
  /** Null until `ConferenceScheduled`. */
  details: ConferenceFacts | null;
  /** `$all` position of the last event folded into this conference, as a decimal string. */
  position: string | null;
  totals: Counts;
  undone: number;
  refused: Record<EntryRefusalReason, number>;
  byCategory: Record<Category, Counts>;
  /** By `normaliseText(organisation)` (`''` for none): the label is the first spelling seen. */
  byOrganisation: Record<string, { label: string | null; counts: Counts }>;
  byDoor: Record<string, DoorCounts>;
  /** Slot start (epoch ms, as a string key) → standing admissions scanned in it. */
  arrivals: Record<string, number>;
  lunch: { expected: number; paid: number; admittedWithLunch: number };
  charters: Record<string, CharterCounts>;
  /** Conflicts from doors that worked offline: every one recorded, and those still open (by conflict id). */
  conflicts: { total: number; open: Record<string, true> };
}

export type TalliedStatus = 'registered' | 'waitlisted' | 'cancelled';

export interface RegistrationTally {
  registrationId: string;
  conferenceId: string;
  /**
   * `unknown` for a ticket seen at a door before its registration: never in
   * the store's order, but possible `asOf` a moment when a walk-in's scan
   * (device clock) is a little earlier than its registration (server clock).
   * Such a ticket counts in the conference's and the door's figures only.
   */
  status: TalliedStatus | 'unknown';
  category: Category | null;
  organisationKey: string;
  lunch: boolean;
  lunchPaid: boolean;
  /** The standing admission: the earliest by scan time when several doors let the person in. */
  admission: AdmissionTally | null;
  /** Other standing admissions of the same ticket (doors that worked offline), earliest first. */
  others: AdmissionTally[];
}

export interface AdmissionTally {
  scanId: string;
  door: string;
  slot: number | null;
  /** Scan time, epoch ms (`null` when unreadable). */
  at: number | null;
}

export interface AttendanceState {
  conferences: Map<string, ConferenceTally>;
  registrations: Map<string, RegistrationTally>;
}

/** What an event changed, so that a projection writes back those rows only. */
export interface Touched {
  conferenceId: string;
  registrationId: string | null;
}

export const initialState = (): AttendanceState => ({ conferences: new Map(), registrations: new Map() });

const zero = (): Counts => ({ registered: 0, waitlisted: 0, cancelled: 0, admitted: 0, present: 0 });

export const emptyTally = (conferenceId: string): ConferenceTally => ({
  conferenceId,
  details: null,
  position: null,
  totals: zero(),
  undone: 0,
  refused: Object.fromEntries(ENTRY_REFUSAL_REASONS.map((r) => [r, 0])) as Record<EntryRefusalReason, number>,
  byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, zero()])) as Record<Category, Counts>,
  byOrganisation: {},
  byDoor: {},
  arrivals: {},
  lunch: { expected: 0, paid: 0, admittedWithLunch: 0 },
  charters: {},
  conflicts: { total: 0, open: {} },
});

// ------------------------------------------------------------------ fold

const conferenceOf = (state: AttendanceState, conferenceId: string): ConferenceTally => {
  let c = state.conferences.get(conferenceId);
  if (c === undefined) {
    c = emptyTally(conferenceId);
    state.conferences.set(conferenceId, c);
  }
  return c;
};

const doorOf = (c: ConferenceTally, door: string): DoorCounts =>
  (c.byDoor[door] ??= { admitted: 0, refused: 0, present: 0 });

const charterOf = (c: ConferenceTally, charterId: string): CharterCounts =>
  (c.charters[charterId] ??= { charterId, title: null, status: 'open', signatures: 0, voided: 0 });

/** The groups a registration counts in: the conference, its category, its organisation. */
const groupsOf = (c: ConferenceTally, r: RegistrationTally): Counts[] => {
  if (r.category === null) return [c.totals];
  const org = c.byOrganisation[r.organisationKey];
  return org === undefined ? [c.totals, c.byCategory[r.category]] : [c.totals, c.byCategory[r.category], org.counts];
};

const takesLunch = (r: RegistrationTally): boolean => r.lunch || r.lunchPaid;

/**
 * The registration's share of the figures that follow from its current facts
 * (status, admission, lunch). A change is applied as "take the old share
 * away, change the facts, add the new share", so that no transition can
 * forget one of the figures it moves.
 */
const share = (c: ConferenceTally, r: RegistrationTally, sign: 1 | -1): void => {
  const groups = groupsOf(c, r);
  if (r.status !== 'unknown') for (const g of groups) g[r.status] += sign;
  if (r.admission !== null) {
    for (const g of groups) g.present += sign;
    doorOf(c, r.admission.door).present += sign;
    if (r.admission.slot !== null) {
      const key = String(r.admission.slot);
      const n = (c.arrivals[key] ?? 0) + sign;
      // A slot that goes back to nothing is removed, so that a read model
      // rebuilt from the start equals one that saw the admission and its undo.
      if (n === 0) delete c.arrivals[key];
      else c.arrivals[key] = n;
    }
    if (takesLunch(r)) c.lunch.admittedWithLunch += sign;
  }
  if (r.status === 'registered' && takesLunch(r)) c.lunch.expected += sign;
};

const change = (c: ConferenceTally, r: RegistrationTally, mutate: (r: RegistrationTally) => void): void => {
  share(c, r, -1);
  mutate(r);
  share(c, r, 1);
};

const organisationKeyOf = (c: ConferenceTally, organisation: string | null): string => {
  const label = organisation?.trim() || null;
  const key = label === null ? '' : normaliseText(label);
  c.byOrganisation[key] ??= { label: key === '' ? null : label, counts: zero() };
  return key;
};

const registrationOf = (state: AttendanceState, conferenceId: string, registrationId: string): RegistrationTally => {
  let r = state.registrations.get(registrationId);
  if (r === undefined) {
    r = {
      registrationId,
      conferenceId,
      status: 'unknown',
      category: null,
      organisationKey: '',
      lunch: false,
      lunchPaid: false,
      admission: null,
      others: [],
    };
    state.registrations.set(registrationId, r);
  }
  return r;
};

const insertByTime = (list: AdmissionTally[], a: AdmissionTally): AdmissionTally[] => {
  const index = list.findIndex((x) => x.at !== null && a.at !== null && x.at > a.at);
  return index === -1 ? [...list, a] : [...list.slice(0, index), a, ...list.slice(index)];
};

/**
 * Another admission of the same person becomes the standing one (an earlier
 * scan uploaded late, or the next one after an undo): the person is still
 * counted once; the door and the arrival slot follow the standing admission.
 * `displaced` is kept among the others (it still stands, only later).
 */
const moveStanding = (
  c: ConferenceTally,
  r: RegistrationTally,
  next: AdmissionTally,
  displaced: AdmissionTally | null,
): void => {
  const previousDoor = r.admission?.door;
  change(c, r, (x) => {
    x.admission = next;
    if (displaced !== null) x.others = insertByTime(x.others, displaced);
  });
  if (previousDoor !== undefined && previousDoor !== next.door) {
    doorOf(c, previousDoor).admitted -= 1;
    doorOf(c, next.door).admitted += 1;
  }
};

/**
 * Folds one event into `state`, in place, and says which conference (always
 * its position, at least) and which registration it touched. In place because a rebuild folds a million events
 * and a copy per event would make it quadratic; the projection that owns the
 * state is its only writer. Deterministic: the same events in the same order
 * give the same state, which is what "rebuilt equals live" rests on.
 */
export const evolve = (state: AttendanceState, event: AttendanceEvent, position: bigint): Touched => {
  const touched = apply(state, event);
  conferenceOf(state, touched.conferenceId).position = position.toString();
  return touched;
};

const apply = (state: AttendanceState, event: AttendanceEvent): Touched => {
  const conferenceId = event.data.conferenceId;
  const c = conferenceOf(state, conferenceId);
  const none: Touched = { conferenceId, registrationId: null };
  switch (event.type) {
    case 'ConferenceScheduled':
    case 'ConferenceRevised': {
      const { name, timezone, startsAt, endsAt } = event.data;
      c.details = { name, timezone, startsAt, endsAt };
      return none;
    }
    case 'PersonRegistered':
    case 'PersonWaitlisted': {
      const d = event.data;
      const r = registrationOf(state, conferenceId, d.registrationId);
      if (r.status !== 'unknown') return none; // a registration is recorded once
      change(c, r, (x) => {
        x.status = event.type === 'PersonRegistered' ? 'registered' : 'waitlisted';
        x.category = d.category;
        x.organisationKey = organisationKeyOf(c, d.person.organisation);
        x.lunch = d.lunch;
      });
      // Its admission, if its ticket came first, now counts in its groups too.
      if (r.admission !== null) for (const g of groupsOf(c, r).slice(1)) g.admitted += 1;
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'WaitlistedPersonPromoted': {
      const r = state.registrations.get(event.data.registrationId);
      if (r?.status !== 'waitlisted') return none;
      change(c, r, (x) => (x.status = 'registered'));
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'RegistrationCancelled': {
      const r = state.registrations.get(event.data.registrationId);
      if (r === undefined || r.status === 'cancelled' || r.status === 'unknown') return none;
      change(c, r, (x) => (x.status = 'cancelled'));
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'RegistrationCorrected': {
      // A category or an organisation corrected: the person's share moves to the new groups (and the admission
      // counted in the old ones, if one stands). Names and addresses are no figure.
      const r = state.registrations.get(event.data.registrationId);
      const { category, organisation } = event.data.changes;
      if (r === undefined || r.status === 'unknown' || (category === undefined && organisation === undefined))
        return none;
      if (r.admission !== null) for (const g of groupsOf(c, r).slice(1)) g.admitted -= 1;
      change(c, r, (x) => {
        if (category !== undefined) x.category = category;
        if (organisation !== undefined) x.organisationKey = organisationKeyOf(c, organisation);
      });
      if (r.admission !== null) for (const g of groupsOf(c, r).slice(1)) g.admitted += 1;
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'AttendeeAdmitted': {
      // A person is counted once however many doors let them in: the earliest
      // scan is the admission; the others are kept, so that an undo of the
      // standing one leaves the next one standing.
      const d = event.data;
      const r = registrationOf(state, conferenceId, d.registrationId);
      const ms = Date.parse(d.scannedAt);
      const admission: AdmissionTally = {
        scanId: d.scanId,
        door: d.door,
        slot: slotOf(d.scannedAt),
        at: Number.isNaN(ms) ? null : ms,
      };
      const standing = r.admission;
      if (standing === null) {
        change(c, r, (x) => (x.admission = admission));
        for (const g of groupsOf(c, r)) g.admitted += 1;
        doorOf(c, d.door).admitted += 1;
      } else if (admission.at !== null && standing.at !== null && admission.at < standing.at) {
        moveStanding(c, r, admission, standing);
      } else {
        r.others = insertByTime(r.others, admission);
      }
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'EntryRefused': {
      c.refused[event.data.reason] = (c.refused[event.data.reason] ?? 0) + 1;
      doorOf(c, event.data.door).refused += 1;
      return none;
    }
    case 'AdmissionUndone': {
      const r = state.registrations.get(event.data.registrationId);
      if (r === undefined) return none;
      const { scanId } = event.data;
      if (r.admission?.scanId !== scanId) {
        // Another door's entry of the same person: it leaves the figures alone.
        const others = r.others.filter((a) => a.scanId !== scanId);
        if (others.length === r.others.length) return none;
        r.others = others;
        return { conferenceId, registrationId: r.registrationId };
      }
      const [next, ...rest] = r.others;
      if (next !== undefined) {
        r.others = rest;
        moveStanding(c, r, next, null);
        return { conferenceId, registrationId: r.registrationId };
      }
      change(c, r, (x) => (x.admission = null));
      c.undone += 1;
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'ScanConflicted': {
      c.conflicts.total += 1;
      c.conflicts.open[event.data.conflictId] = true;
      return none;
    }
    case 'ConflictAcknowledged': {
      delete c.conflicts.open[event.data.conflictId];
      return none;
    }
    case 'LunchPaid': {
      const r = registrationOf(state, conferenceId, event.data.registrationId);
      if (r.lunchPaid) return none;
      change(c, r, (x) => (x.lunchPaid = true));
      c.lunch.paid += 1;
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'LunchPaymentReversed': {
      const r = registrationOf(state, conferenceId, event.data.registrationId);
      if (!r.lunchPaid) return none;
      change(c, r, (x) => (x.lunchPaid = false));
      c.lunch.paid -= 1;
      return { conferenceId, registrationId: r.registrationId };
    }
    case 'CharterPublished': {
      charterOf(c, event.data.charterId).title = event.data.title;
      return none;
    }
    case 'CharterSigned': {
      charterOf(c, event.data.charterId).signatures += 1;
      return none;
    }
    case 'SignatureVoided': {
      const ch = charterOf(c, event.data.charterId);
      ch.signatures -= 1;
      ch.voided += 1;
      return none;
    }
    case 'CharterClosed': {
      charterOf(c, event.data.charterId).status = 'closed';
      return none;
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unexpected event ${JSON.stringify(unknown)}`);
    }
  }
};
