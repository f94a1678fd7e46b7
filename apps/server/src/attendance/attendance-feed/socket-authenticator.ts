import { Injectable } from '@nestjs/common';

/** Who is on the other end of a socket. */
export interface SocketPrincipal {
  deviceId: string | null;
  role: string | null;
}

/**
 * Checks a socket's `auth.token` before it may join a feed. Provided under
 * this class as a token: the devices issue replaces `AcceptAnyToken` with a
 * check of device tokens (roles `organiser` and `display` may watch
 * attendance), without touching the gateway. `null` refuses the connection.
 */
export abstract class SocketAuthenticator {
  abstract authenticate(token: string | undefined): Promise<SocketPrincipal | null>;
}

/** Until devices exist, every socket is let in, as every HTTP request is. */
@Injectable()
export class AcceptAnyToken extends SocketAuthenticator {
  authenticate(): Promise<SocketPrincipal | null> {
    return Promise.resolve({ deviceId: null, role: null });
  }
}
