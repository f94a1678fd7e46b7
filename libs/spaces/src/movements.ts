import type { DomainEvent } from '@emargement/decider';

/**
 * The day's spaces (« espaces dédiés ») and who is where (issue 23).
 *
 * One stream per conference, `movements-<conferenceId>`: the spaces'
 * definitions, every movement (entering or leaving a space, leaving the site
 * and coming back), the check-outs at closing time, and the evacuation roll
 * calls. Capacity ("40 inside at most") and « one entry » are rules over
 * everyone in a space, and "a person is in one place at a time" is a rule
 * over all spaces: one aggregate decides them all against an expected
 * revision, so two phones at two doors of one room never let the 41st in and
 * a person moving from one room to another is counted once. Movements come at
 * a door's pace (a few a second at most): one stream per conference holds
 * them, as the registry holds registrations.
 *
 * Counts are of people, never of scans (Hi.Events#889): each space holds a
 * set of registration ids; a second « in » of someone inside changes nothing.
 *
 * Whether a person was admitted at the entrance, has paid the lunch and their
 * category are other aggregates' facts (their ticket, the registry): the
 * handler, or the door phone offline, passes them in the command
 * (`PersonFacts`), as the entrance's decider takes `TicketFacts`.
 */

export const SITE = 'site';

export interface SpaceDefinition {
  spaceId: string;
  name: string;
  /** `HH:MM`, the conference's local time. */
  opens: string;
  closes: string;
  capacity: number | null;
  /** Categories allowed in; `null`: everyone. */
  audience: readonly string[] | null;
  requiresLunch: boolean;
  oneEntry: boolean;
  /** Exits are scanned at its door; otherwise a person leaves it by entering another space or leaving the site. */
  exitScan: boolean;
}

export interface Where {
  spaceId: string;
  /** The movement's time (ISO-8601). */
  at: string;
}

export interface MovementScan {
  scanId: string;
  registrationId: string;
  /** A space's id, or `site` (a door of the site). */
  spaceId: string;
  at: string;
  deviceId: string;
}

/** Why a movement is refused (recorded, answered `refused`), in the order the rules are checked. */
export const MOVEMENT_REFUSAL_REASONS = [
  'not_admitted',
  'not_for_category',
  'space_closed',
  'lunch_unpaid',
  'already_entered',
  'space_full',
  'not_inside',
] as const;
export type MovementRefusalReason = (typeof MOVEMENT_REFUSAL_REASONS)[number];

/**
 * Why a person left a space. `admission_undone`: their admission at the
 * entrance was undone while they were inside (a scan made by mistake); they
 * are checked out so that no room counts someone the entrance says never came
 * in (issue 23: « counting never doubles when a scan is undone »).
 */
export const LEFT_BECAUSE = ['scan', 'moved', 'left_site', 'closing', 'end_of_day', 'admission_undone'] as const;
export type LeftBecause = (typeof LEFT_BECAUSE)[number];

export type SpaceDefined = DomainEvent<'SpaceDefined', SpaceDefinition & { conferenceId: string; definedAt: string }>;
export type PersonEnteredSpace = DomainEvent<
  'PersonEnteredSpace',
  MovementScan & { conferenceId: string; again: boolean }
>;
export type PersonLeftSpace = DomainEvent<
  'PersonLeftSpace',
  {
    conferenceId: string;
    registrationId: string;
    spaceId: string;
    at: string;
    because: LeftBecause;
    scanId: string | null;
    deviceId: string | null;
  }
>;
export type PersonLeftSite = DomainEvent<'PersonLeftSite', MovementScan & { conferenceId: string }>;
/**
 * Back on site: a scan `in` at a site door, or (`because: 'admitted'`) an
 * admission at the entrance after the person left the site (their admission
 * undone, then made again): « coming back in is a re-entry, not a refusal ».
 * Then `scanId` and `deviceId` are the entrance scan's, which is no movement
 * scan (no movement answer kept under it). Absent `because`: a scan.
 */
export type PersonReturnedToSite = DomainEvent<
  'PersonReturnedToSite',
  MovementScan & { conferenceId: string; because?: 'scan' | 'admitted' }
>;
export type MovementRefused = DomainEvent<
  'MovementRefused',
  MovementScan & {
    conferenceId: string;
    direction: 'in' | 'out';
    reason: MovementRefusalReason;
    detail: Readonly<Record<string, string | number>> | null;
  }
>;
export type RollCallStarted = DomainEvent<
  'RollCallStarted',
  { conferenceId: string; rollCallId: string; startedAt: string; expected: readonly string[]; deviceId: string }
>;
export type PersonMarkedPresent = DomainEvent<
  'PersonMarkedPresent',
  { conferenceId: string; rollCallId: string; markId: string; registrationId: string; at: string; deviceId: string }
>;

/**
 * A door phone decided a movement without the server and let the person
 * through (in or out), and the server, knowing everything when the upload
 * came, would have refused (`space_full` meanwhile from another phone,
 * `already_entered` at another door, `not_admitted`...): the movement stands
 * (it happened at the door) and this records the disagreement for the
 * organisers, beside the entrance's `ScanConflicted` in the same list.
 */
export type MovementConflicted = DomainEvent<
  'MovementConflicted',
  {
    conferenceId: string;
    conflictId: string;
    scanId: string;
    registrationId: string;
    /** A space's id, or `site`, and its name as the door showed it. */
    spaceId: string;
    space: string;
    direction: 'in' | 'out';
    /** What the server would have answered. */
    reason: MovementRefusalReason;
    detail: Readonly<Record<string, string | number>> | null;
    deviceId: string;
    scannedAt: string;
    receivedAt: string;
    detectedAt: string;
  }
>;
export type MovementConflictAcknowledged = DomainEvent<
  'MovementConflictAcknowledged',
  {
    conferenceId: string;
    conflictId: string;
    registrationId: string;
    note: string | null;
    deviceId: string;
    acknowledgedAt: string;
  }
>;

export type MovementEvent =
  | SpaceDefined
  | PersonEnteredSpace
  | PersonLeftSpace
  | PersonLeftSite
  | PersonReturnedToSite
  | MovementRefused
  | RollCallStarted
  | PersonMarkedPresent
  | MovementConflicted
  | MovementConflictAcknowledged;

export const MOVEMENT_EVENT_TYPES: readonly MovementEvent['type'][] = [
  'SpaceDefined',
  'PersonEnteredSpace',
  'PersonLeftSpace',
  'PersonLeftSite',
  'PersonReturnedToSite',
  'MovementRefused',
  'RollCallStarted',
  'PersonMarkedPresent',
  'MovementConflicted',
  'MovementConflictAcknowledged',
];

/** The answer a scan got, kept so that the same `scanId` again gets it again and writes nothing. */
export interface MovementAnswer {
  scanId: string;
  result: 'admitted' | 'refused';
  direction: 'in' | 'out';
  spaceId: string;
  reason: MovementRefusalReason | null;
  detail: Readonly<Record<string, string | number>> | null;
  /** A movement decided offline that the server would have refused: the conflict recorded beside it. */
  conflict?: MovementConflict;
}

export interface MovementConflict {
  conflictId: string;
  reason: MovementRefusalReason;
  detail: Readonly<Record<string, string | number>> | null;
}

export interface RollCall {
  rollCallId: string;
  startedAt: string;
  expected: readonly string[];
  /** registrationId → when first marked present. */
  present: Map<string, string>;
  marks: Set<string>;
}

export interface MovementsState {
  conferenceId: string | null;
  spaces: Map<string, SpaceDefinition>;
  /** Where each person is now (a space), if anywhere but the site's corridors. */
  where: Map<string, Where>;
  /** spaceId → the people inside. */
  inside: Map<string, Set<string>>;
  /** spaceId → registrationId → first entry (for « one entry »). */
  entered: Map<string, Map<string, string>>;
  /** Who has left the site, and when. */
  leftSite: Map<string, string>;
  /** The last place and time each person was seen by a movement. */
  lastSeen: Map<string, Where>;
  answers: Map<string, MovementAnswer>;
  rollCalls: Map<string, RollCall>;
  /** Conflicts of movements decided offline: conflict id → its person and whether it was acknowledged. */
  conflicts: Map<string, { registrationId: string; scanId: string; acknowledged: boolean }>;
}

export const initialState = (): MovementsState => ({
  conferenceId: null,
  spaces: new Map(),
  where: new Map(),
  inside: new Map(),
  entered: new Map(),
  leftSite: new Map(),
  lastSeen: new Map(),
  answers: new Map(),
  rollCalls: new Map(),
  conflicts: new Map(),
});

const clone = (s: MovementsState): MovementsState => ({
  conferenceId: s.conferenceId,
  spaces: new Map(s.spaces),
  where: new Map(s.where),
  inside: new Map([...s.inside].map(([k, v]) => [k, new Set(v)])),
  entered: new Map([...s.entered].map(([k, v]) => [k, new Map(v)])),
  leftSite: new Map(s.leftSite),
  lastSeen: new Map(s.lastSeen),
  answers: new Map(s.answers),
  rollCalls: new Map(
    [...s.rollCalls].map(([k, r]) => [k, { ...r, present: new Map(r.present), marks: new Set(r.marks) }]),
  ),
  conflicts: new Map([...s.conflicts].map(([k, c]) => [k, { ...c }])),
});

const leave = (s: MovementsState, registrationId: string, spaceId: string): void => {
  s.inside.get(spaceId)?.delete(registrationId);
  if (s.where.get(registrationId)?.spaceId === spaceId) s.where.delete(registrationId);
};

/** Folds one event into `s`, in place (see `evolve` and `foldMovements`). */
function apply(s: MovementsState, event: MovementEvent): void {
  const d = event.data;
  s.conferenceId ??= d.conferenceId;
  switch (event.type) {
    case 'SpaceDefined': {
      const { conferenceId: _c, definedAt: _at, ...space } = event.data;
      s.spaces.set(space.spaceId, space);
      if (!s.inside.has(space.spaceId)) s.inside.set(space.spaceId, new Set());
      return;
    }
    case 'PersonEnteredSpace': {
      const { registrationId, spaceId, at, scanId } = event.data;
      const from = s.where.get(registrationId);
      if (from !== undefined && from.spaceId !== spaceId) leave(s, registrationId, from.spaceId);
      let inside = s.inside.get(spaceId);
      if (inside === undefined) s.inside.set(spaceId, (inside = new Set<string>()));
      inside.add(registrationId);
      s.where.set(registrationId, { spaceId, at });
      let entered = s.entered.get(spaceId);
      if (entered === undefined) s.entered.set(spaceId, (entered = new Map<string, string>()));
      if (!entered.has(registrationId)) entered.set(registrationId, at);
      s.lastSeen.set(registrationId, { spaceId, at });
      s.answers.set(scanId, { scanId, result: 'admitted', direction: 'in', spaceId, reason: null, detail: null });
      return;
    }
    case 'PersonLeftSpace': {
      const { registrationId, spaceId, at, scanId } = event.data;
      leave(s, registrationId, spaceId);
      s.lastSeen.set(registrationId, { spaceId, at });
      if (scanId !== null && event.data.because === 'scan') {
        s.answers.set(scanId, { scanId, result: 'admitted', direction: 'out', spaceId, reason: null, detail: null });
      }
      return;
    }
    case 'PersonLeftSite': {
      const { registrationId, at, scanId } = event.data;
      const from = s.where.get(registrationId);
      if (from !== undefined) leave(s, registrationId, from.spaceId);
      s.leftSite.set(registrationId, at);
      s.lastSeen.set(registrationId, { spaceId: SITE, at });
      s.answers.set(scanId, {
        scanId,
        result: 'admitted',
        direction: 'out',
        spaceId: SITE,
        reason: null,
        detail: null,
      });
      return;
    }
    case 'PersonReturnedToSite': {
      const { registrationId, at, scanId } = event.data;
      s.leftSite.delete(registrationId);
      s.lastSeen.set(registrationId, { spaceId: SITE, at });
      if (event.data.because === 'admitted') return;
      s.answers.set(scanId, { scanId, result: 'admitted', direction: 'in', spaceId: SITE, reason: null, detail: null });
      return;
    }
    case 'MovementRefused': {
      const { scanId, direction, spaceId, reason, detail } = event.data;
      s.answers.set(scanId, { scanId, result: 'refused', direction, spaceId, reason, detail });
      return;
    }
    case 'RollCallStarted': {
      const { rollCallId, startedAt, expected } = event.data;
      if (!s.rollCalls.has(rollCallId)) {
        s.rollCalls.set(rollCallId, { rollCallId, startedAt, expected, present: new Map(), marks: new Set() });
      }
      return;
    }
    case 'PersonMarkedPresent': {
      const { rollCallId, markId, registrationId, at } = event.data;
      const roll = s.rollCalls.get(rollCallId);
      if (roll === undefined) return;
      roll.marks.add(markId);
      if (!roll.present.has(registrationId)) roll.present.set(registrationId, at);
      return;
    }
    case 'MovementConflicted': {
      const { conflictId, scanId, registrationId, reason, detail } = event.data;
      if (s.conflicts.has(conflictId)) return;
      s.conflicts.set(conflictId, { registrationId, scanId, acknowledged: false });
      const answer = s.answers.get(scanId);
      // The same scan id again is answered with its conflict too (the phone that sent it twice is told).
      if (answer !== undefined) s.answers.set(scanId, { ...answer, conflict: { conflictId, reason, detail } });
      return;
    }
    case 'MovementConflictAcknowledged': {
      const conflict = s.conflicts.get(event.data.conflictId);
      if (conflict !== undefined) conflict.acknowledged = true;
      return;
    }
    default: {
      // A type this version does not know (written by a newer one): passed over.
      const _future: never = event;
      void _future;
    }
  }
}

export const evolve = (state: MovementsState, event: MovementEvent): MovementsState => {
  const next = clone(state);
  apply(next, event);
  return next;
};

/** `events.reduce(evolve, from)` in linear time: one copy of `from`, then every event folded in place. */
export const foldMovements = (events: Iterable<MovementEvent>, from?: MovementsState): MovementsState => {
  const state = from === undefined ? initialState() : clone(from);
  for (const event of events) apply(state, event);
  return state;
};

/** Who is on the site: admitted at the entrance (`admitted`, from the tickets) and not left since. */
export const onSite = (state: MovementsState, admitted: Iterable<string>): string[] =>
  [...admitted].filter((id) => !state.leftSite.has(id));
