import { describe, expect, test } from '@jest/globals';
import { loadConfig } from '../config/config.js';
import { startupNotes } from './startup-notes.js';

describe('startupNotes', () => {
  test('a plain http:// PUBLIC_URL on a LAN host is warned about: no camera, no offline mode', () => {
    const { info, warnings } = startupNotes(loadConfig({ PUBLIC_URL: 'http://192.168.1.10:3000' }), undefined, 3000);
    expect(info[0]).toContain('http://192.168.1.10:3000');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('PUBLIC_URL');
    expect(warnings[0]).toContain('camera');
  });

  test.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'])(
    '%s (a secure context for browsers) is not warned about',
    (url) => {
      expect(startupNotes(loadConfig({ PUBLIC_URL: url }), undefined, 3000).warnings).toEqual([]);
    },
  );

  test('with HTTPS, the address is https://', () => {
    const config = loadConfig({ TLS: 'local' });
    const setup = { httpsOptions: { cert: '', key: '' }, local: undefined, hsts: false };
    expect(startupNotes(config, setup, 3443).info[0]).toContain('https://localhost:3443');
  });
});
