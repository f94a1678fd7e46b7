import { describe, expect, test } from '@jest/globals';
import { enrolmentScope, withinScope } from './scope.js';

const A = 'a0000000-0000-4000-8000-000000000001';
const B = 'b0000000-0000-4000-8000-000000000002';

describe('a device bound to one conference', () => {
  const bound = { conferenceId: A };
  test('sees its own conference only, and nothing that belongs to no conference', () => {
    expect([withinScope(bound, A), withinScope(bound, B), withinScope(bound, null)]).toEqual([true, false, false]);
  });
  test('enrols within its conference: by default, or when asked', () => {
    expect(enrolmentScope(bound, null)).toEqual({ ok: true, conferenceId: A });
    expect(enrolmentScope(bound, A)).toEqual({ ok: true, conferenceId: A });
  });
  test('cannot enrol a device for another conference', () => {
    expect(enrolmentScope(bound, B)).toEqual({ ok: false, reason: 'out_of_scope' });
  });
});

describe('an unbound device', () => {
  const unbound = { conferenceId: null };
  test('sees every conference and enrols as asked', () => {
    expect([withinScope(unbound, A), withinScope(unbound, null)]).toEqual([true, true]);
    expect(enrolmentScope(unbound, null)).toEqual({ ok: true, conferenceId: null });
    expect(enrolmentScope(unbound, B)).toEqual({ ok: true, conferenceId: B });
  });
});
