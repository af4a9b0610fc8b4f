/**
 * The terminal's one Socket.IO connection to the hub's /terminal namespace, typed with the
 * protocol's event maps. It keeps itself connected (socket.io-client's backoff for lost
 * connections, our own for refusals), sends heartbeats and reports a simple status. Features add
 * their own listeners on `connection.socket` (see useSocketEvent).
 */
import {
  type ConnectErrorData,
  ErrorCodes,
  PROTOCOL_VERSION,
  TERMINAL_NAMESPACE,
  type TerminalClientEvents,
  type TerminalProfile,
  type TerminalServerEvents,
} from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { ackWithTimeout } from './ack';
import {
  type BackoffOptions,
  backoffDelay,
  busyDelay,
  CONNECT_TIMEOUT_MS,
  OUTDATED_RETRY,
  RECONNECT,
  socketIoReconnectOptions,
} from './backoff';

export type TerminalSocket = Socket<TerminalServerEvents, TerminalClientEvents>;

/**
 * connecting: never connected yet in this session; online: connected; offline: lost or refused,
 * retrying; outdated: the hub speaks another protocol version (retrying slowly).
 */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'outdated';

export type RefusalAction = 'forget-credential' | 'outdated' | 'busy' | 'retry';

/** What to do about a connect_error `data` the hub attached (or did not). */
export function classifyRefusal(data: unknown): RefusalAction {
  const code = typeof data === 'object' && data !== null ? (data as Partial<ConnectErrorData>).code : undefined;
  if (code === ErrorCodes.CREDENTIAL_REVOKED || code === ErrorCodes.UNAUTHENTICATED) return 'forget-credential';
  if (code === ErrorCodes.PROTOCOL_MISMATCH) return 'outdated';
  if (code === ErrorCodes.HUB_BUSY) return 'busy';
  return 'retry';
}

export interface ConnectionEvents {
  status(status: ConnectionStatus): void;
  profile(profile: TerminalProfile): void;
  /** The hub no longer accepts this credential: forget it and enroll again. */
  credentialRejected(): void;
}

export interface ConnectionOptions {
  /** Hub base URL with trailing slash, e.g. http://hub.example/ */
  hubBase: string;
  credential: string;
  events: ConnectionEvents;
  heartbeatMs?: number;
  /** Reported to the hub for city hall's fleet view. */
  appVersion?: string;
  reconnect?: BackoffOptions;
}

export const HEARTBEAT_MS = 30_000;

export class TerminalConnection {
  readonly socket: TerminalSocket;
  private status: ConnectionStatus = 'connecting';
  private refusals = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly options: ConnectionOptions) {
    const base = new URL(options.hubBase);
    const reconnect = options.reconnect ?? RECONNECT;
    this.socket = io(new URL(TERMINAL_NAMESPACE.slice(1), base).href, {
      path: `${base.pathname.replace(/\/$/, '')}/socket.io`,
      auth: {
        credential: options.credential,
        protocolVersion: PROTOCOL_VERSION,
        ...(options.appVersion ? { appVersion: options.appVersion } : {}),
      },
      autoConnect: false,
      timeout: CONNECT_TIMEOUT_MS,
      ...socketIoReconnectOptions(reconnect),
    });
    this.socket.on('connect', () => {
      // For the bench's start figure (User Timing), once per page.
      if (!performance.getEntriesByName('terminal:connected').length) performance.mark('terminal:connected');
      this.refusals = 0;
      this.setStatus('online');
    });
    this.socket.on('disconnect', (reason) => {
      if (this.stopped) return;
      this.setStatus('offline');
      // The hub closed the session itself: socket.io-client will not come back on its own.
      if (reason === 'io server disconnect') this.retryLater(RECONNECT);
    });
    this.socket.on('connect_error', (err: Error & { data?: unknown }) => {
      if (this.stopped) return;
      if (this.socket.active) {
        // A network-level failure: socket.io-client is already retrying with backoff.
        this.setStatus(this.status === 'outdated' ? 'outdated' : 'offline');
        return;
      }
      const action = classifyRefusal(err.data);
      if (action === 'forget-credential') {
        this.stop();
        this.options.events.credentialRejected();
      } else if (action === 'outdated') {
        this.setStatus('outdated');
        this.retryLater(OUTDATED_RETRY);
      } else if (action === 'busy') {
        // The hub is back and taking everyone in turn: come back at the moment it gave.
        this.setStatus('offline');
        this.retryAt(busyDelay((err.data as ConnectErrorData).retryAfterMs, this.refusals++));
      } else {
        this.setStatus('offline');
        this.retryLater(reconnect);
      }
    });
    this.socket.on('terminal:profileChanged', (profile) => {
      // For the bench's start figure: the first profile (home can be drawn from here on).
      if (!performance.getEntriesByName('terminal:profile').length) performance.mark('terminal:profile');
      this.options.events.profile(profile);
    });
    this.socket.on('terminal:revoked', () => {
      this.stop();
      this.options.events.credentialRejected();
    });
  }

  start(): void {
    // For the bench's start figure: the first connection attempt begins.
    if (!performance.getEntriesByName('terminal:connecting').length) performance.mark('terminal:connecting');
    this.stopped = false;
    this.socket.connect();
    const every = this.options.heartbeatMs ?? HEARTBEAT_MS;
    this.heartbeatTimer = setInterval(() => {
      if (this.socket.connected) void ackWithTimeout(this.socket, 'terminal:heartbeat', {}, every / 2);
    }, every);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  /**
   * True once connected. While the first connection of this start is still being made (home drawn
   * from the remembered profile), waits for it — at most `timeoutMs` — rather than answering
   * "not connected" to a resident who pressed a button a moment too early; false at once when the
   * hub is known to be away, when it refuses, or when the wait runs out.
   */
  whenConnected(timeoutMs: number): Promise<boolean> {
    if (this.socket.connected) return Promise.resolve(true);
    if (this.status !== 'connecting' || this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (connected: boolean) => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        resolve(connected);
      };
      const onConnect = () => done(true);
      const onError = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
    });
  }

  private setStatus(next: ConnectionStatus): void {
    if (next === this.status) return;
    this.status = next;
    this.options.events.status(next);
  }

  private retryLater(policy: BackoffOptions): void {
    this.retryAt(backoffDelay(this.refusals++, policy));
  }

  private retryAt(delay: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped && !this.socket.connected) this.socket.connect();
    }, delay);
  }
}
