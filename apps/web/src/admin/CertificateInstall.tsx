import { useEffect, useState } from 'react';
import { useLang, type MessageKey } from '../i18n';
import { QrCanvas } from '../qr/QrCanvas';

export interface LocalCa {
  /** SHA-256 of the certificate, as phones show it (AB:CD:…); null where crypto.subtle is missing. */
  fingerprint: string | null;
  /** The server's plain HTTP port (`HTTP_PORT`), when it has one: the CA files are reached there. */
  httpPort: number | null;
}

/**
 * Whether the server runs its own certificate authority (TLS=local): then
 * `/ca.crt` answers 200, otherwise 404 (a given certificate, a TLS proxy or
 * plain HTTP need nothing installed on the phones).
 */
export function useLocalCa(): LocalCa | null {
  const [ca, setCa] = useState<LocalCa | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const res = await fetch('/ca.crt', { cache: 'no-store' });
        if (!res.ok) return;
        const pem = await res.text();
        if (!pem.includes('BEGIN CERTIFICATE')) return;
        const fingerprint = await sha256Fingerprint(pem);
        const port = Number(res.headers.get('X-Emargement-Http-Port') ?? '');
        if (live) setCa({ fingerprint, httpPort: Number.isInteger(port) && port > 0 ? port : null });
      } catch {
        // No answer: no block (the page works without it).
      }
    })();
    return () => {
      live = false;
    };
  }, []);
  return ca;
}

async function sha256Fingerprint(pem: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/**
 * The QR codes point at plain http:// on this same host and port: the server
 * answers the CA files there (its HTTPS port tells plain HTTP from TLS), so a
 * phone that does not trust the CA yet downloads it without a certificate
 * warning (everything else on plain HTTP is redirected to https://). The
 * links on this page stay on its own https:// origin: a browser blocks an
 * http:// download started from an https:// page.
 */
const plainLink = (path: string, httpPort: number | null): string =>
  httpPort === null
    ? `http://${window.location.host}${path}`
    : `http://${window.location.hostname}${httpPort === 80 ? '' : `:${httpPort}`}${path}`;

/** « Installer le certificat de l'accueil »: the first step of pairing a phone, when the server is its own CA. */
export function CertificateInstall({ ca }: { ca: LocalCa }) {
  const { t } = useLang();
  return (
    <section className="stack certificate-install" data-testid="certificate-install" aria-labelledby="ca-title">
      <h3 id="ca-title">{t('tls.caTitle')}</h3>
      <p className="hint">{t('tls.caIntro')}</p>
      <div className="certificate-platforms">
        <Platform
          httpPort={ca.httpPort}
          title="tls.android"
          path="/ca.crt"
          label="tls.androidLink"
          steps={['tls.androidStep1', 'tls.androidStep2', 'tls.androidStep3']}
        />
        <Platform
          httpPort={ca.httpPort}
          title="tls.ios"
          path="/ca.mobileconfig"
          label="tls.iosLink"
          steps={['tls.iosStep1', 'tls.iosStep2', 'tls.iosStep3']}
        />
      </div>
      {ca.fingerprint ? (
        <p className="hint">
          {t('tls.caFingerprint')} <code className="mono fingerprint">{ca.fingerprint}</code>
        </p>
      ) : null}
      <p className="hint">{t('tls.caAfter')}</p>
      <p>{t('tls.then')}</p>
    </section>
  );
}

function Platform(props: {
  title: MessageKey;
  path: string;
  label: MessageKey;
  steps: MessageKey[];
  httpPort: number | null;
}) {
  const { t } = useLang();
  const scanned = plainLink(props.path, props.httpPort);
  // With HTTP_PORT, the link goes there too (opened as a page, not a download from this https:// one, which a
  // browser would block); without it, it stays on this origin.
  const href = props.httpPort === null ? props.path : scanned;
  return (
    <div className="stack certificate-platform">
      <h4>{t(props.title)}</h4>
      <ol className="stack">
        <li>
          {t(props.steps[0]!)}{' '}
          {props.httpPort === null ? (
            <a href={href} download>
              {t(props.label)}
            </a>
          ) : (
            <a href={href} target="_blank" rel="noreferrer">
              {t(props.label)}
            </a>
          )}
        </li>
        {props.steps.slice(1).map((step) => (
          <li key={step}>{t(step)}</li>
        ))}
      </ol>
      {/* The link is there to tap; a QR code that failed to draw is not worth an error. */}
      <QrCanvas
        text={scanned}
        width={160}
        margin={2}
        className="certificate-qr"
        label={t('tls.qrAlt', { link: scanned })}
      />
    </div>
  );
}
