import forge from 'node-forge';

/**
 * The one piece of `node:crypto` the charter's chain uses (`createHash('sha256')`,
 * synchronous), for the browser: the Vite build maps `node:crypto` here, so
 * /verify/ recomputes the chain with the very code the server runs
 * (libs/charter/src/chain.ts). WebCrypto's digest is asynchronous, hence
 * forge's SHA-256 for these small inputs; the PDF's own digest uses WebCrypto.
 */
export function createHash(algorithm: string) {
  if (algorithm !== 'sha256') throw new Error(`Only sha256 in the browser, not ${algorithm}`);
  const md = forge.md.sha256.create();
  const hash = {
    update(input: string | Uint8Array) {
      if (typeof input === 'string') md.update(input, 'utf8');
      else {
        let binary = '';
        for (let i = 0; i < input.length; i += 0x8000)
          binary += String.fromCharCode(...input.subarray(i, Math.min(i + 0x8000, input.length)));
        md.update(binary);
      }
      return hash;
    },
    digest(encoding: 'hex') {
      if (encoding !== 'hex') throw new Error('hex digests only');
      return md.digest().toHex();
    },
  };
  return hash;
}
