import { X509Certificate, createHash } from 'node:crypto';

/**
 * An iOS configuration profile holding the local CA as a
 * `com.apple.security.root` payload: Safari offers to install it, and
 * Réglages › Général › Informations › Réglages des certificats then turns on
 * full trust. The UUIDs come from the certificate itself, so that the same CA
 * always gives the same profile (installing it twice replaces it rather than
 * adding a second one). Unsigned: iOS shows it as « Non vérifié », which is
 * true: nothing vouches for a venue's own CA but the people running it.
 */
export function caMobileConfig(caPem: string): string {
  const x509 = new X509Certificate(caPem);
  const der = x509.raw.toString('base64');
  const fingerprint = createHash('sha256').update(x509.raw).digest('hex');
  const profileUuid = uuidFrom(fingerprint, 'profile');
  const payloadUuid = uuidFrom(fingerprint, 'root');
  const name = escapeXml(x509.subject.match(/CN=([^\n]*)/)?.[1] ?? 'Emargement local CA');
  const lines = der.match(/.{1,64}/g) ?? [];
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>
      <string>emargement-ca.cer</string>
      <key>PayloadContent</key>
      <data>
${lines.map((l) => `      ${l}`).join('\n')}
      </data>
      <key>PayloadDescription</key>
      <string>Autorité de certification locale d’Émargement (accueil sans internet)</string>
      <key>PayloadDisplayName</key>
      <string>${name}</string>
      <key>PayloadIdentifier</key>
      <string>local.emargement.ca.${payloadUuid}</string>
      <key>PayloadType</key>
      <string>com.apple.security.root</string>
      <key>PayloadUUID</key>
      <string>${payloadUuid}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDescription</key>
  <string>Installe le certificat de l’accueil pour ouvrir Émargement en https:// sans internet.</string>
  <key>PayloadDisplayName</key>
  <string>Émargement — certificat de l’accueil</string>
  <key>PayloadIdentifier</key>
  <string>local.emargement.profile.${profileUuid}</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${profileUuid}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}

/** A name-based UUID (version 5 layout) from the CA's fingerprint and a label. */
function uuidFrom(fingerprint: string, label: string): string {
  const h = createHash('sha1').update(`${fingerprint}:${label}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
