import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  at,
  charterId,
  close,
  conferenceId,
  history,
  organiserDevice,
  publish,
  registrationId,
  signatureId,
  signed,
  voidCommand,
} from '../test/examples.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { charterDecider } from './charter.decide.js';

const given = DeciderSpecification.for(charterDecider);

describe('voiding a signature', () => {
  describe('when the signature stands and the charter is open', () => {
    const past = history(publish(), signed(1), signed(2));
    const head = (past[2]!.data as { hash: string }).hash;

    test('a new entry of the chain records who voided it, when and why', () => {
      const sealed = {
        charterId,
        conferenceId,
        signatureId: signatureId(1),
        sequence: 1,
        registrationId: registrationId(1),
        reason: 'Signé pour la mauvaise organisation',
        voidedBy: organiserDevice,
        voidedAt: at('16:30:00'),
        previousHash: head,
      };
      const hash = sha256Hex(canonicalJson({ entry: 'SignatureVoided', ...sealed }));
      given(past)
        .when(voidCommand(1, { reason: ' Signé pour la mauvaise organisation  ' }))
        .then([{ type: 'SignatureVoided', data: { ...sealed, hash } }], {
          signatureId: signatureId(1),
          sequence: 1,
          voidedAt: at('16:30:00'),
          hash,
          previousHash: head,
        });
    });

    test('a voiding without a reason is refused', () =>
      given(past)
        .when(voidCommand(1, { reason: ' ' }))
        .thenRefused('missing_reason'));

    test('the next signature links to the voiding', () => {
      const withVoid = history(publish(), signed(1), signed(2), voidCommand(1));
      const voidHash = (withVoid[3]!.data as { hash: string }).hash;
      const decision = given(withVoid).when(signed(3)).decision();
      expect(decision.ok && decision.outcome).toMatchObject({ sequence: 3, previousHash: voidHash });
    });
  });

  describe('when the signature was already voided', () => {
    test('voiding it again writes nothing and gets the first answer', () => {
      const past = history(publish(), signed(1), voidCommand(1));
      const voided = past[2]!.data as { hash: string; previousHash: string };
      given(past)
        .when(voidCommand(1, { reason: 'Autre motif', voidedAt: at('16:45:00') }))
        .thenNothingHappens({
          signatureId: signatureId(1),
          sequence: 1,
          voidedAt: at('16:30:00'),
          hash: voided.hash,
          previousHash: voided.previousHash,
        });
    });
  });

  describe('when the charter is closed', () => {
    test('nothing is voided any more: the head is fixed', () =>
      given(history(publish(), signed(1), close()))
        .when(voidCommand(1))
        .thenRefused('charter_closed'));
  });

  describe('when the signature or the charter is unknown', () => {
    test('an unknown signature is refused', () =>
      given(history(publish(), signed(1)))
        .when(voidCommand(9))
        .thenRefused('unknown_signature'));

    test('an unknown charter is refused', () => given([]).when(voidCommand(1)).thenRefused('unknown_charter'));
  });
});
