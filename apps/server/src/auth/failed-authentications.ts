import { Injectable } from '@nestjs/common';
import { RateLimits, type RateLimitVerdict } from '../security/rate-limit.js';

/**
 * Counts failed authentications per client address (HTTP and socket
 * handshakes together; IPv6 by /64). Past the limit
 * (AUTH_FAILURES_PER_MINUTE), the address's requests that do not carry a
 * valid token are answered 429 until its minute has passed; devices with a
 * valid token behind the same address (a venue's shared Wi-Fi) keep working.
 * Tokens are 256 random bits: the limit is not what stops guessing, it keeps
 * a misbehaving client from hammering the server and the logs. Counted by
 * the same mechanism as every other limit (`RateLimits`, rate-limiter-flexible).
 */
@Injectable()
export class FailedAuthentications {
  constructor(private readonly limits: RateLimits) {}

  /** Records a failure; `allowed: false` once the address is over the limit. */
  fail(address: string | undefined): Promise<RateLimitVerdict> {
    return this.limits.authenticationFailed(address);
  }
}
