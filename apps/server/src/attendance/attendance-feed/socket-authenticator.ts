import type { Principal, Role } from '../../auth/roles.js';

/** Who is on the other end of a socket. */
export type SocketPrincipal = Principal;

export type SocketVerdict =
  | { ok: true; principal: SocketPrincipal }
  | { ok: false; code: 'unauthorized' | 'forbidden' | 'rate_limited'; message: string };

/**
 * Checks a socket's `auth.token` before it may join a feed (provided by the
 * auth module: device tokens, the roles the feed declares), and tells the
 * gateway when a device is revoked so that its open sockets are closed.
 */
export abstract class SocketAuthenticator {
  /**
   * `roles`: who may join, declared by the gateway beside its handshake;
   * `countedFor`: the device the engine.io handshake was already counted for (its token in `Authorization`).
   */
  abstract authenticate(
    token: string | undefined,
    conferenceId: string,
    address: string,
    roles: readonly Role[],
    countedFor?: string,
  ): Promise<SocketVerdict>;
  /** Calls `listener` with the id of each device revoked from now on; returns the unsubscribe. */
  abstract onRevoked(listener: (deviceId: string) => void): () => void;
}
