// A real hub for browser tests: temporary data folder, 127.0.0.1 on a free port, demo city seeded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type Hub } from '../../apps/hub/src/app';
import type { HubConfig } from '../../apps/hub/src/config';
import { type DemoSeedResult, seedDemoCity } from '../../apps/hub/src/demo/seed';
import type { Clock } from '../../apps/hub/src/lib/clock';

export interface TestHub {
  url: string;
  port: number;
  dataDir: string;
  hub: Hub;
  demo: DemoSeedResult;
  /** A fresh one-time enrollment code (for the first demo household unless told otherwise). */
  issueEnrollmentCode(householdId?: number): Promise<string>;
  /** Stops listening (terminals see the hub go away). */
  stop(): Promise<void>;
  /** Starts again on the same port with the same database. */
  restart(): Promise<void>;
  /** Stops and removes the data folder. */
  dispose(): Promise<void>;
}

export async function startTestHub(
  options: { seedDemo?: boolean; clock?: Clock; config?: Partial<HubConfig> } = {},
): Promise<TestHub> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-hub-'));
  const config = { ...options.config, dataDir };
  // A FakeClock lets a test drive the hub's deadlines (check-in escalation) without waiting.
  let hub = await buildApp({ config, clock: options.clock });
  const demo = options.seedDemo === false ? { terminals: [], logins: [] } : await seedDemoCity(hub);
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const address = hub.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let running = true;

  const t: TestHub = {
    url: `http://localhost:${port}`,
    port,
    dataDir,
    get hub() {
      return hub;
    },
    demo,
    async issueEnrollmentCode(householdId) {
      const id = householdId ?? (await hub.stores.households.list())[0]!.id;
      return (await hub.services.terminals.issueCode(id, 'test')).code;
    },
    async stop() {
      if (!running) return;
      running = false;
      await hub.app.close();
    },
    async restart() {
      await t.stop();
      hub = await buildApp({ config, clock: options.clock });
      await hub.app.listen({ port, host: '127.0.0.1' });
      running = true;
    },
    async dispose() {
      await t.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
