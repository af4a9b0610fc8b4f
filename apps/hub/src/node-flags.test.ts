import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HUB_NODE_FLAGS } from './node-flags';

const REPO = path.resolve(__dirname, '../../..');

/** The threads of a Node.js started with `flags`, on CPU 0 only (taskset, util-linux). */
function threadsOnOneCpu(flags: readonly string[]): number {
  const count = "console.log(require('node:fs').readdirSync('/proc/self/task').length)";
  // The helper threads start with the process; a short wait lets them all show in /proc.
  const script = `setTimeout(() => ${count}, 100)`;
  const out = execFileSync('taskset', ['-c', '0', process.execPath, ...flags, '-e', script], { encoding: 'utf8' });
  return Number(out.trim());
}

describe("the hub's Node.js options (HUB_NODE_FLAGS)", () => {
  it('are what `npm start` runs the hub with', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } };
    const run = pkg.scripts.start.split('&&').map((s) => s.trim());
    expect(run).toContain(`node ${HUB_NODE_FLAGS.join(' ')} apps/hub/dist/server.js`);
  });

  it("are what the operations guide's systemd unit runs the hub with", () => {
    const guide = fs.readFileSync(path.join(REPO, 'docs/operations.md'), 'utf8');
    const starts = guide.split('\n').filter((l) => l.startsWith('ExecStart=') && l.includes('apps/hub/dist/server.js'));
    expect(starts).toEqual([`ExecStart=/usr/bin/node ${HUB_NODE_FLAGS.join(' ')} apps/hub/dist/server.js`]);
  });

  it("size V8's helper threads to the CPUs the hub may use: on one CPU, three fewer than Node's fixed four", () => {
    // Node's default pool is four helpers whatever the CPUs; with the option, one on one CPU.
    expect(threadsOnOneCpu([]) - threadsOnOneCpu(HUB_NODE_FLAGS)).toBe(3);
  });
});
