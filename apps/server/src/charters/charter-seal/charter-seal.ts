import { Controller, Get, Header, Inject, Injectable } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { join } from 'node:path';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ensureSealKeys, type SealKeys } from './seal-keys.js';
import { openSigningKey } from './seal-config.js';
import { ApiFileAnswer } from '../../shared/api-answers.js';
import { Roles, ANY_ROLE } from '../../auth/roles.js';

/**
 * The key that seals closed charters: the configured PKCS#12, opened at start
 * (a wrong file or passphrase stops the server, naming the variable), or the
 * generated root and signing certificate, made at first use (not at start:
 * a server that never closes a charter makes no keys).
 */
@Injectable()
export class CharterSealKeys {
  private keys: SealKeys | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const configured = config.charterSigning;
    if (configured) this.keys = { ...openSigningKey(configured), source: 'p12' };
  }

  get(): SealKeys {
    this.keys ??= ensureSealKeys(join(this.config.dataDir, 'charter-seal'), 'Émargement');
    return this.keys;
  }
}

@ApiTags('charter')
@Controller('charter-seal')
export class CharterSealController {
  constructor(private readonly keys: CharterSealKeys) {}

  @Get('root.crt')
  @Header('Content-Type', 'application/x-pem-file')
  @Header('Content-Disposition', 'attachment; filename="emargement-charter-root.crt"')
  @ApiProduces('application/x-pem-file')
  @ApiFileAnswer('application/x-pem-file', 'The root certificate (PEM)')
  @ApiOperation({
    summary: 'The root certificate that sealed charters chain to (PEM): what a reader trusts to check the seal',
  })
  // The root that sealed charters chain to: no secret, any device may hand it on.
  @Roles(...ANY_ROLE)
  root(): string {
    return this.keys.get().rootPem;
  }
}
