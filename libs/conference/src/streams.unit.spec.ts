import { describe, expect, test } from '@jest/globals';
import { conferenceStream, doorStream, ticketStream } from './streams.js';

describe('stream names', () => {
  const id = '3f8e2c1a-0b4d-4e6f-9a7b-1c2d3e4f5a6b';

  test('are category-id, the category before the first dash as $ce- projections read it', () => {
    expect(conferenceStream(id)).toBe(`conference-${id}`);
    expect(ticketStream(id)).toBe(`ticket-${id}`);
    expect(doorStream(id)).toBe(`door-${id}`);
  });

  test('an empty id is a programming error, not a stream', () => {
    expect(() => conferenceStream('')).toThrow();
    expect(() => ticketStream('')).toThrow();
    expect(() => doorStream('')).toThrow();
  });
});
