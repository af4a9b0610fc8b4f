/**
 * Two hubs on one real PostgreSQL and one real Redis, as the cluster tests need them (issue 18):
 * hub A is the test hub with its fixture (listening on its own), hub B a second hub on the same
 * database, listening on a free port. `close` stops what is still running, whatever a test closed.
 */
import { buildApp } from '../app';
import type { Hub } from '../hub';
import type { Clock } from '../lib/clock';
import { createTestHub, NO_SPEECH, type TestHub } from './harness';
import { createTestDatabase, type TestDatabase } from './postgres';
import { type RedisServer, startRedis } from './redis';
import { until } from './until';

export interface TwoHubs {
  redis: RedisServer;
  database: TestDatabase;
  a: TestHub;
  b: Hub;
  urlB: string;
  /** Hubs a test closed itself: `close` leaves them. */
  closed: Set<Hub>;
  close(): Promise<void>;
}

export async function startTwoHubs(
  options: {
    clock?: Clock;
    /** Wait until hub A runs the jobs before hub B starts (so A leads). */
    aLeads?: boolean;
  } = {},
): Promise<TwoHubs> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  const config = {
    database: { engine: 'postgres' as const, url: database.url },
    redis: { url: redis.url },
    speechTools: NO_SPEECH,
  };
  const clock = options.clock ? { clock: options.clock } : {};
  const a = await createTestHub({ ...clock, config });
  if (options.aLeads) await until(() => a.ctx.jobs.leading, 20_000);
  const b = await buildApp({ inMemory: true, ...clock, config });
  await b.app.listen({ port: 0, host: '127.0.0.1' });
  const address = b.app.server.address();
  const closed = new Set<Hub>();
  return {
    redis,
    database,
    a,
    b,
    urlB: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    closed,
    async close() {
      if (!closed.has(b)) await b.app.close();
      if (!closed.has(a)) await a.close();
      await redis.stop();
      await database.drop();
    },
  };
}
