/**
 * Connections taken over by WebSocket: the HTTP server no longer tracks them as requests, so
 * Fastify's forceCloseConnections does not reach them, and the hub cuts them itself when it stops.
 * Closed ones are forgotten by a sweep, not by a `close` listener on each: a listener made the
 * socket's listener table an array, about 0.15 KB of each terminal's heap (docs/benchmarks.md,
 * session 15). A closed connection is kept until the next sweep at most.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradedConnections {
  /** The ones not closed yet (sweeps first). */
  open(): Duplex[];
  /** Stops sweeping; waits up to `waitMs` for them to close, then destroys the rest. */
  close(waitMs: number): Promise<void>;
}

export function trackUpgradedConnections(server: Server, sweepMs = 30_000): UpgradedConnections {
  const upgraded = new Set<Duplex>();
  const sweep = () => {
    for (const socket of upgraded) if (socket.destroyed) upgraded.delete(socket);
  };
  server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
  });
  const timer = setInterval(sweep, sweepMs);
  timer.unref();
  return {
    open() {
      sweep();
      return [...upgraded];
    },
    async close(waitMs) {
      clearInterval(timer);
      const until = Date.now() + waitMs;
      for (sweep(); upgraded.size > 0 && Date.now() < until; sweep()) await new Promise((r) => setTimeout(r, 20));
      for (const socket of upgraded) socket.destroy();
      upgraded.clear();
    },
  };
}
