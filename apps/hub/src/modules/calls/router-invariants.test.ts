// The router under a long random mix of everything callers and operators do: no operator is ever
// offered a second call while one rings or is connected, no call rings two operators, and the places
// it tells callers stay 1, 2, 3… in order of arrival.
import { FakeClock } from '../../lib/clock';
import { CallRouter } from './router';
import { type RouterEffect, RouterError } from './router-model';

function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s >>> 8) % n;
  };
}

describe.each([1, 2, 3])('call router, random load (seed %i)', (seed) => {
  it('never offers an operator two calls, nor one call to two operators', () => {
    const rnd = random(seed);
    const clock = new FakeClock();
    /** Per operator, the call ringing for them (offered and not yet answered, cancelled or timed out). */
    const offered = new Map<number, number>();
    /** Per call, the operator it rings. */
    const ringsOn = new Map<number, number>();
    const busy = new Map<number, number>();
    const violations: string[] = [];
    const router = new CallRouter(
      clock,
      (e: RouterEffect) => {
        if (e.type === 'ring') {
          if (offered.has(e.operatorId))
            violations.push(`operator ${e.operatorId} offered ${e.callId} while ${offered.get(e.operatorId)} rings`);
          if (busy.has(e.operatorId))
            violations.push(`operator ${e.operatorId} offered ${e.callId} while in call ${busy.get(e.operatorId)}`);
          if (ringsOn.has(e.callId))
            violations.push(`call ${e.callId} rings ${ringsOn.get(e.callId)} and ${e.operatorId}`);
          offered.set(e.operatorId, e.callId);
          ringsOn.set(e.callId, e.operatorId);
        } else if (e.type === 'ringCancelled') {
          offered.delete(e.operatorId);
          ringsOn.delete(e.callId);
        }
      },
      { ringTimeoutMs: 3_000, preferredRingMs: 1_000, afterCallWorkMs: 2_000, maxMissedRings: 2 },
    );
    const operators = [1, 2, 3, 4, 5, 6];
    for (const id of operators) router.operatorOnline(id, 1 + (id % 2));
    let nextCall = 1;
    let answered = 0;
    const waiting: number[] = [];
    const inCall: number[] = [];
    const attempt = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        if (!(err instanceof RouterError)) throw err;
      }
    };
    for (let step = 0; step < 3000; step++) {
      const op = operators[rnd(operators.length)]!;
      switch (rnd(12)) {
        case 0:
        case 1:
        case 2: {
          const callId = nextCall++;
          router.enqueue({ callId, queueId: 1 + rnd(2), householdId: rnd(20), lastOperatorId: rnd(3) ? null : op });
          waiting.push(callId);
          break;
        }
        case 3:
          attempt(() => router.setAvailability(op, rnd(4) ? 'available' : 'away'));
          break;
        case 4: {
          const callId = router.operator(op)?.ringingCallId;
          if (callId == null) break;
          router.answer(op, callId);
          answered++;
          offered.delete(op);
          ringsOn.delete(callId);
          busy.set(op, callId);
          inCall.push(callId);
          break;
        }
        case 5: {
          const callId = router.operator(op)?.ringingCallId;
          if (callId != null) router.decline(op, callId);
          break;
        }
        case 6: {
          const i = rnd(Math.max(1, inCall.length));
          const callId = inCall[i];
          if (callId === undefined) break;
          inCall.splice(i, 1);
          const who = router.operatorOfCall(callId);
          router.endCall(callId);
          if (who !== null) busy.delete(who);
          break;
        }
        case 7:
          if (waiting.length) router.leave(waiting.splice(rnd(waiting.length), 1)[0]!);
          break;
        case 8:
          if (waiting.length) attempt(() => router.requestCallback(waiting[rnd(waiting.length)]!));
          break;
        case 9:
          if (rnd(4) === 0) router.operatorOffline(op);
          else router.operatorOnline(op, 1 + (op % 2));
          break;
        case 10:
          attempt(() => router.endAfterCallWork(op));
          break;
        default:
          clock.advance(rnd(1500));
      }
      for (const o of operators) {
        const rec = router.operator(o)!;
        if (rec.callId !== null && rec.ringingCallId !== null)
          violations.push(`operator ${o} rings ${rec.ringingCallId} while in call ${rec.callId}`);
      }
      for (const q of [1, 2]) {
        const places = router.changedPositions(q, true).map((p) => p.position);
        if (places.some((p, i) => p !== i + 1)) violations.push(`queue ${q} places ${places.join(',')}`);
        const queue = router.queue(q);
        if (queue.some((e, i) => i > 0 && queue[i - 1]!.enqueuedAt > e.enqueuedAt))
          violations.push(`queue ${q} out of arrival order`);
      }
      if (violations.length) break;
    }
    expect(violations).toEqual([]);
    // The mix did what it is meant to: calls were offered, answered and ended.
    expect(answered).toBeGreaterThan(50);
  });
});
