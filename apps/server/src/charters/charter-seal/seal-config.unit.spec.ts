import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ConfigError, loadConfig } from '../../config/config.js';
import { ensureSealKeys } from './seal-keys.js';
import { openSigningKey } from './seal-config.js';

/**
 * CHARTER_SIGNING_P12 and its passphrase, checked at start like the TLS files: the variable at fault named.
 * The configuration reads the variables; the seal opens the file when it is built (`start` below).
 */
describe('the configured sealing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seal-config-'));
  const keys = ensureSealKeys(join(dir, 'made'), 'Le Labo');
  const p12 = join(dir, 'seal.p12');
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keys.keyPem), keys.chain, 'secret', {
    algorithm: '3des',
  });
  writeFileSync(p12, Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));

  /** What the server does at start: read the environment, then build the seal's keys from it. */
  const start = (env: NodeJS.ProcessEnv) => {
    const { charterSigning } = loadConfig(env);
    return charterSigning && openSigningKey(charterSigning);
  };
  const refusal = (env: NodeJS.ProcessEnv): ConfigError => {
    try {
      start(env);
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('accepted');
  };

  test('a good file and passphrase: the key and its chain, leaf first, the root last', () => {
    const opened = start({ CHARTER_SIGNING_P12: p12, CHARTER_SIGNING_PASSPHRASE: 'secret' });
    expect(opened?.chain.map((c) => c.serialNumber)).toEqual(keys.chain.map((c) => c.serialNumber));
    expect(opened?.rootPem).toBe(keys.rootPem);
  });

  test('unset: nothing configured (generated at first use)', () => {
    expect(start({})).toBeUndefined();
  });

  test.each([
    [{ CHARTER_SIGNING_P12: p12, CHARTER_SIGNING_PASSPHRASE: 'wrong' }, 'CHARTER_SIGNING_PASSPHRASE'],
    [{ CHARTER_SIGNING_P12: join(dir, 'missing.p12') }, 'CHARTER_SIGNING_P12'],
    [{ CHARTER_SIGNING_PASSPHRASE: 'secret' }, 'CHARTER_SIGNING_PASSPHRASE'],
  ])('%j is refused, naming %s', (env, variable) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  test('a file that is no PKCS#12: CHARTER_SIGNING_P12', () => {
    const bad = join(dir, 'bad.p12');
    writeFileSync(bad, 'not a p12');
    expect(refusal({ CHARTER_SIGNING_P12: bad, CHARTER_SIGNING_PASSPHRASE: 'x' }).variable).toBe('CHARTER_SIGNING_P12');
  });
});
