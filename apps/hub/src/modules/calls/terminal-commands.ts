/** What a resident's terminal does: ask for a shop or the listening line, ask for a callback, give up, take or decline a call. */
import type { CallInfo, QueuePosition } from '@tsunagu/protocol';
import { notFound } from '../../lib/errors';
import { fail, type LiveCalls, routed, type TerminalParty } from './live-model';
import { createCall } from './store';

export interface TerminalCommands {
  request(p: TerminalParty, shopId: number): Promise<QueuePosition>;
  requestCallback(p: TerminalParty, callId: number): QueuePosition;
  cancel(p: TerminalParty, callId: number): { callId: number };
  accept(p: TerminalParty, callId: number): CallInfo;
  declineIncoming(p: TerminalParty, callId: number): { callId: number };
}

export function createTerminalCommands(calls: LiveCalls): TerminalCommands {
  const { router, views, live } = calls;
  const { store, shops } = calls.deps;
  const { clock } = calls.ctx;
  const waiting = (callId: number) => views.queuePosition(callId)!;

  return {
    async request(p, shopId) {
      if (!shops.get(shopId)) throw notFound('shop');
      for (const c of live.values()) {
        if (c.record.terminalId === p.terminalId && c.record.status !== 'callback_requested') {
          throw fail(409, 'ALREADY_IN_CALL', 'This terminal already has a call in progress.');
        }
        // Asking again for a shop that already has our callback request: wait in that place.
        if (c.record.terminalId === p.terminalId && c.record.shopId === shopId) {
          calls.update(c, 'waiting');
          router.resumeWaiting(c.record.id);
          return waiting(c.record.id);
        }
      }
      const [record, lastOperatorId] = await calls.starting(p.terminalId, () =>
        Promise.all([
          createCall(store, {
            shopId,
            householdId: p.householdId,
            terminalId: p.terminalId,
            direction: 'inbound',
            status: 'waiting',
            operatorId: null,
            callbackOf: null,
            now: clock.now(),
          }),
          calls.lastOperator(p.householdId, shopId),
        ]),
      );
      calls.add(record);
      router.enqueue({ callId: record.id, queueId: shopId, householdId: p.householdId, lastOperatorId });
      return waiting(record.id);
    },

    requestCallback(p, callId) {
      const call = calls.terminalCall(p, callId);
      if (call.record.status !== 'waiting' && call.record.status !== 'callback_requested')
        throw fail(409, 'NOT_WAITING', 'This call is no longer waiting.');
      routed(() => router.requestCallback(callId));
      calls.update(call, 'callback_requested', { callbackRequestedAt: clock.now() });
      return waiting(callId);
    },

    cancel(p, callId) {
      const call = calls.terminalCall(p, callId);
      if (call.record.status !== 'waiting' && call.record.status !== 'callback_requested')
        throw fail(409, 'NOT_WAITING', 'This call is no longer waiting; hang up instead.');
      router.leave(callId);
      live.delete(callId);
      calls.update(call, 'abandoned', { endedAt: clock.now(), endReason: 'cancelled' });
      return { callId };
    },

    accept(p, callId) {
      const call = calls.terminalCall(p, callId);
      if (call.record.status !== 'ringing_terminal') throw fail(409, 'NOT_RINGING', 'This call is not ringing.');
      call.terminalRing?.cancel();
      call.terminalRing = null;
      return calls.connect(call);
    },

    declineIncoming(p, callId) {
      const call = calls.terminalCall(p, callId);
      if (call.record.status !== 'ringing_terminal') throw fail(409, 'NOT_RINGING', 'This call is not ringing.');
      calls.finish(call, 'declined', 'declined');
      return { callId };
    },
  };
}
