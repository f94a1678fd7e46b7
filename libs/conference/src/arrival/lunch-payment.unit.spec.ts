import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import { at, attendeeAdmitted, conferenceId, facts, paymentId, phoneA, registrationId } from '../../test/examples.js';
import type { LunchPaid, LunchPaymentReversed } from './arrival.js';
import { arrivalDecider, type RecordLunchPayment, type ReverseLunchPayment } from './arrival.decide.js';

const given = DeciderSpecification.for(arrivalDecider);

const pay = (n: number, overrides: Partial<RecordLunchPayment['data']> = {}): RecordLunchPayment => ({
  type: 'RecordLunchPayment',
  data: {
    conferenceId,
    paymentId: paymentId(n),
    amountCents: 2000,
    method: 'cash',
    deviceId: phoneA,
    paidAt: at('12:15:00'),
    ticket: facts(),
    ...overrides,
  },
});

const lunchPaid = (n: number, overrides: Partial<LunchPaid['data']> = {}): LunchPaid => ({
  type: 'LunchPaid',
  data: {
    conferenceId,
    registrationId: registrationId(1),
    paymentId: paymentId(n),
    amountCents: 2000,
    currency: 'EUR',
    method: 'cash',
    deviceId: phoneA,
    paidAt: at('12:15:00'),
    ...overrides,
  },
});

describe('paying the lunch fee', () => {
  describe('when not paid yet', () => {
    test('the payment is recorded with its method and currency', () =>
      given([])
        .when(pay(1, { method: 'cheque' }))
        .then([lunchPaid(1, { method: 'cheque' })], {
          registrationId: registrationId(1),
          paymentId: paymentId(1),
          amountCents: 2000,
          currency: 'EUR',
          method: 'cheque',
          paidAt: at('12:15:00'),
        }));

    test('an admitted attendee can pay by card at the door', () =>
      given([attendeeAdmitted(1)])
        .when(pay(1, { method: 'card' }))
        .then([lunchPaid(1, { method: 'card' })]));

    test('a waitlisted person can pay ahead', () =>
      given([])
        .when(pay(1, { ticket: facts({ status: 'waitlisted' }) }))
        .then([lunchPaid(1)]));

    test('an amount other than the fee is refused with the fee', () =>
      given([])
        .when(pay(1, { amountCents: 20 }))
        .thenRefused('wrong_amount', { expectedCents: 2000 }));

    test('there is nothing to pay where no lunch is offered', () =>
      given([])
        .when(pay(1, { ticket: facts({ lunchFee: null }) }))
        .thenRefused('lunch_not_offered'));

    test('a cancelled registration cannot pay', () =>
      given([])
        .when(pay(1, { ticket: facts({ status: 'cancelled' }) }))
        .thenRefused('registration_cancelled'));
  });

  describe('when already paid', () => {
    test('the same payment again writes nothing and is answered as the first time', () =>
      given([lunchPaid(1)])
        .when(pay(1, { paidAt: at('12:16:00') }))
        .thenNothingHappens({
          registrationId: registrationId(1),
          paymentId: paymentId(1),
          amountCents: 2000,
          currency: 'EUR',
          method: 'cash',
          paidAt: at('12:15:00'),
        }));

    test('a different payment under the same id is refused', () =>
      given([lunchPaid(1)])
        .when(pay(1, { method: 'card' }))
        .thenRefused('payment_id_conflict'));

    test('a second payment is refused, naming the first', () =>
      given([lunchPaid(1)])
        .when(pay(2))
        .thenRefused('lunch_already_paid', { paymentId: paymentId(1) }));
  });

  describe('taking a payment back', () => {
    const reverse = (n: number, reason = 'Rendu : ne déjeune pas'): ReverseLunchPayment => ({
      type: 'ReverseLunchPayment',
      data: {
        conferenceId,
        registrationId: registrationId(1),
        paymentId: paymentId(n),
        reason,
        deviceId: phoneA,
        reversedAt: at('12:20:00'),
      },
    });
    const reversed = (n: number, overrides: Partial<LunchPaymentReversed['data']> = {}): LunchPaymentReversed => ({
      type: 'LunchPaymentReversed',
      data: {
        conferenceId,
        registrationId: registrationId(1),
        paymentId: paymentId(n),
        amountCents: 2000,
        currency: 'EUR',
        method: 'card',
        reason: 'Rendu : ne déjeune pas',
        deviceId: phoneA,
        reversedAt: at('12:20:00'),
        ...overrides,
      },
    });
    const answer = {
      registrationId: registrationId(1),
      paymentId: paymentId(1),
      amountCents: 2000,
      currency: 'EUR',
      method: 'card' as const,
      reversedAt: at('12:20:00'),
    };

    test('is recorded with its reason and what the till gives back', () =>
      given([lunchPaid(1, { method: 'card' })])
        .when(reverse(1))
        .then([reversed(1)], answer));

    test('needs a reason', () =>
      given([lunchPaid(1)])
        .when(reverse(1, '  '))
        .thenRefused('missing_reason'));

    test('of a payment the ticket does not hold is refused', () =>
      given([lunchPaid(1)])
        .when(reverse(2))
        .thenRefused('unknown_payment'));

    test('twice writes nothing and answers as the first time', () =>
      given([lunchPaid(1, { method: 'card' }), reversed(1)])
        .when(reverse(1))
        .thenNothingHappens(answer));

    test('lets the person pay again, under a new payment id', () =>
      given([lunchPaid(1), reversed(1)])
        .when(pay(2))
        .then([lunchPaid(2)]));

    test('the reversed payment sent again (an outbox replaying it) is refused, not taken twice', () =>
      given([lunchPaid(1), reversed(1)])
        .when(pay(1))
        .thenRefused('payment_reversed'));
  });
});
