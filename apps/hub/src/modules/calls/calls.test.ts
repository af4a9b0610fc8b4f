import { createHmac } from 'node:crypto';
import type { CallInfo, QueuePosition } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import type { DomainEvents } from '../../lib/events';
import {
  connectCall,
  createTestHub,
  emitAck,
  nextEvent,
  TEST_PASSWORD,
  type TestHub,
  withHub,
} from '../../testing/harness';
import type { CallsService } from './service';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
const offer = { type: 'offer', sdp: 'v=0\r\n' };

describe('calls over real Socket.IO', () => {
  let hub: TestHub;
  const terminal = (i: number) => hub.terminal(i);
  const staff = (username: string) => hub.staff(username);

  withHub('each', (made) => (hub = made));

  async function connectedCall() {
    const t = await terminal(0);
    const op = await staff('operator');
    const { callId, answer } = await connectCall(t, op, hub.fixture.shopId);
    expect(answer).toMatchObject({ ok: true, data: { status: 'connected', operatorId: hub.fixture.users.operator } });
    return { t, op, callId };
  }

  it('a resident calls, the shop operator is rung and answers; both are connected and the call counts as activity', async () => {
    const activity: DomainEvents['household.activity'][] = [];
    hub.ctx.events.on('household.activity', (e) => activity.push(e));
    const { callId } = await connectedCall();
    expect(activity).toContainEqual(expect.objectContaining({ householdId: hub.fixture.households[0], kind: 'call' }));
    const rec = await (hub.capabilities.calls as CallsService).callInfo(callId);
    expect(rec).toMatchObject({ status: 'connected', shopName: 'テストマート' });
  });

  it('relays signals only between the two parties of the call; anyone else is refused', async () => {
    const { t, op, callId } = await connectedCall();
    const got = nextEvent(op, 'call:signal');
    expect(await emitAck(t, 'call:signal', { callId, generation: 0, signal: offer })).toEqual({
      ok: true,
      data: { delivered: true },
    });
    expect(await got).toEqual({ callId, generation: 0, signal: offer });
    const back = nextEvent(t, 'call:signal');
    await emitAck(op, 'call:signal', { callId, generation: 0, signal: { type: 'answer', sdp: 'x' } });
    expect(await back).toMatchObject({ signal: { type: 'answer' } });

    const stranger = await terminal(1);
    const otherOp = await staff('other-operator');
    const listener = await staff('listener');
    let leaked = false;
    for (const s of [t, op])
      s.on('call:signal', (m: { signal: { sdp?: string } }) => {
        if (m.signal.sdp === 'evil') leaked = true;
      });
    for (const s of [stranger, otherOp, listener]) {
      const r = await emitAck<Ack<unknown>>(s, 'call:signal', {
        callId,
        generation: 0,
        signal: { type: 'offer', sdp: 'evil' },
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_CALL_PARTY' } });
    }
    // A call that does not exist is refused the same way (no hint that it exists or not).
    expect(await emitAck(t, 'call:signal', { callId: 99999, generation: 0, signal: offer })).toMatchObject({
      ok: false,
      error: { code: 'NOT_CALL_PARTY' },
    });
    // Only simple-peer's signal shapes are relayed.
    expect(
      await emitAck(t, 'call:signal', { callId, generation: 0, signal: { type: 'offer', sdp: 'x', extra: 1 } }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(leaked).toBe(false);
  });

  it('either side can hang up; the other is told and signals are refused afterwards', async () => {
    const { t, op, callId } = await connectedCall();
    const ended = nextEvent(op, 'call:ended');
    expect(await emitAck(t, 'call:hangUp', { callId })).toEqual({ ok: true, data: { callId } });
    expect(await ended).toEqual({ callId, reason: 'hung_up_by_resident' });
    expect(await emitAck(op, 'call:signal', { callId, generation: 0, signal: offer })).toMatchObject({
      ok: false,
      error: { code: 'NOT_CALL_PARTY' },
    });
    const state = (hub.capabilities.calls as CallsService).operatorState(hub.fixture.users.operator);
    expect(state.availability).toBe('after_call_work');
  });

  it('an operator’s own state goes to that operator; the shop and city hall see it in the queue view', async () => {
    const op = await staff('operator');
    const cityhall = await staff('cityhall');
    const others: string[] = [];
    cityhall.on('call:operatorChanged', () => others.push('cityhall'));
    const mine = nextEvent<{ operatorId: number; availability: string }>(op, 'call:operatorChanged');
    const seen = new Promise<{ operators: { operatorId: number; availability: string }[] }>((resolve) =>
      cityhall.on(
        'call:queueChanged',
        (q: { shopId: number; operators: { operatorId: number; availability: string }[] }) => {
          const me = q.operators.find((o) => o.operatorId === hub.fixture.users.operator);
          if (q.shopId === hub.fixture.shopId && me?.availability === 'available') resolve(q);
        },
      ),
    );
    await emitAck(op, 'call:setAvailability', { availability: 'available' });
    expect(await mine).toMatchObject({ operatorId: hub.fixture.users.operator, availability: 'available' });
    await seen;
    expect(others).toEqual([]);
  });

  it('the operator can hang up too', async () => {
    const { t, op, callId } = await connectedCall();
    const ended = nextEvent(t, 'call:ended');
    await emitAck(op, 'call:hangUp', { callId });
    expect(await ended).toEqual({ callId, reason: 'hung_up_by_operator' });
  });

  it('sends place in queue and updates it as callers ahead leave; a hang-up leaves the queue at once', async () => {
    const [a, b, c] = [await terminal(0), await terminal(1), await terminal(2)];
    const ra = await emitAck<Ack<QueuePosition>>(a, 'call:request', { shopId: hub.fixture.shopId });
    const rb = await emitAck<Ack<QueuePosition>>(b, 'call:request', { shopId: hub.fixture.shopId });
    const rc = await emitAck<Ack<QueuePosition>>(c, 'call:request', { shopId: hub.fixture.shopId });
    if (!ra.ok || !rb.ok || !rc.ok) throw new Error('request failed');
    expect(rc.data).toMatchObject({ position: 3, ahead: 2, notice: 'nobody_available' });
    const update = nextEvent<QueuePosition>(c, 'call:queueUpdated');
    await emitAck(a, 'call:cancel', { callId: ra.data.callId });
    expect(await update).toMatchObject({ position: 2, ahead: 1 });
    const update2 = nextEvent<QueuePosition>(c, 'call:queueUpdated');
    b.close(); // b's terminal goes away: out of the queue at once
    expect(await update2).toMatchObject({ position: 1, ahead: 0 });
    const figures = (hub.capabilities.calls as CallsService).queueView(hub.fixture.shopId).figures;
    expect(figures).toMatchObject({ waitingNow: 1, abandoned: 2 });
  });

  it('refuses a second call from the same terminal and calls to unknown shops', async () => {
    const t = await terminal(0);
    await emitAck(t, 'call:request', { shopId: hub.fixture.shopId });
    expect(await emitAck(t, 'call:request', { shopId: hub.fixture.otherShopId })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_IN_CALL' },
    });
    const t2 = await terminal(1);
    expect(await emitAck(t2, 'call:request', { shopId: 9999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await emitAck(t2, 'call:request', { shopId: '1' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('a callback request keeps its place; staff call back and the terminal rings with answer / decline', async () => {
    const t = await terminal(0);
    const r = await emitAck<Ack<QueuePosition>>(t, 'call:request', { shopId: hub.fixture.shopId });
    if (!r.ok) throw new Error(r.error.message);
    const cb = await emitAck<Ack<QueuePosition>>(t, 'call:requestCallback', { callId: r.data.callId });
    expect(cb).toMatchObject({ ok: true, data: { position: 1, callback: true } });
    t.close(); // the resident walks away; the request stays
    await new Promise((res) => setTimeout(res, 50));
    const op = await staff('operator'); // away: not rung
    const view = (hub.capabilities.calls as CallsService).queueView(hub.fixture.shopId);
    expect(view.entries).toEqual([expect.objectContaining({ callId: r.data.callId, callback: true })]);

    const t2 = await hub.terminal(0);
    const incoming = nextEvent<CallInfo>(t2, 'call:incoming');
    const res = await emitAck<Ack<CallInfo>>(op, 'call:callBack', {
      householdId: hub.fixture.households[0],
      callbackOf: r.data.callId,
    });
    expect(res).toMatchObject({ ok: true, data: { status: 'ringing_terminal' } });
    // The call-back is in the audit log: who called which household, from where (issue 11, item 7).
    expect((await hub.ctx.audit.list({})).find((e) => e.action === 'call.called_back')).toMatchObject({
      actor: `user:${hub.fixture.users.operator}:operator`,
      target: `household:${hub.fixture.households[0]}`,
      ip: '127.0.0.1',
    });
    expect(await incoming).toMatchObject({ callId: r.data.callId, shopName: 'テストマート' });
    const opConnected = nextEvent<CallInfo>(op, 'call:connected');
    expect(await emitAck(t2, 'call:accept', { callId: r.data.callId })).toMatchObject({
      ok: true,
      data: { status: 'connected' },
    });
    await opConnected;
  });

  /** The terminal's resident asks to be called back; the call's id. */
  async function callbackRequested(t: Awaited<ReturnType<typeof terminal>>) {
    const r = await emitAck<Ack<QueuePosition>>(t, 'call:request', { shopId: hub.fixture.shopId });
    if (!r.ok) throw new Error();
    await emitAck(t, 'call:requestCallback', { callId: r.data.callId });
    return r.data.callId;
  }

  /** The shop's operator calls the terminal back: resolves with the operator once the terminal rings. */
  async function calledBack(t: Awaited<ReturnType<typeof terminal>>, callId: number) {
    const op = await staff('operator');
    const incoming = nextEvent<CallInfo>(t, 'call:incoming');
    await emitAck(op, 'call:callBack', { householdId: hub.fixture.households[0], callbackOf: callId });
    await incoming;
    return op;
  }

  it('a terminal that reconnects while being called back is rung again; in a call it is told it is connected', async () => {
    const { credential } = await hub.enrollTerminal(hub.fixture.households[0]!);
    const t = await hub.connectTerminal(credential);
    const callId = await callbackRequested(t);
    await calledBack(t, callId);
    t.close();
    const again = hub.terminalSocket(credential);
    const rung = await nextEvent<CallInfo>(again, 'call:incoming');
    expect(rung).toMatchObject({ callId, status: 'ringing_terminal' });
    await emitAck(again, 'call:accept', { callId });
    again.close();
    const third = hub.terminalSocket(credential);
    expect(await nextEvent<CallInfo>(third, 'call:connected')).toMatchObject({
      callId,
      status: 'connected',
    });
  });

  it('a terminal may decline a call back', async () => {
    const t = await terminal(0);
    const callId = await callbackRequested(t);
    const op = await calledBack(t, callId);
    const ended = nextEvent(op, 'call:ended');
    await emitAck(t, 'call:decline', { callId });
    expect(await ended).toEqual({ callId, reason: 'declined' });
  });

  it('an operator of another shop cannot take a callback request', async () => {
    const t = await terminal(0);
    const callId = await callbackRequested(t);
    const other = await staff('other-operator');
    expect(
      await emitAck(other, 'call:callBack', { householdId: hub.fixture.households[0], callbackOf: callId }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const watcher = await staff('watcher');
    expect(await emitAck(watcher, 'call:setAvailability', { availability: 'available' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AN_OPERATOR' },
    });
  });

  it('operators see only their own shop’s queue; city hall sees all', async () => {
    const t = await terminal(0);
    await emitAck(t, 'call:request', { shopId: hub.fixture.shopId });
    const opQueues = (
      await hub.as(await hub.login('other-operator'))({ method: 'GET', url: '/api/calls/queues' })
    ).json();
    expect(opQueues.queues.map((q: { shopId: number }) => q.shopId)).toEqual([hub.fixture.otherShopId]);
    expect(opQueues.queues[0].entries).toEqual([]);
    const ch = (await hub.as(await hub.login('cityhall'))({ method: 'GET', url: '/api/calls/queues' })).json();
    expect(ch.queues.find((q: { shopId: number }) => q.shopId === hub.fixture.shopId).entries).toHaveLength(1);
    const res = await hub.as(await hub.login('other-operator'))({
      method: 'GET',
      url: `/api/calls/queues/${hub.fixture.shopId}`,
    });
    expect(res.statusCode).toBe(404);
    const hist = await hub.as(await hub.login('other-operator'))({
      method: 'GET',
      url: `/api/calls?shopId=${hub.fixture.shopId}`,
    });
    expect(hist.statusCode).toBe(404);
    expect((await hub.as(await hub.login('watcher'))({ method: 'GET', url: '/api/calls/queues' })).statusCode).toBe(
      403,
    );
  });

  it('exports queue figures at /metrics', async () => {
    const t = await terminal(0);
    await emitAck(t, 'call:request', { shopId: hub.fixture.shopId });
    const text = await hub.ctx.metrics.registry.metrics();
    expect(text).toContain(`tsunagu_call_queue_waiting{shop="${hub.fixture.shopId}"} 1`);
    for (const m of [
      'tsunagu_call_average_speed_of_answer_seconds',
      'tsunagu_call_abandonment_ratio',
      'tsunagu_call_answered_within_20s_ratio',
      'tsunagu_call_operator_answered',
    ]) {
      expect(text).toContain(`# TYPE ${m} gauge`);
    }
  });

  it('serves the ICE servers from the configuration', async () => {
    const t = await terminal(0);
    const r = await emitAck<Ack<{ iceServers: unknown[] }>>(t, 'call:iceServers', {});
    expect(r).toEqual({ ok: true, data: { iceServers: [], ttlSeconds: null } });
  });
});

describe('calls: TURN credentials, opening hours and ring timeouts', () => {
  it('hands out coturn use-auth-secret credentials (HMAC-SHA1 of "expiry:user")', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 3));
    const hub = await createTestHub({
      clock,
      config: {
        iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
        turn: {
          urls: ['turn:turn.example.org:3478?transport=udp'],
          secret: 'a-very-long-turn-secret',
          ttlSeconds: 600,
        },
      },
    });
    try {
      const res = await hub.as(await hub.login('operator'))({ method: 'GET', url: '/api/calls/ice-servers' });
      const body = res.json();
      expect(body.ttlSeconds).toBe(600);
      expect(body.iceServers[0]).toEqual({ urls: ['stun:stun.example.org:3478'] });
      const turn = body.iceServers[1];
      const [expiry] = turn.username.split(':');
      expect(Number(expiry)).toBe(clock.now() / 1000 + 600);
      expect(turn.credential).toBe(
        createHmac('sha1', 'a-very-long-turn-secret').update(turn.username).digest('base64'),
      );
      expect((await hub.app.inject({ method: 'GET', url: '/api/calls/ice-servers' })).statusCode).toBe(401);
    } finally {
      await hub.close();
    }
  });

  it('outside opening hours the terminal is told the shop is closed', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 4, 3)); // Sunday 12:00 in Tokyo
    const hub = await createTestHub({ clock });
    try {
      await hub.stores.shops.update(hub.fixture.shopId, { openingHours: [{ day: 1, open: '09:00', close: '17:00' }] });
      const t = await hub.terminal(0);
      const r = await emitAck<Ack<QueuePosition>>(t, 'call:request', { shopId: hub.fixture.shopId });
      expect(r).toMatchObject({ ok: true, data: { notice: 'closed', position: 1 } });
    } finally {
      await hub.close();
    }
  });

  it('an unanswered ring moves to the next operator after the ring timeout (fake clock)', async () => {
    const clock = new FakeClock();
    const hub = await createTestHub({ clock });
    try {
      await hub.services.accounts.createUser({
        username: 'operator2',
        displayName: 'op2',
        password: TEST_PASSWORD,
        role: 'operator',
        shopId: hub.fixture.shopId,
      });
      const op1 = await hub.staff('operator');
      const op2 = await hub.staff('operator2');
      await emitAck(op1, 'call:setAvailability', { availability: 'available' });
      clock.advance(1000);
      await emitAck(op2, 'call:setAvailability', { availability: 'available' });
      const t = await hub.terminal(0);
      const ring1 = nextEvent<CallInfo>(op1, 'call:ringing');
      await emitAck(t, 'call:request', { shopId: hub.fixture.shopId });
      const first = await ring1;
      const cancelled = nextEvent(op1, 'call:ringCancelled');
      const ring2 = nextEvent<CallInfo>(op2, 'call:ringing');
      clock.advance(20_000);
      expect(await cancelled).toEqual({ callId: first.callId, reason: 'timeout' });
      expect((await ring2).callId).toBe(first.callId);
      expect(await emitAck(op1, 'call:answer', { callId: first.callId })).toMatchObject({
        ok: false,
        error: { code: 'NOT_RINGING' },
      });
    } finally {
      await hub.close();
    }
  });
});
