// Projections that tolerate the future (issue 20): event types this version
// does not know, some named like its own (`AttendeeAdmittedSomewhereElse`
// starts like `AttendeeAdmitted`), written into the store as a newer instance
// would. Every read model passes them over and keeps up; none counts them as
// what they only look like. Runs on both stores (npm run test:e2e:esdb).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { admitted, conferenceBody, expectStatus, personBody } from './support/data.js';
import { call, startTestServer, type TestServer } from './support/server.js';

interface ReadyBody {
  checks: Record<string, Record<string, { position: string | null; caughtUp: boolean }>>;
}

describe('event types from a later version', () => {
  let server: TestServer;
  let api: string;

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
  });
  afterAll(async () => {
    await server.close();
  });

  /** Resolves once every read model has committed `position` (polled on /health/ready, as a supervisor would). */
  const readModelsAt = async (position: bigint): Promise<ReadyBody> => {
    for (;;) {
      const res = await fetch(`${server.base}/health/ready`);
      const body = (await res.json()) as ReadyBody;
      const models = Object.values(body.checks ?? {}).flatMap((c) =>
        Object.values(c).filter((d) => typeof d === 'object' && d !== null && 'caughtUp' in d),
      );
      if (
        res.status === 200 &&
        models.length >= 3 &&
        models.every((d) => d.position !== null && BigInt(d.position) >= position)
      )
        return body;
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  test('are passed over by every projection, which keep up; nothing counts them as admissions or refusals', async () => {
    const store = server.app.get<EventStore>(EVENT_STORE);
    const { conferenceId: cid } = expectStatus(await call(api, 'POST', '/conferences', conferenceBody()), 201) as {
      conferenceId: string;
    };
    const first = await admitted(api, cid);
    const other = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName: 'Ailleurs' })),
      201,
    ) as { registrationId: string };
    const [admission] = (await store.readAll({ direction: 'backwards', maxCount: 50 })).filter(
      (e) => e.type === 'AttendeeAdmitted',
    );
    expect(admission).toBeDefined();
    const data = admission!.data as Record<string, unknown>;
    const lookAlike = { ...data, scanId: randomUUID(), registrationId: other.registrationId };
    await store.appendToStream(
      `future-${randomUUID()}`,
      [
        { id: randomUUID(), type: 'AttendeeAdmittedSomewhereElse', data: lookAlike },
        { id: randomUUID(), type: 'EntryRefusedRemotely', data: { ...lookAlike, reason: 'not_found' } },
        { id: randomUUID(), type: 'BadgePrinted', data: { conferenceId: cid, registrationId: other.registrationId } },
      ],
      { expectedRevision: 'no_stream' },
    );
    // A real event after them: the read models must get past the strangers to reach it.
    const second = await admitted(api, cid);
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    const ready = await readModelsAt(last!.position);
    expect(ready.checks['arrivals-projection']?.['arrivals']).toMatchObject({ caughtUp: true });

    const attendance = expectStatus(await call(api, 'GET', `/conferences/${cid}/attendance`), 200) as {
      admitted: number;
      refusedTotal: number;
    };
    expect(attendance).toMatchObject({ admitted: 2, refusedTotal: 0 });
    const list = expectStatus(await call(api, 'GET', `/conferences/${cid}/registrations`), 200) as {
      items?: { registrationId: string; admitted: unknown }[];
    };
    const rows = Array.isArray(list) ? (list as { registrationId: string; admitted: unknown }[]) : (list.items ?? []);
    const byId = new Map(rows.map((r) => [r.registrationId, r.admitted]));
    expect(byId.get(other.registrationId)).toBeNull();
    expect(byId.get(first.registrationId)).not.toBeNull();
    expect(byId.get(second.registrationId)).not.toBeNull();
    const door = expectStatus(await call(api, 'GET', `/conferences/${cid}/door-dataset`), 200) as {
      tickets: { registrationId: string; admitted: unknown }[];
    };
    expect(door.tickets.find((t) => t.registrationId === other.registrationId)?.admitted).toBeNull();
  });
});
