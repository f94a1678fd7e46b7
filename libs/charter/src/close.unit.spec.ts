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
  signed,
  voidCommand,
} from '../test/examples.js';
import { publicationHash } from './chain.js';
import type { CharterPublishedData } from './charter.js';
import { charterDecider } from './charter.decide.js';

const given = DeciderSpecification.for(charterDecider);

describe('closing the charter', () => {
  describe('when it is open', () => {
    test('the closing records the count, the voided and the head of the chain', () => {
      const past = history(publish(), signed(1), signed(2), voidCommand(1));
      const head = (past[3]!.data as { hash: string }).hash;
      given(past)
        .when(close())
        .then(
          [
            {
              type: 'CharterClosed',
              data: {
                charterId,
                conferenceId,
                count: 2,
                voided: 1,
                head,
                closedBy: organiserDevice,
                closedAt: at('17:00:00'),
              },
            },
          ],
          { count: 2, voided: 1, head, closedAt: at('17:00:00') },
        );
    });

    test('a charter nobody signed closes on the publication’s hash', () => {
      const past = history(publish());
      const decision = given(past).when(close()).decision();
      expect(decision.ok && decision.outcome).toMatchObject({
        count: 0,
        head: publicationHash(past[0]!.data as CharterPublishedData),
      });
    });
  });

  describe('when it is already closed', () => {
    test('closing again writes nothing and gets the first answer', () => {
      const past = history(publish(), signed(1), close());
      const { head } = past[2]!.data as { head: string };
      given(past)
        .when(close({ closedAt: at('18:00:00') }))
        .thenNothingHappens({ count: 1, voided: 0, head, closedAt: at('17:00:00') });
    });
  });

  describe('when it is unknown', () => {
    test('it is refused', () => given([]).when(close()).thenRefused('unknown_charter'));
  });
});
