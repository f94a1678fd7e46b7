import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification, type SpecificationDecision } from './specification.js';

// A turnstile: the smallest decider with an event, a repeat and a refusal.
type Event = { type: 'Passed'; data: { passId: string } };
type Command = { type: 'Pass'; data: { passId: string; limit: number } };
type State = { passed: readonly string[] };
type Reason = 'full';

const turnstile = {
  initialState: (): State => ({ passed: [] }),
  evolve: (state: State, event: Event): State => ({ passed: [...state.passed, event.data.passId] }),
  decide: ({ data: { passId, limit } }: Command, state: State): SpecificationDecision<Event, number, Reason> => {
    if (state.passed.includes(passId)) return { ok: true, events: [], outcome: state.passed.length };
    if (state.passed.length >= limit) return { ok: false, reason: 'full', detail: { limit } };
    return { ok: true, events: [{ type: 'Passed', data: { passId } }], outcome: state.passed.length + 1 };
  },
};

const given = DeciderSpecification.for(turnstile);
const pass = (passId: string, limit = 2): Command => ({ type: 'Pass', data: { passId, limit } });
const passed = (passId: string): Event => ({ type: 'Passed', data: { passId } });

describe('the decider specification', () => {
  describe('when the decider answers as expected', () => {
    test('then, thenNothingHappens and thenRefused pass', () => {
      given([])
        .when(pass('a'))
        .then([passed('a')], 1);
      given([passed('a')])
        .when(pass('a'))
        .thenNothingHappens(1);
      given([passed('a'), passed('b')])
        .when(pass('c'))
        .thenRefused('full', { limit: 2 });
    });
  });

  describe('when the decider answers otherwise', () => {
    test('other events fail', () =>
      expect(() =>
        given([])
          .when(pass('a'))
          .then([passed('b')]),
      ).toThrow());
    test('another answer fails', () =>
      expect(() =>
        given([])
          .when(pass('a'))
          .then([passed('a')], 2),
      ).toThrow());
    test('events where none were expected fail', () =>
      expect(() => given([]).when(pass('a')).thenNothingHappens()).toThrow());
    test('a refusal where events were expected fails', () =>
      expect(() =>
        given([passed('a'), passed('b')])
          .when(pass('c'))
          .then([]),
      ).toThrow(/refused: full/));
    test('an acceptance where a refusal was expected fails', () =>
      expect(() => given([]).when(pass('a')).thenRefused('full')).toThrow(/accepted/));
    test('other refusal details fail', () =>
      expect(() =>
        given([passed('a'), passed('b')])
          .when(pass('c'))
          .thenRefused('full', { limit: 3 }),
      ).toThrow());
  });
});
