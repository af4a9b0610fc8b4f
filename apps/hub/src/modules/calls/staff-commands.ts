/** What shop staff and listeners do: availability, answer or decline a ring, call a resident back. */
import type { CallInfo, OperatorState, User } from '@tsunagu/protocol';
import { badRequest, notFound } from '../../lib/errors';
import { fail, fromRouter, isOperator, type LiveCalls, notAnOperator, routed, type StaffParty } from './live-model';
import { createCall } from './store';

export interface StaffCommands {
  setAvailability(user: User, availability: 'available' | 'away'): OperatorState;
  endAfterCallWork(user: User): OperatorState;
  answer(p: StaffParty, callId: number): CallInfo;
  declineRing(p: StaffParty, callId: number): { callId: number };
  /** Staff call a resident back: from a waiting callback request, or about an order. */
  callBack(p: StaffParty, body: { householdId: number; callbackOf?: number; orderId?: number }): Promise<CallInfo>;
  /** A listener rings a resident at a planned time (the planned-calls module checks the plan). */
  callResident(p: StaffParty, householdId: number): Promise<CallInfo>;
}

export function createStaffCommands(calls: LiveCalls): StaffCommands {
  const { router, views, live } = calls;
  const { store } = calls.deps;
  const operator = (user: User) => {
    if (!isOperator(user)) throw notAnOperator();
    return user;
  };

  /** Staff take a waiting callback request: the resident's terminal rings. */
  async function takeCallback(p: StaffParty, body: { householdId: number; callbackOf: number }, shopId: number) {
    // The terminal to ring is the household's current one (ringTerminal): read it first, as callOut does.
    await calls.deps.directory.refreshHousehold(body.householdId);
    const call = live.get(body.callbackOf);
    if (
      !call ||
      call.record.shopId !== shopId ||
      call.record.householdId !== body.householdId ||
      call.record.status !== 'callback_requested'
    ) {
      throw notFound('callback request');
    }
    routed(() => router.take(p.user.id, body.callbackOf));
    call.operatorSocketId = p.socketId;
    calls.ringTerminal(call, { operatorId: p.user.id });
    return views.info(call.record);
  }

  /** Staff ring a resident's terminal (the operator is busy with it while it rings). */
  async function callOut(p: StaffParty, householdId: number, shopId: number): Promise<CallInfo> {
    // Read now, not from the directory's copy: after a re-enrolment that copy is refreshed only
    // after a round trip (PostgreSQL) or another hub's notice, and a call rung on the revoked
    // terminal would never be heard. One read per call made by staff.
    const terminalId = (await calls.deps.directory.refreshHousehold(householdId))?.terminalId ?? null;
    if (terminalId === null) throw fail(409, 'NO_TERMINAL', 'This household has no terminal.');
    for (const c of live.values()) {
      if (c.record.terminalId === terminalId && c.record.status !== 'callback_requested')
        throw fail(409, 'ALREADY_IN_CALL', 'The resident is on another call. Try again later.');
    }
    const now = calls.ctx.clock.now();
    const record = await calls.starting(terminalId, async () => {
      const created = await createCall(store, {
        shopId,
        householdId: householdId,
        terminalId,
        direction: 'outbound',
        status: 'ringing_terminal',
        operatorId: p.user.id,
        callbackOf: null,
        now,
      });
      // Stored at once: whoever asked (a planned call, an order) goes on to write rows that refer to it.
      await store.commit();
      return created;
    });
    try {
      router.startOutbound(p.user.id, record.id, shopId);
    } catch (e) {
      store.setStatus(record.id, 'ended', { endedAt: now, endReason: 'cancelled' });
      fromRouter(e);
    }
    const call = calls.add(record, p.socketId);
    calls.ringTerminal(call);
    return views.info(call.record);
  }

  return {
    setAvailability(user, availability) {
      routed(() => router.setAvailability(operator(user).id, availability));
      return views.operatorState(user.id);
    },

    endAfterCallWork(user) {
      routed(() => router.endAfterCallWork(operator(user).id));
      return views.operatorState(user.id);
    },

    answer(p, callId) {
      operator(p.user);
      const call = live.get(callId);
      routed(() => router.answer(p.user.id, callId));
      if (!call) throw fail(409, 'NOT_RINGING', 'This call is no longer waiting.');
      call.operatorSocketId = p.socketId;
      // One write for the answer: who answered goes with the call's new state.
      if (call.record.status === 'callback_requested') {
        calls.ringTerminal(call, { operatorId: p.user.id });
        return views.info(call.record);
      }
      return calls.connect(call, { operatorId: p.user.id });
    },

    declineRing(p, callId) {
      routed(() => router.decline(p.user.id, callId));
      return { callId };
    },

    async callBack(p, body) {
      if (!isOperator(p.user)) throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners can call residents.');
      const shopId = p.user.shopId!;
      if (body.callbackOf !== undefined) return takeCallback(p, { ...body, callbackOf: body.callbackOf }, shopId);
      if (body.orderId === undefined)
        throw badRequest(
          'VALIDATION_FAILED',
          'Give the callback request (callbackOf) or the order (orderId) this call is about.',
        );
      const order = await calls.deps.orderLookup?.(body.orderId);
      if (!order || order.shopId !== shopId || order.householdId !== body.householdId) throw notFound('order');
      return callOut(p, body.householdId, shopId);
    },

    async callResident(p, householdId) {
      if (!isOperator(p.user)) throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners can call residents.');
      return callOut(p, householdId, p.user.shopId!);
    },
  };
}
