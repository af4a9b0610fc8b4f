/**
 * The child hub of the reliability and permission tests: one that does not start in time is
 * stopped, so it does not keep its port for the tests after it (a hub left running answered
 * EADDRINUSE to the next test's start).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleHub, freePort, type HubBundle, startChildHub } from './child-hub';
import { processAlive } from './processes';

jest.setTimeout(120_000);

let bundle: HubBundle;
beforeAll(async () => {
  bundle = await bundleHub();
});
afterAll(() => bundle.dispose());

it('stops a hub that did not start in time', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-child-hub-'));
  try {
    const error = await startChildHub({ bundle, dataDir, port: await freePort(), timeoutMs: 1 }).then(
      () => null,
      (e: Error) => e,
    );
    const pid = Number(/hub \(pid (\d+)\) did not start/.exec(error?.message ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    const alive = () => processAlive(pid);
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
