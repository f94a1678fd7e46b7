import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import { at, charterId, conferenceId, history, publish, text, title } from '../test/examples.js';
import { charterDecider } from './charter.decide.js';
import { MAX_CHARTER_TEXT_LENGTH } from './markdown.js';
import { sha256Hex } from './canonical-json.js';

const given = DeciderSpecification.for(charterDecider);
const textSha256 = sha256Hex(text);

describe('publishing a charter', () => {
  describe('when no charter has this id', () => {
    test('it is published with the SHA-256 of its exact text', () =>
      given([])
        .when(publish({ title: `  ${title} ` }))
        .then(
          [
            {
              type: 'CharterPublished',
              data: { charterId, conferenceId, title, text, textSha256, publishedAt: at('08:00:00') },
            },
          ],
          { charterId, textSha256, publishedAt: at('08:00:00') },
        ));

    test('the text is hashed as given: one more space is another text', () => {
      const decision = given([])
        .when(publish({ text: `${text} ` }))
        .decision();
      expect(decision.ok && decision.outcome).toMatchObject({ textSha256: sha256Hex(`${text} `) });
    });

    test.each([
      ['a blank title', { title: '   ' }],
      ['a blank text', { text: '\n \n' }],
    ])('%s is refused', (_, overrides) => given([]).when(publish(overrides)).thenRefused('empty_charter'));

    test('a text longer than the bound is refused charter_too_long: its Markdown is parsed on every render (issue 20)', () =>
      given([])
        .when(publish({ text: `# Charte\n${'a'.repeat(MAX_CHARTER_TEXT_LENGTH)}` }))
        .thenRefused('charter_too_long', { maxLength: MAX_CHARTER_TEXT_LENGTH }));
  });

  describe('when the charter is already published', () => {
    test('the same publication again writes nothing and gets the first answer', () =>
      given(history(publish()))
        .when(publish({ publishedAt: at('09:00:00') }))
        .thenNothingHappens({ charterId, textSha256, publishedAt: at('08:00:00') }));

    test('another text under the same id is refused', () =>
      given(history(publish()))
        .when(publish({ text: `${text}9. Un neuvième principe.\n` }))
        .thenRefused('charter_exists'));

    test('the same text for another conference is refused', () =>
      given(history(publish()))
        .when(publish({ conferenceId: 'c0nf0000-0000-4000-8000-000000002015' }))
        .thenRefused('charter_exists'));
  });
});
