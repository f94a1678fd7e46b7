import { describe, expect, test } from '@jest/globals';
import { close, history, organisations, pngB, publish, signed, voidCommand } from '../test/examples.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { publicationHash, signatureHash, verify, voidHash } from './chain.js';
import type { CharterPublishedData } from './charter.js';

type Stored = { type: string; data: Record<string, unknown> };

/** As the store gives them back: JSON written and parsed, and safe to change. */
const stored = (events: readonly { type: string; data: unknown }[]): Stored[] =>
  JSON.parse(JSON.stringify(events)) as Stored[];

const ceremony = () => stored(history(publish(), signed(1), signed(2), signed(3)));
const hashOf = (e: Stored | undefined): string => e!.data['hash'] as string;

describe('verifying the chain', () => {
  describe('when nothing was changed', () => {
    test('an open charter verifies, with its count and head', () => {
      const events = ceremony();
      expect(verify(events)).toEqual({ valid: true, count: 3, voided: 0, head: hashOf(events[3]), status: 'open' });
    });

    test('a closed charter with a voided signature verifies', () => {
      const events = stored(history(publish(), signed(1), signed(2), voidCommand(1), signed(3), close()));
      expect(verify(events)).toEqual({ valid: true, count: 3, voided: 1, head: hashOf(events[4]), status: 'closed' });
    });

    test('a charter nobody signed has the publication’s hash as its head', () => {
      const events = stored(history(publish()));
      expect(verify(events)).toMatchObject({
        valid: true,
        count: 0,
        head: publicationHash(events[0]!.data as unknown as CharterPublishedData),
      });
    });

    test('the hashes do not depend on how the stored JSON orders its keys', () => {
      const events = ceremony().map((e) => ({
        type: e.type,
        data: Object.fromEntries(Object.entries(e.data).reverse()),
      }));
      expect(verify(events).valid).toBe(true);
    });

    test('the publication hash is pinned: changing the scheme would orphan every stored chain', () => {
      expect(
        publicationHash({
          charterId: 'c4a70000-0000-4000-8000-000000000001',
          conferenceId: 'c0nf0000-0000-4000-8000-000000002014',
          title: 'Charte',
          textSha256: sha256Hex('Texte'),
          publishedAt: '2014-09-19T08:00:00+02:00',
        }),
      ).toBe(
        sha256Hex(
          '{"charterId":"c4a70000-0000-4000-8000-000000000001","conferenceId":"c0nf0000-0000-4000-8000-000000002014",' +
            `"entry":"CharterPublished","publishedAt":"2014-09-19T08:00:00+02:00","textSha256":"${sha256Hex('Texte')}","title":"Charte"}`,
        ),
      );
    });
  });

  describe('when a signature was changed underneath', () => {
    test.each([
      ['the name', 'name', 'Quelqu’un d’autre', 'name_digest_mismatch'],
      ['the image', 'image', pngB, 'image_digest_mismatch'],
      [
        'the strokes',
        'strokes',
        [
          [
            { x: 1, y: 1, time: 1 },
            { x: 2, y: 2, time: 2 },
          ],
        ],
        'strokes_digest_mismatch',
      ],
      ['the organisation', 'onBehalfOf', 'Une autre organisation', 'hash_mismatch'],
      ['the time', 'signedAt', '2014-09-19T15:00:00+02:00', 'hash_mismatch'],
      [
        'the admission',
        'admission',
        { scanId: null, at: '2014-09-19T09:00:00+02:00', door: 'Accueil presse' },
        'hash_mismatch',
      ],
      ['the sealed name digest', 'nameSha256', sha256Hex('x'), 'hash_mismatch'],
    ])('%s: the second signature is named', (_, field, value, code) => {
      const events = ceremony();
      events[2]!.data[field] = value;
      expect(verify(events)).toMatchObject({
        valid: false,
        count: 3,
        firstInvalidSequence: 2,
        problem: { code, entry: 'CharterSigned', sequence: 2 },
      });
    });

    test('a change re-sealed with a recomputed hash breaks the link of the next signature', () => {
      const events = ceremony();
      const second = events[2]!.data;
      second['onBehalfOf'] = organisations[3];
      second['hash'] = signatureHash(second as never);
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 3,
        problem: { code: 'previous_hash_mismatch' },
      });
    });
  });

  describe('when signatures were removed, added or reordered', () => {
    test('a removed signature is named by its missing sequence', () => {
      const events = ceremony();
      events.splice(2, 1);
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 2,
        problem: { code: 'sequence_mismatch' },
      });
    });

    test('two signatures swapped are caught', () => {
      const events = ceremony();
      [events[2], events[3]] = [events[3]!, events[2]!];
      expect(verify(events)).toMatchObject({ valid: false, firstInvalidSequence: 2 });
    });

    test('a voiding re-sealed onto another link (its previousHash changed, its hash recomputed) breaks the void link', () => {
      // The last entry, so that no later link (nor a closing) would notice: only the void's own link check can.
      const events = stored(history(publish(), signed(1), signed(2), voidCommand(1)));
      const voiding = events[3]!.data;
      voiding['previousHash'] = hashOf(events[1]);
      voiding['hash'] = voidHash(voiding as never);
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 1,
        problem: { code: 'previous_hash_mismatch', entry: 'SignatureVoided', sequence: 1 },
      });
    });

    test('a removed voiding (to bring a signature back) breaks the chain', () => {
      const events = stored(history(publish(), signed(1), voidCommand(1), signed(2)));
      events.splice(2, 1);
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 2,
        problem: { code: 'previous_hash_mismatch' },
      });
    });

    test('the last signature removed from a closed charter no longer matches the closing', () => {
      const events = stored(history(publish(), signed(1), signed(2), close()));
      events.splice(2, 1);
      const result = verify(events);
      expect(result).toMatchObject({ valid: false, problem: { code: 'closure_mismatch', entry: 'CharterClosed' } });
      expect(result.firstInvalidSequence).toBeUndefined();
    });

    test('an entry after the closing is caught', () => {
      const events = stored(history(publish(), signed(1), close()));
      const late = stored(history(publish(), signed(1), signed(2)))[2]!;
      expect(verify([...events, late])).toMatchObject({ valid: false, problem: { code: 'entry_after_closure' } });
    });

    test('the closing’s head, changed, no longer matches the chain', () => {
      const events = stored(history(publish(), signed(1), close()));
      events[2]!.data['head'] = sha256Hex('forged');
      expect(verify(events)).toMatchObject({ valid: false, problem: { code: 'closure_mismatch' } });
    });
  });

  describe('when the charter itself was changed', () => {
    test('a changed text no longer matches its hash: sequence 0', () => {
      const events = ceremony();
      events[0]!.data['text'] = `${String(events[0]!.data['text'])}9. Ajout.\n`;
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 0,
        problem: { code: 'text_changed' },
      });
    });

    test('a changed title breaks the first link: sequence 0', () => {
      const events = ceremony();
      events[0]!.data['title'] = 'Une autre charte';
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 0,
        problem: { code: 'publication_changed' },
      });
    });

    test('a stream that does not start with the publication is not a charter', () => {
      const events = ceremony().slice(1);
      expect(verify(events)).toMatchObject({
        valid: false,
        status: 'not_published',
        problem: { code: 'not_published' },
      });
      expect(verify([])).toMatchObject({ valid: false, head: null, status: 'not_published' });
    });

    test('a malformed entry is reported, not thrown', () => {
      const events = ceremony();
      events[1]!.data['canvas'] = { width: undefined, odd: [undefined] };
      expect(verify(events)).toMatchObject({
        valid: false,
        firstInvalidSequence: 1,
        problem: { code: 'malformed_event' },
      });
      const nulled = ceremony();
      nulled[2] = { type: 'CharterSigned', data: null as never };
      expect(verify(nulled)).toMatchObject({ valid: false, count: 3, problem: { code: 'malformed_event' } });
    });

    test('an event of an unknown type is reported', () => {
      const events = ceremony();
      events.splice(2, 0, { type: 'SomethingElse', data: {} });
      expect(verify(events)).toMatchObject({ valid: false, problem: { code: 'unexpected_event' } });
    });
  });

  describe('when a person’s data was erased (crypto-shredding)', () => {
    test('the chain still verifies: it sealed digests, not the data', () => {
      const events = ceremony();
      for (const field of ['name', 'nameSalt', 'strokes', 'image']) delete events[2]!.data[field];
      expect(verify(events)).toMatchObject({ valid: true, count: 3 });
    });

    test('the name digest cannot be checked against a name list without the erased salt', () => {
      const events = ceremony();
      const { name, nameSha256 } = events[1]!.data as { name: string; nameSha256: string };
      expect(sha256Hex(canonicalJson({ name, salt: '' }))).not.toBe(nameSha256);
      expect(sha256Hex(name)).not.toBe(nameSha256);
    });
  });
});
