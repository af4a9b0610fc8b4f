/**
 * Two hubs on one database and one real Redis (issue 18): what one hub sends reaches the sockets of
 * the other, rate limits count across both, and Redis going away never holds back an alert to a
 * hub's own terminals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../app';
import { openDatabase } from '../db/database';
import type { Hub } from '../hub';
import { publishedId, terminal } from '../testing/announcements';
import { as, connectStaff, createTestHub, login, NO_SPEECH, type StaffSession, type TestHub } from '../testing/harness';
import { type RedisServer, startRedis } from '../testing/redis';
import { TEST_ENGINE } from '../testing/test-engine';
import { until } from '../testing/until';
import { loadRedisConfig } from './cluster';

let redis: RedisServer;
let dir: string;
let a: TestHub;
let b: Hub;
const dbs: ReturnType<typeof openDatabase>[] = [];
let urlB: string;
let redisStopped = false;

beforeAll(async () => {
  redis = await startRedis();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-cluster-'));
  const file = path.join(dir, 'hub.db');
  const config = { redis: { url: redis.url }, speechTools: NO_SPEECH };
  // One database file, two connections: the two hubs share their data as hubs on PostgreSQL do (or
  // one PostgreSQL database, the test engine's).
  dbs.push(openDatabase(file), openDatabase(file));
  a = await createTestHub({ db: dbs[0], config });
  b =
    TEST_ENGINE === 'sqlite'
      ? await buildApp({ db: dbs[1], config })
      : await buildApp({ inMemory: true, config: { ...config, database: a.ctx.config.database } });
  await b.app.listen({ port: 0, host: '127.0.0.1' });
  const address = b.app.server.address();
  urlB = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await b?.app.close();
  await a?.close();
  await redis?.stop();
  for (const db of dbs) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  // The hubs' Redis clients, closed after Redis was stopped (the last test), still hold their
  // timers: commands that were on the wire time out after their commandTimeout (1 s), and each
  // closing connection is cut after ioredis' disconnectTimeout (2 s). Jest gives a worker half a
  // second to exit and otherwise forces it, with a warning that hid real leaks; let them run out.
  if (redisStopped) await new Promise((r) => setTimeout(r, 2500));
});

// City hall signs in once per hub (each sign-in spends a second-factor code of the shared account).
const sessions = new Map<Hub, Promise<StaffSession>>();
const cityhallOn = (hub: Hub) => {
  if (!sessions.has(hub)) sessions.set(hub, login(hub, 'cityhall'));
  return sessions.get(hub)!;
};

const publish = (hub: Hub, session: StaffSession, titleJa: string) =>
  as(
    hub,
    session,
  )({
    method: 'POST',
    url: '/api/announcements',
    payload: { kind: 'routine', titleJa, bodyJa: '高台へ避難してください。', target: { type: 'all' } },
  });

describe('several hubs through Redis', () => {
  it('delivers an announcement published on hub B to a terminal connected to hub A, once', async () => {
    const { credential } = await a.enrollTerminal(a.fixture.households[0]!);
    const onA = await terminal(await a.listen(), credential);
    const res = await publish(b, await cityhallOn(b), '津波警報');
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    await onA.waitFor(publishedId(id), 'the announcement published on the other hub');
    // Give a duplicate the time to arrive: the broadcast must reach the terminal exactly once.
    await new Promise((r) => setTimeout(r, 300));
    expect(onA.published().filter((p) => p.id === id)).toHaveLength(1);
    onA.close();
  });

  it('shows staff on hub A what a terminal on hub B does (live views across hubs)', async () => {
    const staffOnA = await connectStaff(await a.listen(), await cityhallOn(a));
    const { credential } = await a.enrollTerminal(a.fixture.households[1]!);
    // Other notices may come first (the terminal of the test before going offline, told later).
    const heard: { householdId: number; online: boolean }[] = [];
    staffOnA.on('terminal:presenceChanged', ({ changes }: { changes: { householdId: number; online: boolean }[] }) =>
      heard.push(...changes.filter((c) => c.householdId === a.fixture.households[1])),
    );
    const onB = await terminal(urlB, credential);
    await until(() => heard.length > 0, 5000);
    expect(heard).toEqual([expect.objectContaining({ householdId: a.fixture.households[1], online: true })]);
    onB.close();
    staffOnA.close();
  });

  it('agrees on presence on both hubs, also when a terminal moved to hub B before hub A noticed it left', async () => {
    const staffOnA = await connectStaff(await a.listen(), await cityhallOn(a));
    const { terminalId, credential } = await a.enrollTerminal(a.fixture.households[1]!);
    const heard: boolean[] = [];
    staffOnA.on('terminal:presenceChanged', ({ changes }: { changes: { terminalId: number; online: boolean }[] }) => {
      for (const p of changes) if (p.terminalId === terminalId) heard.push(p.online);
    });
    const shownOnline = async (hub: Hub) => {
      const res = await as(hub, await cityhallOn(hub))({ method: 'GET', url: '/api/terminals' });
      return (res.json() as { terminals: { id: number; online: boolean }[] }).terminals.find((t) => t.id === terminalId)
        ?.online;
    };
    const lastSeen = async () => (await a.stores.terminals.get(terminalId))?.lastSeenAt;
    const onA = await terminal(await a.listen(), credential);
    await until(() => heard.length === 1);
    const seenOnA = await lastSeen();
    // The terminal reconnects through hub B while hub A still holds its old socket, then A notices.
    const onB = await terminal(urlB, credential);
    await until(async () => (await lastSeen()) !== seenOnA);
    onA.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual([true]);
    expect(await a.stores.terminals.get(terminalId)).toMatchObject({ online: true });
    expect([await shownOnline(a), await shownOnline(b)]).toEqual([true, true]);
    onB.close();
    await until(() => heard.length === 2);
    expect(heard).toEqual([true, false]);
    expect([await shownOnline(a), await shownOnline(b)]).toEqual([false, false]);
    staffOnA.close();
  });

  it('counts sign-in attempts on both hubs against one limit', async () => {
    const attempt = (hub: Hub) =>
      as(
        hub,
        null,
      )({
        method: 'POST',
        url: '/api/auth/login',
        // An address of its own: the other tests' sign-ins do not count against it.
        remoteAddress: '192.0.2.7',
        payload: { username: 'no-such-person', password: 'wrong-password-1' },
      });
    const codes: number[] = [];
    // The limit is 10 a minute per address: alternating hubs, the 11th attempt is refused.
    for (let i = 0; i < 11; i++) codes.push((await attempt(i % 2 === 0 ? a : b)).statusCode);
    // (Refused by the password check, then by the lock-out after repeated failures: both not 429.)
    expect(codes.slice(0, 10).filter((c) => c === 429)).toEqual([]);
    expect(codes[10]).toBe(429);
  });

  it('still delivers to its own terminals when Redis is gone', async () => {
    const { credential } = await a.enrollTerminal(a.fixture.households[2]!);
    const onA = await terminal(await a.listen(), credential);
    await redis.stop();
    redisStopped = true;
    const res = await publish(a, await cityhallOn(a), '避難指示');
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    await onA.waitFor(publishedId(id), 'the announcement while Redis is down', 5000);
    onA.close();
  });
});

describe('TSUNAGU_REDIS_URL', () => {
  it('is optional, and a wrong value is a plain problem that does not repeat it', () => {
    const problems: string[] = [];
    expect(loadRedisConfig({}, problems)).toBeNull();
    expect(loadRedisConfig({ TSUNAGU_REDIS_URL: 'redis://r.example:6379' }, problems)).toEqual({
      url: 'redis://r.example:6379',
    });
    expect(loadRedisConfig({ TSUNAGU_REDIS_URL: 'http://user:secret@r.example' }, problems)).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('TSUNAGU_REDIS_URL');
    expect(problems[0]).not.toContain('secret');
  });

  it('stops the hub with a plain message when Redis cannot be reached', async () => {
    await expect(
      buildApp({ inMemory: true, config: { redis: { url: 'redis://127.0.0.1:1' }, speechTools: NO_SPEECH } }),
    ).rejects.toThrow(/Cannot reach Redis at TSUNAGU_REDIS_URL/);
  });
});
