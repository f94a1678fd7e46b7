// Personal data: what a display sees, the right of access, and the right to
// be forgotten in an immutable log (crypto-shredding, ADR 007), on the real
// server and its real files.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pdfText } from './support/pdf.js';
import { io } from 'socket.io-client';
import { APP_CONFIG } from '../apps/server/src/config/config.module.js';
import type { AppConfig } from '../apps/server/src/config/config.js';
import { openEventStore } from '../apps/server/src/event-store/event-store.module.js';
import { rebuildProjections } from '../apps/server/src/projections/rebuild/rebuild-projections.js';
import { ticketSha256 } from '@emargement/conference';
import { EventStoreDbEventStore, SqliteEventStore } from '@emargement/event-store';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';
import {
  admitted,
  conferenceWithCharter,
  expectStatus,
  personBody,
  signatureBody,
  signaturePng,
} from './support/data.js';

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The files under `dir` whose bytes contain `needle` (as UTF-8, and as UTF-16LE for good measure). */
function filesContaining(dir: string, needle: string): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  return filesUnder(dir).filter((file) => {
    const bytes = readFileSync(file);
    return forms.some((form) => bytes.includes(form));
  });
}

async function pdf(url: string): Promise<Buffer> {
  const res = await fetch(url, { headers: bearer('test-admin-token-0123456789abcdef') });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('what a display receives', () => {
  let server: TestServer;
  let api: string;
  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
  });
  afterAll(async () => {
    await server.close();
  });

  test('aggregate attendance only: no name, e-mail address or ticket code, over HTTP or the feed', async () => {
    const { cid, chid } = await conferenceWithCharter(api);
    const display = expectStatus(
      await call(api, 'POST', '/devices', { name: 'Grand écran', role: 'display' }),
      201,
    ) as {
      token: string;
    };
    const received: string[] = [];
    const socket = io(`${server.base}/attendance`, {
      auth: { token: display.token, conferenceId: cid },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    let updates = 0;
    const first = new Promise<void>((resolve) => socket.on('snapshot', () => resolve()));
    socket.onAny((event: string, body: unknown) => {
      received.push(JSON.stringify([event, body]));
      if (event === 'update') updates += 1;
    });
    await first;

    const secrets: string[] = [];
    for (let i = 0; i < 4; i++) {
      const firstName = `Prénomsecret${i}`;
      const lastName = `Nomsecret${i}`;
      const email = `adresse.secrete${i}.${randomUUID()}@example.org`;
      const person = await admitted(api, cid, personBody({ firstName, lastName, email, organisation: `Org ${i}` }));
      secrets.push(firstName, lastName, email, person.ticketCode);
      if (i === 0) {
        expectStatus(
          await call(
            api,
            'POST',
            `/conferences/${cid}/charters/${chid}/signatures`,
            signatureBody(person.registrationId),
          ),
          201,
        );
      }
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !received.some((m) => m.includes('"admitted":4'))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    socket.close();
    // The feed must have carried the last admission: otherwise the display saw
    // less than it could have, and "no personal data received" proves less.
    expect(received.some((m) => m.includes('"admitted":4'))).toBe(true);
    expect(updates).toBeGreaterThan(0);
    for (const path of ['/me', '/conferences', `/conferences/${cid}`, `/conferences/${cid}/attendance`]) {
      const res = await call(api, 'GET', path, undefined, bearer(display.token));
      expect(res.status).toBe(200);
      received.push(JSON.stringify(res.body));
    }
    // Asking for more is refused without saying anything about anyone.
    for (const path of [
      `/conferences/${cid}/attendees?q=Nomsecret0`,
      `/conferences/${cid}/registrations`,
      `/conferences/${cid}/charters/${chid}`,
    ]) {
      const res = await call(api, 'GET', path, undefined, bearer(display.token));
      expect(res.status).toBe(403);
      received.push(JSON.stringify(res.body));
    }
    const all = received.join('\n');
    expect(all).toContain('"admitted":4');
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});

describe('the right of access and the right to be forgotten', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let chid: string;
  const forgotten = {
    firstName: 'Zéphyrine',
    lastName: 'Quintavalle-Oubliée',
    email: `zephyrine.quintavalle.${randomUUID().slice(0, 8)}@example.org`,
    organisation: 'Coopérative des Oubliés',
  };
  const kept = {
    firstName: 'Anatole',
    lastName: 'Gardé-Partout',
    email: `anatole.garde.${randomUUID().slice(0, 8)}@example.org`,
    organisation: 'Réseau des Gardés',
  };
  const image = signaturePng(7);
  const imageSlice = image.slice(image.length - 80, image.length - 20);
  let rid: string;
  let keptRid: string;
  let ticketCode: string;
  let keptTicketCode: string;

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    ({ cid, chid } = await conferenceWithCharter(api));
    ({ registrationId: rid, ticketCode } = await admitted(api, cid, personBody(forgotten)));
    ({ registrationId: keptRid, ticketCode: keptTicketCode } = await admitted(api, cid, personBody(kept)));
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/${rid}/lunch-payment`, {
        paymentId: randomUUID(),
        amountCents: 2000,
        method: 'cash',
      }),
      201,
    );
    for (const [who, organisation, png] of [
      [rid, forgotten.organisation, image],
      [keptRid, kept.organisation, signaturePng(3)],
    ] as const) {
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/charters/${chid}/signatures`,
          signatureBody(who, { onBehalfOf: organisation, image: png }),
        ),
        201,
      );
    }
  });
  afterAll(async () => {
    await server.close();
  });

  test('personal data never reaches a file under DATA_DIR in clear, even before any erasure', () => {
    for (const secret of [forgotten.lastName, forgotten.email, kept.lastName, kept.email, imageSlice]) {
      expect([secret, filesContaining(server.dataDir, secret)]).toEqual([secret, []]);
    }
  });

  test('a ticket code (whoever holds it walks in) is in no file and no recorded event; the log keeps its digest', async () => {
    for (const code of [ticketCode, keptTicketCode]) {
      expect([code, filesContaining(server.dataDir, code)]).toEqual([code, []]);
    }
    // The events as the store holds them (EventStoreDB included), not as the server reads them back.
    const config = server.app.get<AppConfig>(APP_CONFIG);
    const store =
      config.eventStore === 'eventstoredb'
        ? EventStoreDbEventStore.connect(config.eventStoreConnectionString!)
        : SqliteEventStore.open(join(config.dataDir, 'events.sqlite'));
    try {
      const raw = JSON.stringify((await store.readAll()).map((e) => e.data));
      expect([raw.includes(ticketCode), raw.includes(keptTicketCode)]).toEqual([false, false]);
      expect(raw).toContain(ticketSha256(ticketCode));
    } finally {
      await store.close();
    }
    // Read through the server, the code is whole: the ticket is still printed and scanned by it.
    expect(expectStatus(await call(api, 'GET', `/conferences/${cid}/tickets/${keptTicketCode}`), 200)).toMatchObject({
      ticketCode: keptTicketCode,
      attendee: { registrationId: keptRid },
    });
  });

  test('an organiser exports everything held about one person', async () => {
    const body = expectStatus(await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/export`), 200) as {
      registration: { person: Record<string, unknown>; category: string };
      scans: { type: string }[];
      payments: { type: string }[];
      signatures: { type: string; data: { image: string; name: string } }[];
      events: { type: string; metadata: { deviceId: string } }[];
    };
    expect(body.registration.person).toMatchObject({ firstName: forgotten.firstName, email: forgotten.email });
    expect(body.scans.map((e) => e.type)).toEqual(['AttendeeAdmitted']);
    expect(body.payments.map((e) => e.type)).toEqual(['LunchPaid']);
    expect(body.signatures.map((e) => e.type)).toEqual(['CharterSigned']);
    expect(body.signatures[0]!.data.image).toBe(image);
    expect(body.events.map((e) => e.type)).toEqual([
      'PersonRegistered',
      'AttendeeAdmitted',
      'LunchPaid',
      'CharterSigned',
    ]);
    expect(body.events.every((e) => e.metadata.deviceId === 'admin')).toBe(true);
    expect(JSON.stringify(body)).not.toContain(kept.email);
    const unknown = await call(api, 'GET', `/conferences/${cid}/registrations/${randomUUID()}/export`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'unknown_registration']);
  });

  describe('after erasure', () => {
    let before: Record<string, unknown>;
    let pdfBefore: string;
    let key: Buffer;

    beforeAll(async () => {
      // The person's key, read from the key file as an attacker with the disk would.
      const keys = new Database(join(server.dataDir, 'keys.sqlite'), { readonly: true });
      try {
        key = (keys.prepare('SELECT key FROM personal_keys WHERE subject = ?').get(rid) as { key: Buffer }).key;
      } finally {
        keys.close();
      }
      expect(key.length).toBe(32);
      expect(filesContaining(server.dataDir, key.toString('hex'))).toEqual([]);
      expect(filesUnder(server.dataDir).filter((f) => readFileSync(f).includes(key))).toEqual([
        join(server.dataDir, 'keys.sqlite'),
      ]);
      before = expectStatus(await call(api, 'GET', `/conferences/${cid}/attendance`), 200) as Record<string, unknown>;
      pdfBefore = await pdfText(await pdf(`${api}/conferences/${cid}/charters/${chid}/document.pdf`));
      expect(pdfBefore).toContain(forgotten.lastName);
      const blank = await call(api, 'POST', `/conferences/${cid}/registrations/${rid}/erase`, { reason: '  ' });
      expect([blank.status, blank.body.code]).toEqual([400, 'validation_failed']);
      const erased = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations/${rid}/erase`, {
          reason: 'demande écrite du 20/09',
        }),
        200,
      ) as { erasedAt: string };
      // Erasing again changes nothing and answers the same.
      const again = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations/${rid}/erase`, { reason: 'encore' }),
        200,
      ) as { erasedAt: string };
      expect(again.erasedAt).toBe(erased.erasedAt);
    });

    const secrets = (): string[] => [forgotten.firstName, forgotten.lastName, forgotten.email, imageSlice];
    const expectNoSecret = (what: unknown): void => {
      const text = typeof what === 'string' ? what : JSON.stringify(what);
      for (const s of secrets()) expect([s, text.includes(s)]).toEqual([s, false]);
    };

    const readEverything = async (): Promise<unknown[]> => {
      const out: unknown[] = [];
      for (const path of [
        `/conferences/${cid}/attendees?q=${encodeURIComponent(forgotten.lastName)}`,
        `/conferences/${cid}/attendees?q=Zephyrine`,
        `/conferences/${cid}/registrations`,
        `/conferences/${cid}/tickets/${ticketCode}`,
        `/conferences/${cid}/charters/${chid}`,
        `/conferences/${cid}/charters/${chid}/signatories`,
        `/conferences/${cid}/registrations/${rid}/export`,
        `/conferences/${cid}/attendance`,
      ]) {
        const res = await call(api, 'GET', path);
        expect([path, res.status]).toEqual([path, 200]);
        out.push(res.body);
      }
      return out;
    };

    test('the name, e-mail address and signature image cannot be read through the API', async () => {
      for (const body of await readEverything()) expectNoSecret(body);
      const search = expectStatus(await call(api, 'GET', `/conferences/${cid}/attendees?q=Gard%C3%A9`), 200);
      expect(JSON.stringify(search)).toContain(kept.lastName);
      const exported = expectStatus(await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/export`), 200) as {
        registration: { person: Record<string, unknown>; category: string; erasedAt: string };
        events: { type: string }[];
      };
      expect(exported.registration.person).toEqual({
        firstName: '',
        lastName: '',
        email: '',
        organisation: forgotten.organisation,
        erased: true,
      });
      expect(exported.events.map((e) => e.type)).toEqual([
        'PersonRegistered',
        'AttendeeAdmitted',
        'LunchPaid',
        'CharterSigned',
        'PersonalDataErased',
      ]);
    });

    test('the counts stay right and the charter still verifies; a new PDF shows the signature erased', async () => {
      const now = expectStatus(await call(api, 'GET', `/conferences/${cid}/attendance`), 200) as Record<
        string,
        unknown
      >;
      expect({ ...now, position: null }).toEqual({ ...before, position: null });
      expect(expectStatus(await call(api, 'GET', `/conferences/${cid}/charters/${chid}/verify`), 200)).toMatchObject({
        valid: true,
        count: 2,
      });
      const text = await pdfText(await pdf(`${api}/conferences/${cid}/charters/${chid}/document.pdf`));
      expectNoSecret(text);
      expect(text).toContain('Nom effacé');
      expect(text).toContain('Image effacée');
      expect(text).toContain(kept.lastName);
      expect(text).not.toContain('ne correspond');
    });

    test('no file under DATA_DIR holds them, nor the deleted key', () => {
      for (const s of secrets()) expect([s, filesContaining(server.dataDir, s)]).toEqual([s, []]);
      for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
        expect(filesContaining(server.dataDir, form)).toEqual([]);
      }
      expect(filesUnder(server.dataDir).filter((f) => readFileSync(f).includes(key))).toEqual([]);
    });

    test('the address is free again: the same person may register anew', async () => {
      const again = await call(
        api,
        'POST',
        `/conferences/${cid}/registrations`,
        personBody({ ...forgotten, email: forgotten.email }),
      );
      expect(again.status).toBe(201);
      forgotten.firstName = 'Zéphyrine'; // the new registration holds it again, sealed under a new key
      const erasedAgain = await call(
        api,
        'POST',
        `/conferences/${cid}/registrations/${(again.body as { registrationId: string }).registrationId}/erase`,
        {
          reason: 'nouvelle demande',
        },
      );
      expect(erasedAgain.status).toBe(200);
    });

    test('after a restart and a rebuild of the read models, nothing comes back', async () => {
      server = await server.restart();
      api = `${server.base}/api`;
      for (const body of await readEverything()) expectNoSecret(body);
      const config = server.app.get<AppConfig>(APP_CONFIG);
      const dir = mkdtempSync(join(tmpdir(), 'emargement-rebuild-'));
      const store = await openEventStore(config);
      try {
        await rebuildProjections(store, join(dir, 'read-models.sqlite'));
        for (const s of [...secrets(), ticketCode]) expect([s, filesContaining(dir, s)]).toEqual([s, []]);
        const events = await store.readAll();
        expectNoSecret(events.map((e) => e.data));
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
      for (const s of secrets()) expect([s, filesContaining(server.dataDir, s)]).toEqual([s, []]);
      // The erased person's ticket, its code sealed away with the key, is still found by its digest and refused.
      const scan = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/scans`, {
          scanId: randomUUID(),
          ticketCode,
          door: 'Accueil principal',
          idCheck: { document: 'passport', nameMatches: true },
        }),
        200,
      );
      expect(scan).toMatchObject({ result: 'refused', reason: 'cancelled' });
      const text = await pdfText(await pdf(`${api}/conferences/${cid}/charters/${chid}/document.pdf`));
      expectNoSecret(text);
      expect(expectStatus(await call(api, 'GET', `/conferences/${cid}/charters/${chid}/verify`), 200)).toMatchObject({
        valid: true,
      });
    });

    test('an unknown registration cannot be erased', async () => {
      const res = await call(api, 'POST', `/conferences/${cid}/registrations/${randomUUID()}/erase`, { reason: 'x' });
      expect([res.status, res.body.code]).toEqual([404, 'unknown_registration']);
    });
  });
});
