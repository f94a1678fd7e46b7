import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RateLimiter } from '../security/rate-limit.js';

/**
 * Counts failed authentications per client address (HTTP and socket
 * handshakes together). Past the limit, the address's requests that do not
 * carry a valid token are answered 429 until the window has passed; devices
 * with a valid token behind the same address (a venue's shared Wi-Fi) keep
 * working. Tokens are 256 random bits: the limit is not what stops guessing,
 * it keeps a misbehaving client from hammering the server and the logs.
 */
@Injectable()
export class FailedAuthentications {
  private readonly limiter: RateLimiter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limiter = new RateLimiter({ limit: config.authFailuresPerMinute, windowMs: 60_000 });
  }

  /** Records a failure; `allowed: false` once the address is over the limit. */
  fail(address: string): { allowed: boolean; retryAfterSeconds: number } {
    return this.limiter.hit(address);
  }
}
