// The local CA's name constraints (RFC 5280 4.2.1.10): a phone that installs
// it trusts it for the venue's own names and private addresses only, not for
// every domain for ten years. node-forge reads the extension but does not
// build it: its value is written here with forge's ASN.1 helpers.
import { isIP } from 'node:net';
import forge from 'node-forge';

/** The names a server certificate covers (local-ca.ts's `CertificateNames`). */
interface CertificateNames {
  dns: string[];
  ips: string[];
}

/** Names a venue's network gives (mDNS, home routers, RFC 8375), so a new host name there keeps the CA. */
export const PERMITTED_SUFFIXES = ['localhost', 'local', 'lan', 'home.arpa', 'internal'] as const;

/** Loopback, private, link-local and carrier-grade NAT (a phone's hotspot) ranges, as address/prefix. */
export const PERMITTED_RANGES = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
] as const;

/** The address's bytes (4 or 16). */
export function addressBytes(ip: string): number[] {
  if (isIP(ip) === 4) return ip.split('.').map(Number);
  if (isIP(ip) !== 6) throw new Error(`Not an address: ${ip}`);
  let text = ip.replace(/%.*$/, '');
  // An IPv4 tail (::ffff:1.2.3.4) as two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text =
      text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const maskBytes = (length: number, prefix: number): number[] =>
  Array.from({ length }, (_, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return (0xff << (8 - bits)) & 0xff;
  });

const range = (cidr: string): { address: number[]; mask: number[] } => {
  const [ip = '', prefix = ''] = cidr.split('/');
  const address = addressBytes(ip);
  return { address, mask: maskBytes(address.length, Number(prefix)) };
};

const inRange = (ip: string, r: { address: number[]; mask: number[] }): boolean => {
  const bytes = addressBytes(ip);
  return bytes.length === r.address.length && bytes.every((b, i) => (b & r.mask[i]!) === (r.address[i]! & r.mask[i]!));
};

const dnsWithin = (name: string, base: string): boolean => {
  const n = name.toLowerCase();
  const b = base.toLowerCase().replace(/^\./, '');
  return n === b || n.endsWith(`.${b}`);
};

/** What the CA permits: the suffixes and the names it was made for; the private ranges and its addresses. */
export function permittedFor(names: CertificateNames): {
  dns: string[];
  ranges: { address: number[]; mask: number[] }[];
} {
  const dns = [...new Set([...PERMITTED_SUFFIXES, ...names.dns.map((n) => n.toLowerCase())])];
  const ranges = PERMITTED_RANGES.map(range);
  for (const ip of names.ips) {
    if (!ranges.some((r) => inRange(ip, r))) ranges.push(range(`${ip}/${isIP(ip) === 4 ? 32 : 128}`));
  }
  return { dns, ranges };
}

/** The extension, for forge's `setExtensions`. */
export function nameConstraintsExtension(names: CertificateNames): {
  id: string;
  critical: boolean;
  value: forge.asn1.Asn1;
} {
  const { asn1 } = forge;
  const { dns, ranges } = permittedFor(names);
  const bytes = (values: number[]) => String.fromCharCode(...values);
  const subtree = (base: forge.asn1.Asn1) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [base]);
  const subtrees = [
    ...dns.map((name) => subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, name))),
    ...ranges.map((r) => subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, bytes([...r.address, ...r.mask])))),
  ];
  return {
    id: '2.5.29.30',
    // Critical: a client that cannot read the constraints must not trust the CA at all.
    critical: true,
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees),
    ]),
  };
}

/**
 * Whether a CA's constraints let it sign for `names`: `true` for a CA made
 * before constraints (it is kept, so phones are not asked to install a new
 * one mid-event; delete DATA_DIR/tls/ca.* to get a constrained one).
 */
export function caCovers(ca: forge.pki.Certificate, names: CertificateNames): boolean {
  const extension = ca.getExtension('nameConstraints') as
    { permittedSubtrees?: { type: number; value: string }[] } | null | undefined;
  if (!extension) return true;
  const permitted = extension.permittedSubtrees ?? [];
  const dns = permitted.filter((s) => s.type === 2).map((s) => s.value);
  const ranges = permitted
    .filter((s) => s.type === 7)
    .map((s) => {
      const all = [...s.value].map((c) => c.charCodeAt(0));
      return { address: all.slice(0, all.length / 2), mask: all.slice(all.length / 2) };
    });
  return (
    names.dns.every((n) => dns.some((b) => dnsWithin(n, b))) &&
    names.ips.every((ip) => ranges.some((r) => inRange(ip, r)))
  );
}
