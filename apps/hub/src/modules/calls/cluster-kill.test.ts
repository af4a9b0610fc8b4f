/**
 * A hub killed (`kill -9`: no goodbye) while calls it holds are in progress, with the router on
 * the other hub (issue 18): the router takes the silent hub as gone. A resident whose terminal comes
 * back through the living hub goes on with the call; one who does not is out of the call after the
 * reconnect grace period, and the operator is told (`connection_lost`, the resident lost).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ack, CallEnded, CallInfo, QueuePosition, TerminalCallSync } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { bundleHub, type ChildHub, freePort, type HubBundle, startChildHub } from '../../testing/child-hub';
import {
  connectStaff,
  connectTerminal,
  createTestHub,
  emitAck,
  enrollTerminal,
  NO_SPEECH,
  nextEvent,
  sessionFor,
  TEST_PASSWORD,
  type TestHub,
} from '../../testing/harness';
import { createTestDatabase, type TestDatabase } from '../../testing/postgres';
import { type RedisServer, startRedis } from '../../testing/redis';
import { until } from '../../testing/until';
import type { CallsCluster } from './cluster';
import { RECONNECT_GRACE_MS } from './live-model';

let redis: RedisServer;
let database: TestDatabase;
let bundle: HubBundle;
let dataDir: string;
let router: TestHub;
let doomed: ChildHub;
const sockets: Socket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  database = await createTestDatabase();
  // The router's hub starts first: it runs the jobs, so the router.
  router = await createTestHub({
    config: {
      database: { engine: 'postgres', url: database.url },
      redis: { url: redis.url },
      speechTools: NO_SPEECH,
    },
  });
  await until(() => (router.capabilities.calls as CallsCluster).engine() !== null, 15_000);
  bundle = await bundleHub();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-calls-kill-'));
  doomed = await startChildHub({
    bundle,
    dataDir,
    port: await freePort(),
    env: { TSUNAGU_DATABASE_URL: database.url, TSUNAGU_REDIS_URL: redis.url },
    timeoutMs: 60_000,
  });
}, 90_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await doomed?.kill9();
  await router?.close();
  await redis?.stop();
  await database?.drop();
  bundle?.dispose();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const ok = <T>(r: Ack<T>): T => {
  if (!r.ok) throw new Error(`refused: ${r.error.code} ${r.error.message}`);
  return r.data;
};

/** A call from a terminal on the doomed hub to an operator on the router's hub, connected. */
async function callOnDoomedHub(n: number) {
  const u = await router.services.accounts.createUser({
    username: `kill-op-${n}`,
    displayName: `op${n}`,
    password: TEST_PASSWORD,
    role: 'operator',
    shopId: router.fixture.shopId,
  });
  const operator = await connectStaff(await router.listen(), sessionFor(router, u.id));
  sockets.push(operator);
  const householdId = await router.stores.households.create(
    { name: `停止${n}`, address: 'x', districtId: router.fixture.districts[0]!, residents: [] } as never,
    Date.now(),
  );
  const { credential } = await enrollTerminal(router, householdId);
  const terminal = await connectTerminal(doomed.url, credential);
  sockets.push(terminal);
  ok(await emitAck<Ack<unknown>>(operator, 'call:setAvailability', { availability: 'available' }));
  const ringing = nextEvent<CallInfo>(operator, 'call:ringing');
  const connected = nextEvent<CallInfo>(terminal, 'call:connected');
  const { callId } = ok(await emitAck<Ack<QueuePosition>>(terminal, 'call:request', { shopId: router.fixture.shopId }));
  expect((await ringing).callId).toBe(callId);
  ok(await emitAck<Ack<CallInfo>>(operator, 'call:answer', { callId }));
  await connected;
  return { callId, operator, credential };
}

describe('a hub killed during calls, the router on the other hub', () => {
  it('a resident who comes back through the living hub goes on; the other call ends for the operator', async () => {
    const back = await callOnDoomedHub(1);
    const gone = await callOnDoomedHub(2);
    const endedForOperator = nextEvent<CallEnded>(gone.operator, 'call:ended', RECONNECT_GRACE_MS + 20_000);
    let endedBack: CallEnded | null = null;
    back.operator.on('call:ended', (e: CallEnded) => {
      endedBack = e;
    });
    await doomed.kill9();

    // The first resident's terminal reconnects through the router's hub: the call is still theirs.
    const again = await connectTerminal(await router.listen(), back.credential);
    sockets.push(again);
    const sync = ok(await emitAck<Ack<TerminalCallSync>>(again, 'call:sync', {}));
    expect(sync.call).toMatchObject({ callId: back.callId });

    // The second never comes back: its operator hears the call ended when the grace period is over.
    expect(await endedForOperator).toMatchObject({ callId: gone.callId, reason: 'connection_lost', lost: 'resident' });
    expect(endedBack).toBeNull();
    const endedOnTerminal = nextEvent<CallEnded>(again, 'call:ended');
    ok(await emitAck<Ack<unknown>>(back.operator, 'call:hangUp', { callId: back.callId }));
    expect(await endedOnTerminal).toMatchObject({ callId: back.callId, reason: 'hung_up_by_operator' });
  }, 90_000);
});
