/**
 * Calls left open when the router starts. After a restart of the only hub, whoever was waiting is
 * gone (their terminals will call again), callback requests keep their place, connected calls are
 * over, and both parties are told so when they reconnect. When a hub takes the router over from
 * another (several hubs, calls/cluster.ts), the parties may still be connected to the surviving
 * hubs: waiting callers are queued again in their places and connected calls go on, each until its
 * party has been missing for the reconnect grace period; operators keep the availability last stored.
 */
import type { CallEnded } from '@tsunagu/protocol';
import { endAfterGrace, leaveAfterGrace } from './grace';
import type { LiveCalls, Takeover } from './live-model';

export async function settleOpenCalls(calls: LiveCalls, takeover: Takeover | null): Promise<void> {
  const { router, owed } = calls;
  const { store } = calls.deps;
  const { clock } = calls.ctx;
  const open = await store.open();
  if (takeover) {
    const busy = new Map(
      open.filter((c) => c.status === 'connected' && c.operatorId !== null).map((c) => [c.operatorId!, c]),
    );
    for (const o of takeover.operators) {
      // Known to the router but offline until a hub reports their console.
      router.operatorOnline(o.id, o.shopId);
      const c = busy.get(o.id);
      if (c) router.startOutbound(o.id, c.id, c.shopId);
      router.operatorOffline(o.id);
      if (o.availability === 'available') router.setAvailability(o.id, 'available');
      busy.delete(o.id);
    }
    for (const c of busy.values()) {
      router.operatorOnline(c.operatorId!, c.shopId);
      router.startOutbound(c.operatorId!, c.id, c.shopId);
      router.operatorOffline(c.operatorId!);
    }
  }
  for (const c of open) {
    if (c.status === 'callback_requested') {
      calls.add(c);
      router.enqueue({
        callId: c.id,
        queueId: c.shopId,
        householdId: c.householdId,
        lastOperatorId: await calls.lastOperator(c.householdId, c.shopId),
        callback: true,
        enqueuedAt: c.requestedAt,
      });
    } else if (takeover && c.status === 'waiting') {
      const call = calls.add(c);
      router.enqueue({
        callId: c.id,
        queueId: c.shopId,
        householdId: c.householdId,
        lastOperatorId: await calls.lastOperator(c.householdId, c.shopId),
        enqueuedAt: c.requestedAt,
      });
      call.terminalGrace = leaveAfterGrace(calls, call);
    } else if (takeover && c.status === 'connected' && c.operatorId !== null) {
      // Media goes from peer to peer: the call goes on while its parties' hubs report them.
      const call = calls.add(c);
      call.terminalGrace = endAfterGrace(calls, call, 'resident');
      call.operatorGrace = endAfterGrace(calls, call, 'operator');
    } else if (takeover) {
      // A terminal being rung for a call-back: its ring timer was on the hub that is gone.
      calls.finish(calls.add(c), 'ended', 'connection_lost');
    } else {
      store.setStatus(c.id, c.status === 'waiting' ? 'abandoned' : 'ended', {
        endedAt: clock.now(),
        endReason: 'connection_lost',
      });
      const ended: CallEnded = { callId: c.id, reason: 'connection_lost' };
      if (c.terminalId) owed.terminals.set(c.terminalId, ended);
      if (c.operatorId) owed.operators.set(c.operatorId, ended);
    }
  }
  await store.commit();
}
