import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import { readFixture } from '../../../testing/src/fixtures.js';
import {
  conferenceId,
  conferenceScheduled,
  details,
  person,
  personRegistered,
  personWaitlisted,
  registrationId,
  registrationRequest,
  ticketCode,
} from '../../test/examples.js';
import { parseRegistrationCsv } from '../import/registration-csv.js';
import { foldConference, type ConferenceDetails, type ConferenceState } from './conference.js';
import {
  conferenceDecider,
  importRegistrations,
  type ImportRegistrations,
  type ImportRow,
} from './conference.decide.js';

const given = DeciderSpecification.for(conferenceDecider);

const importedAt = '2014-07-15T09:00:00+02:00';
const row = (line: number, n: number, overrides: Partial<ImportRow> = {}): ImportRow => ({
  line,
  ...registrationRequest(n),
  ...overrides,
});
const importing = (rows: ImportRow[]): ImportRegistrations => ({
  type: 'ImportRegistrations',
  data: { rows, importedAt },
});
const imported = (n: number, overrides = {}) =>
  personRegistered(n, { source: 'import', registeredAt: importedAt, ...overrides });
const importedWaitlisted = (n: number) => personWaitlisted(n, { source: 'import', registeredAt: importedAt });

describe('importing registrations', () => {
  describe('when the conference is not scheduled', () => {
    test('nothing is imported', () =>
      given([])
        .when(importing([row(2, 1)]))
        .thenRefused('conference_not_scheduled'));
  });

  describe('when the file holds more people than places', () => {
    test('rows are decided in file order: places first, then the waitlist', () =>
      given([conferenceScheduled({ capacity: 2 })])
        .when(importing([row(2, 1), row(3, 2), row(4, 3)]))
        .then([imported(1), imported(2), importedWaitlisted(3)], {
          created: [
            { line: 2, registrationId: registrationId(1), status: 'registered' },
            { line: 3, registrationId: registrationId(2), status: 'registered' },
            { line: 4, registrationId: registrationId(3), status: 'waitlisted' },
          ],
          duplicates: [],
          rejected: [],
        }));
  });

  describe('when the file holds one address twice', () => {
    test('the second row is a duplicate of the first, whatever its case', () =>
      given([conferenceScheduled({ capacity: 5 })])
        .when(importing([row(2, 1), row(3, 2, { person: person(2, { email: person(1).email.toUpperCase() }) })]))
        .then([imported(1)], {
          created: [{ line: 2, registrationId: registrationId(1), status: 'registered' }],
          duplicates: [{ line: 3, registrationId: registrationId(1) }],
          rejected: [],
        }));
  });

  describe('when some addresses are already registered', () => {
    test('those rows are duplicates and the others go in', () =>
      given([conferenceScheduled({ capacity: 5 }), personRegistered(1)])
        .when(importing([row(2, 7, { person: person(1) }), row(3, 2)]))
        .then([imported(2)], {
          created: [{ line: 3, registrationId: registrationId(2), status: 'registered' }],
          duplicates: [{ line: 2, registrationId: registrationId(1) }],
          rejected: [],
        }));
  });

  describe('when a row repeats a registration id already decided', () => {
    test('the same row is a duplicate; a different one under that id is rejected', () =>
      given([conferenceScheduled({ capacity: 5 }), imported(1)])
        .when(importing([row(2, 1), row(3, 1, { lunch: false, person: person(9) })]))
        .then([], {
          created: [],
          duplicates: [{ line: 2, registrationId: registrationId(1) }],
          rejected: [{ line: 3, reason: 'registration_id_conflict' }],
        }));
  });

  describe('when a row breaks a rule', () => {
    test('it is rejected with its line and reason and never blocks the others', () =>
      given([conferenceScheduled({ capacity: 5 })])
        .when(
          importing([
            row(2, 1, { person: person(1, { email: 'not-an-address' }) }),
            row(3, 2, { person: person(2, { lastName: ' ' }) }),
            row(4, 3),
          ]),
        )
        .then([imported(3)], {
          created: [{ line: 4, registrationId: registrationId(3), status: 'registered' }],
          duplicates: [],
          rejected: [
            { line: 2, reason: 'invalid_email' },
            { line: 3, reason: 'missing_field', field: 'lastName' },
          ],
        }));
  });

  describe('when deciding against a state the caller keeps', () => {
    test('the state is left as it was, so a decision that loses a concurrency race can be dropped', () => {
      const state = foldConference([conferenceScheduled({ capacity: 1 }), personRegistered(1)]);
      const before = JSON.stringify(snapshot(state));
      const decision = importRegistrations(importing([row(2, 2), row(3, 3)]), state);
      expect(decision.ok && decision.events.length).toBe(2);
      expect(JSON.stringify(snapshot(state))).toBe(before);
    });
  });
});

describe('importing the PTCE 2014 fixture', () => {
  const conference = JSON.parse(readFixture('ptce-2014/conference.json')) as ConferenceDetails;
  const parsed = parseRegistrationCsv(readFixture('ptce-2014/registrations.csv'));
  if (!parsed.ok) throw new Error(`The fixture does not parse: ${parsed.reason}`);

  // The server chooses ids and ticket codes; any distinct ones do here.
  const rows = (run: number): ImportRow[] =>
    parsed.rows.map(({ line, firstName, lastName, email, organisation, category, lunch, photoConsent }) => ({
      line,
      registrationId: `${run}-${line}`,
      ticketCode: ticketCode(run * 10_000 + line),
      person: { firstName, lastName, email, organisation },
      category,
      lunch,
      photoConsent,
    }));
  const scheduled = conferenceScheduled({
    ...details(),
    capacity: conference.capacity,
    idCheckRequired: conference.idCheckRequired,
    lunch: conference.lunch,
    doors: conference.doors,
  });
  const first = importRegistrations(importing(rows(1)), foldConference([scheduled]));
  if (!first.ok) throw new Error(`The import was refused: ${first.reason}`);

  test('every one of the 413 rows is read, none rejected', () => {
    expect(parsed.rows).toHaveLength(413);
    expect(parsed.rejected).toEqual([]);
  });

  test('gives 400 registered, 12 waitlisted and 1 duplicate', () => {
    const count = (status: string): number =>
      first.outcome.created.filter((created) => created.status === status).length;
    expect(conference.capacity).toBe(400);
    expect(count('registered')).toBe(400);
    expect(count('waitlisted')).toBe(12);
    expect(first.outcome.duplicates).toHaveLength(1);
    expect(first.outcome.rejected).toEqual([]);
    expect(first.events.filter((event) => event.type === 'PersonRegistered')).toHaveLength(400);
    expect(first.events.filter((event) => event.type === 'PersonWaitlisted')).toHaveLength(12);
  });

  test('the duplicate is the address registered twice in another case, reported at its line', () => {
    const [duplicate] = first.outcome.duplicates;
    const original = first.events.find((event) => event.data.registrationId === duplicate?.registrationId);
    expect(duplicate?.line).toBe(414);
    expect(original?.data.person.email).toBe('oceane.ferreira@example.org');
    expect(parsed.rows.find((parsedRow) => parsedRow.line === 414)?.email).toBe('oceane.ferreira@EXAMPLE.ORG');
  });

  test('the address with spaces around it and the one in capitals go in trimmed and as written', () => {
    const emails = first.events.map((event) => event.data.person.email);
    expect(emails).toContain('lea.bertrand@example.org');
    expect(emails).toContain('JEROME.GUERIN@EXAMPLE.ORG');
  });

  test('importing the same file again creates nothing', () => {
    const afterFirst = foldConference(first.events, foldConference([scheduled]));
    const again = importRegistrations(importing(rows(2)), afterFirst);
    if (!again.ok) throw new Error(`The second import was refused: ${again.reason}`);
    expect(again.events).toEqual([]);
    expect(again.outcome.created).toEqual([]);
    expect(again.outcome.rejected).toEqual([]);
    expect(again.outcome.duplicates).toHaveLength(413);
  });
});

const snapshot = (state: ConferenceState): unknown =>
  state.status === 'scheduled'
    ? {
        conferenceId,
        registrations: [...state.registrations.entries()],
        activeByEmail: [...state.activeByEmail.entries()],
        byTicketSha256: [...state.byTicketSha256.entries()],
        registeredCount: state.registeredCount,
        waitlist: state.waitlist,
      }
    : state;
