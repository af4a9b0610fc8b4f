/**
 * Calls in progress: the router, the live calls with their timers, and the steps every command
 * shares (connect, finish, ring the terminal), each stored first and then told to both parties.
 * Also what the previous run left open, settled at start.
 */
import type { CallEnded, CallEndReason } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { rooms } from '../../plugins/socket';
import {
  type CallsServiceDeps,
  fail,
  type LiveCall,
  type LiveCalls,
  type StoredOperator,
  TERMINAL_RING_MS,
} from './live-model';
import { settleOpenCalls } from './restore';
import { CallRouter } from './router';
import type { RouterEffect } from './router-model';
import type { CallRecord } from './store';
import { staffView } from './sync';
import { createCallViews } from './views';

export async function createLiveCalls(ctx: HubContext, deps: CallsServiceDeps): Promise<LiveCalls> {
  const { store } = deps;
  const { clock, sockets } = ctx;
  const live = new Map<number, LiveCall>();
  const router = new CallRouter(clock, (e) => onEffect(e), deps.routerConfig);
  router.loadHistory(await store.history(clock.now() - router.config.statsWindowMs));
  const views = createCallViews({ clock, timeZone: ctx.config.timeZone, router, ...deps });

  // Persisted first, then sent, once per turn of the event loop (setImmediate): every call change
  // made in this turn is committed in one transaction, then the messages about them go out in the
  // order they were made; then each waiting terminal whose place changed is told it once, each
  // changed operator and each changed queue's view once per room. (On SQLite the batch is stored
  // within the turn; on PostgreSQL the next turn's batch waits for this one, and its messages follow.)
  const outbox: (() => void)[] = [];
  const dirtyQueues = new Set<number>();
  const dirtyOperators = new Set<number>();
  const dirtyStaff = new Set<number>();
  let flushScheduled = false;
  function schedule() {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  }
  const send = (fn: () => void) => {
    outbox.push(fn);
    schedule();
  };
  function queueChanged(shopId: number) {
    dirtyQueues.add(shopId);
    schedule();
  }
  let closed = false;
  function flush() {
    flushScheduled = false;
    if (closed) return;
    const messages = outbox.splice(0);
    const staff = [...dirtyStaff];
    dirtyStaff.clear();
    const operators = [...dirtyOperators];
    dirtyOperators.clear();
    store.commit().then(
      () => tell(messages, staff, operators),
      (err) => {
        // Those waiting on this batch are refused; the live calls go on as the hub knows them.
        ctx.log.error({ err }, 'calls: the batch of call changes could not be stored');
        tell(messages, staff, operators);
      },
    );
  }
  function tell(messages: (() => void)[], staff: number[], operators: number[]) {
    for (const fn of messages) fn();
    for (const operatorId of staff)
      for (const socketId of presence.staff.get(operatorId) ?? [])
        sockets.staff.to(socketId).emit('call:stateChanged', staffView(api, operatorId, socketId));
    // Only the operator's own tabs read `call:operatorChanged` (their own state); the shop and city
    // hall see every operator's state in the queue view sent below, once per turn. Sent to both, each
    // change was a write to every staff socket of the shop and city hall, the largest CPU cost of a
    // busy hour's routing (issue 17).
    for (const id of operators) {
      const op = router.operator(id);
      if (!op) continue;
      // Not to an operator without a console (one a new router restored, whose name it may not know).
      if (presence.staff.get(id)?.size)
        sockets.staff.to(rooms.user(id)).emit('call:operatorChanged', views.operatorState(id));
      dirtyQueues.add(op.queueId);
    }
    if (deps.onOperatorsChanged && operators.length > 0) deps.onOperatorsChanged(operators.flatMap(stored));
    const queues = [...dirtyQueues];
    dirtyQueues.clear();
    for (const q of queues) {
      for (const pos of views.changedPositions(q)) {
        const call = live.get(pos.callId);
        if (!call?.record.terminalId) continue;
        const said = `${pos.position}:${pos.estimatedWaitSeconds}:${pos.notice}:${pos.callback}`;
        if (call.lastPlace === said) continue;
        call.lastPlace = said;
        sockets.terminals.to(rooms.terminal(call.record.terminalId)).emit('call:queueUpdated', pos);
      }
      if (deps.shops.get(q))
        sockets.staff.to([rooms.shop(q), rooms.role('cityhall')]).emit('call:queueChanged', views.queueView(q));
    }
  }

  /** What the next router (another hub) needs of an operator: after-call work ends as available. */
  const stored = (id: number): StoredOperator[] => {
    const op = router.operator(id);
    return op ? [{ id, shopId: op.queueId, availability: op.availability === 'away' ? 'away' : 'available' }] : [];
  };

  function onEffect(e: RouterEffect) {
    switch (e.type) {
      case 'ring': {
        const call = live.get(e.callId);
        if (!call) break;
        const ringing = { ...views.info(call.record), ringTimeoutSeconds: Math.round(e.timeoutMs / 1000) };
        send(() => sockets.staff.to(rooms.user(e.operatorId)).emit('call:ringing', ringing));
        break;
      }
      case 'ringCancelled':
        send(() =>
          sockets.staff.to(rooms.user(e.operatorId)).emit('call:ringCancelled', { callId: e.callId, reason: e.reason }),
        );
        break;
      case 'operatorChanged':
        dirtyOperators.add(e.operatorId);
        schedule();
        break;
      case 'queueChanged':
        queueChanged(e.queueId);
        break;
    }
  }

  const presence = { terminals: new Map<number, number>(), staff: new Map<number, Set<string>>() };
  const owed = { terminals: new Map<number, CallEnded>(), operators: new Map<number, CallEnded>() };
  const startingFor = new Set<number>();
  const starting: LiveCalls['starting'] = async (terminalId, create) => {
    if (startingFor.has(terminalId))
      throw fail(409, 'ALREADY_IN_CALL', 'This terminal already has a call in progress.');
    startingFor.add(terminalId);
    try {
      return await create();
    } finally {
      startingFor.delete(terminalId);
    }
  };
  const add = (record: CallRecord, operatorSocketId: string | null = null): LiveCall => {
    const call: LiveCall = {
      record,
      operatorSocketId,
      generation: 0,
      terminalReady: false,
      residentHeld: false,
      terminalRing: null,
      terminalGrace: null,
      operatorGrace: null,
    };
    live.set(record.id, call);
    return call;
  };
  // One statement per state change; the live record is patched as the row is (no read back).
  const update: LiveCalls['update'] = (call, status, patch = {}) => {
    store.setStatus(call.record.id, status, patch);
    const r = call.record;
    call.record = {
      ...r,
      status,
      operatorId: patch.operatorId ?? r.operatorId,
      terminalId: patch.terminalId ?? r.terminalId,
      answeredAt: patch.answeredAt ?? r.answeredAt,
      endedAt: patch.endedAt ?? r.endedAt,
      endReason: patch.endReason ?? r.endReason,
      callbackRequestedAt: patch.callbackRequestedAt ?? r.callbackRequestedAt,
    };
  };
  // Who answered each household on each shop's line in this run (the calls table knows earlier
  // runs): a request finds its preferred operator without waiting for this turn's writes.
  const answeredBy = new Map<string, number>();
  const lastOperator: LiveCalls['lastOperator'] = async (householdId, shopId) =>
    answeredBy.get(`${householdId}:${shopId}`) ?? (await store.lastOperator(householdId, shopId));
  const activeTerminal = (householdId: number) => deps.directory.household(householdId)?.terminalId ?? null;

  // Each of an operator's tabs is told how its calls look once per turn, after the messages.
  function pushStaff(operatorId: number | null) {
    if (operatorId === null) return;
    dirtyStaff.add(operatorId);
    schedule();
  }

  function finish(
    call: LiveCall,
    status: 'ended' | 'abandoned' | 'declined',
    reason: CallEndReason,
    lost?: CallEnded['lost'],
  ) {
    for (const t of [call.terminalRing, call.terminalGrace, call.operatorGrace]) t?.cancel();
    live.delete(call.record.id);
    update(call, status, { endedAt: clock.now(), endReason: reason });
    const payload: CallEnded = { callId: call.record.id, reason, ...(lost ? { lost } : {}) };
    const { terminalId, operatorId } = call.record;
    if (terminalId) {
      if (!presence.terminals.get(terminalId)) owed.terminals.set(terminalId, payload);
      send(() => sockets.terminals.to(rooms.terminal(terminalId)).emit('call:ended', payload));
    }
    if (operatorId) {
      if (!presence.staff.get(operatorId)?.size) owed.operators.set(operatorId, payload);
      send(() => sockets.staff.to(rooms.user(operatorId)).emit('call:ended', payload));
    }
    router.endCall(call.record.id);
    pushStaff(operatorId);
    const r = call.record;
    const ended = {
      callId: r.id,
      householdId: r.householdId,
      shopId: r.shopId,
      operatorId: r.operatorId,
      answered: r.answeredAt !== null,
      reason,
      at: r.endedAt ?? clock.now(),
    };
    send(() => ctx.events.emit('call.ended', ended));
  }

  const api: LiveCalls = {
    ctx,
    deps,
    router,
    views,
    live,
    presence,
    owed,
    starting,
    add,
    update,
    finish,
    activeTerminal,
    lastOperator,
    queueChanged,
    pushStaff,

    flushNow: flush,

    close() {
      closed = true;
      return store.commit();
    },

    residentState(call) {
      const { terminalId } = call.record;
      return {
        callId: call.record.id,
        online: terminalId !== null && (presence.terminals.get(terminalId) ?? 0) > 0,
        held: call.residentHeld,
      };
    },

    connect(call, patch = {}) {
      const now = clock.now();
      if (call.record.terminalId) owed.terminals.delete(call.record.terminalId);
      if (call.record.operatorId) owed.operators.delete(call.record.operatorId);
      update(call, 'connected', { ...patch, answeredAt: call.record.answeredAt ?? now });
      const i = views.info(call.record);
      const { terminalId, operatorId } = call.record;
      if (operatorId) answeredBy.set(`${call.record.householdId}:${call.record.shopId}`, operatorId);
      const { householdId } = call.record;
      send(() => {
        if (terminalId) sockets.terminals.to(rooms.terminal(terminalId)).emit('call:connected', i);
        if (operatorId) sockets.staff.to(rooms.user(operatorId)).emit('call:connected', i);
        ctx.events.emit('household.activity', { householdId, kind: 'call', at: now });
      });
      pushStaff(operatorId);
      return i;
    },

    ringTerminal(call, patch = {}) {
      // The household's terminal may have been replaced since the resident asked for a callback.
      const terminalId = activeTerminal(call.record.householdId);
      update(call, 'ringing_terminal', terminalId !== null ? { ...patch, terminalId } : patch);
      const rung = call.record.terminalId;
      if (rung) {
        const incoming = views.info(call.record);
        send(() => sockets.terminals.to(rooms.terminal(rung)).emit('call:incoming', incoming));
      }
      pushStaff(call.record.operatorId);
      call.terminalRing = clock.setTimeout(() => {
        if (live.get(call.record.id)?.record.status !== 'ringing_terminal') return;
        finish(call, 'ended', 'no_answer');
        flush();
      }, TERMINAL_RING_MS);
    },

    terminalCall(p, callId) {
      const call = live.get(callId);
      if (!call || call.record.terminalId !== p.terminalId)
        throw fail(403, 'NOT_CALL_PARTY', 'You are not a party to this call.');
      return call;
    },

    staffCall(p, callId) {
      const call = live.get(callId);
      if (!call || call.record.operatorId !== p.user.id)
        throw fail(403, 'NOT_CALL_PARTY', 'You are not a party to this call.');
      return call;
    },
  };
  await settleOpenCalls(api, deps.takeover ?? null);
  return api;
}
