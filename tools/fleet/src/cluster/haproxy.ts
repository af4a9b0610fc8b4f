/**
 * HAProxy in front of several hubs (Debian's `haproxy`), as docs/operations.md deploys it: health
 * checks on /readyz (a hub that cannot store is taken out), WebSocket upgrades passed through with a
 * long tunnel timeout, the client's address in X-Forwarded-For (the hubs run with
 * TSUNAGU_TRUST_PROXY=1), and a cookie that keeps a browser's long-polling Socket.IO requests on one
 * hub (terminals use WebSocket only and need no stickiness). A hub marked down has its connections
 * cut at once, so its terminals reconnect to a live hub without waiting for a timeout.
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
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  cookie TSUNAGU_HUB insert indirect nocache httponly',
    '  default-server inter 500ms fastinter 250ms fall 2 rise 2 on-marked-down shutdown-sessions',
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
