/** Child processes for the bench: pinned to a core with taskset, file descriptors raised, CPU/RSS sampled from /proc. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLoadResult } from '../sim/fleet';
import { ipcClient } from './ipc';
import { hardFileLimit, hasCommand } from './machine';
import type { Prepared } from './prepare';
import type { sizesFor } from './results';

export interface Spawned {
  child: ChildProcess;
  call: <T = unknown>(cmd: string, args?: unknown) => Promise<T>;
  pid: number;
  port: number;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/**
 * Starts `node [nodeArgs] script [args]` on `core` with the open-file limit raised to the hard
 * limit (`ulimit -n` in a bash that then execs, so the pid is node's), and waits for its `ready`.
 */
export function spawnPinned(
  script: string,
  options: { core: number | null; nodeArgs?: string[]; args?: string[]; env?: NodeJS.ProcessEnv; name: string },
): Promise<Spawned> {
  const node = [process.execPath, ...(options.nodeArgs ?? []), script, ...(options.args ?? [])];
  const quoted = node.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const pin = options.core !== null && hasCommand('taskset') ? `taskset -c ${options.core} ` : '';
  const child = spawn('bash', ['-c', `ulimit -n ${hardFileLimit()} && exec ${pin}${quoted}`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const call = ipcClient(child);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: { ready?: boolean; port?: number }) => {
      if (m?.ready !== true) return;
      child.off('exit', onExit);
      resolve({ child, call, pid: child.pid!, port: m.port ?? 0, exited });
    });
  });
}

const DIST = path.resolve(__dirname, '..');

/** The hub (bench/hub-process.js) on a prepared data folder, its GC exposed for memory readings. */
export function startHubProcess(
  core: number | null,
  dataDir: string,
  options: { port?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Spawned> {
  return spawnPinned(path.join(DIST, 'bench/hub-process.js'), {
    core,
    nodeArgs: ['--expose-gc'],
    env: { TSUNAGU_DATA_DIR: dataDir, PORT: String(options.port ?? 0), TSUNAGU_SEED_DEMO: 'false', ...options.env },
    name: 'hub',
  });
}

/**
 * A virtual-fleet worker (sim/worker.js), with heap room for thousands of sockets and a young
 * generation sized for thousands of short-lived downloads (the simulated terminals' garbage, not the hub's).
 */
export function startFleetProcess(core: number | null, name = 'fleet'): Promise<Spawned> {
  return spawnPinned(path.join(DIST, 'sim/worker.js'), {
    core,
    nodeArgs: ['--max-old-space-size=4096', '--max-semi-space-size=32'],
    name,
  });
}

const BASELINE_NAMES = {
  ws: 'ws baseline',
  sio: 'socket.io baseline',
  sqlite: 'sqlite baseline',
  pg: 'postgresql baseline',
} as const;

/** A same-run baseline server (bench/baselines.js): bare ws, plain Socket.IO, raw better-sqlite3 or raw pg. */
export function startBaseline(kind: keyof typeof BASELINE_NAMES, core: number | null): Promise<Spawned> {
  return spawnPinned(path.join(DIST, 'bench/baselines.js'), {
    core,
    nodeArgs: ['--expose-gc'],
    args: [kind],
    name: BASELINE_NAMES[kind],
  });
}

export async function stopProcess(p: Spawned | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))]);
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time (user + system) a process has used, in ticks of 1/100 s; null when it is gone. With
 * `reaped`, also its ended children's (cutime + cstime).
 */
export function readCpuTicks(pid: number, reaped = false): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th,
    // cutime and cstime the 16th and 17th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]) + (reaped ? Number(rest[13]) + Number(rest[14]) : 0);
  } catch {
    return null;
  }
}

function readRssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's CPU share (of one core) and RSS every `everyMs` until stopped. */
export function sampleProcess(pid: number, everyMs = 100) {
  let lastTicks = readCpuTicks(pid);
  let lastAt = Date.now();
  let peakCpu = 0;
  let peakRss = readRssBytes(pid) ?? 0;
  /** CPU share of one core per sample, with the sample's end time (Date.now()). */
  const cpu: { at: number; share: number }[] = [];
  const timer = setInterval(() => {
    const ticks = readCpuTicks(pid);
    const at = Date.now();
    const rss = readRssBytes(pid);
    if (ticks !== null && lastTicks !== null && at > lastAt) {
      const share = (ticks - lastTicks) / TICKS_PER_SECOND / ((at - lastAt) / 1000);
      peakCpu = Math.max(peakCpu, share);
      cpu.push({ at, share });
    }
    if (rss !== null) peakRss = Math.max(peakRss, rss);
    lastTicks = ticks;
    lastAt = at;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakCpuPercent: Math.round(peakCpu * 100), peakRssBytes: peakRss };
    },
    /** Mean CPU share (% of one core) per `bucketMs` from `from` (Date.now() time). */
    cpuPerBucket(from: number, bucketMs = 1000): number[] {
      const sums: number[] = [];
      const ns: number[] = [];
      for (const c of cpu) {
        const b = Math.floor((c.at - from) / bucketMs);
        if (b < 0) continue;
        sums[b] = (sums[b] ?? 0) + c.share;
        ns[b] = (ns[b] ?? 0) + 1;
      }
      return Array.from(sums, (v, i) => (v === undefined ? 0 : Math.round((v / ns[i]!) * 100)));
    },
  };
}

/**
 * The call load of the full and the routing bench: `sizes.callers` terminals of the fleet ask the
 * prepared operators' shops for a call over `sizes.callsOverMs`, each call held a second.
 */
export function runCallLoad(
  fleet: Spawned,
  prepared: Pick<Prepared, 'operatorCookies' | 'shopIds'>,
  sizes: Pick<ReturnType<typeof sizesFor>, 'operators' | 'callers' | 'callsOverMs'>,
  log: (line: string) => void,
): Promise<CallLoadResult> {
  log(`calls: ${sizes.operators} operators, ${sizes.callers} callers over ${sizes.callsOverMs} ms…`);
  return fleet.call<CallLoadResult>('calls', {
    cookies: prepared.operatorCookies,
    callers: sizes.callers,
    overMs: sizes.callsOverMs,
    shopIds: prepared.shopIds,
    holdMs: 1000,
    settleMs: 60_000,
  });
}

/** Pins `pid` and its children (PostgreSQL's backends and workers) with all their threads to `core`. */
export function pinTree(pid: number, core: number): number {
  const pids = [pid, ...childrenOf(pid)];
  for (const p of pids) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(p)], { stdio: 'ignore' });
  return pids.length;
}

/** The processes' directories under /proc (their pids). */
const procEntries = () => fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of procEntries()) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Waits until `pid` has had no child process for `quietMs` (a clip is made by several programs one
 * after the other), at most `timeoutMs`; resolves with how long it waited, the quiet end not counted.
 * The hub's children are its voice (open_jtalk, espeak-ng, opusenc), which the bench's pinning puts
 * on the hub's own core: a stage that follows one that made a clip waits for them.
 */
export async function childrenDone(pid: number, timeoutMs = 30_000, quietMs = 500): Promise<number> {
  const started = performance.now();
  let lastSeen = started;
  for (;;) {
    const now = performance.now();
    if (childrenOf(pid).length > 0) lastSeen = now;
    else if (now - lastSeen >= quietMs) return lastSeen - started;
    if (now - started >= timeoutMs) return now - started;
    await sleep(20);
  }
}

/** redis-server names itself "redis-server 127.0.0.1:PORT". */
export function redisPid(port: number): number | null {
  for (const entry of procEntries()) {
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('redis-server') && cmd.includes(`:${port}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/**
 * CPU ticks of a process and its children: its own, its reaped children's (a PostgreSQL backend that
 * ended: its time moves there) and its live children's.
 */
export function treeTicks(pid: number): number {
  const own = readCpuTicks(pid, true);
  if (own === null) return 0;
  return own + childrenOf(pid).reduce((s, p) => s + (readCpuTicks(p) ?? 0), 0);
}
