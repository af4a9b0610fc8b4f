/** The machine a bench ran on, and how busy it was when it started. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The hard limit on open files: the most a process may raise its soft limit to without privileges. */
export function hardFileLimit(): number {
  try {
    const out = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? 1_048_576 : Number(out);
  } catch {
    return 1024;
  }
}

export function machine() {
  const cpus = os.cpus();
  let otherLoad = '';
  try {
    otherLoad = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    // not Linux
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: otherLoad,
    fileLimit: hardFileLimit(),
    taskset: hasCommand('taskset'),
  };
}

/** A bench log line: seconds since `started` (the part's start), then the line. */
export function benchLog(started: number): (line: string) => void {
  return (line) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}
