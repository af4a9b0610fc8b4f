import fs from 'node:fs';
import path from 'node:path';

/** Whether a process still runs (signal 0 checks without sending anything; a reaped one is gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A program in `dir` (a shell script) that notes its process id and sleeps `seconds`: a stand-in
 * for a slow or hung one. `started` lists the processes it ran as, `running` those still alive.
 */
export function sleepingProgram(dir: string, seconds: number, name = 'sleeping-program') {
  const file = path.join(dir, name);
  const pids = path.join(dir, `${name}.pids`);
  fs.writeFileSync(file, `#!/bin/sh\necho $$ >> '${pids}'\nexec sleep ${seconds}\n`, { mode: 0o755 });
  const started = () => (fs.existsSync(pids) ? fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number) : []);
  return { file, started, running: () => started().filter(processAlive) };
}
