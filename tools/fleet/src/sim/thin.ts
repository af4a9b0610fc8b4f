/**
 * Protocol-level receivers for the fan-out figure (issue 17): a terminal's connection to the hub as
 * the wire sees it — the WebSocket, engine.io's open and ping/pong, Socket.IO's CONNECT to the
 * terminal namespace with the device credential, the `announcement:published` event and the
 * `delivered` receipt with its ack — without socket.io-client.
 *
 * Why: ten thousand virtual terminals share one process and one core, where each real terminal has
 * its own. socket.io-client's chain for each message (engine.io-client, the decoder, several
 * emitters) costs that process two to three times what the bare-WebSocket baseline's clients spend
 * on theirs (one JSON.parse), so with it the fan-out measures the fleet's decoding as much as the
 * hub: a plain Socket.IO server's own fan-out to socket.io-client clients in one process is 1.5–1.7×
 * the bare-ws one (docs/benchmarks.md, session 16). These receivers do per message what the bare-ws
 * clients do — take the frame, parse its JSON — so the two servers are compared like for like. The
 * figure with socket.io-client in every terminal is still measured and reported beside it.
 */
import { performance } from 'node:perf_hooks';
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import WebSocket from 'ws';
import type { Fleet } from './fleet';
import { pool, sleep } from './pool';
import { receiptAfterArrivals, type TerminalIdentity } from './terminal';

/** engine.io v4 packet types, and Socket.IO v5's inside a `message` (4) packet. */
const EIO_OPEN = '0';
const EIO_PING = '2';
const EIO_PONG = '3';
const SIO = {
  connect: `40${TERMINAL_NAMESPACE},`,
  event: `42${TERMINAL_NAMESPACE},`,
  ack: `43${TERMINAL_NAMESPACE},`,
  connectError: `44${TERMINAL_NAMESPACE},`,
} as const;

export interface ThinReceiverOptions {
  hub: string;
  credential: string;
  localAddress?: string;
  /** An announcement arrived (first time each id; `at` is performance.now()). */
  received(id: number, at: number): void;
  /** Its `delivered` receipt was acked as stored. */
  stored(id: number, at: number): void;
  /** Send `delivered` receipts (default true), after the arrivals stop, as the virtual terminals do. */
  receipts?: boolean;
}

/** Refused by the hub: the connect error's message and, when busy, how long it asked to wait. */
export class ThinRefused extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

export class ThinReceiver {
  private readonly seen = new Set<number>();
  private readonly pending = new Map<number, number>();
  private nextAck = 0;

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: ThinReceiverOptions,
  ) {}

  /** Opens the connection and joins the terminal namespace; rejects with ThinRefused when refused. */
  static open(options: ThinReceiverOptions, timeoutMs = 30_000): Promise<ThinReceiver> {
    const url = new URL(options.hub);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = `${url.pathname.replace(/\/$/, '')}/socket.io/`;
    url.search = '?EIO=4&transport=websocket';
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const receiver = new ThinReceiver(ws, options);
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no connection in ${timeoutMs} ms`)), timeoutMs);
      ws.on('error', fail);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const s = data.toString();
        if (s === EIO_PING) ws.send(EIO_PONG);
        else if (s.startsWith(SIO.event)) receiver.onEvent(s);
        else if (s.startsWith(SIO.ack)) receiver.onAck(s);
        else if (s[0] === EIO_OPEN)
          ws.send(
            `${SIO.connect}${JSON.stringify({ credential: options.credential, protocolVersion: PROTOCOL_VERSION })}`,
          );
        else if (s.startsWith(SIO.connect)) {
          clearTimeout(timer);
          ws.off('error', fail);
          ws.on('error', () => {});
          resolve(receiver);
        } else if (s.startsWith(SIO.connectError)) {
          const e = JSON.parse(s.slice(SIO.connectError.length)) as {
            message?: string;
            data?: { retryAfterMs?: number };
          };
          fail(new ThinRefused(e.message ?? 'refused', e.data?.retryAfterMs));
        }
      });
    });
  }

  private onEvent(frame: string): void {
    // The same work as a bare-ws client's: one JSON.parse of the frame's payload.
    const [event, payload] = JSON.parse(frame.slice(SIO.event.length)) as [string, { id?: unknown }];
    if (event !== 'announcement:published' || typeof payload?.id !== 'number') return;
    const id = payload.id;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.options.received(id, performance.now());
    if (this.options.receipts !== false) receiptAfterArrivals(() => this.receipt(id));
  }

  private receipt(announcementId: number): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const ackId = this.nextAck++;
    this.pending.set(ackId, announcementId);
    this.ws.send(
      `${SIO.event}${ackId}${JSON.stringify(['announcement:receipt', { announcementId, stage: 'delivered' }])}`,
    );
  }

  private onAck(frame: string): void {
    const body = frame.slice(SIO.ack.length);
    const open = body.indexOf('[');
    const ackId = Number(body.slice(0, open));
    const announcementId = this.pending.get(ackId);
    if (announcementId === undefined) return;
    this.pending.delete(ackId);
    const [ack] = JSON.parse(body.slice(open)) as [{ ok?: boolean }];
    if (ack?.ok) this.options.stored(announcementId, performance.now());
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * Opens a receiver for each identity (`concurrency` at a time, each from the loopback address its
 * virtual terminal uses), noting arrivals and stored receipts in `fleet`'s tracking so its fan-out
 * measures them. A busy hub's refusal is waited out as the terminal does; other failures are counted.
 */
export async function openThinReceivers(
  fleet: Fleet,
  hub: string,
  identities: readonly TerminalIdentity[],
  concurrency = 100,
): Promise<{ receivers: ThinReceiver[]; ms: number; failed: string[] }> {
  const started = performance.now();
  const failed: string[] = [];
  const opened = await pool(identities.slice(), concurrency, async (identity, i) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const localAddress = fleet.bindAddress(i);
        return await ThinReceiver.open({
          hub,
          credential: identity.credential,
          ...(localAddress ? { localAddress } : {}),
          received: (id, at) => fleet.noteReceived(id, at),
          stored: (id, at) => fleet.noteStored(id, at),
        });
      } catch (err) {
        if (!(err instanceof ThinRefused) || err.retryAfterMs === undefined) {
          failed.push((err as Error).message);
          return null;
        }
        await sleep(err.retryAfterMs * (1 + 0.2 * Math.random()));
      }
    }
    failed.push('still busy after 20 attempts');
    return null;
  });
  const receivers = opened.filter((r): r is ThinReceiver => r !== null);
  return { receivers, ms: performance.now() - started, failed };
}
