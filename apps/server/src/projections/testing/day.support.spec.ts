// Test support, not a test (the .spec.ts name keeps it out of the build; jest runs only *.unit|int|e2e.spec.ts).
// A day's history for the projection tests: a conference, registrations in
// import-sized appends, admissions, refusals, an undo and lunch payments,
// appended to a real store.
import type { EventStore } from '@emargement/event-store';
import type { AttendanceEvent } from '@emargement/attendance';
import {
  admitted,
  at,
  lunchPaid,
  refused,
  registered,
  scheduled,
  undone,
  waitlisted,
} from '../../../../../libs/attendance/test/examples.js';

let ids = 0;
const id = (): string => `e0000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`;

const append = async (store: EventStore, stream: string, events: readonly AttendanceEvent[]): Promise<void> => {
  for (let i = 0; i < events.length; i += 500) {
    await store.appendToStream(
      stream,
      events.slice(i, i + 500).map((e) => ({ id: id(), type: e.type, data: e.data, metadata: {} })),
    );
  }
};

/** `people` registrations, most admitted; events are grouped in a few streams so the history is quick to write. */
export async function writeDay(store: EventStore, people: number, from = 1): Promise<void> {
  const range = (f: (n: number) => AttendanceEvent | null): AttendanceEvent[] =>
    Array.from({ length: people }, (_, i) => f(from + i)).filter((e): e is AttendanceEvent => e !== null);
  if (from === 1) await append(store, 'conference-c0nf0000-0000-4000-8000-000000002014', [scheduled()]);
  await append(
    store,
    `conference-batch-${from}`,
    range((n) => (n % 10 === 0 ? waitlisted(n) : registered(n, { organisation: `Org ${n % 13}` }))),
  );
  await append(
    store,
    `ticket-batch-${from}`,
    range((n) => (n % 10 === 0 ? null : admitted(n, { scannedAt: at(`09:${String(n % 60).padStart(2, '0')}:00`) }))),
  );
  await append(store, `door-batch-${from}`, [
    ...range((n) => (n % 7 === 0 ? refused(n, 'already_checked_in') : null)),
    ...range((n) => (n % 11 === 0 ? lunchPaid(n) : null)),
    ...range((n) => (n % 17 === 0 && n % 10 !== 0 ? undone(n) : null)),
  ]);
}
