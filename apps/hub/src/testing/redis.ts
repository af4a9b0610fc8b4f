/**
 * A real Redis (Debian's redis-server) for tests: a throwaway server on a free port of 127.0.0.1,
 * nothing saved to disk, its directory in the temporary folder. A watchdog stops it when the owning
 * process dies, however it dies; `stop()` ends it at once (as a killed Redis would end).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './child-hub';

export const REDIS_SERVER = process.env.TSUNAGU_REDIS_SERVER ?? 'redis-server';

export interface RedisServer {
  url: string;
  port: number;
  /** Freezes the server (SIGSTOP) until `resume`: Redis there but answering nothing, as a hub that died mid-write. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedis(options: { ownerPid?: number } = {}): Promise<RedisServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'];
    const server = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.once('error', () => undefined);
    const owner = options.ownerPid ?? process.pid;
    const watchdog = spawn(
      'sh',
      [
        '-c',
        `while kill -0 ${owner} 2>/dev/null; do sleep 1; done; kill -9 ${server.pid} 2>/dev/null; rm -rf '${dir}'`,
      ],
      { detached: true, stdio: 'ignore' },
    );
    watchdog.unref();
    const until = Date.now() + 10_000;
    let up = false;
    while (!up && Date.now() < until && server.exitCode === null) {
      await new Promise((r) => setTimeout(r, 25));
      up = await answers(port);
    }
    if (!up) {
      server.kill('SIGKILL');
      watchdog.kill();
      // Another process took the port between our probe and the server's bind: try another one.
      if (attempt < 3) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start (is the Debian package redis-server installed?)`);
    }
    let stopped = false;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pause: () => void server.kill('SIGSTOP'),
      resume: () => void server.kill('SIGCONT'),
      async stop() {
        if (stopped) return;
        server.kill('SIGCONT');
        stopped = true;
        server.kill('SIGKILL');
        await exited;
        watchdog.kill();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
