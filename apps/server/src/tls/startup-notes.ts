import { X509Certificate } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import type { TlsSetup } from './https.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * What main.ts prints once listening: the address to open, where the local
 * CA is (and whether phones must install it again), and the settings that
 * will leave the door phones without camera or offline mode.
 */
export function startupNotes(
  config: AppConfig,
  setup: TlsSetup | undefined,
  port: number,
): { info: string[]; warnings: string[] } {
  const info: string[] = [];
  const warnings: string[] = [];
  const scheme = setup?.httpsOptions ? 'https' : 'http';
  const local = `${scheme}://localhost:${port}`;
  const address = config.publicUrl ?? local;
  info.push(
    `Émargement listening on ${local}${config.publicUrl ? `, public address ${config.publicUrl}` : ''} (event store: ${config.eventStore}, data: ${config.dataDir})`,
  );
  if (config.publicUrl) {
    const url = new URL(config.publicUrl);
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
      warnings.push(
        `PUBLIC_URL is ${config.publicUrl}: browsers allow the camera, the service worker and crypto.subtle only on https:// (or localhost), so the door phones will not scan or work offline there. Set TLS=local, give TLS_CERT_FILE/TLS_KEY_FILE, or put a TLS proxy in front (README, « HTTPS at the venue »).`,
      );
    }
  } else if (!setup?.httpsOptions) {
    info.push(
      'Plain HTTP: phones reaching this machine by its LAN address get no camera and no offline mode; see README « HTTPS at the venue » (TLS=local).',
    );
  }
  if (setup?.local) {
    const ca = new X509Certificate(setup.local.caCertificate);
    info.push(
      `Local certificate authority: ${setup.local.caFile} (SHA-256 ${ca.fingerprint256}); phones install it from ${address}/ca.crt (Android) or ${address}/ca.mobileconfig (iOS).`,
    );
    if (setup.local.made.ca) {
      warnings.push(
        'A new local certificate authority was made: every phone must install it (again) before it can open the https:// address.',
      );
    } else if (setup.local.made.server) {
      info.push('Server certificate renewed (same authority: nothing to install again).');
    }
    const server = new X509Certificate(setup.local.certificate);
    info.push(`Server certificate valid until ${new Date(server.validTo).toISOString()} for ${server.subjectAltName}`);
  }
  if (setup?.httpsOptions && config.httpPort !== undefined) {
    info.push(`Plain HTTP on port ${config.httpPort} redirects to HTTPS.`);
  }
  return { info, warnings };
}
