import { describe, expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { BODY_LIMITS, BodyBudget, bodyLimitOf } from './before-body.js';

const request = (url: string, headers: Record<string, string>): IncomingMessage =>
  ({ url, headers }) as unknown as IncomingMessage;
const answer = (): Response & EventEmitter => new EventEmitter() as Response & EventEmitter;

describe('body limits per route', () => {
  test('each route gets what it needs, and 64 KiB otherwise', () => {
    expect(bodyLimitOf(request('/api/conferences/c/registrations/import', {}))).toBe(BODY_LIMITS.import);
    expect(bodyLimitOf(request('/api/conferences/c/charters/h/signatures', {}))).toBe(BODY_LIMITS.signature);
    expect(bodyLimitOf(request('/api/conferences/c/charters?x=1', {}))).toBe(BODY_LIMITS.charter);
    expect(bodyLimitOf(request('/api/conferences/c/scans', {}))).toBe(64 * 1024);
  });
});

describe('large bodies in flight', () => {
  test('share one budget: past it the next is refused, and each answer done gives its share back', () => {
    const budget = new BodyBudget(30 * 1024 * 1024);
    const first = answer();
    const second = answer();
    const import20 = { 'content-length': String(20 * 1024 * 1024) };
    expect(budget.reserve(request('/api/conferences/c/registrations/import', import20), first)).toBe(true);
    expect(budget.reserve(request('/api/conferences/c/registrations/import', import20), second)).toBe(false);
    // Small bodies are not counted.
    expect(budget.reserve(request('/api/conferences/c/scans', { 'content-length': '300' }), answer())).toBe(true);
    // A chunked body counts as its route's limit.
    expect(
      budget.reserve(request('/api/conferences/c/charters/h/signatures', { 'transfer-encoding': 'chunked' }), answer()),
    ).toBe(true);
    expect(budget.bytesInFlight).toBe(21 * 1024 * 1024);
    first.emit('close');
    expect(budget.reserve(request('/api/conferences/c/registrations/import', import20), second)).toBe(true);
  });
});
