import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import { doorPrintersDecider, type DoorPrinterSet, type SetDoorPrinter } from './door-printers.js';

const given = DeciderSpecification.for(doorPrintersDecider);
const conferenceId = '00000000-0000-4000-8000-00000000c0f1';
const doors = ['Accueil principal', 'Accueil presse'];
const setAt = '2014-09-19T08:00:00+02:00';

const set = (queue: string | null, overrides: Partial<SetDoorPrinter['data']> = {}): SetDoorPrinter => ({
  type: 'SetDoorPrinter',
  data: { conferenceId, door: 'Accueil principal', queue, printOnAdmission: false, setAt, doors, ...overrides },
});
const wasSet = (queue: string | null, overrides: Partial<DoorPrinterSet['data']> = {}): DoorPrinterSet => ({
  type: 'DoorPrinterSet',
  data: { conferenceId, door: 'Accueil principal', queue, printOnAdmission: false, setAt, ...overrides },
});

describe("a door's badge printer", () => {
  describe('when none is set', () => {
    test('a queue is named for a door', () =>
      given([])
        .when(set('badges-accueil'))
        .then([wasSet('badges-accueil')], {
          door: 'Accueil principal',
          queue: 'badges-accueil',
          printOnAdmission: false,
        }));

    test('a door the conference does not have is refused', () =>
      given([])
        .when(set('badges', { door: 'Porte dérobée' }))
        .thenRefused('unknown_door'));

    test('a name CUPS would refuse is refused', () =>
      given([]).when(set('badges accueil')).thenRefused('invalid_queue'));

    test('a name that lpstat and lp would read as an option (« -h host ») is refused', () =>
      given([]).when(set('-hevil.example.org')).thenRefused('invalid_queue'));

    test('removing what is not there writes nothing', () => given([]).when(set(null)).thenNothingHappens(null));
  });

  describe('when one is set', () => {
    test('the same setting again writes nothing', () =>
      given([wasSet('badges')])
        .when(set('badges'))
        .thenNothingHappens());

    test('printing on admission is turned on', () =>
      given([wasSet('badges')])
        .when(set('badges', { printOnAdmission: true }))
        .then([wasSet('badges', { printOnAdmission: true })]));

    test('it is removed', () =>
      given([wasSet('badges')])
        .when(set(null))
        .then([wasSet(null)], null));
  });
});
