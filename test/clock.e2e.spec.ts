// One clock for the server (issue 26): the times its use cases record come
// from the injected Clock, not from `new Date()` here and there, so a test (or
// a rehearsal) sets the day's time once and every event of the day carries it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Clock } from '../apps/server/src/shared/clock.js';
import { call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';

describe('the server’s one clock', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('set to the morning of the day, the day’s events carry its time, not the machine’s', async () => {
    const clock = server.app.get(Clock);
    const at = (time: string) => new Date(`2014-09-19T${time}+02:00`);
    try {
      clock.setTo(at('08:00'));
      const { conferenceId } = expectStatus(
        await call(server.base, 'POST', '/api/conferences', conferenceBody({ idCheckRequired: false })),
        201,
      ) as { conferenceId: string };
      const C = `/api/conferences/${conferenceId}`;
      clock.setTo(at('08:30'));
      const person = expectStatus(await call(server.base, 'POST', `${C}/registrations`, personBody()), 201) as {
        registrationId: string;
        ticketCode: string;
      };
      clock.setTo(at('09:41'));
      const scan = expectStatus(
        await call(server.base, 'POST', `${C}/scans`, {
          scanId: randomUUID(),
          ticketCode: person.ticketCode,
          door: 'Accueil principal',
        }),
        200,
      ) as { result: string; admittedAt: string };
      expect(scan.result).toBe('admitted');
      expect(new Date(scan.admittedAt).getTime()).toBe(at('09:41').getTime());
      clock.setTo(at('12:35'));
      expectStatus(
        await call(server.base, 'POST', `${C}/registrations/${person.registrationId}/lunch-payment`, {
          paymentId: randomUUID(),
          amountCents: 2000,
          method: 'cash',
        }),
        201,
      );
      const history = expectStatus(
        await call(server.base, 'GET', `${C}/registrations/${person.registrationId}/history`),
        200,
      ) as { at: string; type: string }[];
      const when = (type: string) => new Date(history.find((e) => e.type === type)!.at).getTime();
      expect(when('PersonRegistered')).toBe(at('08:30').getTime());
      expect(when('AttendeeAdmitted')).toBe(at('09:41').getTime());
      expect(when('LunchPaid')).toBe(at('12:35').getTime());
    } finally {
      clock.setTo(null);
    }
  });
});
