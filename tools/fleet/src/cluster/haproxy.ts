/**
 * HAProxy in front of several hubs (Debian's `haproxy`), as docs/operations.md deploys it: WebSocket
 * upgrades passed through with a long tunnel timeout, the client's address in X-Forwarded-For (the
 * hubs run with TSUNAGU_TRUST_PROXY=1), a cookie that keeps a browser's long-polling Socket.IO
 * requests on one hub (terminals use WebSocket only and need no stickiness), and health checks on
 * /healthz: a hub whose process is gone or does not answer gets no new connections.
 *
 * Not /readyz, and no `on-marked-down shutdown-sessions`: with both, a hub merely slow to answer
 * under an emergency's load was taken out and all its WebSockets cut, their reconnections loaded
 * the other hub until it too was taken out ("no server available"), and the hubs went on flapping
 * (seen in the failover test with 1,000 terminals and a 500 ms check). A killed hub's connections
 * close by themselves (its kernel resets them) and a request sent to it before the check notices
 * is redispatched; a hung hub's terminals leave it when Socket.IO's heartbeat gives up (45 s). A
 * hub that cannot store is for monitoring (/readyz, alerts), not for the load balancer: with one
 * shared PostgreSQL every hub would fail it at once, and a hub that cannot store still delivers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const HAPROXY = process.env.TSUNAGU_HAPROXY ?? 'haproxy';

export interface Backend {
  name: string;
  port: number;
}

export function haproxyConfig(options: { port: number; backends: Backend[]; statsPort?: number }): string {
  return [
    'global',
    // Two descriptors a connection (client and hub): within this machine's 20,000 open files.
    '  maxconn 9000',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An idle WebSocket lives longer than an HTTP exchange (Socket.IO pings every 25 s).
    '  timeout tunnel 1h',
    '  option forwardfor',
    // A request that reaches a hub just killed (before the health check notices) is sent to another.
    '  retries 2',
    '  option redispatch 1',
    '',
    'frontend tsunagu',
    `  bind 127.0.0.1:${options.port}`,
    '  default_backend hubs',
    '',
    'backend hubs',
    '  balance leastconn',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    '  timeout check 3s',
    '  cookie TSUNAGU_HUB insert indirect nocache httponly',
    '  default-server inter 2s downinter 1s fall 3 rise 2',
    ...options.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check cookie ${b.name}`),
    ...(options.statsPort
      ? ['', 'frontend stats', `  bind 127.0.0.1:${options.statsPort}`, '  stats enable', '  stats uri /']
      : []),
    '',
  ].join('\n');
}

export interface RunningHaproxy {
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Runs HAProxy in the foreground on a configuration written into `dir`. */
export async function startHaproxy(dir: string, config: string, port: number): Promise<RunningHaproxy> {
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, config);
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => {
    out += `\n${err.message}`;
  });
  // Listening once a TCP connection to the front succeeds.
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`haproxy exited before listening (is the Debian package haproxy installed?):\n${out}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not listen on ${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    process: child,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
