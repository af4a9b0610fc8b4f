/**
 * Network faults between a terminal and the hub (a TCP proxy in between): added delay, a dropped
 * connection (FIN), a reset (RST) and a stall (bytes held, sockets left open). Under each, an
 * announcement is still delivered and shown once, a check-in is counted once, an active call
 * recovers or ends cleanly on both sides, and the staff console's view (presence, call state)
 * matches the truth.
 */
import { randomUUID } from 'node:crypto';
import { FakeClock } from '@tsunagu/hub/lib/clock';
import { RECONNECT_GRACE_MS } from '@tsunagu/hub/modules/calls/service';
import { connectCall, createTestHub, emitAck, nextEvent, type TestHub } from '@tsunagu/hub/testing/harness';
import type { Ack, CallInfo } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { TcpProxy } from './tcp-proxy';
import { FleetTerminal, waitFor } from './terminals';

jest.setTimeout(60_000);

type Fault = 'delay' | 'drop' | 'reset' | 'stall';
const FAULTS: Fault[] = ['delay', 'drop', 'reset', 'stall'];

/** Socket.IO heartbeats short enough that a stalled link is noticed in about two seconds. */
const PING_INTERVAL_MS = 600;
const PING_TIMEOUT_MS = 1_200;

interface Presence {
  terminalId: number;
  online: boolean;
}

describe.each(FAULTS)('network fault: %s', (fault) => {
  let hub: TestHub;
  let clock: FakeClock;
  let proxy: TcpProxy;
  let terminal: FleetTerminal;
  let terminalId: number;
  let cityhallConsole: Socket;
  const presence: Presence[] = [];

  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0, 0)); // 10:00 in Tokyo
    hub = await createTestHub({ clock });
    const url = await hub.listen();
    const opts = hub.ctx.sockets.io.engine.opts as { pingInterval: number; pingTimeout: number };
    opts.pingInterval = PING_INTERVAL_MS;
    opts.pingTimeout = PING_TIMEOUT_MS;
    proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(url).port) });
    await proxy.listen();
    const enrolled = await hub.enrollTerminal(hub.fixture.households[0]!);
    terminalId = enrolled.terminalId;
    cityhallConsole = await hub.connectStaff(hub.sessionFor(hub.fixture.users.cityhall));
    presence.length = 0;
    cityhallConsole.on('terminal:presenceChanged', ({ changes }: { changes: Presence[] }) => presence.push(...changes));
    terminal = new FleetTerminal(proxy.url, { ...enrolled, householdId: hub.fixture.households[0]! });
    await terminal.connect();
    await waitFor(() => presence.some((p) => p.terminalId === terminalId && p.online), 5_000);
  });

  afterEach(async () => {
    terminal.close();
    await proxy.close();
    await hub.close();
  });

  /** Starts the fault. */
  async function apply() {
    if (fault === 'delay') proxy.setDelay(400);
    else if (fault === 'drop') proxy.drop();
    else if (fault === 'reset') proxy.reset();
    else proxy.stall();
  }

  /** Ends it; for a stall, only after the hub has noticed the silent link (heartbeat timeout). */
  async function heal() {
    if (fault === 'delay') proxy.setDelay(0);
    if (fault === 'stall') {
      await waitFor(() => hub.services.terminals.connectedCount(terminalId) === 0, 10_000);
      proxy.resume();
    }
  }

  /** The console's latest word on the terminal agrees with the hub and with the terminal itself. */
  async function expectConsoleShowsTruth() {
    expect(await waitFor(() => terminal.socket.connected, 15_000)).toBe(true);
    const online = () => presence.filter((p) => p.terminalId === terminalId).at(-1)?.online;
    expect(
      await waitFor(() => online() === true && hub.services.terminals.connectedCount(terminalId) > 0, 10_000),
    ).toBe(true);
    const list = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({ method: 'GET', url: '/api/terminals' });
    const row = (list.json() as { terminals: { id: number; online: boolean }[] }).terminals.find(
      (t) => t.id === terminalId,
    );
    expect(row?.online).toBe(true);
  }

  it('an announcement is still delivered, and shown once', async () => {
    await apply();
    const res = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
      method: 'POST',
      url: '/api/announcements',
      payload: { kind: 'important', titleJa: '断水のお知らせ', bodyJa: '明日は断水します。', target: { type: 'all' } },
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    await heal();
    expect(await waitFor(() => terminal.screen.has(id), 20_000)).toBe(true);
    expect(terminal.shownAsNew.get(id)).toBe(1);
    expect(await waitFor(() => terminal.receiptsStored.has(id), 10_000)).toBe(true);
    await expectConsoleShowsTruth();
  });

  it('a check-in is counted once (the terminal resends until acknowledged)', async () => {
    const key = randomUUID();
    const pressedAt = new Date(clock.now()).toISOString();
    await apply();
    const healed = heal();
    let receipt: { duplicate: boolean } | null = null;
    let attempts = 0;
    for (; attempts < 40 && !receipt; attempts++) {
      if (!terminal.socket.connected) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        const ack = (await terminal.socket
          .timeout(1_500)
          .emitWithAck('checkin:submit', { idempotencyKey: key, pressedAt })) as Ack<{ duplicate: boolean }>;
        if (ack.ok) receipt = ack.data;
      } catch {
        // no answer in time: resend (same key)
      }
    }
    await healed;
    expect(receipt).not.toBeNull();
    // One more resend after the answer (a terminal whose ack was lost does this): still one.
    const again = (await terminal.socket
      .timeout(5_000)
      .emitWithAck('checkin:submit', { idempotencyKey: key, pressedAt })) as Ack<{ duplicate: boolean }>;
    expect(again).toMatchObject({ ok: true, data: { duplicate: true } });
    expect(hub.ctx.db.prepare('SELECT COUNT(*) AS n FROM checkins WHERE idempotency_key = ?').get(key)).toEqual({
      n: 1,
    });
    await expectConsoleShowsTruth();
  });

  it('an active call recovers, or ends cleanly on both sides; the console shows which', async () => {
    const operator = await hub.connectStaff(hub.sessionFor(hub.fixture.users.operator));
    const { callId } = await connectCall(terminal.socket as unknown as Socket, operator, hub.fixture.shopId);

    const ended = { terminal: null as string | null, operator: null as string | null };
    const reconnected: CallInfo[] = [];
    terminal.socket.on('call:ended', (p: { callId: number; reason: string }) => {
      if (p.callId === callId) ended.terminal = p.reason;
    });
    terminal.socket.on('call:connected', (p: CallInfo) => {
      if (p.callId === callId) reconnected.push(p);
    });
    operator.on('call:ended', (p: { callId: number; reason: string }) => {
      if (p.callId === callId) ended.operator = p.reason;
    });
    const status = () =>
      (hub.ctx.db.prepare('SELECT status FROM calls WHERE id = ?').get(callId) as { status: string }).status;

    await apply();
    if (fault === 'stall') {
      // The hub notices the silent link, waits out the grace period, and ends the call.
      await waitFor(() => hub.services.terminals.connectedCount(terminalId) === 0, 10_000);
      // The console hears it too (its presence event may follow the socket count by a moment).
      expect(
        await waitFor(() => presence.filter((p) => p.terminalId === terminalId).at(-1)?.online === false, 5_000),
      ).toBe(true);
      clock.advance(RECONNECT_GRACE_MS + 1);
      expect(await waitFor(() => ended.operator !== null, 5_000)).toBe(true);
      expect(ended.operator).toBe('connection_lost');
      expect(status()).toBe('ended');
      await heal();
      // When the link comes back the terminal learns that the call is over: both sides agree.
      expect(await waitFor(() => ended.terminal !== null, 15_000)).toBe(true);
      expect(ended.terminal).toBe('connection_lost');
    } else {
      await heal();
      // Back within the grace period: the call goes on, and both sides can still talk and hang up.
      expect(
        await waitFor(() => terminal.socket.connected && hub.services.terminals.connectedCount(terminalId) > 0, 15_000),
      ).toBe(true);
      if (fault !== 'delay') expect(await waitFor(() => reconnected.length > 0, 5_000)).toBe(true);
      expect(status()).toBe('connected');
      expect(ended).toEqual({ terminal: null, operator: null });
      clock.advance(RECONNECT_GRACE_MS + 1); // a grace timer must have been cancelled
      expect(status()).toBe('connected');
      const signal = nextEvent(operator, 'call:signal', 10_000);
      const sent = (await terminal.socket.timeout(10_000).emitWithAck('call:signal', {
        callId,
        generation: 0,
        signal: { type: 'offer', sdp: 'v=0\r\n' },
      })) as Ack<unknown>;
      expect(sent.ok).toBe(true);
      await signal;
      expect(await emitAck(operator, 'call:hangUp', { callId })).toMatchObject({ ok: true });
      expect(await waitFor(() => ended.terminal !== null && ended.operator !== null, 10_000)).toBe(true);
    }
    await expectConsoleShowsTruth();
  });
});
