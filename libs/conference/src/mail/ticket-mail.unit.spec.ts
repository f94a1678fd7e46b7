import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  ticketMailDecider,
  type TicketSendAttempted,
  type TicketSendFailed,
  type TicketSendQueued,
  type TicketSent,
} from './ticket-mail.js';

const given = DeciderSpecification.for(ticketMailDecider);

const CID = 'b2b1f0a4-6d39-4d2e-8f0b-7c9a0e8d1c22';
const RID = '6f1c7a52-1d0e-4c55-9a57-2f4f3c1d9e01';
const ids = { conferenceId: CID, registrationId: RID };
const recipient = { email: 'claude@example.org' };

const queuedData = (messageId: string, resend = false): TicketSendQueued['data'] => ({
  ...ids,
  messageId,
  recipient,
  language: 'fr',
  resend,
  queuedAt: '2014-09-10T08:00:00.000Z',
});
const queued = (messageId = 'm1', resend = false): TicketSendQueued => ({
  type: 'TicketSendQueued',
  data: queuedData(messageId, resend),
});
const attemptData = (messageId = 'm1'): TicketSendAttempted['data'] => ({
  ...ids,
  messageId,
  instanceId: 'i1',
  attemptedAt: '2014-09-10T08:00:01.000Z',
});
const attempted = (messageId = 'm1'): TicketSendAttempted => ({
  type: 'TicketSendAttempted',
  data: attemptData(messageId),
});
const sentData = (messageId = 'm1'): TicketSent['data'] => ({
  ...ids,
  messageId,
  recipient,
  response: '250 Ok',
  sentAt: '2014-09-10T08:00:02.000Z',
});
const sent = (messageId = 'm1'): TicketSent => ({ type: 'TicketSent', data: sentData(messageId) });
const failedData = (reason: TicketSendFailed['data']['reason'] = 'refused'): TicketSendFailed['data'] => ({
  ...ids,
  messageId: 'm1',
  recipient,
  reason,
  response: '550 5.1.1 User unknown',
  responseCode: 550,
  failedAt: '2014-09-10T08:00:02.000Z',
});
const failed = (reason: TicketSendFailed['data']['reason'] = 'refused'): TicketSendFailed => ({
  type: 'TicketSendFailed',
  data: failedData(reason),
});

describe('queueing a ticket', () => {
  describe('when nothing was sent', () => {
    test('it is queued', () =>
      given([])
        .when({ type: 'QueueTicketSend', data: queuedData('m1') })
        .then([queued('m1')]));
  });
  describe('when the same message is queued again (a retry)', () => {
    test('nothing happens', () =>
      given([queued('m1')])
        .when({ type: 'QueueTicketSend', data: queuedData('m1') })
        .thenNothingHappens());
  });
  describe('when a message is already waiting', () => {
    test('it is refused already_queued', () =>
      given([queued('m1')])
        .when({ type: 'QueueTicketSend', data: queuedData('m2') })
        .thenRefused('already_queued'));
    test('even while it is leaving', () =>
      given([queued('m1'), attempted('m1')])
        .when({ type: 'QueueTicketSend', data: queuedData('m2', true) })
        .thenRefused('already_queued'));
  });
  describe('when the ticket was sent', () => {
    test('it is refused already_sent', () =>
      given([queued('m1'), attempted('m1'), sent('m1')])
        .when({ type: 'QueueTicketSend', data: queuedData('m2') })
        .thenRefused('already_sent'));
    test('a resend queues it again', () =>
      given([queued('m1'), attempted('m1'), sent('m1')])
        .when({ type: 'QueueTicketSend', data: queuedData('m2', true) })
        .then([queued('m2', true)]));
  });
  describe('when the last send failed', () => {
    test('it may be queued again without resend', () =>
      given([queued('m1'), attempted('m1'), failed()])
        .when({ type: 'QueueTicketSend', data: queuedData('m2') })
        .then([queued('m2')]));
  });
});

describe('sending', () => {
  describe('when the message is queued', () => {
    test('the attempt is recorded before it leaves', () =>
      given([queued()]).when({ type: 'AttemptTicketSend', data: attemptData() }).then([attempted()]));
  });
  describe('when another sender already claimed it', () => {
    test('the second claim is refused not_queued: it is sent once', () =>
      given([queued(), attempted()])
        .when({ type: 'AttemptTicketSend', data: attemptData() })
        .thenRefused('not_queued', { status: 'sending' }));
  });
  describe('when it is leaving', () => {
    test('the SMTP server’s acceptance is recorded', () =>
      given([queued(), attempted()]).when({ type: 'RecordTicketSent', data: sentData() }).then([sent()]));
    test('a refusal is recorded with the answer', () =>
      given([queued(), attempted()]).when({ type: 'RecordTicketSendFailed', data: failedData() }).then([failed()]));
  });
  describe('when it was never attempted', () => {
    test('an outcome is refused not_sending', () =>
      given([queued()]).when({ type: 'RecordTicketSent', data: sentData() }).thenRefused('not_sending'));
  });
  describe('when an attempt in doubt was closed outcome_unknown', () => {
    test('a late confirmation is still recorded', () =>
      given([queued(), attempted(), failed('outcome_unknown')])
        .when({ type: 'RecordTicketSent', data: sentData() })
        .then([sent()]));
  });
});

describe('dropping', () => {
  const drop = { ...ids, messageId: 'm1', reason: 'erased' as const, droppedAt: '2014-09-10T08:00:03.000Z' };
  describe('when the message is queued', () => {
    test('it is dropped', () =>
      given([queued()])
        .when({ type: 'DropTicketSend', data: drop })
        .then([{ type: 'TicketSendDropped', data: drop }]));
  });
  describe('when it already left', () => {
    test('it is refused not_queued', () =>
      given([queued(), attempted()]).when({ type: 'DropTicketSend', data: drop }).thenRefused('not_queued'));
  });
  describe('when it is unknown', () => {
    test('it is refused unknown_message', () =>
      given([]).when({ type: 'DropTicketSend', data: drop }).thenRefused('unknown_message'));
  });
});
