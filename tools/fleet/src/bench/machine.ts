/** The machine a bench ran on, and how busy it was when it started. */
import fs from 'node:fs';
import os from 'node:os';
import { hardFileLimit, hasCommand } from './proc';

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
