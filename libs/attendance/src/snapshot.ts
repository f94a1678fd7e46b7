import { CATEGORIES, type Category, type EntryRefusalReason } from '@emargement/conference';
import type { CharterCounts, ConferenceTally, Counts, DoorCounts } from './attendance.js';
import { SLOT_MINUTES, localIso } from './time.js';

/**
 * The dashboard's snapshot: the body of `GET /api/conferences/:cid/attendance`
 * and of the socket's `snapshot` and `update` messages. Aggregates only, never
 * a person's data (a `display` device may see it). Lists come in a fixed
 * order, so that two equal read models give byte-equal snapshots.
 */
export interface AttendanceSnapshot {
  conferenceId: string;
  name: string | null;
  timezone: string | null;
  /** `$all` position of the last event counted, as a decimal string; `null` before any. */
  position: string | null;
  registered: number;
  waitlisted: number;
  cancelled: number;
  /** Admissions recorded, undone ones included. */
  admitted: number;
  undone: number;
  /** Standing admissions: admitted − undone. */
  present: number;
  /** Refused scans by reason code, every code present. */
  refused: Record<EntryRefusalReason, number>;
  refusedTotal: number;
  byCategory: Record<Category, Counts>;
  /** Largest first (registered, then present), then by name; `organisation: null` for none given. */
  byOrganisation: ({ organisation: string | null } & Counts)[];
  /** By door name. */
  byDoor: ({ door: string } & DoorCounts)[];
  /** Standing admissions per slot of the conference's local time; slots with none are left out. */
  arrivals: { slotMinutes: number; slots: { at: string; count: number }[] };
  lunch: { expected: number; paid: number; admittedWithLunch: number };
  signatures: {
    /** Standing signatures over all the conference's charters. */
    count: number;
    voided: number;
    /** Registered in category `signatory`. */
    signatoriesExpected: number;
    /** Present in category `signatory`. */
    signatoriesPresent: number;
    charters: CharterCounts[];
  };
  /** Conflicts from doors that worked offline: still to be acknowledged, and all recorded. */
  conflicts: { open: number; total: number };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const snapshotOf = (t: ConferenceTally): AttendanceSnapshot => {
  const charters = Object.values(t.charters)
    .map((c) => ({ ...c }))
    .sort((a, b) => byText(a.charterId, b.charterId));
  const timezone = t.details?.timezone ?? null;
  return {
    conferenceId: t.conferenceId,
    name: t.details?.name ?? null,
    timezone,
    position: t.position,
    registered: t.totals.registered,
    waitlisted: t.totals.waitlisted,
    cancelled: t.totals.cancelled,
    admitted: t.totals.admitted,
    undone: t.undone,
    present: t.totals.present,
    refused: { ...t.refused },
    refusedTotal: Object.values(t.refused).reduce((a, b) => a + b, 0),
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, { ...t.byCategory[c] }])) as Record<Category, Counts>,
    byOrganisation: Object.entries(t.byOrganisation)
      .sort(
        ([ka, a], [kb, b]) =>
          b.counts.registered - a.counts.registered || b.counts.present - a.counts.present || byText(ka, kb),
      )
      .map(([, o]) => ({ organisation: o.label, ...o.counts })),
    byDoor: Object.entries(t.byDoor)
      .sort(([a], [b]) => byText(a, b))
      .map(([door, d]) => ({ door, ...d })),
    arrivals: {
      slotMinutes: SLOT_MINUTES,
      slots: Object.entries(t.arrivals)
        .map(([slot, count]) => [Number(slot), count] as const)
        .sort(([a], [b]) => a - b)
        .map(([slot, count]) => ({ at: localIso(slot, timezone), count })),
    },
    lunch: { ...t.lunch },
    signatures: {
      count: charters.reduce((n, c) => n + c.signatures, 0),
      voided: charters.reduce((n, c) => n + c.voided, 0),
      signatoriesExpected: t.byCategory.signatory.registered,
      signatoriesPresent: t.byCategory.signatory.present,
      charters,
    },
    conflicts: { open: Object.keys(t.conflicts.open).length, total: t.conflicts.total },
  };
};
