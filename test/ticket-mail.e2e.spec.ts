// Tickets by e-mail (issue 25) against a real SMTP server started here (smtp-server), messages parsed back
// with mailparser: who gets what, in which language, with a QR code that reads back the ticket and a PDF that
// opens; refusals (5xx) shown and resent; a connection dropped mid-batch; nothing sent without SMTP_URL.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TicketMailProgress } from '@emargement/contract';
import { mailStream } from '@emargement/conference';
import type { EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { decodeQrPng } from './support/qr.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';
import { call, startTestServer, type TestServer } from './support/server.js';
import { startSmtpSink, type ReceivedMessage, type SmtpSink } from './support/smtp.js';

const FAST = { MAIL_FROM: 'Journée des PTCE <billets@ptce.example.org>', MAIL_PER_MINUTE: '60000' };

/** The text of a PDF as poppler's pdftotext reads it (the tool a reader of the attachment would have at hand). */
function pdftotext(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'ticket-pdf-'));
  try {
    writeFileSync(join(dir, 't.pdf'), pdf);
    return execFileSync('pdftotext', [join(dir, 't.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the server's progress satisfies `done` (the outcome is recorded just after the SMTP answer). */
async function progressUntil(
  base: string,
  cid: string,
  done: (p: TicketMailProgress) => boolean,
  timeoutMs = 20_000,
): Promise<TicketMailProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = expectStatus(await call(base, 'GET', `/api/conferences/${cid}/ticket-mail`), 200) as TicketMailProgress;
    if (done(p)) return p;
    if (Date.now() > deadline) throw new Error(`progress never reached the expected state: ${JSON.stringify(p)}`);
    // (Not a wait for time to pass: a pause between two looks, so the looking does not starve the sender.)
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const messageTo = (sink: SmtpSink, email: string): ReceivedMessage[] =>
  sink.received.filter((m) => m.to.includes(email.toLowerCase()) || m.to.includes(email));

describe('tickets by e-mail', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let cid: string;
  const fr = personBody({ firstName: 'Noëlle', lastName: 'Łukasiewicz', category: 'speaker' });
  const en = personBody({ firstName: 'Oliver', lastName: 'Twist', language: 'en', lunch: false });
  const cancelled = personBody({ firstName: 'Annulé', lastName: 'Parti' });
  const ids: Record<string, { registrationId: string; ticketCode: string }> = {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url, ...FAST, PUBLIC_URL: 'http://127.0.0.1:1' });
    cid = randomUUID();
    expectStatus(
      await call(server.base, 'POST', '/api/conferences', {
        conferenceId: cid,
        ...conferenceBody({
          name: '2ème Journée Nationale des PTCE',
          venue: '139 rue de Bercy, 75012 Paris',
          programme: [
            { at: '09:30', title: 'Accueil café' },
            { at: '12:30', title: 'Échanges autour d’un buffet' },
          ],
        }),
      }),
      201,
    );
    for (const [key, body] of Object.entries({ fr, en, cancelled })) {
      ids[key] = expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/registrations`, body), 201) as {
        registrationId: string;
        ticketCode: string;
      };
    }
    expectStatus(
      await call(
        server.base,
        'POST',
        `/api/conferences/${cid}/registrations/${ids.cancelled!.registrationId}/cancel`,
        {},
      ),
      200,
    );
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  test('everyone registered gets one message, in their language, with the QR code inline and the PDF attached', async () => {
    const queued = expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {}), 202);
    expect(queued).toEqual({ queued: 2, skipped: 1 });
    await sink.untilReceived(2);
    await progressUntil(server.base, cid, (p) => p.sent === 2);

    const [toFr] = messageTo(sink, fr.email as string);
    const [toEn] = messageTo(sink, en.email as string);
    expect(toFr).toBeDefined();
    expect(toEn).toBeDefined();
    expect(messageTo(sink, cancelled.email as string)).toHaveLength(0);

    // French by default: subject, text and HTML.
    const mFr = await toFr!.parse();
    expect(mFr.subject).toBe('Votre billet — 2ème Journée Nationale des PTCE');
    expect(mFr.from?.text).toBe('"Journée des PTCE" <billets@ptce.example.org>');
    expect(mFr.messageId).toMatch(/^<[0-9a-f-]{36}@ptce\.example\.org>$/);
    expect(mFr.text).toContain('Bonjour Noëlle,');
    expect(mFr.text).toContain('vendredi 19 septembre 2014, 09:30 – 16:30');
    expect(mFr.text).toContain('139 rue de Bercy, 75012 Paris');
    expect(mFr.text).toContain('Une pièce d’identité à votre nom vous sera demandée.');
    expect(mFr.text).toContain('Déjeuner : réservé, 20,00');
    expect(mFr.text).toContain('12:30  Échanges autour d’un buffet');
    expect(mFr.html).toContain('Bonjour Noëlle,');
    expect(mFr.html).toContain('lang="fr"');

    // English when the person registered in English.
    const mEn = await toEn!.parse();
    expect(mEn.subject).toBe('Your ticket — 2ème Journée Nationale des PTCE');
    expect(mEn.text).toContain('Hello Oliver,');
    expect(mEn.text).toContain('Friday, 19 September 2014, 09:30 – 16:30');
    expect(mEn.text).toContain('You will be asked for an identity document in your name.');
    expect(mEn.text).toContain('Lunch: not booked');
    expect(mEn.html).toContain('lang="en"');

    for (const [received, key, name] of [
      [toFr!, 'fr', 'Noëlle Łukasiewicz'],
      [toEn!, 'en', 'Oliver Twist'],
    ] as const) {
      const message = await received.parse();
      const qr = message.attachments.find((a) => a.contentType === 'image/png');
      expect(qr?.contentDisposition).toBe('inline');
      expect(qr?.related).toBe(true);
      // As sent (mailparser inlines it as a data: URL): the HTML part points at the picture by its Content-ID.
      expect(received.raw.toString('latin1').replace(/=\r\n/g, '')).toContain(`src=3D"cid:${qr!.cid}"`);
      await expect(decodeQrPng(qr!.content)).resolves.toBe(ids[key]!.ticketCode);
      const pdf = message.attachments.find((a) => a.contentType === 'application/pdf');
      expect(pdf?.contentDisposition).toBe('attachment');
      expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdftotext(pdf!.content)).toContain(name);
    }
  });

  test('the link in the message fetches the ticket again without an account; a changed link does not', async () => {
    const text = (await messageTo(sink, fr.email as string)[0]!.parse()).text!;
    const link = /http:\/\/127\.0\.0\.1:1(\/billet\/\S+)/.exec(text)?.[1];
    expect(link).toBeDefined();
    const res = await fetch(`${server.base}${link}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(pdftotext(Buffer.from(await res.arrayBuffer()))).toContain('Noëlle Łukasiewicz');
    const forged = link!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const refused = await fetch(`${server.base}${forged}`);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { code: string }).code).toBe('unknown_ticket_link');
    const other = link!.replace(ids.fr!.registrationId, ids.en!.registrationId);
    expect((await fetch(`${server.base}${other}`)).status).toBe(404);
  });

  test('sending again without resend sends nothing; resend sends one more to the person named', async () => {
    expect(expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {}), 202)).toEqual({
      queued: 0,
      skipped: 3,
    });
    const before = sink.received.length;
    expect(
      expectStatus(
        await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {
          registrationIds: [ids.en!.registrationId],
          resend: true,
        }),
        202,
      ),
    ).toEqual({ queued: 1, skipped: 0 });
    await sink.untilReceived(before + 1);
    expect(messageTo(sink, en.email as string)).toHaveLength(2);
    const history = expectStatus(
      await call(server.base, 'GET', `/api/conferences/${cid}/registrations/${ids.en!.registrationId}/history`),
      200,
    ) as { type: string; detail: { note?: string } }[];
    await progressUntil(server.base, cid, (p) => p.sent === 2 && p.sending === 0 && p.queued === 0);
    const types = (
      expectStatus(
        await call(server.base, 'GET', `/api/conferences/${cid}/registrations/${ids.en!.registrationId}/history`),
        200,
      ) as { type: string }[]
    ).map((e) => e.type);
    expect(types.filter((t) => t === 'TicketSent')).toHaveLength(2);
    expect(history.some((e) => e.type === 'TicketSendQueued' && e.detail.note === 'resend')).toBe(true);
  });

  test('bad requests: unknown registration 404, bad category 400', async () => {
    const unknown = await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {
      registrationIds: [randomUUID()],
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'unknown_registration']);
    const bad = await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, { category: 'vip' });
    expect(bad.status).toBe(400);
  });
});

describe('tickets by e-mail when the SMTP server refuses or hangs up', () => {
  let sink: SmtpSink;
  let server: TestServer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url, ...FAST });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  async function conferenceOf(
    n: number,
    prefix: string,
  ): Promise<{ cid: string; people: { rid: string; email: string }[] }> {
    const cid = randomUUID();
    expectStatus(await call(server.base, 'POST', '/api/conferences', { conferenceId: cid, ...conferenceBody() }), 201);
    const people: { rid: string; email: string }[] = [];
    for (let i = 0; i < n; i++) {
      const email = `${prefix}-${i}-${randomUUID().slice(0, 8)}@example.org`;
      const r = expectStatus(
        await call(
          server.base,
          'POST',
          `/api/conferences/${cid}/registrations`,
          personBody({ email, lastName: `Nom${i}` }),
        ),
        201,
      ) as { registrationId: string };
      people.push({ rid: r.registrationId, email });
    }
    return { cid, people };
  }

  test('a recipient refused (5xx) is a failure with the server’s answer, shown, and resent once fixed', async () => {
    const { cid, people } = await conferenceOf(4, 'refused');
    const bad = people[1]!;
    sink.refuse = (address) => address === bad.email;
    const before = sink.received.length;
    expect(expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {}), 202)).toEqual({
      queued: 4,
      skipped: 0,
    });
    const p = await progressUntil(server.base, cid, (q) => q.sent + q.failed === 4);
    expect([p.sent, p.failed]).toEqual([3, 1]);
    const failed = p.people.find((x) => x.status === 'failed')!;
    expect(failed.registrationId).toBe(bad.rid);
    expect(failed.reason).toBe('refused');
    expect(failed.response).toContain('550');
    expect(sink.received.length - before).toBe(3);
    const history = expectStatus(
      await call(server.base, 'GET', `/api/conferences/${cid}/registrations/${bad.rid}/history`),
      200,
    ) as { type: string; detail: { reason?: string; note?: string } }[];
    expect(history.find((e) => e.type === 'TicketSendFailed')?.detail).toMatchObject({ reason: 'refused' });

    // The address fixed at the other end: a send without a body queues only the one not sent.
    sink.refuse = () => false;
    expect(expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {}), 202)).toEqual({
      queued: 1,
      skipped: 3,
    });
    await progressUntil(server.base, cid, (q) => q.sent === 4);
    expect(messageTo(sink, bad.email)).toHaveLength(1);
  });

  test('a connection dropped mid-batch: the message it cut off is sent again, and everyone gets exactly one', async () => {
    const { cid, people } = await conferenceOf(6, 'dropped');
    sink.refuse = () => false;
    const droppedBefore = sink.dropped;
    const before = sink.received.length;
    // The third message of the batch is cut off before the server's answer.
    sink.dropAtData = sink.dataCount + 3;
    expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {}), 202);
    await progressUntil(server.base, cid, (q) => q.sent === 6);
    expect(sink.dropped - droppedBefore).toBe(1);
    expect(sink.received.length - before).toBe(6);
    for (const p of people) expect(messageTo(sink, p.email)).toHaveLength(1);
    const p = await progressUntil(server.base, cid, (q) => q.sent === 6);
    expect(p.failed).toBe(0);
  });
});

describe('tickets by e-mail without SMTP_URL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('sending is refused mail_not_configured; the progress says so; everything else works', async () => {
    const cid = randomUUID();
    expectStatus(await call(server.base, 'POST', '/api/conferences', { conferenceId: cid, ...conferenceBody() }), 201);
    expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/registrations`, personBody()), 201);
    const res = await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {});
    expect([res.status, res.body.code]).toEqual([409, 'mail_not_configured']);
    const p = expectStatus(await call(server.base, 'GET', `/api/conferences/${cid}/ticket-mail`), 200);
    expect(p).toMatchObject({ configured: false, queued: 0, sent: 0 });
  });
});

describe('tickets by e-mail and erasure', () => {
  let sink: SmtpSink;
  let server: TestServer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    // Like many servers, this one names the recipient in its answer, which the events keep.
    sink.accepted = (to) => `2.0.0 Ok: queued for <${to.join(', ')}>`;
    // One message a minute: the second of a batch is still waiting when the test erases its person.
    server = await startTestServer({ SMTP_URL: sink.url, ...FAST, MAIL_PER_MINUTE: '1' });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  test('an erased person’s waiting message is dropped, nothing is sent to them, and no event keeps an address', async () => {
    const cid = randomUUID();
    expectStatus(await call(server.base, 'POST', '/api/conferences', { conferenceId: cid, ...conferenceBody() }), 201);
    const people: { rid: string; email: string }[] = [];
    for (const name of ['Premier', 'Second']) {
      const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.org`;
      const r = expectStatus(
        await call(server.base, 'POST', `/api/conferences/${cid}/registrations`, personBody({ email, lastName: name })),
        201,
      ) as { registrationId: string };
      people.push({ rid: r.registrationId, email });
    }
    expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, {}), 202);
    await sink.untilReceived(1);
    const sent = people.find((p) => messageTo(sink, p.email).length === 1)!;
    const waiting = people.find((p) => p !== sent)!;
    const before = await progressUntil(server.base, cid, (p) => p.sent === 1 && p.queued === 1);
    expect(before.people.find((x) => x.registrationId === sent.rid)?.response).toContain(sent.email);

    const link = /\/billet\/\S+/.exec((await messageTo(sink, sent.email)[0]!.parse()).text!)![0];
    expect((await fetch(`${server.base}${link}`)).status).toBe(200);
    for (const p of [sent, waiting]) {
      expectStatus(
        await call(server.base, 'POST', `/api/conferences/${cid}/registrations/${p.rid}/erase`, { reason: 'demande' }),
        200,
      );
    }
    // The link in the message sent before the erasure leads nowhere now.
    expect((await fetch(`${server.base}${link}`)).status).toBe(404);
    const progress = await progressUntil(server.base, cid, (p) => p.dropped === 1);
    expect(progress.people.find((x) => x.registrationId === waiting.rid)).toMatchObject({
      status: 'dropped',
      reason: 'erased',
    });
    // Sending again names nobody erased.
    expect(
      expectStatus(await call(server.base, 'POST', `/api/conferences/${cid}/tickets/send`, { resend: true }), 202),
    ).toEqual({
      queued: 0,
      skipped: 2,
    });
    expect(sink.received).toHaveLength(1);
    expect(messageTo(sink, waiting.email)).toHaveLength(0);

    // The mail events, as the server reads them back: no address any more.
    const store = server.app.get<EventStore>(EVENT_STORE);
    for (const p of [sent, waiting]) {
      const events = await store.readStream(mailStream(p.rid));
      const recipients = events
        .map((e) => (e.data as { recipient?: { email: string; erased?: boolean } }).recipient)
        .filter((r) => r !== undefined);
      expect(recipients.length).toBeGreaterThan(0);
      for (const r of recipients) expect(r).toEqual({ email: '', erased: true });
      // The server's answer named the address: erased with it.
      for (const e of events.filter((x) => x.type === 'TicketSent')) expect(e.data).toMatchObject({ response: '' });
    }
    // And as the store holds them: sealed from the start, so no address in clear in any file or event.
    for (const p of [sent, waiting]) {
      const raw = JSON.stringify(
        (await store.readAll()).filter((e) => e.streamName === mailStream(p.rid)).map((e) => e.data),
      );
      expect(raw).not.toContain(p.email);
      if (server.eventStore === 'sqlite') {
        expect(readFileSync(join(server.dataDir, 'events.sqlite')).includes(Buffer.from(p.email))).toBe(false);
      }
    }
  });
});
