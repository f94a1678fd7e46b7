import { readFileSync } from 'node:fs';
import { ConfigError, type CharterSigningConfig } from '../../config/config.js';
import { readP12, type SealKeys } from './seal-keys.js';

/**
 * CHARTER_SIGNING_P12 opened with its passphrase: the key and its chain, leaf
 * first. Called when the charter seal is built, at start, so that a wrong file
 * or passphrase stops the server with the variable named, as a wrong TLS file
 * does (the configuration holds the file's name; opening it is the seal's
 * business, so the configuration does not depend on the seal).
 */
export function openSigningKey(signing: CharterSigningConfig): Omit<SealKeys, 'source'> {
  const { file, passphrase } = signing;
  let der: Buffer;
  try {
    der = readFileSync(file);
  } catch (error) {
    throw new ConfigError(
      'CHARTER_SIGNING_P12',
      `cannot be read (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return readP12(der, passphrase);
  } catch (error) {
    const message = (error as Error).message;
    if (/mac|password|passphrase|decrypt/i.test(message))
      throw new ConfigError('CHARTER_SIGNING_PASSPHRASE', `does not open CHARTER_SIGNING_P12 (${file}): ${message}`);
    throw new ConfigError('CHARTER_SIGNING_P12', `is not a usable PKCS#12 file (${file}): ${message}`);
  }
}
