/**
 * Request/answer over a child process's IPC channel: the bench drives the hub, the baselines and
 * the fleet in their own processes (pinned to their own cores) without any network route for it.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

interface Request {
  rpc: number;
  cmd: string;
  args?: unknown;
}
interface Answer {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** In the child: answers each command with its handler's result (and the CPU commands of `cpuHandlers`). */
export function serveIpc(own: Record<string, (args: never) => unknown>): void {
  const handlers: Record<string, (args: never) => unknown> = { ...cpuHandlers(), ...own };
  if (!process.send) throw new Error('This program is started by the bench (npm run bench), not by hand.');
  process.on('message', async (m: Request) => {
    if (typeof m !== 'object' || m === null || typeof m.rpc !== 'number') return;
    const handler = handlers[m.cmd];
    let answer: Answer;
    try {
      if (!handler) throw new Error(`unknown command ${m.cmd}`);
      answer = { rpc: m.rpc, ok: true, result: await handler(m.args as never) };
    } catch (err) {
      answer = { rpc: m.rpc, ok: false, error: (err as Error).stack ?? String(err) };
    }
    process.send?.(answer);
  });
  // The bench went away: so do we.
  process.on('disconnect', () => process.exit(0));
}

/** In the parent: a typed caller for one child. */
export function ipcClient(child: ChildProcess) {
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: Answer) => {
    const w = waiting.get(m.rpc);
    if (!w) return;
    waiting.delete(m.rpc);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  child.on('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`process exited (${signal ?? code}) before answering`));
    waiting.clear();
  });
  return function call<T = unknown>(cmd: string, args?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const rpc = next++;
      waiting.set(rpc, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ rpc, cmd, args } satisfies Request);
    });
  };
}

export interface MemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** The V8 heap's committed size (heapUsed plus free space in its pages). */
  heapTotal?: number;
  /**
   * The young generation's memory: V8 grows it (up to 2 × 16 MB) while a process allocates fast and
   * keeps it, so part of a slope in RSS can be the young generation growing, not the terminals.
   */
  newSpace?: number;
}

/** Full GC (needs --expose-gc), twice so finalisers' garbage goes too, then the process's memory. */
export async function memoryAfterGc(): Promise<MemoryReading> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('start this process with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    heapTotal: m.heapTotal,
    newSpace: young?.physical_space_size ?? 0,
  };
}

/**
 * Commands every bench child answers about its own CPU: `profileStart`/`profileStop` (the same V8
 * profiler as `node --cpu-prof`, for one stretch of the run) and `cpu` (CPU time used and wall time,
 * so that the bench can say how busy each process was over a stretch: whether a figure is the hub's
 * or the fleet's).
 */
export function cpuHandlers() {
  let profiler: Session | null = null;
  let allocations: Session | null = null;
  const session = () => {
    const s = new Session();
    s.connect();
    return s;
  };
  // Stops a session's recording, writes what it recorded to `file` and closes the session.
  const finish = async (s: Session, stop: (s: Session) => Promise<{ profile: unknown }>, file: string) => {
    const { profile } = await stop(s);
    s.disconnect();
    fs.writeFileSync(file, JSON.stringify(profile));
    return file;
  };
  return {
    profileStart: async () => {
      profiler = session();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      return true;
    },
    profileStop: async (a: { file: string }) => {
      if (!profiler) throw new Error('profileStart first');
      const s = profiler;
      profiler = null;
      return finish(s, (p) => p.post('Profiler.stop'), a.file);
    },
    // V8's allocation sampling (what `node --heap-prof` records), for one stretch: where the
    // garbage that GC spends its time on is made.
    allocationsStart: async () => {
      allocations = session();
      await allocations.post('HeapProfiler.enable');
      await allocations.post('HeapProfiler.startSampling', {
        samplingInterval: 16384,
        // Everything allocated, not only what is still alive at the end.
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      return true;
    },
    allocationsStop: async (a: { file: string }) => {
      if (!allocations) throw new Error('allocationsStart first');
      const s = allocations;
      allocations = null;
      return finish(s, (p) => p.post('HeapProfiler.stopSampling'), a.file);
    },
    cpu: (): CpuReading => {
      const u = process.cpuUsage();
      return { cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() };
    },
  };
}

export interface CpuReading {
  cpuMs: number;
  wallMs: number;
}
