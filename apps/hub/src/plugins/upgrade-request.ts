/**
 * The HTTP request of each WebSocket upgrade, let go once the connection is made (issue 17, memory).
 *
 * engine.io wraps an upgrade in a `WebSocketResponse` for its middlewares, and that response relays
 * the TCP socket's `close` through a listener it adds to the socket (`() => this.emit("close")`).
 * The listener holds the response, the response holds the request, and the socket lives as long as
 * the connection: about 0.8 KB of each terminal's heap (the IncomingMessage, its headers and URL)
 * kept for nothing — plain Socket.IO keeps it too (docs/benchmarks.md, session 16). Nothing here
 * listens for that response's `close`, so the relay is removed as the upgrade passes the hub's one
 * engine middleware; a terminal's connection then lets go of the request once its connection
 * handlers have read the handshake (plugins/socket.ts).
 *
 * The relay is found by its source text: if an upgrade of engine.io changed it, nothing is removed
 * and the request is simply kept as before (upgrade-request.test.ts then fails, so it is noticed).
 */
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server } from 'socket.io';

const CLOSE_RELAY = '() => this.emit("close")';

/** Removes engine.io's close relay from an upgraded connection's socket; true if it was there. */
export function dropCloseRelay(socket: Duplex): boolean {
  for (const l of socket.rawListeners('close')) {
    const inner = (l as { listener?: unknown }).listener;
    if (typeof inner === 'function' && String(inner) === CLOSE_RELAY) {
      socket.removeListener('close', l as (...args: unknown[]) => void);
      return true;
    }
  }
  return false;
}

/** Registers the engine middleware that drops the relay of every WebSocket upgrade. */
export function releaseUpgradeRequests(io: Server): void {
  io.engine.use((req: IncomingMessage, res: unknown, next: (err?: unknown) => void) => {
    // Long-polling requests get a real response (and are over when answered): left alone.
    if (!(res instanceof ServerResponse)) dropCloseRelay(req.socket);
    next();
  });
}

/** A connection whose handlers have run no longer needs the request it began with. */
export function forgetRequest(conn: unknown): void {
  (conn as { request?: unknown }).request = undefined;
}
