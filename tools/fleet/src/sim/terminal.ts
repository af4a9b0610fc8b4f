/**
 * One virtual terminal: the same handshake, namespace and reconnection policy as the real terminal
 * (apps/terminal/src/renderer/connection), and the protocol's events — announcements (delivered
 * receipts, acked once stored), check-ins and calls — with timings reported to a recorder.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type Ack,
  type AnnouncementSync,
  type CallInfo,
  type CheckinReceipt,
  type ConnectErrorData,
  ErrorCodes,
  PROTOCOL_VERSION,
  type QueuePosition,
  TERMINAL_NAMESPACE,
  type TerminalAnnouncement,
  type TerminalClientEvents,
  type TerminalServerEvents,
} from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';

/**
 * The terminal's reconnection policy (apps/terminal/src/renderer/connection/backoff.ts RECONNECT):
 * first retry after about a second, doubling to at most 30 s, ±50 % jitter, never giving up.
 * Kept equal to the terminal's by sim/terminal.test.ts.
 */
export const TERMINAL_RECONNECT = { initialMs: 1_000, maxMs: 30_000, jitter: 0.5 } as const;
export const TERMINAL_HEARTBEAT_MS = 30_000;
/** The terminal's connect timeout (backoff.ts CONNECT_TIMEOUT_MS): one attempt is not cut and paid for twice. */
export const TERMINAL_CONNECT_TIMEOUT_MS = 30_000;

/** The terminal's wait after HUB_BUSY (backoff.ts busyDelay): the hub's moment plus up to a fifth, never sooner. */
export function busyRetryDelay(retryAfterMs: unknown, fallback: number, random: () => number = Math.random): number {
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs < 0) return fallback;
  return Math.round(Math.min(5 * 60_000, Math.max(250, retryAfterMs)) * (1 + 0.2 * random()));
}

export interface TerminalIdentity {
  householdId: number;
  terminalId: number;
  credential: string;
}

export type Transport = 'polling' | 'websocket';

/** What the fleet wants to know about; every time is `performance.now()` in this process. */
export interface TerminalRecorder {
  connected?(t: VirtualTerminal, at: number, reconnect: boolean): void;
  disconnected?(t: VirtualTerminal, at: number, reason: string): void;
  announcement?(t: VirtualTerminal, a: TerminalAnnouncement, at: number, via: 'live' | 'sync'): void;
  receiptStored?(t: VirtualTerminal, announcementId: number, at: number): void;
  receiptFailed?(t: VirtualTerminal, announcementId: number, code: string): void;
  queueUpdated?(t: VirtualTerminal, p: QueuePosition, at: number): void;
  callConnected?(t: VirtualTerminal, p: CallInfo, at: number): void;
  gaveUp?(t: VirtualTerminal, reason: string): void;
  /** A connect attempt begins: socket.io-client's own reconnection, or ours after a refusal. */
  attempt?(t: VirtualTerminal, at: number, by: 'backoff' | 'retry'): void;
  /** An attempt failed before the hub answered (connection refused, reset, timed out). */
  attemptFailed?(t: VirtualTerminal, at: number): void;
  /** The hub said HUB_BUSY and gave a moment to come back. */
  busy?(t: VirtualTerminal, at: number, retryAfterMs: number | undefined): void;
}

export interface VirtualTerminalOptions {
  hub: string;
  identity: TerminalIdentity;
  recorder?: TerminalRecorder;
  /** The terminal's own default (long-polling first, then upgrade) unless told otherwise. */
  transports?: Transport[];
  /** 0 turns heartbeats off. */
  heartbeatMs?: number;
  /** Socket.IO-level connect timeout. */
  timeoutMs?: number;
  /** Send `delivered` receipts for announcements (default true). */
  receipts?: boolean;
  localAddress?: string;
}

export type Sock = Socket<TerminalServerEvents, TerminalClientEvents>;

/** Emits a command and resolves with the hub's ack, or a local error ack when none arrives in time. */
export function command<T>(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<Ack<T>> {
  if (!socket.connected) {
    return Promise.resolve({ ok: false, error: { code: 'NOT_CONNECTED', message: 'not connected to the hub' } });
  }
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, ack: Ack<T>) => {
      if (err)
        resolve({ ok: false, error: { code: 'ACK_TIMEOUT', message: `no answer to ${event} in ${timeoutMs} ms` } });
      else resolve(ack);
    });
  });
}

/**
 * Receipts wait until this process has had a turn of its event loop in which no announcement
 * arrived. Every virtual terminal here shares one event loop, where a real terminal has its own
 * CPU: a receipt written while other terminals' copies are still arriving delays their reception
 * times, and the bare-WebSocket baseline sends nothing back. The hub still gets every receipt the
 * moment a fan-out's arrivals stop.
 */
const receiptsDue: (() => void)[] = [];
let arrivedThisTurn = false;
let receiptsArmed = false;
export function receiptAfterArrivals(send: () => void) {
  receiptsDue.push(send);
  arrivedThisTurn = true;
  if (!receiptsArmed) {
    receiptsArmed = true;
    setImmediate(sendReceiptsWhenQuiet);
  }
}
function sendReceiptsWhenQuiet() {
  if (arrivedThisTurn) {
    arrivedThisTurn = false;
    setImmediate(sendReceiptsWhenQuiet);
    return;
  }
  receiptsArmed = false;
  for (const send of receiptsDue.splice(0)) send();
}

export class VirtualTerminal {
  readonly socket: Sock;
  readonly identity: TerminalIdentity;
  /** First time each announcement id was seen. */
  readonly seen = new Map<number, number>();
  /** When the receipt for each announcement was acknowledged as stored. */
  readonly stored = new Map<number, number>();
  connects = 0;
  disconnects = 0;
  /** Times the hub said HUB_BUSY and gave a moment to come back. */
  busyRefusals = 0;
  gaveUp: string | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private refusals = 0;
  private stopped = false;

  constructor(private readonly options: VirtualTerminalOptions) {
    this.identity = options.identity;
    const base = new URL(options.hub);
    this.socket = io(new URL(TERMINAL_NAMESPACE.slice(1), base).href, {
      path: `${base.pathname.replace(/\/$/, '')}/socket.io`,
      auth: { credential: options.identity.credential, protocolVersion: PROTOCOL_VERSION },
      autoConnect: false,
      // Each virtual terminal has its own connection (the real one is alone in its process).
      forceNew: true,
      timeout: options.timeoutMs ?? TERMINAL_CONNECT_TIMEOUT_MS,
      reconnection: true,
      reconnectionAttempts: Number.POSITIVE_INFINITY,
      reconnectionDelay: TERMINAL_RECONNECT.initialMs,
      reconnectionDelayMax: TERMINAL_RECONNECT.maxMs,
      randomizationFactor: TERMINAL_RECONNECT.jitter,
      ...(options.transports ? { transports: options.transports } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const rec = options.recorder ?? {};
    const s = this.socket;
    s.on('connect', () => {
      this.refusals = 0;
      this.connects++;
      rec.connected?.(this, performance.now(), this.connects > 1);
    });
    s.on('disconnect', (reason) => {
      this.disconnects++;
      rec.disconnected?.(this, performance.now(), reason);
      // The hub closed the session itself: socket.io-client will not come back on its own.
      if (!this.stopped && reason === 'io server disconnect') this.retryLater();
    });
    s.on('connect_error', (err: Error & { data?: ConnectErrorData }) => {
      if (this.stopped || s.active) return; // network failure: socket.io-client is retrying
      const code = err.data?.code;
      if (code === ErrorCodes.CREDENTIAL_REVOKED || code === ErrorCodes.UNAUTHENTICATED) {
        this.gaveUp = code;
        rec.gaveUp?.(this, code);
        this.stop();
      } else if (code === ErrorCodes.HUB_BUSY) {
        this.busyRefusals++;
        rec.busy?.(this, performance.now(), err.data?.retryAfterMs);
        this.retryLater(err.data?.retryAfterMs);
      } else this.retryLater();
    });
    s.io.on('reconnect_attempt', () => rec.attempt?.(this, performance.now(), 'backoff'));
    s.io.on('reconnect_error', () => rec.attemptFailed?.(this, performance.now()));
    s.io.on('reconnect_failed', () => {
      this.gaveUp = 'reconnect_failed';
      rec.gaveUp?.(this, 'reconnect_failed');
    });
    const received = (a: TerminalAnnouncement, via: 'live' | 'sync') => {
      if (this.seen.has(a.id)) return;
      const at = performance.now();
      this.seen.set(a.id, at);
      rec.announcement?.(this, a, at, via);
      if (options.receipts !== false) receiptAfterArrivals(() => void this.receipt(a.id));
    };
    s.on('announcement:published', (a) => received(a, 'live'));
    s.on('announcement:sync', (p: AnnouncementSync) => {
      for (const a of p.announcements) if (!a.acknowledged) received(a, 'sync');
    });
    s.on('call:queueUpdated', (p) => rec.queueUpdated?.(this, p, performance.now()));
    s.on('call:connected', (p) => rec.callConnected?.(this, p, performance.now()));
  }

  /** Connects; resolves on the first connection, rejects when the hub refuses the terminal or times out. */
  connect(timeoutMs = 60_000): Promise<void> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`terminal ${this.identity.terminalId}: not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      const ok = () => {
        cleanup();
        resolve();
      };
      const refused = (err: Error & { data?: ConnectErrorData }) => {
        // A busy hub is not a refusal: the terminal comes back when it was told to.
        if (this.socket.active || err.data?.code === ErrorCodes.HUB_BUSY) return;
        cleanup();
        reject(new Error(`terminal ${this.identity.terminalId} refused: ${err.data?.code ?? err.message}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.socket.off('connect', ok);
        this.socket.off('connect_error', refused);
      };
      this.socket.on('connect', ok);
      this.socket.on('connect_error', refused);
      this.socket.connect();
      const every = this.options.heartbeatMs ?? TERMINAL_HEARTBEAT_MS;
      if (every > 0 && !this.heartbeat) {
        // A random phase, as real terminals switched on at different times.
        const first = setTimeout(() => {
          this.beat(every);
          this.heartbeat = setInterval(() => this.beat(every), every);
        }, Math.random() * every);
        this.heartbeat = first;
      }
    });
  }

  private beat(every: number) {
    if (this.socket.connected) void command(this.socket, 'terminal:heartbeat', {}, every / 2);
  }

  /** After a refusal: at the moment the hub gave (HUB_BUSY), else the terminal's backoff. */
  private retryLater(retryAfterMs?: number) {
    clearTimeout(this.retry);
    const base = Math.min(TERMINAL_RECONNECT.maxMs, TERMINAL_RECONNECT.initialMs * 2 ** this.refusals++);
    const spread = base * TERMINAL_RECONNECT.jitter;
    const backoff = base - spread + Math.random() * 2 * spread;
    this.retry = setTimeout(
      () => {
        if (this.stopped || this.socket.connected) return;
        this.options.recorder?.attempt?.(this, performance.now(), 'retry');
        this.socket.connect();
      },
      retryAfterMs === undefined ? backoff : busyRetryDelay(retryAfterMs, backoff),
    );
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Reports an announcement as delivered; the hub acks once the receipt is stored. */
  async receipt(
    announcementId: number,
    stage: 'delivered' | 'played' | 'acknowledged' = 'delivered',
  ): Promise<Ack<{ stored: true }>> {
    const ack = await command<{ stored: true }>(this.socket, 'announcement:receipt', { announcementId, stage }, 30_000);
    const rec = this.options.recorder ?? {};
    if (ack.ok) {
      if (stage === 'delivered') this.stored.set(announcementId, performance.now());
      rec.receiptStored?.(this, announcementId, performance.now());
    } else rec.receiptFailed?.(this, announcementId, ack.error.code);
    return ack;
  }

  /** The 元気です button. */
  checkIn(mood?: 'good' | 'so_so' | 'not_good'): Promise<Ack<CheckinReceipt>> {
    return command<CheckinReceipt>(this.socket, 'checkin:submit', {
      idempotencyKey: randomUUID(),
      pressedAt: new Date().toISOString(),
      ...(mood ? { mood } : {}),
    });
  }

  requestCall(shopId: number): Promise<Ack<QueuePosition>> {
    return command<QueuePosition>(this.socket, 'call:request', { shopId });
  }

  hangUp(callId: number): Promise<Ack<{ callId: number }>> {
    return command(this.socket, 'call:hangUp', { callId });
  }

  cancelCall(callId: number): Promise<Ack<{ callId: number }>> {
    return command(this.socket, 'call:cancel', { callId });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    this.socket.disconnect();
  }
}
