import { describe, expect, test } from '@jest/globals';
import { api } from '../../api';
import { Connectivity, type ConnectivityState } from './connectivity';
import { withDoorServer } from './test/node-door';

const server = withDoorServer();

/** The switch with its state kept here, and the app's own health check against the test's server. */
function door(): { switch: Connectivity; state: () => ConnectivityState } {
  let state: ConnectivityState = 'online';
  const connectivity = new Connectivity(
    () => state,
    (next) => {
      state = next;
    },
    (options) => api.ready(options),
  );
  return { switch: connectivity, state: () => state };
}

describe('connectivity: the switch between asking the server and deciding here', () => {
  test('one failure is a blip; a second among the last five calls and the phone goes offline', () => {
    const { switch: s, state } = door();
    s.observe(true);
    expect(state()).toBe('online');
    s.observe(false);
    s.observe(false);
    s.observe(true);
    expect(state()).toBe('offline');
  });

  test('two failures further apart than five calls leave the phone online', () => {
    const { switch: s, state } = door();
    s.observe(true);
    for (let i = 0; i < 4; i += 1) s.observe(false);
    // The first failure has left the window of five.
    s.observe(true);
    expect(state()).toBe('online');
  });

  test('a scan the server cannot take, then a health check unanswered: offline, and the caller decides here', async () => {
    const { switch: s, state } = door();
    server.answer(() => ({ status: 503, body: { code: 'not_ready', message: 'down' } }));
    const answer = await s.call(() => api.scan('c', { scanId: 's1', ticketCode: 'x', door: 'Accueil', scannedAt: '' }));
    expect(answer).toBe('unavailable');
    // The health check asked at once is the second failure.
    await s.check();
    expect(state()).toBe('offline');
    // Offline, nothing more is asked of the server.
    const before = server.received.length;
    expect(await s.call(() => api.ready())).toBe('unavailable');
    expect(server.received).toHaveLength(before);
  });

  test('a refusal is an answer: thrown to the caller, and the phone stays online', async () => {
    const { switch: s, state } = door();
    server.answer(() => ({ status: 409, body: { code: 'already_paid', message: 'paid' } }));
    await expect(s.call(() => api.ready())).rejects.toMatchObject({ code: 'already_paid' });
    expect(state()).toBe('online');
  });

  test('offline, the probe brings the phone back when the server answers its health check, not before', async () => {
    const { switch: s, state } = door();
    s.observe(true);
    s.observe(true);
    expect(state()).toBe('offline');
    let uploads = 0;
    const upload = () => {
      uploads += 1;
      return Promise.resolve();
    };
    server.answer(() => ({ status: 503, body: { code: 'not_ready', message: 'down' } }));
    await s.probe(upload);
    expect(uploads).toBe(0);
    server.answer((r) => (r.path === '/health/ready' ? { status: 200, body: { status: 'ok' } } : { status: 404 }));
    await s.probe(upload);
    // The probe only starts the upload: the upload, once through, says online (see DoorEngine.sync).
    expect(uploads).toBe(1);
  });
});
