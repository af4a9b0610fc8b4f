/** Whether a process still runs (signal 0 checks without sending anything; a reaped one is gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
