/**
 * No single point of failure (issue 18): PostgreSQL, Redis, two hubs as child processes and HAProxy
 * in front, 1,000 virtual terminals connected through HAProxy. The hub that runs the scheduled jobs
 * (and holds a call in progress) is killed with SIGKILL in the middle of an emergency fan-out it
 * started. Every terminal reconnects through HAProxy to the survivor and shows the emergency exactly
 * once; no receipt or check-in the hubs acknowledged is lost, and the ones in flight are stored once
 * when resent; the survivor takes over the scheduled jobs (an announcement scheduled on the killed
 * hub goes out on time from the survivor); the call ends on both sides (or goes on).
 *
 * What is sent to the hub to be killed is sent through HAProxy with its cookie (TSUNAGU_HUB=hub1),
 * as a browser that HAProxy made sticky would; the fleet has no cookie (terminals use WebSocket
 * only) and is spread by HAProxy. Size: TSUNAGU_FAILOVER_TERMINALS (default 1000).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '@tsunagu/hub/app';
import { openPostgres, type Pg } from '@tsunagu/hub/db/postgres';
import { hashPassword } from '@tsunagu/hub/modules/accounts/service';
import { type ProvisionedCity, provisionCity } from '@tsunagu/hub/testing/child-hub';
import { sessionFor } from '@tsunagu/hub/testing/harness';
import {
  type Ack,
  type CallInfo,
  PROTOCOL_VERSION,
  STAFF_NAMESPACE,
  type StaffCallSync,
  TERMINAL_NAMESPACE,
  type TerminalCallSync,
} from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { type RunningCluster, startCluster } from '../cluster/cluster';
import { connectFleet, EVACUATION_ORDER, type FleetTerminal, type TerminalIdentity, waitFor } from './terminals';

const TERMINALS = Number(process.env.TSUNAGU_FAILOVER_TERMINALS ?? 1000);
const LEADS = 'this hub runs the scheduled jobs';
/** HAProxy's persistence cookie naming the hub to be killed (haproxy.ts: servers hub1, hub2…). */
const ON_KILLED_HUB = 'TSUNAGU_HUB=hub1';
/** The title of the emergency whose publishing hub kills itself right after its commit (delivery.ts's test fault). */
const DIES_AFTER_COMMIT = '緊急 試験 直後停止';

jest.setTimeout(300_000);

interface CallParties {
  shopId: number;
  operatorId: number;
  operatorCookie: string;
  caller: TerminalIdentity;
}

/** A shop with an operator signed in (a stored session) and one more terminal to call it. */
async function prepareCall(dataDir: string, url: string): Promise<CallParties> {
  const hub = await buildApp({ config: { dataDir, database: { engine: 'postgres', url } }, backgroundJobs: false });
  try {
    const now = hub.ctx.clock.now();
    const hours = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '00:00', close: '24:00' }));
    const shopId = await hub.stores.shops.create(
      { name: '試験商店', category: 'supermarket', kind: 'shop', openingHours: hours },
      now,
    );
    const operatorId = await hub.stores.accounts.createUser(
      {
        username: 'failover-operator',
        displayName: '試験オペレーター',
        passwordHash: await hashPassword(randomUUID()),
        role: 'operator',
        admin: false,
        shopId,
        watcherKind: null,
      },
      now,
    );
    const session = sessionFor(hub, operatorId);
    await session.stored;
    const district = (await hub.stores.households.listDistricts())[0]!.id;
    const householdId = await hub.stores.households.create(
      { name: '通話世帯', address: '試験町 0', districtId: district },
      now,
    );
    const { code } = await hub.services.terminals.issueCode(householdId, 'test');
    const caller = await hub.services.terminals.enroll(code, null);
    return {
      shopId,
      operatorId,
      operatorCookie: session.cookie,
      caller: { householdId, terminalId: caller.terminalId, credential: caller.credential },
    };
  } finally {
    await hub.app.close();
  }
}

/** A socket that reconnects by itself (through HAProxy, with the same headers), as a terminal's or a console's. */
function reconnecting(url: string, namespace: string, options: { auth?: object; cookie: string }): Socket {
  return io(`${url}${namespace}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 300,
    reconnectionDelayMax: 1_000,
    extraHeaders: { cookie: options.cookie },
    ...(options.auth ? { auth: options.auth } : {}),
  });
}

const ack = async <T>(socket: Socket, event: string, payload: unknown): Promise<T> => {
  const a = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
  if (!a.ok) throw new Error(`${event} refused: ${a.error.code} ${a.error.message}`);
  return a.data;
};

const once = <T>(socket: Socket, event: string) => new Promise<T>((resolve) => socket.once(event, resolve));

const connected = (socket: Socket) =>
  socket.connected ? Promise.resolve() : new Promise<void>((resolve) => socket.once('connect', () => resolve()));

async function post(url: string, headers: Record<string, string>, pathname: string, body: unknown) {
  const res = await fetch(`${url}${pathname}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Why hubs refused check-ins (a refusal is resent too, as the terminal would, but says what broke). */
const refusals: string[] = [];

/** A resident's check-in, resent with the same key until a hub acknowledges it (the terminal's outbox). */
async function checkIn(t: FleetTerminal, key: string, pressedAt: string, until: () => boolean): Promise<boolean> {
  while (!until()) {
    if (t.socket.connected) {
      try {
        const a = (await t.socket
          .timeout(5_000)
          .emitWithAck('checkin:submit', { idempotencyKey: key, pressedAt })) as Ack<unknown>;
        if (a.ok) return true;
        refusals.push(`${a.error.code}: ${a.error.message}`);
      } catch {
        // no answer (the hub died): resent once reconnected
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

describe('two hubs behind HAProxy, the leading one killed with SIGKILL mid-emergency', () => {
  let cluster: RunningCluster;
  let city: ProvisionedCity;
  let call: CallParties;
  let fleet: FleetTerminal[] = [];
  let pg: Pg;
  let operator: Socket | null = null;
  let caller: Socket | null = null;
  const provisionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-failover-'));
  const callDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-failover-call-'));
  let done = false;

  // What happened around the kill, checked by the tests below.
  let emergencyId = 0;
  let scheduledId = 0;
  let sendAt = 0;
  let callId = 0;
  let killedAt = 0;
  let showingAtKill = 0;
  let receiptsAckedAtKill = 0;
  const ackedBeforeKill: string[] = [];
  const inFlight: { key: string; acked: Promise<boolean> }[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      hubs: 2,
      hubEnv: { LOG_LEVEL: 'info', TSUNAGU_FAULT_DIE_AFTER_COMMIT: DIES_AFTER_COMMIT },
      prepare: async (url) => {
        city = await provisionCity(provisionDir, TERMINALS, { database: { engine: 'postgres', url } });
        call = await prepareCall(callDir, url);
      },
    });
    pg = await openPostgres(cluster.databaseUrl, { migrate: false, max: 2 });
  });

  afterAll(async () => {
    done = true;
    // TSUNAGU_FAILOVER_LOGS=DIR keeps what each hub and HAProxy wrote, for looking into a failure.
    const logs = process.env.TSUNAGU_FAILOVER_LOGS;
    if (logs && cluster) {
      fs.mkdirSync(logs, { recursive: true });
      for (const [i, out] of cluster.outputs().entries()) fs.writeFileSync(path.join(logs, `hub${i + 1}.log`), out);
      fs.writeFileSync(path.join(logs, 'haproxy.log'), cluster.haproxy.output());
    }
    for (const t of fleet) t.close();
    operator?.close();
    caller?.close();
    await pg?.end();
    await cluster?.stop();
    fs.rmSync(provisionDir, { recursive: true, force: true });
    fs.rmSync(callDir, { recursive: true, force: true });
  });

  it(`the first hub leads the scheduled jobs; ${TERMINALS} terminals and a call connect through HAProxy`, async () => {
    expect(await waitFor(() => cluster.hubs[0]!.output().includes(LEADS), 20_000)).toBe(true);
    expect(cluster.hubs[1]!.output()).not.toContain(LEADS);

    fleet = await connectFleet(cluster.url, city.terminals, { batch: 50 });

    // A call in progress on the hub to be killed: the resident's terminal and the operator's console.
    caller = reconnecting(cluster.url, TERMINAL_NAMESPACE, {
      cookie: ON_KILLED_HUB,
      auth: { credential: call.caller.credential, protocolVersion: PROTOCOL_VERSION },
    });
    operator = reconnecting(cluster.url, STAFF_NAMESPACE, { cookie: `${call.operatorCookie}; ${ON_KILLED_HUB}` });
    await Promise.all([connected(caller), connected(operator)]);
    await ack(operator, 'call:setAvailability', { availability: 'available' });
    const ringing = once<CallInfo>(operator, 'call:ringing');
    const terminalConnected = once<CallInfo>(caller, 'call:connected');
    ({ callId } = await ack<{ callId: number }>(caller, 'call:request', { shopId: call.shopId }));
    expect((await ringing).callId).toBe(callId);
    expect(await ack<CallInfo>(operator, 'call:answer', { callId })).toMatchObject({ status: 'connected' });
    await terminalConnected;
  });

  it('SIGKILL of the leading hub while it fans out an emergency', async () => {
    const onKilled = { authorization: `Bearer ${city.apiKey}`, cookie: ON_KILLED_HUB };
    // Scheduled on the hub to be killed, due after the kill: the survivor must send it.
    sendAt = Date.now() + 20_000;
    const scheduled = await post(cluster.url, onKilled, '/api/announcements', {
      kind: 'routine',
      titleJa: '給水のお知らせ',
      bodyJa: '本日15時から中央公園で給水を行います。',
      target: { type: 'all' },
      sendAt: new Date(sendAt).toISOString(),
    });
    expect(scheduled.status).toBe(201);
    scheduledId = scheduled.body.id as number;

    // Check-ins the hubs acknowledged before the kill…
    const pressedAt = new Date().toISOString();
    const early = fleet.slice(0, Math.min(100, TERMINALS));
    const refused = () => refusals.length > 0;
    await Promise.all(
      early.map(async (t) => {
        const key = randomUUID();
        if (await checkIn(t, key, pressedAt, refused)) ackedBeforeKill.push(key);
      }),
    );
    expect({ acknowledged: ackedBeforeKill.length, refusals: [...new Set(refusals)] }).toEqual({
      acknowledged: early.length,
      refusals: [],
    });
    // …and check-ins in flight when the hub dies (resent until acknowledged).
    for (const t of fleet.slice(early.length, early.length + Math.min(200, TERMINALS))) {
      const key = randomUUID();
      inFlight.push({ key, acked: checkIn(t, key, pressedAt, () => done) });
    }

    const publish = post(cluster.url, onKilled, '/api/announcements', EVACUATION_ORDER).catch(() => null);
    // Killed as soon as a hub acknowledges the first receipt: the killed hub is still delivering the
    // emergency (the terminals' receipts are on their way to both hubs, most not stored yet). Killed
    // earlier, right after its commit: the last test.
    expect(await waitFor(() => fleet.some((t) => t.receiptsStored.size > 0), 30_000, 1)).toBe(true);
    showingAtKill = fleet.filter((t) => t.screen.size > 0).length;
    receiptsAckedAtKill = fleet.filter((t) => t.receiptsStored.size > 0).length;
    killedAt = Date.now();
    await cluster.kill9(0);
    const answer = await publish;

    const rows = (
      await pg.query<{ id: number; status: string }>("SELECT id, status FROM announcements WHERE kind = 'emergency'")
    ).rows;
    expect(rows).toEqual([{ id: expect.anything(), status: 'published' }]);
    emergencyId = Number(rows[0]!.id);
    if (answer?.status === 201) expect(answer.body.id).toBe(emergencyId);
    console.log(
      `failover: SIGKILL with ${showingAtKill}/${TERMINALS} terminals showing the emergency ` +
        `(publish answered: ${answer?.status ?? 'no'})`,
    );
  });

  it('every terminal reconnects through HAProxy and shows the emergency exactly once', async () => {
    expect(emergencyId).toBeGreaterThan(0);
    const all = await waitFor(() => fleet.every((t) => t.screen.has(emergencyId)), 90_000, 100);
    const allAt = Date.now();
    expect({ all, missing: fleet.filter((t) => !t.screen.has(emergencyId)).length }).toEqual({ all: true, missing: 0 });
    // The killed hub's terminals (about half: HAProxy balances by connections) came back through HAProxy.
    const dropped = fleet.filter((t) => t.disconnects > 0);
    expect(dropped.length).toBeGreaterThan(TERMINALS / 4);
    expect(dropped.length).toBeLessThan(TERMINALS);
    expect(await waitFor(() => fleet.every((t) => t.socket.connected), 30_000, 100)).toBe(true);
    const problems = fleet.filter(
      (t) => t.shownAsNew.get(emergencyId) !== 1 || t.duplicateInSync || t.removedBySync || t.liveTwice,
    );
    expect(
      problems.map((t) => ({
        terminal: t.identity.terminalId,
        shownAsNew: t.shownAsNew.get(emergencyId),
        sentTwiceLive: t.liveTwice,
        leftOutOfSync: t.removedBySync,
        twiceInSync: t.duplicateInSync,
      })),
    ).toEqual([]);
    console.log(
      `failover: all ${TERMINALS} showing it ${allAt - killedAt} ms after the kill (${dropped.length} had to reconnect)`,
    );
  });

  it('no acknowledged receipt or check-in is lost; the ones in flight are stored once', async () => {
    expect(emergencyId).toBeGreaterThan(0);
    // A terminal stops resending once a hub acknowledged: an acknowledged write the kill lost would
    // be missing for good. Every check-in and every terminal's receipt is stored, once.
    expect(await Promise.all(inFlight.map((c) => c.acked))).not.toContain(false);
    const keys = [...ackedBeforeKill, ...inFlight.map((c) => c.key)];
    const kept = (
      await pg.query<{ idempotency_key: string; n: string }>(
        'SELECT idempotency_key, COUNT(*) AS n FROM checkins WHERE idempotency_key = ANY($1) GROUP BY idempotency_key',
        [keys],
      )
    ).rows;
    const counts = new Map(kept.map((r) => [r.idempotency_key, Number(r.n)]));
    expect(ackedBeforeKill.filter((k) => counts.get(k) !== 1)).toEqual([]);
    expect(inFlight.filter((c) => counts.get(c.key) !== 1).map((c) => c.key)).toEqual([]);
    expect(await waitFor(() => fleet.every((t) => t.receiptsStored.has(emergencyId)), 60_000, 100)).toBe(true);
    const stored = new Set(
      (
        await pg.query<{ terminal_id: number }>(
          'SELECT terminal_id FROM announcement_receipts WHERE announcement_id = $1 AND delivered_at IS NOT NULL',
          [emergencyId],
        )
      ).rows.map((r) => Number(r.terminal_id)),
    );
    expect(fleet.filter((t) => !stored.has(t.identity.terminalId)).map((t) => t.identity.terminalId)).toEqual([]);
    expect(stored.size).toBe(TERMINALS);

    console.log(
      `failover: ${receiptsAckedAtKill} receipts and ${ackedBeforeKill.length} check-ins acknowledged before the kill, ` +
        `${inFlight.length} check-ins in flight: all stored once`,
    );
  });

  it('the survivor takes over the scheduled jobs: the announcement scheduled on the killed hub goes out on time', async () => {
    expect(scheduledId).toBeGreaterThan(0);
    expect(await waitFor(() => cluster.hubs[1]!.output().includes(LEADS), 20_000)).toBe(true);
    const sent = await waitFor(() => fleet.every((t) => t.screen.has(scheduledId)), sendAt - Date.now() + 60_000, 100);
    expect({ sent, missing: fleet.filter((t) => !t.screen.has(scheduledId)).length }).toEqual({
      sent: true,
      missing: 0,
    });
    expect(fleet.filter((t) => t.shownAsNew.get(scheduledId) !== 1 || t.liveTwice)).toEqual([]);
    const row = (
      await pg.query<{ status: string; published_at: string }>(
        'SELECT status, published_at FROM announcements WHERE id = $1',
        [scheduledId],
      )
    ).rows[0]!;
    expect(row.status).toBe('published');
    const late = Number(row.published_at) - sendAt;
    // Not early; and on time, give or take a loaded machine: the survivor armed its timer when it
    // took the job over (a timer left behind on the killed hub would send it never, or only at
    // some later catch-up). A correctness bound, not a figure: the figure is logged below.
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(30_000);
    console.log(`failover: the scheduled announcement went out ${late} ms after its time`);
  });

  it('the call in progress on the killed hub ends cleanly on both sides (or goes on); the next call connects', async () => {
    expect(callId).toBeGreaterThan(0);
    await Promise.all([connected(caller!), connected(operator!)]);
    // Each side asks where its call stands after reconnecting, as the terminal and the console do.
    const settled = async () => {
      const t = await ack<TerminalCallSync>(caller!, 'call:sync', {});
      const s = await ack<StaffCallSync>(operator!, 'call:sync', { media: null });
      const row = (
        await pg.query<{ status: string; ended_at: string | null }>(
          'SELECT status, ended_at FROM calls WHERE id = $1',
          [callId],
        )
      ).rows[0]!;
      return { t, s, row };
    };
    let state = await settled();
    const goesOn = (x: typeof state) => x.t.call?.callId === callId && x.s.call?.callId === callId;
    const ended = (x: typeof state) =>
      x.t.call === null && x.s.call === null && x.row.status === 'ended' && x.row.ended_at !== null;
    for (let i = 0; i < 100 && !goesOn(state) && !ended(state); i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = await settled();
    }
    // On failure: what each side and the database say.
    expect(goesOn(state) || ended(state) ? 'settled' : state).toBe('settled');
    console.log(`failover: the call ${goesOn(state) ? 'went on through the survivor' : 'ended on both sides'}`);
    if (goesOn(state)) {
      // Recovered: still one call, and either side can end it; the other is told.
      expect(state.t.call).toMatchObject({ status: 'connected' });
      const told = once<{ callId: number }>(operator!, 'call:ended');
      expect(await ack(caller!, 'call:hangUp', { callId })).toEqual({ callId });
      expect(await told).toMatchObject({ callId });
    }
    expect(
      (await pg.query<{ status: string }>('SELECT status FROM calls WHERE id = $1', [callId])).rows[0]!.status,
    ).toBe('ended');

    // Neither side is left stuck in the old call: the resident calls again and the operator answers.
    await ack(operator!, 'call:setAvailability', { availability: 'available' });
    const ringing = once<CallInfo>(operator!, 'call:ringing');
    const next = await ack<{ callId: number }>(caller!, 'call:request', { shopId: call.shopId });
    expect(next.callId).not.toBe(callId);
    expect((await ringing).callId).toBe(next.callId);
    expect(await ack<CallInfo>(operator!, 'call:answer', { callId: next.callId })).toMatchObject({
      status: 'connected',
    });
  });

  it('a hub killed right after committing an emergency, before sending it: every terminal of the other hub shows it once', async () => {
    // The killed hub back (when the tests before ran), and about half the terminals moved to it
    // (HAProxy gives a new connection to the hub with fewer; a response without its cookie names
    // the hub that served it).
    if (!cluster.hubs[0]) await cluster.restart(0);
    let servedBy: string | undefined;
    for (let i = 0; i < 150 && servedBy !== 'hub1'; i++) {
      servedBy = (await fetch(`${cluster.url}/healthz`)).headers.get('set-cookie')?.match(/TSUNAGU_HUB=(\w+)/)?.[1];
      if (servedBy !== 'hub1') await new Promise((r) => setTimeout(r, 200));
    }
    expect(servedBy).toBe('hub1');
    const moving = fleet.slice(0, TERMINALS / 2);
    for (let i = 0; i < moving.length; i += 50)
      await Promise.all(
        moving.slice(i, i + 50).map((t) => {
          t.socket.disconnect();
          return t.connect();
        }),
      );
    const disconnectsBefore = new Map(fleet.map((t) => [t, t.disconnects]));

    // Published through the restarted hub, which dies after the commit before it sends anything
    // (TSUNAGU_FAULT_DIE_AFTER_COMMIT): no broadcast of it ever reaches Redis.
    const answer = await post(
      cluster.url,
      { authorization: `Bearer ${city.apiKey}`, cookie: ON_KILLED_HUB },
      '/api/announcements',
      {
        kind: 'emergency',
        titleJa: DIES_AFTER_COMMIT,
        bodyJa: '高台へ避難してください。',
        target: { type: 'all' },
        confirmWholeCity: true,
      },
    ).catch(() => null);
    expect(answer?.status).not.toBe(201);
    const killed = cluster.hubs[0]!.process;
    expect(await waitFor(() => killed.signalCode === 'SIGKILL', 30_000)).toBe(true);
    const rows = (
      await pg.query<{ id: number }>("SELECT id FROM announcements WHERE title_ja = $1 AND status = 'published'", [
        DIES_AFTER_COMMIT,
      ])
    ).rows;
    expect(rows).toHaveLength(1);
    const id = Number(rows[0]!.id);

    const all = await waitFor(() => fleet.every((t) => t.screen.has(id)), 60_000, 100);
    expect({ all, missing: fleet.filter((t) => !t.screen.has(id)).length }).toEqual({ all: true, missing: 0 });
    // The surviving hub's terminals never reconnected: they were sent it live, by their own hub.
    const stayed = fleet.filter((t) => t.disconnects === disconnectsBefore.get(t));
    const dropped = fleet.length - stayed.length;
    expect(stayed.length).toBeGreaterThan(TERMINALS / 4);
    expect(dropped).toBeGreaterThan(TERMINALS / 4);
    expect(fleet.filter((t) => t.shownAsNew.get(id) !== 1 || t.liveTwice).map((t) => t.identity.terminalId)).toEqual(
      [],
    );
    console.log(
      `failover: killed right after its commit: ${stayed.length} shown it live by the other hub, ${dropped} reconnected`,
    );
  });
});
