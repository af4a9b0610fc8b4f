/**
 * The terminals' namespace adapter (issue 17, fan-out): a broadcast is serialised once — one
 * WebSocket frame for every receiver, as Socket.IO's own adapter already computes — and that frame is
 * written straight to each receiver's TCP socket. Socket.IO's path does the same write, but first
 * builds, per receiver, an engine.io packet, its write buffer, four events, a write callback and the
 * `ws` sender's cork and uncork: at 10,000 terminals that per-receiver work was nearly half of the
 * broadcast loop (docs/benchmarks.md, session 13).
 *
 * The direct write is taken only where it cannot change what the terminal receives or in what order:
 * an event without an ack, not volatile, no compression asked; the terminal on the WebSocket transport
 * (not long-polling, not upgrading), its connection open, nothing waiting in engine.io's write buffer
 * (what was sent before is then already in the TCP socket, ahead of this frame) and no frame queued in
 * the `ws` sender. Anyone else, and every broadcast the direct path does not cover, goes the library's
 * way. The internals touched are checked at run time: if an upgrade of Socket.IO, engine.io or `ws`
 * renamed them, every broadcast simply takes the library's path (the test in
 * direct-broadcast.test.ts then fails, so the change is noticed).
 */
import type { Namespace, Socket } from 'socket.io';
import type { BroadcastOptions } from 'socket.io-adapter';
import { CompactRoomsAdapter } from './compact-rooms';

/** What the direct path reads of engine.io's socket, its WebSocket transport and `ws` (not in their types). */
interface EngineInternals {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: {
    name: string;
    perMessageDeflate?: unknown;
    socket?: {
      readyState: number;
      _sender?: { _queue?: unknown[] };
      _socket?: { destroyed: boolean; writable: boolean; write(chunk: Buffer): boolean };
    };
  };
}

/** The in-memory adapter's own members the direct path reuses (private in its types). */
interface AdapterInternals {
  _encode(packet: unknown, packetOpts: PacketOptions): unknown[];
  apply(opts: BroadcastOptions, callback: (socket: Socket) => void): void;
}

interface PacketOptions {
  preEncoded: true;
  volatile?: boolean;
  compress?: boolean;
  wsPreEncodedFrame?: Buffer[];
}

interface ClientInternals {
  writeToEngine(encoded: unknown[], opts: PacketOptions): void;
}
interface SocketInternals {
  notifyOutgoingListeners?: (packet: unknown) => void;
}

const EVENT = 2;
const OPEN = 1;

/** How many receivers each path served (read by the tests). */
export interface DirectBroadcastStats {
  direct: number;
  library: number;
}

export class DirectBroadcastAdapter extends CompactRoomsAdapter {
  readonly stats: DirectBroadcastStats = { direct: 0, library: 0 };
  private readonly internals: AdapterInternals | null;

  constructor(nsp: Namespace) {
    super(nsp);
    const self = this as unknown as Partial<AdapterInternals>;
    this.internals =
      typeof self._encode === 'function' && typeof self.apply === 'function' ? (self as AdapterInternals) : null;
  }

  override broadcast(packet: { type: number; id?: number; nsp?: string }, opts: BroadcastOptions): void {
    const flags = opts.flags ?? {};
    const internals = this.internals;
    if (
      !internals ||
      packet.type !== EVENT ||
      packet.id !== undefined ||
      flags.volatile ||
      flags.compress !== undefined
    ) {
      super.broadcast(packet, opts);
      return;
    }
    packet.nsp = this.nsp.name;
    const packetOpts: PacketOptions = { preEncoded: true };
    const encoded = internals._encode(packet, packetOpts);
    const parts = packetOpts.wsPreEncodedFrame;
    const frame = parts ? Buffer.concat(parts) : null;
    internals.apply(opts, (socket) => {
      (socket as unknown as SocketInternals).notifyOutgoingListeners?.(packet);
      if (frame && writeFrame(socket, frame)) this.stats.direct++;
      else {
        this.stats.library++;
        (socket.client as unknown as ClientInternals).writeToEngine(encoded, packetOpts);
      }
    });
  }
}

/** Writes the frame to the socket's TCP connection when nothing can be ahead of it; false otherwise. */
function writeFrame(socket: Socket, frame: Buffer): boolean {
  const conn = socket.conn as unknown as EngineInternals;
  const transport = conn.transport;
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length > 0) return false;
  if (transport.name !== 'websocket' || transport.perMessageDeflate) return false;
  const ws = transport.socket;
  const tcp = ws?._socket;
  if (!ws || ws.readyState !== OPEN || !tcp || tcp.destroyed || !tcp.writable) return false;
  if (ws._sender?._queue === undefined || ws._sender._queue.length > 0) return false;
  tcp.write(frame);
  return true;
}
