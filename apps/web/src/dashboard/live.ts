import { useEffect, useRef, useState } from 'react';
import type { AttendanceServerEvents } from '@emargement/contract';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError, positionAfter, reportAuthFailure, type AttendanceSnapshot } from '../api';
import { storage } from '../storage';

/** How long a lost connection shows « Reconnexion… » before the figures are called stale. */
export const STALE_AFTER_MS = 10_000;

export type Connection =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; since: number }
  | { kind: 'stale'; since: number; code: string | null };

export interface LiveAttendance {
  /** The latest figures received, by HTTP or over the socket; `null` until the first. */
  snapshot: AttendanceSnapshot | null;
  connection: Connection;
  /** The first load failed (and no snapshot came over the socket either). */
  error: unknown;
}

/** Keeps the message with the highest position: positions only grow, and a late HTTP answer must not undo an update. */
const newer = (current: AttendanceSnapshot | null, next: AttendanceSnapshot): boolean =>
  current === null || current.conferenceId !== next.conferenceId || !positionAfter(current.position, next.position);

/**
 * The socket.io feed (`/attendance`): a `snapshot` on connection, then
 * `update`s, each the whole body with its `position`. Every connection
 * attempt (the first and each automatic reconnection) sends the last position
 * seen in `auth.position`, so the server can tell how far the dashboard got.
 * One GET at the start fills the screen even if the socket is slow to come up.
 *
 * The handshake carries the device's token (`auth.token`). A handshake
 * refused as `unauthorized` (unknown or revoked token) hands over to the
 * device gate, which shows the not-authorised screen, instead of trying
 * again; so does a server-side disconnect (a revocation closes the device's
 * sockets) once `GET /api/me` confirms the token is gone. Any other
 * server-side disconnect is followed by a new connection.
 */
export function useLiveAttendance(conferenceId: string | null): LiveAttendance {
  const [snapshot, setSnapshot] = useState<AttendanceSnapshot | null>(null);
  const [connection, setConnection] = useState<Connection>({ kind: 'connecting' });
  const [error, setError] = useState<unknown>(null);
  const last = useRef<AttendanceSnapshot | null>(null);

  useEffect(() => {
    if (!conferenceId) return undefined;
    let open = true;
    last.current = null;
    setSnapshot(null);
    setError(null);
    setConnection({ kind: 'connecting' });

    const accept = (next: AttendanceSnapshot) => {
      if (!open || !newer(last.current, next)) return;
      last.current = next;
      setSnapshot(next);
      setError(null);
    };

    api.attendance(conferenceId).then(accept, (e: unknown) => {
      if (open && last.current === null) setError(e);
    });

    /** The token the last handshake carried: a refusal is about that one, not one set since. */
    let sentToken: string | null = null;
    // The namespace's messages as the contract declares them (`snapshot`, `update`, `revoked`).
    const handshakeToken = storage.token();
    const socket: Socket<AttendanceServerEvents> = io('/attendance', {
      // The token on engine.io's own (polling) handshake as well: the screen is then counted on its device's
      // budget, not on its address's budget of requests without a token (screens behind one proxy address).
      ...(handshakeToken ? { extraHeaders: { authorization: `Bearer ${handshakeToken}` } } : {}),
      auth: (cb) => {
        const position = last.current?.position ?? null;
        sentToken = storage.token();
        cb({
          conferenceId,
          ...(sentToken ? { token: sentToken } : {}),
          ...(position !== null ? { position } : {}),
        });
      },
    });

    let staleTimer: ReturnType<typeof setTimeout> | undefined;
    const clearStale = () => {
      if (staleTimer !== undefined) clearTimeout(staleTimer);
      staleTimer = undefined;
    };
    const lost = (code: string | null) => {
      if (!open) return;
      const since = Date.now();
      if (!socket.active) {
        // Refused by the server (token, conference): socket.io will not try again by itself.
        clearStale();
        setConnection((c) => ({ kind: 'stale', since: 'since' in c ? c.since : since, code }));
        return;
      }
      setConnection((c) => (c.kind === 'reconnecting' || c.kind === 'stale' ? c : { kind: 'reconnecting', since }));
      if (staleTimer === undefined) {
        staleTimer = setTimeout(() => {
          staleTimer = undefined;
          if (open) setConnection((c) => (c.kind === 'reconnecting' ? { kind: 'stale', since: c.since, code } : c));
        }, STALE_AFTER_MS);
      }
    };

    socket.on('connect', () => {
      clearStale();
      if (open) setConnection({ kind: 'live' });
    });
    socket.on('snapshot', accept);
    socket.on('update', accept);
    socket.on('disconnect', (reason) => {
      lost(null);
      if (reason !== 'io server disconnect') return;
      // Closed by the server: socket.io will not reconnect by itself. Revoked? /api/me answers 401 and the
      // gate takes over; still enrolled (a restart, a conference moved): connect again.
      api.me().then(
        () => open && socket.connect(),
        (e: unknown) => {
          if (open && !(e instanceof ApiError && (e.status === 401 || e.status === 403))) socket.connect();
        },
      );
    });
    socket.on('connect_error', (err: Error & { data?: { code?: unknown } }) => {
      const code = typeof err.data?.code === 'string' ? err.data.code : null;
      if (code === 'unauthorized') {
        socket.disconnect();
        reportAuthFailure(401, sentToken);
      }
      lost(code);
    });

    return () => {
      open = false;
      clearStale();
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [conferenceId]);

  return { snapshot, connection, error };
}
