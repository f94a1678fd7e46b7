import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  at,
  charterId,
  close,
  conferenceId,
  consent,
  history,
  names,
  organisations,
  pngA,
  pngB,
  publish,
  registrationId,
  scanId,
  signatureId,
  signed,
  signer,
  strokes,
  text,
  voidCommand,
} from '../test/examples.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { publicationHash } from './chain.js';
import type { CharterPublishedData } from './charter.js';
import { charterDecider } from './charter.decide.js';
import { MAX_IMAGE_BYTES } from './png.js';
import { dataUrlOf, manyPixelsPng, notZlibPng } from '../test/hostile-png.js';

const given = DeciderSpecification.for(charterDecider);
const published = history(publish());
const publication = published[0]!.data as CharterPublishedData;
const textSha256 = sha256Hex(text);

describe('signing the charter', () => {
  describe('when the charter is open and the signer admitted', () => {
    test('the signature is recorded with its evidence, its digests and its place in the chain', () => {
      const pngBytes = Buffer.from(pngA.slice('data:image/png;base64,'.length), 'base64');
      const admission = { scanId: scanId(1), at: at('09:31:00'), door: 'Accueil principal' };
      // The sealed content, written out here rather than taken from the code under test.
      const sealed = {
        charterId,
        conferenceId,
        sequence: 1,
        signatureId: signatureId(1),
        registrationId: registrationId(1),
        nameSha256: sha256Hex(`{"name":"${names[0]}","salt":"salt-1"}`),
        onBehalfOf: organisations[0],
        admission,
        textSha256,
        consent,
        canvas: { width: 600, height: 240, devicePixelRatio: 2 },
        strokesSha256: sha256Hex(canonicalJson(strokes)),
        imageSha256: sha256Hex(pngBytes),
        signedAt: at('16:01:00'),
        deviceSignedAt: at('16:01:01'),
        kiosk: 'Tablette 1',
        userAgent: 'Mozilla/5.0 (iPad)',
        previousHash: publicationHash(publication),
      };
      const hash = sha256Hex(canonicalJson({ entry: 'CharterSigned', ...sealed }));
      given(published)
        .when(signed(1, { onBehalfOf: `  ${organisations[0]} ` }))
        .then(
          [
            {
              type: 'CharterSigned',
              data: { ...sealed, name: names[0], nameSalt: 'salt-1', strokes, image: pngA, hash },
            },
          ],
          {
            signatureId: signatureId(1),
            sequence: 1,
            hash,
            previousHash: sealed.previousHash,
            signedAt: at('16:01:00'),
            name: names[0],
            onBehalfOf: organisations[0],
          },
        );
    });

    test('the next signature takes the next sequence and links to the previous hash', () => {
      const past = history(publish(), signed(1));
      const first = past[1]!.data as { hash: string };
      const decision = given(past).when(signed(2)).decision();
      expect(decision.ok && decision.outcome).toMatchObject({ sequence: 2, previousHash: first.hash });
    });

    test('a voided signature keeps its sequence: the next one is not renumbered', () => {
      const decision = given(history(publish(), signed(1), voidCommand(1)))
        .when(signed(2))
        .decision();
      expect(decision.ok && decision.outcome).toMatchObject({ sequence: 2 });
    });
  });

  describe('when the same signature id comes again', () => {
    const past = history(publish(), signed(1));
    const first = past[1]!.data as { hash: string; previousHash: string };

    test('the same signature writes nothing and gets the first answer', () =>
      given(past)
        .when(signed(1, { signedAt: at('16:05:00'), nameSalt: 'another salt' }))
        .thenNothingHappens({
          signatureId: signatureId(1),
          sequence: 1,
          hash: first.hash,
          previousHash: first.previousHash,
          signedAt: at('16:01:00'),
          name: names[0],
          onBehalfOf: organisations[0],
        }));

    test('even once the charter is closed', () => {
      const decision = given(history(publish(), signed(1), close()))
        .when(signed(1))
        .decision();
      expect(decision).toMatchObject({ ok: true, events: [], outcome: { sequence: 1, hash: first.hash } });
    });

    test('another drawing under the same id is a conflict', () =>
      given(past)
        .when(signed(1, { image: pngB }))
        .thenRefused('signature_id_conflict', { sequence: 1 }));

    test('another signer under the same id is a conflict', () =>
      given(past)
        .when(signed(1, { signer: signer(2) }))
        .thenRefused('signature_id_conflict'));
  });

  describe('when the charter is closed', () => {
    test('no signature is taken', () =>
      given(history(publish(), signed(1), close()))
        .when(signed(2))
        .thenRefused('charter_closed'));
  });

  describe('when the charter is unknown', () => {
    test('a charter never published is refused', () => given([]).when(signed(1)).thenRefused('unknown_charter'));

    test('a charter of another conference is refused as unknown', () =>
      given(published)
        .when(signed(1, { conferenceId: 'c0nf0000-0000-4000-8000-000000002015' }))
        .thenRefused('unknown_charter'));
  });

  describe('when the signer may not sign', () => {
    test('a person not admitted is refused', () =>
      given(published)
        .when(signed(1, { signer: signer(1, { admission: null }) }))
        .thenRefused('not_admitted'));

    test('a cancelled registration is refused, even if it was admitted', () =>
      given(published)
        .when(signed(1, { signer: signer(1, { status: 'cancelled' }) }))
        .thenRefused('not_admitted', { status: 'cancelled' }));

    test('a person who is not a signatory is refused', () =>
      given(published)
        .when(signed(1, { signer: signer(1, { category: 'press' }) }))
        .thenRefused('not_a_signatory', { category: 'press' }));
  });

  describe('when the person or the organisation has signed', () => {
    const past = history(publish(), signed(1));

    test('the same person is refused, whatever organisation they name', () =>
      given(past)
        .when(signed(2, { signer: signer(1), onBehalfOf: 'Une autre association' }))
        .thenRefused('already_signed', { scope: 'person', sequence: 1 }));

    test.each([
      ['the same spelling', 'Le Labo de l’ESS'],
      ['other case, accents and apostrophe', "LE LABO DE L'ÉSS"],
      ['extra spaces and punctuation', '  le labo  de l ess. '],
    ])('another person for the same organisation (%s) is refused', (_, onBehalfOf) =>
      given(past)
        .when(signed(2, { onBehalfOf }))
        .thenRefused('already_signed', { scope: 'organisation', sequence: 1, onBehalfOf: 'Le Labo de l’ESS' }),
    );

    test('once that signature is voided, the person may sign again', () => {
      const decision = given(history(publish(), signed(1), voidCommand(1)))
        .when(signed(2, { signer: signer(1) }))
        .decision();
      expect(decision).toMatchObject({ ok: true, events: [{ type: 'CharterSigned' }], outcome: { sequence: 2 } });
    });

    test('once that signature is voided, another person may sign for the organisation', () => {
      const decision = given(history(publish(), signed(1), voidCommand(1)))
        .when(signed(2, { onBehalfOf: organisations[0] }))
        .decision();
      expect(decision.ok).toBe(true);
    });

    test('an organisation name that is only punctuation is refused', () =>
      given(published)
        .when(signed(1, { onBehalfOf: ' -- ' }))
        .thenRefused('missing_organisation'));
  });

  describe('when the tablet showed another text', () => {
    test('the signature is refused with the charter’s own hash', () =>
      given(published)
        .when(signed(1, { textSha256: sha256Hex(`${text}!`) }))
        .thenRefused('text_changed', { textSha256 }));
  });

  describe('when the consent is missing', () => {
    test.each([
      ['not given', null],
      ['given with no wording', { wording: '  ', givenAt: at('16:00:00') }],
    ])('%s: refused', (_, c) =>
      given(published)
        .when(signed(1, { consent: c }))
        .thenRefused('consent_missing'),
    );
  });

  describe('when the signature is empty', () => {
    test.each([
      ['no stroke', { strokes: [] }],
      ['only taps (strokes of one point)', { strokes: [[{ x: 1, y: 1, time: 1 }], [{ x: 5, y: 5, time: 2 }]] }],
      ['empty strokes', { strokes: [[], []] }],
      ['no image', { image: null }],
      ['an empty image', { image: '' }],
    ])('%s: refused', (_, overrides) => given(published).when(signed(1, overrides)).thenRefused('empty_signature'));

    test('an image that is not a PNG data URL is refused', () =>
      given(published)
        .when(signed(1, { image: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' }))
        .thenRefused('invalid_image', { problem: 'not_a_data_url' }));
  });

  describe('when the picture is not a sound PNG', () => {
    const bytes = (): Buffer => Buffer.from(pngA.slice('data:image/png;base64,'.length), 'base64');
    const dataUrl = (b: Buffer): string => `data:image/png;base64,${b.toString('base64')}`;

    test('a PNG whose bytes were changed (a chunk CRC no longer matches) is refused', () => {
      const broken = bytes();
      broken[broken.length - 20] = broken[broken.length - 20]! ^ 0xff;
      given(published)
        .when(signed(1, { image: dataUrl(broken) }))
        .thenRefused('invalid_image', { problem: 'bad_crc' });
    });

    test('something that is not a PNG at all, sent as one, is refused', () =>
      given(published)
        .when(signed(1, { image: dataUrl(Buffer.from('GIF89a, not a PNG')) }))
        .thenRefused('invalid_image', { problem: 'not_a_png' }));

    test('sound chunks and CRCs around image data that is not zlib: refused, it would crash every render (issue 20)', () =>
      given(published)
        .when(signed(1, { image: dataUrlOf(notZlibPng()) }))
        .thenRefused('invalid_image', { problem: 'undecodable' }));

    test('a small file announcing more pixels than any pad makes is refused before it is inflated', () =>
      given(published)
        .when(signed(1, { image: dataUrlOf(manyPixelsPng()) }))
        .thenRefused('invalid_image', { problem: 'too_many_pixels' }));

    test('a picture over the limit is refused image_too_large', () =>
      given(published)
        .when(signed(1, { image: dataUrl(Buffer.concat([bytes(), Buffer.alloc(MAX_IMAGE_BYTES)])) }))
        .thenRefused('image_too_large', { maxBytes: MAX_IMAGE_BYTES }));
  });

  describe('when the tablet did not say its canvas size', () => {
    test("the picture's own size is recorded as the drawing surface", () => {
      const decision = given(published)
        .when(signed(1, { canvas: null }))
        .decision();
      if (!decision.ok) throw new Error(`refused: ${decision.reason}`);
      // pngA is 4 × 2 pixels.
      expect(decision.events[0]?.data).toMatchObject({ canvas: { width: 4, height: 2, devicePixelRatio: null } });
    });
  });
});
