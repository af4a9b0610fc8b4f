/**
 * Who may connect, checked in the Socket.IO handshake before any connection handler runs: a
 * terminal by its protocol version, the hub's admission rate and its device credential; staff by
 * the page's origin and their session cookie. A refusal carries a stable code (ConnectErrorData).
 */
import { type ConnectErrorData, PROTOCOL_VERSION } from '@tsunagu/protocol';
import type { Socket } from 'socket.io';
import { handshakeAddress } from '../lib/client-address';
import type { Principal } from '../lib/principal';
import type { SocketData } from '../lib/socket-handler';
import type { AdmissionControl } from './admission';
import { type Authenticators, SESSION_COOKIE } from './auth';

type Middleware = (socket: Socket<never, never, never, SocketData>, next: (err?: Error) => void) => void;

class RefusedError extends Error {
  data: ConnectErrorData;
  constructor(data: ConnectErrorData) {
    super(data.message);
    this.data = data;
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Anything but /terminal and /staff is refused by Socket.IO ("Invalid namespace"). */
export const refuseOtherNamespaces: Middleware = (_socket, next) =>
  next(new RefusedError({ code: 'NOT_FOUND', message: 'Use the /terminal or /staff namespace.' }));

export function terminalHandshake(deps: {
  auth: Pick<Authenticators, 'terminal'>;
  trustProxy: boolean;
  admit: AdmissionControl;
}): Middleware {
  return (socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { credential?: unknown; protocolVersion?: unknown };
    if (auth.protocolVersion !== PROTOCOL_VERSION) {
      return next(
        new RefusedError({
          code: 'PROTOCOL_MISMATCH',
          message: `This terminal speaks protocol version ${String(auth.protocolVersion)} but the hub speaks ${PROTOCOL_VERSION}. Update the terminal software.`,
          serverProtocolVersion: PROTOCOL_VERSION,
        }),
      );
    }
    if (typeof auth.credential !== 'string' || auth.credential.length > 200) {
      return next(new RefusedError({ code: 'UNAUTHENTICATED', message: 'A device credential is required.' }));
    }
    const admitted = (principal: Principal | null) => {
      if (!principal)
        return next(
          new RefusedError({ code: 'CREDENTIAL_REVOKED', message: 'This terminal is not (or no longer) enrolled.' }),
        );
      socket.data.principal = principal;
      socket.data.address = handshakeAddress(socket.handshake, deps.trustProxy);
      next();
    };
    const credential = auth.credential;
    // Before the credential check: a refusal must cost the hub as little as possible. A terminal
    // beyond the rate waits in line with its connection open (plugins/admission.ts).
    deps.admit.request(
      (admission) => {
        if (!admission.admitted) {
          return next(
            new RefusedError({
              code: 'HUB_BUSY',
              message: `The hub is taking many terminals at once. Connect again in ${admission.retryAfterMs} ms.`,
              retryAfterMs: admission.retryAfterMs,
            }),
          );
        }
        // A remembered credential answers at once (the reconnect storm's path); only a lookup waits.
        const found = deps.auth.terminal(credential);
        if (found instanceof Promise) found.then(admitted, (err: Error) => next(err));
        else admitted(found);
      },
      () => socket.conn.readyState === 'open',
    );
  };
}

export function staffHandshake(deps: {
  auth: Pick<Authenticators, 'session'>;
  trustProxy: boolean;
  /** Besides same-origin pages, the origin people use (behind a reverse proxy). */
  publicUrl: string;
  parseCookie: (header: string) => Record<string, string | undefined>;
}): Middleware {
  return (socket, next) => {
    // Cross-site WebSocket hijacking: a page elsewhere must not ride on a staff member's cookie.
    const origin = socket.handshake.headers.origin;
    if (origin && !sameOrigin(origin, socket.handshake.headers.host) && origin !== deps.publicUrl) {
      return next(new RefusedError({ code: 'FORBIDDEN', message: 'Connections from this origin are not allowed.' }));
    }
    const cookies = deps.parseCookie(socket.handshake.headers.cookie ?? '');
    const token = cookies[SESSION_COOKIE];
    Promise.resolve(token ? deps.auth.session(token) : null).then((principal) => {
      if (!principal) return next(new RefusedError({ code: 'UNAUTHENTICATED', message: 'Please sign in.' }));
      if (principal.kind === 'user' && principal.twoFactorPending)
        return next(
          new RefusedError({ code: 'TWO_FACTOR_SETUP_REQUIRED', message: 'Set up two-factor sign-in first.' }),
        );
      socket.data.principal = principal;
      socket.data.address = handshakeAddress(socket.handshake, deps.trustProxy);
      next();
    }, next);
  };
}
