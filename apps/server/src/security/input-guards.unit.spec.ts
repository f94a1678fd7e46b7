import { describe, expect, test } from '@jest/globals';
import { IMPORT_ROUTE, jsonProblem } from './input-guards.js';

describe('jsonProblem', () => {
  test('a legitimate body passes, signature strokes included', () => {
    const strokes = [Array.from({ length: 5_000 }, (_, i) => ({ x: i, y: i, time: i }))];
    expect(jsonProblem({ firstName: 'Ada', consent: { given: true }, strokes })).toBeNull();
    expect(jsonProblem([])).toBeNull();
    expect(jsonProblem('text')).toBeNull();
  });

  test('nesting beyond the limit is named by its path', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(jsonProblem(deep)).toEqual({
      field: Array.from({ length: 16 }, () => 'a').join('.'),
      message: 'nested deeper than 16 levels',
    });
    expect(jsonProblem({ x: [[[1]]] }, { depth: 3, arrayLength: 10 })).toEqual({
      field: 'x.0.0',
      message: 'nested deeper than 3 levels',
    });
  });

  test('an array too long is refused', () => {
    expect(jsonProblem({ doors: new Array(10_001).fill('x') })).toEqual({
      field: 'doors',
      message: 'more than 10000 items',
    });
  });

  test.each(['__proto__', 'constructor', 'prototype'])('the key %s is refused, at any depth', (key) => {
    const top = JSON.parse(`{"${key}":{"isAdmin":true}}`) as unknown;
    expect(jsonProblem(top)).toEqual({ field: key, message: `the key ${key} is not allowed` });
    const nested = JSON.parse(`{"a":[{"${key}":1}]}`) as unknown;
    expect(jsonProblem(nested)?.field).toBe(`a.0.${key}`);
  });
});

describe('the import route', () => {
  test.each([
    ['/api/conferences/abc/registrations/import', true],
    ['/API/Conferences/abc/Registrations/Import/', true],
    ['/api/conferences/abc/registrations', false],
    ['/api/conferences/abc/registrations/import/x', false],
  ])('%s → %s', (path, matches) => expect(IMPORT_ROUTE.test(path)).toBe(matches));
});
