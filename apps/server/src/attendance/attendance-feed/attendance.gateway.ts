import type { OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { DefaultEventsMap, Namespace as IoNamespace, Socket as IoSocket } from 'socket.io';
import type { AttendanceServerEvents } from '@emargement/contract';
import { AttendanceReadModel } from '../attendance-read-model.js';
import { Coalescer } from './coalescer.js';
import { SocketAuthenticator, type SocketPrincipal } from './socket-authenticator.js';
import { handshakeAddress, handshakeCountedFor } from '../../security/rate-limit.js';
import type { Role } from '../../auth/roles.js';

/**
 * At most one `update` per conference per interval (plus the first at once):
 * five a second, whatever the rate of admissions. A steady stream of
 * admissions reaches the clients within one interval (the p99 of the
 * benchmark's delay is about the interval plus the fan-out).
 */
export const UPDATE_INTERVAL_MS = 200;

/** Who may watch the feed: the organisers and the big screens (aggregate attendance, as GET …/attendance). */
export const FEED_ROLES: readonly Role[] = ['organiser', 'display'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^\d{1,20}$/;

// What this namespace emits is the contract's (libs/contract): another shape is a type error.
type Namespace = IoNamespace<DefaultEventsMap, AttendanceServerEvents>;
type Socket = IoSocket<DefaultEventsMap, AttendanceServerEvents>;

interface FeedData {
  principal: SocketPrincipal;
  conferenceId: string;
}

class HandshakeError extends Error {
  readonly data: { code: string };
  constructor(code: string, message: string) {
    super(message);
    this.data = { code };
  }
}

const room = (conferenceId: string): string => `conference:${conferenceId}`;

/**
 * socket.io namespace `/attendance`: handshake `auth: {token, conferenceId,
 * position?}`; the server sends `snapshot` (the body of GET .../attendance),
 * then `update` messages with the same body.
 *
 * Every message carries the whole snapshot, with its `position`, rather than
 * a delta: a client that missed messages (disconnected, or coalesced away
 * under a burst) is made exact by the next one, so "nothing missed, nothing
 * counted twice" holds by construction, and a client reconnecting with the
 * last position it saw is sent the current snapshot at once, whatever that
 * position (it is checked, and kept for the future, but a snapshot is
 * cheaper to send than to reason about). A client keeps the message with the
 * highest position: positions only grow.
 *
 * A refused handshake ends in the client's `connect_error`, whose `data.code`
 * is `invalid_handshake`, `unauthorized`, `forbidden`, `rate_limited` or
 * `conference_not_found`. A revoked device's sockets get a `revoked` message
 * and are disconnected by the server.
 */
@WebSocketGateway({ namespace: '/attendance' })
export class AttendanceGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnModuleDestroy {
  @WebSocketServer() private namespace: Namespace | undefined;
  private readonly coalescer = new Coalescer<string>(UPDATE_INTERVAL_MS, (cid) => this.push(cid));
  private stopListening: (() => void) | undefined;
  private stopWatchingRevocations: (() => void) | undefined;

  constructor(
    private readonly attendance: AttendanceReadModel,
    private readonly authenticator: SocketAuthenticator,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      );
    });
    // A revoked device's sockets are closed at once (it must not go on watching).
    this.stopWatchingRevocations = this.authenticator.onRevoked((deviceId) => {
      for (const socket of namespace.sockets.values()) {
        const data = socket.data as Partial<FeedData>;
        if (data.principal?.deviceId === deviceId) {
          socket.emit('revoked', { code: 'unauthorized', message: 'This device was revoked' });
          socket.disconnect(true);
        }
      }
    });
    this.stopListening = this.attendance.onChange((conferenceIds) => {
      for (const cid of conferenceIds) {
        if (namespace.adapter.rooms.has(room(cid))) this.coalescer.touch(cid);
      }
    });
  }

  /** The handshake: well formed, authenticated, for a conference that exists. */
  private async admit(socket: Socket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const { token, conferenceId, position } = auth;
    if (typeof conferenceId !== 'string' || !UUID.test(conferenceId)) {
      throw new HandshakeError('invalid_handshake', 'auth.conferenceId must be a conference id (UUID)');
    }
    if (position !== undefined && position !== null && (typeof position !== 'string' || !POSITION.test(position))) {
      throw new HandshakeError('invalid_handshake', 'auth.position must be a position as a decimal string');
    }
    if (token !== undefined && typeof token !== 'string') {
      throw new HandshakeError('invalid_handshake', 'auth.token must be a string');
    }
    // The address the handshake's rate limit counted (behind TRUST_PROXY, the client's, not the proxy's).
    const address = handshakeAddress(socket.request) ?? socket.handshake.address;
    const verdict = await this.authenticator.authenticate(
      token,
      conferenceId,
      address,
      FEED_ROLES,
      handshakeCountedFor(socket.request),
    );
    if (!verdict.ok) throw new HandshakeError(verdict.code, verdict.message);
    const principal = verdict.principal;
    // A conference scheduled a moment ago may not be projected yet.
    if (!this.attendance.snapshot(conferenceId)) await this.attendance.fresh();
    if (!this.attendance.snapshot(conferenceId)) {
      throw new HandshakeError('conference_not_found', `No conference ${conferenceId}`);
    }
    socket.data = { principal, conferenceId } satisfies FeedData;
  }

  async handleConnection(socket: Socket): Promise<void> {
    const { conferenceId } = socket.data as FeedData;
    // Join, then read: an update committed in between reaches the room, and
    // the snapshot read after the join is at least as recent.
    await socket.join(room(conferenceId));
    const snapshot = this.attendance.snapshot(conferenceId);
    if (snapshot) socket.emit('snapshot', snapshot);
  }

  private push(conferenceId: string): void {
    const snapshot = this.attendance.snapshot(conferenceId);
    if (snapshot && this.namespace) this.namespace.to(room(conferenceId)).emit('update', snapshot);
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    this.stopWatchingRevocations?.();
    this.coalescer.close();
  }
}
