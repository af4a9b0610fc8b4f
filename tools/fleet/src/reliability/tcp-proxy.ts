/**
 * A small TCP proxy for network-fault tests, put between terminals (or consoles) and the hub. It
 * can add delay, drop every connection (FIN), reset them (RST), stall them (bytes held, sockets
 * left open — what a dead Wi-Fi link looks like), or refuse new connections. Re-exported from
 * tests/helpers/tcp-proxy.ts.
 */
import net from 'node:net';

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
  /** Per direction: when the last chunk is due, so delayed chunks stay in order. */
  due: { up: number; down: number };
  held: { to: net.Socket; chunk: Buffer }[];
}

export class TcpProxy {
  private server: net.Server;
  private pipes = new Set<Pipe>();
  private delayMs = 0;
  private stalled = false;
  private refusing = false;
  /** Connections accepted since the proxy started. */
  accepted = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  /** Listens on 127.0.0.1 (a free port unless given); resolves with the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve(this.port));
    });
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Open connections right now. */
  get connections(): number {
    return this.pipes.size;
  }

  /** Every chunk, both ways, arrives this much later (order kept). 0 turns it off. */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** Hold every byte in both directions, keeping the connections open (no FIN, no RST). */
  stall(): void {
    this.stalled = true;
  }

  /** Deliver what was held, in order, and pass traffic again. */
  resume(): void {
    this.stalled = false;
    for (const p of this.pipes) {
      for (const { to, chunk } of p.held.splice(0)) if (!to.destroyed) to.write(chunk);
    }
  }

  /** New connections are closed at once (the hub looks unreachable); open ones are not touched. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  /** Close every connection gracefully, both sides (FIN). */
  drop(): void {
    for (const p of [...this.pipes]) {
      p.client.end();
      p.upstream.end();
      this.pipes.delete(p);
    }
  }

  /** Reset every connection, both sides (RST). */
  reset(): void {
    for (const p of [...this.pipes]) {
      p.client.resetAndDestroy();
      p.upstream.resetAndDestroy();
      this.pipes.delete(p);
    }
  }

  close(): Promise<void> {
    this.reset();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pipe: Pipe = { client, upstream, due: { up: 0, down: 0 }, held: [] };
    this.pipes.add(pipe);
    const forward = (to: net.Socket, dir: 'up' | 'down') => (chunk: Buffer) => {
      if (this.stalled) {
        pipe.held.push({ to, chunk });
        return;
      }
      const now = Date.now();
      if (this.delayMs <= 0 && pipe.due[dir] <= now) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      const at = Math.max(now + this.delayMs, pipe.due[dir]);
      pipe.due[dir] = at;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, at - now);
    };
    client.on('data', forward(upstream, 'up'));
    upstream.on('data', forward(client, 'down'));
    const teardown = () => {
      this.pipes.delete(pipe);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', teardown);
      s.on('close', teardown);
    }
  }
}
