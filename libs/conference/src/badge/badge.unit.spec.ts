import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  badgeDecider,
  type BadgeFacts,
  type BadgePrinted,
  type BadgePrintFailed,
  type PrintBadge,
  type RecordBadgePrintFailure,
} from './badge.js';

const given = DeciderSpecification.for(badgeDecider);

const conferenceId = '00000000-0000-4000-8000-00000000c0f1';
const registrationId = '00000000-0000-4000-8000-000000000001';
const printId = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;
const phone = 'door-phone-a';
const at = (time: string) => `2014-09-19T${time}+02:00`;
const person = (overrides: Partial<BadgeFacts> = {}): BadgeFacts => ({
  registrationId,
  status: 'registered',
  erased: false,
  ...overrides,
});

const print = (n: number, overrides: Partial<PrintBadge['data']> = {}): PrintBadge => ({
  type: 'PrintBadge',
  data: {
    conferenceId,
    printId: printId(n),
    layout: 'cr80',
    printer: null,
    reason: null,
    deviceId: phone,
    printedAt: at('09:42:00'),
    person: person(),
    ...overrides,
  },
});

const printed = (n: number, copy: number, overrides: Partial<BadgePrinted['data']> = {}): BadgePrinted => ({
  type: 'BadgePrinted',
  data: {
    conferenceId,
    registrationId,
    printId: printId(n),
    copy,
    layout: 'cr80',
    printer: null,
    reason: null,
    deviceId: phone,
    printedAt: at('09:42:00'),
    ...overrides,
  },
});

const failure = (n: number): RecordBadgePrintFailure => ({
  type: 'RecordBadgePrintFailure',
  data: {
    conferenceId,
    registrationId,
    printId: printId(n),
    layout: 'cr80',
    printer: 'accueil',
    code: 'printer_stopped',
    deviceId: phone,
    failedAt: at('09:41:00'),
  },
});
const failed = (n: number): BadgePrintFailed => ({ type: 'BadgePrintFailed', data: failure(n).data });

describe('printing a badge', () => {
  describe('when it was never printed', () => {
    test('the first copy is recorded, without a reason', () =>
      given([])
        .when(print(1))
        .then([printed(1, 1)], { printId: printId(1), copy: 1, printedAt: at('09:42:00') }));

    test('a reason given for a first print is not kept: there is nothing to explain', () =>
      given([])
        .when(print(1, { reason: 'par précaution' }))
        .then([printed(1, 1)]));

    test('the printer queue is recorded when the server sent the job', () =>
      given([])
        .when(print(1, { printer: 'accueil', layout: 'roll-62' }))
        .then([printed(1, 1, { printer: 'accueil', layout: 'roll-62' })]));

    test('a waitlisted person may have a badge: printing is not admitting', () =>
      given([])
        .when(print(1, { person: person({ status: 'waitlisted' }) }))
        .then([printed(1, 1)]));

    test('a cancelled registration has no badge', () =>
      given([])
        .when(print(1, { person: person({ status: 'cancelled' }) }))
        .thenRefused('registration_cancelled'));

    test('an erased person has no badge', () =>
      given([])
        .when(print(1, { person: person({ erased: true, status: 'cancelled' }) }))
        .thenRefused('person_erased'));
  });

  describe('when already printed', () => {
    test('a reprint without a reason is refused, saying when the last copy was printed', () =>
      given([printed(1, 1)])
        .when(print(2))
        .thenRefused('reprint_reason_required', { copies: 1, lastPrintedAt: at('09:42:00') }));

    test('a blank reason is no reason', () =>
      given([printed(1, 1)])
        .when(print(2, { reason: '   ' }))
        .thenRefused('reprint_reason_required'));

    test('a reprint with a reason is the next copy, its reason kept', () =>
      given([printed(1, 1)])
        .when(print(2, { reason: ' badge perdu ', printedAt: at('11:05:00') }))
        .then([printed(2, 2, { reason: 'badge perdu', printedAt: at('11:05:00') })], {
          printId: printId(2),
          copy: 2,
          printedAt: at('11:05:00'),
        }));

    test('the same print id again writes nothing and answers as the first time', () =>
      given([printed(1, 1)])
        .when(print(1))
        .thenNothingHappens({ printId: printId(1), copy: 1, printedAt: at('09:42:00') }));

    test('the same print id again is answered even after the person was erased', () =>
      given([printed(1, 1)])
        .when(print(1, { person: person({ erased: true }) }))
        .thenNothingHappens({ printId: printId(1), copy: 1, printedAt: at('09:42:00') }));
  });

  describe('when a printer refused the job', () => {
    test('the failure is recorded', () =>
      given([])
        .when(failure(1))
        .then([failed(1)], null));

    test('nothing was printed: the retry is a first copy and needs no reason', () =>
      given([failed(1)])
        .when(print(1, { printer: 'accueil' }))
        .then([printed(1, 1, { printer: 'accueil' })]));

    test('a failure reported after that print succeeded changes nothing', () =>
      given([printed(1, 1)])
        .when(failure(1))
        .thenNothingHappens(null));
  });
});
