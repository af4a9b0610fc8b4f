/**
 * Request/answer over a child process's IPC channel: the bench drives the hub, the baselines and
 * the fleet in their own processes (pinned to their own cores) without any network route for it.
 */
import type { ChildProcess } from 'node:child_process';

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

/** In the child: answers each command with its handler's result. */
export function serveIpc(handlers: Record<string, (args: never) => unknown>): void {
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
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}
