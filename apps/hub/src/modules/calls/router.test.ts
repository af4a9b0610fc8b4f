import { FakeClock } from '../../lib/clock';
import { CallRouter } from './router';
import type { RouterEffect } from './router-model';

const Q = 1;
const OTHER_Q = 2;
function setup(config = {}) {
  const clock = new FakeClock();
  const effects: RouterEffect[] = [];
  const router = new CallRouter(clock, (e) => effects.push(e), {
    ringTimeoutMs: 20_000,
    preferredRingMs: 5_000,
    afterCallWorkMs: 30_000,
    maxMissedRings: 3,
    ...config,
  });
  const rings = () => effects.filter((e): e is Extract<RouterEffect, { type: 'ring' }> => e.type === 'ring');
  const lastRing = () => rings().at(-1);
  let nextCall = 100;
  const call = (householdId = 1, extra: { lastOperatorId?: number | null; queueId?: number } = {}) =>
    router.enqueue({
      callId: nextCall++,
      queueId: extra.queueId ?? Q,
      householdId,
      lastOperatorId: extra.lastOperatorId ?? null,
    });
  const available = (id: number, queueId = Q) => {
    router.operatorOnline(id, queueId);
    return router.setAvailability(id, 'available');
  };
  /** Operators made available in this order, `gapMs` apart: the first has been idle longest. */
  const availableInTurn = (ids: number[], gapMs = 1000) =>
    ids.forEach((id, i) => {
      if (i > 0) clock.advance(gapMs);
      available(id);
    });
  return { clock, effects, router, rings, lastRing, call, available, availableInTurn };
}

describe('call router: availability', () => {
  it('an operator who comes online is away and is not rung until available', () => {
    const { router, call, rings } = setup();
    router.operatorOnline(1, Q);
    expect(router.operator(1)!.availability).toBe('away');
    call();
    expect(rings()).toHaveLength(0);
    router.setAvailability(1, 'available');
    expect(rings()).toEqual([expect.objectContaining({ operatorId: 1, callId: 100 })]);
  });

  it('an away operator is never rung; setting away while ringing moves the call on', () => {
    const { router, call, rings, availableInTurn } = setup();
    availableInTurn([1, 2]);
    call();
    expect(rings().at(-1)!.operatorId).toBe(1);
    router.setAvailability(1, 'away');
    expect(rings().at(-1)!.operatorId).toBe(2);
  });

  it('after a call the operator does after-call work for the configured period before the next ring', () => {
    const { router, call, rings, available, clock } = setup();
    available(1);
    call();
    router.answer(1, 100);
    call(2);
    clock.advance(60_000);
    expect(rings()).toHaveLength(1); // busy: call 101 waits
    router.endCall(100);
    expect(router.operator(1)!.availability).toBe('after_call_work');
    clock.advance(29_999);
    expect(rings()).toHaveLength(1);
    clock.advance(1);
    expect(router.operator(1)!.availability).toBe('available');
    expect(rings().at(-1)).toMatchObject({ operatorId: 1, callId: 101 });
  });

  it('after-call work can be ended early', () => {
    const { router, call, rings, available } = setup();
    available(1);
    call();
    router.answer(1, 100);
    router.endCall(100);
    call(2);
    expect(rings()).toHaveLength(1);
    router.endAfterCallWork(1);
    expect(rings().at(-1)).toMatchObject({ operatorId: 1, callId: 101 });
  });

  it('an operator who set away during a call stays away afterwards (no after-call work)', () => {
    const { router, call, available } = setup();
    available(1);
    call();
    router.answer(1, 100);
    router.setAvailability(1, 'away');
    router.endCall(100);
    expect(router.operator(1)!.availability).toBe('away');
  });

  it('an operator who goes offline while rung: the call moves on at once', () => {
    const { router, call, rings, availableInTurn } = setup();
    availableInTurn([1, 2], 10);
    call();
    router.operatorOffline(1);
    expect(rings().at(-1)!.operatorId).toBe(2);
    expect(router.activity(router.operator(1)!)).toBe('offline');
  });
});

describe('call router: strategy', () => {
  it('rings the longest-idle available operator', () => {
    const { call, rings, availableInTurn } = setup();
    availableInTurn([3, 1, 2]);
    call();
    expect(rings()[0]!.operatorId).toBe(3);
  });

  it('idle time restarts after a call (and its after-call work)', () => {
    const { router, call, rings, clock, availableInTurn } = setup();
    availableInTurn([1, 2]);
    call();
    expect(rings()[0]!.operatorId).toBe(1);
    router.answer(1, 100);
    router.endCall(100);
    clock.advance(30_000);
    call(2);
    expect(rings().at(-1)!.operatorId).toBe(2);
  });

  it('tries the operator the resident spoke to last time first, for a few seconds, then the longest-idle', () => {
    const { call, rings, clock, router, availableInTurn } = setup();
    availableInTurn([1, 2]);
    call(7, { lastOperatorId: 2 });
    expect(rings()[0]).toMatchObject({ operatorId: 2, preferred: true, timeoutMs: 5_000 });
    clock.advance(4_999);
    expect(rings()).toHaveLength(1);
    clock.advance(1);
    expect(rings()[1]).toMatchObject({ operatorId: 1, preferred: false, timeoutMs: 20_000 });
    // The short preferred ring is not held against the operator.
    expect(router.operator(2)!.missedRings).toBe(0);
  });

  it('skips the last operator when they are not available', () => {
    const { call, rings, available, router } = setup();
    available(1);
    router.operatorOnline(2, Q); // away
    call(7, { lastOperatorId: 2 });
    expect(rings()[0]).toMatchObject({ operatorId: 1, preferred: false });
  });

  it('an unanswered ring moves to the next operator after the ring timeout', () => {
    const { call, rings, clock, effects, availableInTurn } = setup();
    availableInTurn([1, 2], 10);
    call();
    clock.advance(19_999);
    expect(rings()).toHaveLength(1);
    clock.advance(1);
    expect(effects).toContainEqual({ type: 'ringCancelled', callId: 100, operatorId: 1, reason: 'timeout' });
    expect(rings()[1]!.operatorId).toBe(2);
  });

  it('with a single operator, a missed call rings them again', () => {
    const { call, rings, available, clock } = setup();
    available(1);
    call();
    clock.advance(20_000);
    expect(rings().map((r) => r.operatorId)).toEqual([1, 1]);
  });

  it('several missed rings in a row set the operator away; an answer resets the count', () => {
    const { call, rings, available, clock, router } = setup();
    available(1);
    call();
    clock.advance(20_000);
    clock.advance(20_000);
    expect(router.operator(1)!.missedRings).toBe(2);
    router.answer(1, 100);
    expect(router.operator(1)!.missedRings).toBe(0);
    router.endCall(100);
    router.endAfterCallWork(1);
    call(2);
    clock.advance(60_000);
    expect(router.operator(1)!.missedRings).toBe(3);
    expect(router.operator(1)!.availability).toBe('away');
    const n = rings().length;
    clock.advance(120_000);
    expect(rings()).toHaveLength(n);
  });

  it('a declined ring goes to another operator and is not counted as missed', () => {
    const { call, rings, router, availableInTurn } = setup();
    availableInTurn([1, 2], 10);
    call();
    router.decline(1, 100);
    expect(rings().at(-1)!.operatorId).toBe(2);
    expect(router.operator(1)!.missedRings).toBe(0);
  });
});

describe('call router: one call per operator, first come first served', () => {
  it('never rings an operator who is ringing or in a call', () => {
    const { call, rings, available, router } = setup();
    available(1);
    call(1);
    call(2);
    expect(rings()).toHaveLength(1);
    router.answer(1, 100);
    expect(rings()).toHaveLength(1);
    expect(router.queue(Q).map((e) => e.callId)).toEqual([101]);
  });

  it('serves callers in the order they called', () => {
    const { call, rings, available, router, clock } = setup();
    for (let h = 1; h <= 4; h++) {
      call(h);
      clock.advance(100);
    }
    available(9);
    expect(rings().map((r) => r.callId)).toEqual([100]);
    for (const id of [100, 101, 102, 103]) {
      router.answer(9, id);
      router.endCall(id);
      router.endAfterCallWork(9);
    }
    expect(rings().map((r) => r.callId)).toEqual([100, 101, 102, 103]);
  });

  it('several free operators take the first callers in order', () => {
    const { call, rings, availableInTurn } = setup();
    call(1);
    call(2);
    call(3);
    availableInTurn([1, 2], 1);
    expect(rings().map((r) => [r.callId, r.operatorId])).toEqual([
      [100, 1],
      [101, 2],
    ]);
  });

  it('only the rung operator can answer; a second answer is refused', () => {
    const { call, router, availableInTurn } = setup();
    availableInTurn([1, 2], 1);
    call();
    expect(() => router.answer(2, 100)).toThrow(expect.objectContaining({ code: 'NOT_RINGING' }));
    router.answer(1, 100);
    expect(() => router.answer(1, 100)).toThrow(expect.objectContaining({ code: 'NOT_RINGING' }));
  });

  it('queues are separate: an operator only gets calls for their own shop', () => {
    const { call, rings, available } = setup();
    available(1, OTHER_Q);
    call(1, { queueId: Q });
    expect(rings()).toHaveLength(0);
  });

  it('a caller who hangs up leaves the queue at once, even while ringing', () => {
    const { call, available, router, effects, rings, clock } = setup();
    call(1);
    call(2);
    expect(router.leave(101)).toBe(true);
    expect(router.queue(Q).map((e) => e.callId)).toEqual([100]);
    available(1);
    router.leave(100);
    expect(effects).toContainEqual({ type: 'ringCancelled', callId: 100, operatorId: 1, reason: 'caller_left' });
    expect(router.queue(Q)).toHaveLength(0);
    clock.advance(60_000);
    expect(rings()).toHaveLength(1);
    expect(router.leave(100)).toBe(false);
  });
});

describe('call router: place in queue, estimates and callbacks', () => {
  it('reports place and people ahead, updated as the queue moves', () => {
    const { call, router } = setup();
    call(1);
    call(2);
    const p = call(3);
    expect(p).toMatchObject({ position: 3, ahead: 2 });
    router.leave(100);
    expect(router.position(102)).toMatchObject({ position: 2, ahead: 1 });
  });

  it('says nobody is available when no operator is staffing the queue', () => {
    const { call, router, available } = setup();
    expect(call(1).nobodyAvailable).toBe(true);
    available(1);
    router.answer(1, 100);
    expect(call(2).nobodyAvailable).toBe(false); // operator is in a call, so the queue is staffed
  });

  it('estimates the wait from the recent average handle time', () => {
    const { call, router, available, clock } = setup({ defaultHandleMs: 180_000 });
    available(1);
    call(1);
    router.answer(1, 100);
    expect(call(2).estimatedWaitMs).toBe(180_000); // no history yet: the default
    clock.advance(120_000);
    router.endCall(100); // handled in 2 minutes
    expect(router.position(101)!.estimatedWaitMs).toBe(120_000);
    expect(call(3)).toMatchObject({ position: 2, estimatedWaitMs: 240_000 });
  });

  it('an estimate is zero when a free operator is there for the caller', () => {
    const { call, available } = setup();
    available(1);
    expect(call(1).estimatedWaitMs).toBe(0);
  });

  it('a callback request keeps its place in the queue', () => {
    const { call, router } = setup();
    call(1);
    call(2);
    call(3);
    expect(router.requestCallback(101)).toMatchObject({ position: 2, callback: true });
    expect(router.queue(Q).map((e) => e.callId)).toEqual([100, 101, 102]);
    expect(router.figures(Q)).toMatchObject({ waitingNow: 2, callbacksWaiting: 1 });
  });

  it('restored callbacks go back to their original place', () => {
    const { router, clock, call } = setup();
    const t0 = clock.now();
    clock.advance(60_000);
    call(1);
    router.enqueue({ callId: 50, queueId: Q, householdId: 9, lastOperatorId: null, callback: true, enqueuedAt: t0 });
    expect(router.queue(Q).map((e) => e.callId)).toEqual([50, 100]);
  });

  it('staff can take a callback request from the list; operator becomes busy', () => {
    const { call, router, available, rings } = setup();
    router.operatorOnline(1, Q);
    call(1);
    router.requestCallback(100);
    router.take(1, 100);
    expect(router.queue(Q)).toHaveLength(0);
    expect(router.activity(router.operator(1)!)).toBe('in_call');
    expect(() => router.take(1, 100)).toThrow(expect.objectContaining({ code: 'NOT_IN_QUEUE' }));
    available(2);
    expect(rings()).toHaveLength(0);
  });

  it('an outbound call makes the operator busy; a second is refused', () => {
    const { router, available } = setup();
    available(1);
    router.startOutbound(1, 500, Q);
    expect(() => router.startOutbound(1, 501, Q)).toThrow(expect.objectContaining({ code: 'OPERATOR_BUSY' }));
    router.endCall(500);
    expect(router.operator(1)!.availability).toBe('after_call_work');
  });
});

describe('call router: queue figures', () => {
  it('computes waiting now, average speed of answer, abandonment, share within 20 s, calls per operator', () => {
    const { call, router, clock, availableInTurn } = setup();
    availableInTurn([1, 2], 1);
    call(1); // 100 → op 1 immediately
    call(2); // 101 → op 2
    clock.advance(10_000);
    router.answer(1, 100); // 10 s
    clock.advance(20_000);
    router.answer(2, 101); // 30 s
    call(3); // 102 waits
    clock.advance(5_000);
    router.leave(102); // abandoned
    call(4); // 103 waiting
    const f = router.figures(Q);
    expect(f).toMatchObject({ waitingNow: 1, answered: 2, abandoned: 1 });
    expect(f.averageSpeedOfAnswerMs).toBe(20_000);
    expect(f.abandonmentRate).toBeCloseTo(1 / 3);
    expect(f.answeredWithinServiceLevelShare).toBe(0.5);
    expect(f.callsPerOperator).toEqual([
      { operatorId: 1, answered: 1 },
      { operatorId: 2, answered: 1 },
    ]);
  });

  it('forgets outcomes older than the statistics window', () => {
    const { call, router, clock } = setup({ statsWindowMs: 60_000 });
    call(1);
    router.leave(100);
    expect(router.figures(Q).abandoned).toBe(1);
    clock.advance(61_000);
    expect(router.figures(Q).abandoned).toBe(0);
  });
});

describe('call router: property — no double assignment under random commands', () => {
  it('never rings or connects one operator to two calls, nor one call to two operators', () => {
    for (let seed = 1; seed <= 30; seed++) {
      let s = seed;
      const rnd = (n: number) => {
        s = (s * 1103515245 + 12345) % 2 ** 31;
        return s % n;
      };
      const { router, clock, call } = setup();
      const ops = [1, 2, 3, 4];
      for (const o of ops) router.operatorOnline(o, Q);
      for (let step = 0; step < 400; step++) {
        const op = ops[rnd(ops.length)]!;
        const r = rnd(9);
        try {
          if (r === 0) call(rnd(50));
          else if (r === 1) router.setAvailability(op, rnd(3) ? 'available' : 'away');
          else if (r === 2) {
            const q = router.queue(Q);
            if (q.length) router.leave(q[rnd(q.length)]!.callId);
          } else if (r === 3) {
            const rec = router.operator(op)!;
            if (rec.ringingCallId !== null) router.answer(op, rec.ringingCallId);
          } else if (r === 4) {
            const rec = router.operator(op)!;
            if (rec.callId !== null) router.endCall(rec.callId);
          } else if (r === 5) router.operatorOffline(op);
          else if (r === 6) router.operatorOnline(op, Q);
          else clock.advance(rnd(25_000));
        } catch (e) {
          if (!(e instanceof Error && 'code' in e)) throw e;
        }
        const busy = ops.map((o) => router.operator(o)!).filter((o) => o.callId !== null || o.ringingCallId !== null);
        for (const o of busy) expect(o.callId !== null && o.ringingCallId !== null).toBe(false);
        const ringing = router.queue(Q).filter((e) => e.ringing);
        const ringOps = ringing.map((e) => e.ringing!.operatorId);
        expect(new Set(ringOps).size).toBe(ringOps.length);
        for (const e of ringing) expect(router.operator(e.ringing!.operatorId)!.ringingCallId).toBe(e.callId);
        const connected = busy.filter((o) => o.callId !== null).map((o) => o.callId);
        expect(new Set(connected).size).toBe(connected.length);
      }
    }
  });
});
