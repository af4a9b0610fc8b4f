import { type ChildProcess, spawn } from 'node:child_process';
import { childrenDone } from './proc';

/** A bash that starts `sleep seconds` in the background and waits for it; resolves once it has. */
function parentOfSleep(seconds: number): Promise<ChildProcess> {
  const parent = spawn('bash', ['-c', `sleep ${seconds} & echo started; wait`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve) => parent.stdout!.once('data', () => resolve(parent)));
}

describe('childrenDone (a stage waits for the hub to finish making a voice clip)', () => {
  it('waits until the process has no child left', async () => {
    const parent = await parentOfSleep(0.5);
    const waited = await childrenDone(parent.pid!);
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(parent.exitCode ?? (await new Promise((r) => parent.once('exit', r)))).toBe(0);
  });

  it('gives up after its time limit when a child goes on', async () => {
    const parent = await parentOfSleep(30);
    try {
      const waited = await childrenDone(parent.pid!, 300);
      expect(waited).toBeGreaterThanOrEqual(300);
      expect(waited).toBeLessThan(5000);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('waits through the moment between one program and the next', async () => {
    // One program for 0.3 s, nothing for 0.15 s, another for 0.3 s (open_jtalk, then opusenc).
    const script = `const { spawnSync, spawn } = require('node:child_process');
      console.log('started'); spawnSync('sleep', ['0.3']);
      setTimeout(() => spawn('sleep', ['0.3']), 150);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((resolve) => parent.stdout!.once('data', resolve));
    expect(await childrenDone(parent.pid!, 30_000, 300)).toBeGreaterThanOrEqual(600);
  });

  it('does not wait for a process without children', async () => {
    const lone = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      expect(await childrenDone(lone.pid!)).toBeLessThan(100);
    } finally {
      lone.kill('SIGKILL');
    }
  });
});
