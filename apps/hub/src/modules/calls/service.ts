/**
 * The calls service: drives the router from terminal and staff commands, keeps the calls table
 * up to date, relays WebRTC signals between the two parties of a call only, and tells terminals
 * their place in the queue.
 */
import { createHmac } from 'node:crypto';
import type {
  CallEndReason,
  CallInfo,
  CallSignal,
  IceServersResponse,
  OperatorState,
  QueuePosition,
  QueueView,
  User,
} from '@tsunagu/protocol';
import { Gauge } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { rooms, type TerminalEmit } from '../../plugins/socket';
import type { AccountsStore } from '../accounts/store';
import type { HouseholdsStore } from '../households/store';
import { isOpen } from '../shops/hours';
import type { ShopsStore } from '../shops/store';
import { CallRouter, type RouterConfig, type RouterEffect, RouterError } from './router';
import type { CallRecord, CallsStore } from './store';

/** How long a terminal rings when staff call back before the call is given up. */
export const TERMINAL_RING_MS = 60_000;
/** How long a party may be disconnected during a call before it is ended. */
export const RECONNECT_GRACE_MS = 30_000;

export type TerminalParty = { kind: 'terminal'; terminalId: number; householdId: number };
export type StaffParty = { kind: 'user'; user: User; socketId: string };

interface LiveCall {
  record: CallRecord;
  operatorSocketId: string | null;
  terminalRing: TimerHandle | null;
  terminalGrace: TimerHandle | null;
  operatorGrace: TimerHandle | null;
}

export interface CallsServiceDeps {
  store: CallsStore;
  shops: ShopsStore;
  households: HouseholdsStore;
  accounts: AccountsStore;
  routerConfig?: Partial<RouterConfig>;
  /** Set by the orders module: which shop and household an order belongs to. */
  orderLookup?: (orderId: number) => { shopId: number; householdId: number } | null;
}

export type CallsService = ReturnType<typeof createCallsService>;

const isOperator = (u: User) => (u.role === 'operator' || u.role === 'listener') && u.shopId !== null;

export function createCallsService(ctx: HubContext, deps: CallsServiceDeps) {
  const { store, shops, households, accounts } = deps;
  const { clock, sockets } = ctx;
  const live = new Map<number, LiveCall>();
  const terminalSockets = new Map<number, number>();
  const staffSockets = new Map<number, Set<string>>();
  const dirtyQueues = new Set<number>();
  let flushScheduled = false;

  const router = new CallRouter(clock, onEffect, deps.routerConfig);
  router.loadHistory(store.history(clock.now() - router.config.statsWindowMs));

  // ---- helpers ---------------------------------------------------------------------------

  const fail = (status: number, code: string, message: string) => new AppError(status, code, message);
  const fromRouter = (err: unknown): never => {
    if (err instanceof RouterError) {
      const status = err.code === 'UNKNOWN_OPERATOR' ? 403 : err.code === 'NOT_IN_QUEUE' ? 404 : 409;
      throw fail(status, err.code, err.message);
    }
    throw err;
  };

  function info(c: CallRecord): CallInfo {
    const shop = shops.get(c.shopId);
    const op = c.operatorId !== null ? accounts.userById(c.operatorId) : undefined;
    return {
      callId: c.id,
      shopId: c.shopId,
      shopName: shop?.name ?? '',
      shopKind: shop?.kind ?? 'shop',
      householdId: c.householdId,
      householdName: households.get(c.householdId)?.name ?? '',
      operatorId: c.operatorId,
      operatorName: op?.displayName ?? null,
      direction: c.direction,
      status: c.status,
    };
  }

  function update(call: LiveCall, status: CallRecord['status'], patch: Parameters<CallsStore['setStatus']>[2] = {}) {
    store.setStatus(call.record.id, status, patch);
    call.record = store.get(call.record.id)!;
  }

  function shopOpen(shopId: number): boolean {
    const shop = shops.get(shopId);
    return shop ? isOpen(shop.openingHours, clock.now(), ctx.config.timeZone) : false;
  }

  function queuePosition(callId: number): QueuePosition | null {
    const p = router.position(callId);
    if (!p) return null;
    const notice = !shopOpen(p.queueId) ? 'closed' : p.nobodyAvailable ? 'nobody_available' : null;
    return {
      callId,
      shopId: p.queueId,
      position: p.position,
      ahead: p.ahead,
      estimatedWaitSeconds: Math.round(p.estimatedWaitMs / 1000),
      notice,
      callback: p.callback,
    };
  }

  function operatorState(userId: number): OperatorState {
    const op = router.operator(userId);
    const user = accounts.userById(userId);
    if (!op || !user || user.shopId === null)
      throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');
    return {
      operatorId: userId,
      name: user.displayName,
      shopId: user.shopId,
      availability: op.availability,
      activity: router.activity(op),
      callId: op.callId ?? op.ringingCallId,
      missedRings: op.missedRings,
    };
  }

  function queueView(shopId: number): QueueView {
    const shop = shops.get(shopId);
    if (!shop) throw notFound('shop');
    const f = router.figures(shopId);
    return {
      shopId,
      shopName: shop.name,
      shopKind: shop.kind,
      open: shopOpen(shopId),
      entries: router.queue(shopId).map((e) => ({
        callId: e.callId,
        householdId: e.householdId,
        householdName: households.get(e.householdId)?.name ?? '',
        since: new Date(e.enqueuedAt).toISOString(),
        callback: e.callback,
        ringingOperatorId: e.ringing?.operatorId ?? null,
      })),
      operators: router.queueOperators(shopId).map((o) => operatorState(o.id)),
      figures: {
        shopId,
        waitingNow: f.waitingNow,
        callbacksWaiting: f.callbacksWaiting,
        averageSpeedOfAnswerSeconds: f.averageSpeedOfAnswerMs / 1000,
        abandonmentRate: f.abandonmentRate,
        answeredWithin20sShare: f.answeredWithinServiceLevelShare,
        averageHandleSeconds: f.averageHandleMs / 1000,
        callsPerOperator: f.callsPerOperator,
        answered: f.answered,
        abandoned: f.abandoned,
      },
    };
  }

  function onEffect(e: RouterEffect) {
    switch (e.type) {
      case 'ring': {
        const call = live.get(e.callId);
        if (call)
          sockets.staff
            .to(rooms.user(e.operatorId))
            .emit('call:ringing', { ...info(call.record), ringTimeoutSeconds: Math.round(e.timeoutMs / 1000) });
        break;
      }
      case 'ringCancelled':
        sockets.staff.to(rooms.user(e.operatorId)).emit('call:ringCancelled', { callId: e.callId, reason: e.reason });
        break;
      case 'operatorChanged': {
        const op = router.operator(e.operatorId);
        if (op) {
          sockets.staff
            .to([rooms.shop(op.queueId), rooms.role('cityhall')])
            .emit('call:operatorChanged', operatorState(e.operatorId));
          dirtyQueues.add(op.queueId);
          scheduleFlush();
        }
        break;
      }
      case 'queueChanged':
        dirtyQueues.add(e.queueId);
        scheduleFlush();
        break;
    }
  }

  // Many router effects come in one burst; tell terminals and consoles once per burst.
  function scheduleFlush() {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(() => {
      flushScheduled = false;
      const queues = [...dirtyQueues];
      dirtyQueues.clear();
      for (const q of queues) {
        for (const entry of router.queue(q)) {
          const call = live.get(entry.callId);
          const pos = queuePosition(entry.callId);
          if (call?.record.terminalId && pos)
            sockets.terminals.to(rooms.terminal(call.record.terminalId)).emit('call:queueUpdated', pos);
        }
        if (shops.get(q))
          sockets.staff.to([rooms.shop(q), rooms.role('cityhall')]).emit('call:queueChanged', queueView(q));
      }
    });
  }

  function liveFor(callId: number): LiveCall | undefined {
    return live.get(callId);
  }

  function terminalCall(p: TerminalParty, callId: number): LiveCall {
    const call = live.get(callId);
    if (!call || call.record.terminalId !== p.terminalId)
      throw fail(403, 'NOT_CALL_PARTY', 'You are not a party to this call.');
    return call;
  }

  function staffCall(p: { user: User }, callId: number): LiveCall {
    const call = live.get(callId);
    if (!call || call.record.operatorId !== p.user.id)
      throw fail(403, 'NOT_CALL_PARTY', 'You are not a party to this call.');
    return call;
  }

  function connect(call: LiveCall) {
    const now = clock.now();
    update(call, 'connected', { answeredAt: call.record.answeredAt ?? now });
    const i = info(call.record);
    if (call.record.terminalId) sockets.terminals.to(rooms.terminal(call.record.terminalId)).emit('call:connected', i);
    if (call.record.operatorId) sockets.staff.to(rooms.user(call.record.operatorId)).emit('call:connected', i);
    ctx.events.emit('household.activity', { householdId: call.record.householdId, kind: 'call', at: now });
    return i;
  }

  function finish(call: LiveCall, status: 'ended' | 'abandoned' | 'declined', reason: CallEndReason) {
    for (const t of [call.terminalRing, call.terminalGrace, call.operatorGrace]) t?.cancel();
    live.delete(call.record.id);
    update(call, status, { endedAt: clock.now(), endReason: reason });
    const payload = { callId: call.record.id, reason };
    if (call.record.terminalId)
      sockets.terminals.to(rooms.terminal(call.record.terminalId)).emit('call:ended', payload);
    if (call.record.operatorId) sockets.staff.to(rooms.user(call.record.operatorId)).emit('call:ended', payload);
    router.endCall(call.record.id);
  }

  function ringTerminal(call: LiveCall) {
    // The household's terminal may have been replaced since the resident asked for a callback.
    const terminalId = activeTerminal(call.record.householdId);
    update(call, 'ringing_terminal', terminalId !== null ? { terminalId } : {});
    if (call.record.terminalId)
      sockets.terminals.to(rooms.terminal(call.record.terminalId)).emit('call:incoming', info(call.record));
    call.terminalRing = clock.setTimeout(() => {
      if (live.get(call.record.id)?.record.status === 'ringing_terminal') finish(call, 'ended', 'no_answer');
    }, TERMINAL_RING_MS);
  }

  function activeTerminal(householdId: number): number | null {
    return households.get(householdId)?.terminal?.id ?? null;
  }

  // Calls the previous run left open: waiting callers are gone (their terminals will call again),
  // callback requests are put back in their place, connected calls are over — and both parties are
  // told so when they reconnect (their screens would otherwise go on showing a call the hub ended).
  const endedAtStart = { terminals: new Map<number, number>(), operators: new Map<number, number>() };
  for (const c of store.open()) {
    if (c.status === 'callback_requested') {
      live.set(c.id, {
        record: c,
        operatorSocketId: null,
        terminalRing: null,
        terminalGrace: null,
        operatorGrace: null,
      });
      router.enqueue({
        callId: c.id,
        queueId: c.shopId,
        householdId: c.householdId,
        lastOperatorId: store.lastOperator(c.householdId, c.shopId),
        callback: true,
        enqueuedAt: c.requestedAt,
      });
    } else {
      store.setStatus(c.id, c.status === 'waiting' ? 'abandoned' : 'ended', {
        endedAt: clock.now(),
        endReason: 'connection_lost',
      });
      if (c.terminalId) endedAtStart.terminals.set(c.terminalId, c.id);
      if (c.operatorId) endedAtStart.operators.set(c.operatorId, c.id);
    }
  }

  // ---- metrics ---------------------------------------------------------------------------

  const registers = [ctx.metrics.registry];
  const perQueue = (name: string, help: string, value: (shopId: number) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['shop'],
      registers,
      collect() {
        this.reset();
        for (const s of shops.list()) this.set({ shop: String(s.id) }, value(s.id));
      },
    });
  perQueue(
    'tsunagu_call_queue_waiting',
    'Callers waiting now, per shop / listening line',
    (id) => router.figures(id).waitingNow,
  );
  perQueue(
    'tsunagu_call_callbacks_waiting',
    'Callback requests waiting, per shop',
    (id) => router.figures(id).callbacksWaiting,
  );
  perQueue(
    'tsunagu_call_average_speed_of_answer_seconds',
    'Average wait before answer over the last 24 h',
    (id) => router.figures(id).averageSpeedOfAnswerMs / 1000,
  );
  perQueue(
    'tsunagu_call_abandonment_ratio',
    'Share of callers who hung up before being answered (last 24 h)',
    (id) => router.figures(id).abandonmentRate,
  );
  perQueue(
    'tsunagu_call_answered_within_20s_ratio',
    'Share of answered calls answered within 20 s (last 24 h)',
    (id) => router.figures(id).answeredWithinServiceLevelShare,
  );
  new Gauge({
    name: 'tsunagu_call_operator_answered',
    help: 'Calls answered per operator over the last 24 h',
    labelNames: ['shop', 'operator'],
    registers,
    collect() {
      this.reset();
      for (const s of shops.list())
        for (const c of router.figures(s.id).callsPerOperator)
          this.set({ shop: String(s.id), operator: String(c.operatorId) }, c.answered);
    },
  });

  // ---- commands --------------------------------------------------------------------------

  return {
    router,
    queuePosition,
    queueView,
    operatorState,
    callInfo: (callId: number) => {
      const c = live.get(callId)?.record ?? store.get(callId);
      return c ? info(c) : null;
    },
    liveFor,
    setOrderLookup(fn: CallsServiceDeps['orderLookup']) {
      deps.orderLookup = fn;
    },

    request(p: TerminalParty, shopId: number): QueuePosition {
      const shop = shops.get(shopId);
      if (!shop) throw notFound('shop');
      for (const c of live.values()) {
        if (c.record.terminalId === p.terminalId && c.record.status !== 'callback_requested') {
          throw fail(409, 'ALREADY_IN_CALL', 'This terminal already has a call in progress.');
        }
        // Asking again for a shop that already has our callback request: wait in that place.
        if (c.record.terminalId === p.terminalId && c.record.shopId === shopId) {
          update(c, 'waiting');
          const entry = router.entry(c.record.id);
          if (entry) entry.callback = false;
          scheduleFlush();
          dirtyQueues.add(shopId);
          return queuePosition(c.record.id)!;
        }
      }
      const now = clock.now();
      const id = store.create({
        shopId,
        householdId: p.householdId,
        terminalId: p.terminalId,
        direction: 'inbound',
        status: 'waiting',
        operatorId: null,
        callbackOf: null,
        now,
      });
      live.set(id, {
        record: store.get(id)!,
        operatorSocketId: null,
        terminalRing: null,
        terminalGrace: null,
        operatorGrace: null,
      });
      router.enqueue({
        callId: id,
        queueId: shopId,
        householdId: p.householdId,
        lastOperatorId: store.lastOperator(p.householdId, shopId),
      });
      return queuePosition(id)!;
    },

    requestCallback(p: TerminalParty, callId: number): QueuePosition {
      const call = terminalCall(p, callId);
      if (call.record.status !== 'waiting' && call.record.status !== 'callback_requested')
        throw fail(409, 'NOT_WAITING', 'This call is no longer waiting.');
      try {
        router.requestCallback(callId);
      } catch (e) {
        fromRouter(e);
      }
      update(call, 'callback_requested', { callbackRequestedAt: clock.now() });
      return queuePosition(callId)!;
    },

    cancel(p: TerminalParty, callId: number) {
      const call = terminalCall(p, callId);
      if (call.record.status !== 'waiting' && call.record.status !== 'callback_requested')
        throw fail(409, 'NOT_WAITING', 'This call is no longer waiting; hang up instead.');
      router.leave(callId);
      live.delete(callId);
      update(call, 'abandoned', { endedAt: clock.now(), endReason: 'cancelled' });
      return { callId };
    },

    accept(p: TerminalParty, callId: number): CallInfo {
      const call = terminalCall(p, callId);
      if (call.record.status !== 'ringing_terminal') throw fail(409, 'NOT_RINGING', 'This call is not ringing.');
      call.terminalRing?.cancel();
      call.terminalRing = null;
      return connect(call);
    },

    declineIncoming(p: TerminalParty, callId: number) {
      const call = terminalCall(p, callId);
      if (call.record.status !== 'ringing_terminal') throw fail(409, 'NOT_RINGING', 'This call is not ringing.');
      finish(call, 'declined', 'declined');
      return { callId };
    },

    hangUp(p: TerminalParty | StaffParty, callId: number) {
      const call = p.kind === 'terminal' ? terminalCall(p, callId) : staffCall(p, callId);
      if (call.record.status !== 'connected' && call.record.status !== 'ringing_terminal')
        throw fail(409, 'CALL_NOT_CONNECTED', 'This call is not connected.');
      finish(call, 'ended', p.kind === 'terminal' ? 'hung_up_by_resident' : 'hung_up_by_operator');
      return { callId };
    },

    answer(p: StaffParty, callId: number): CallInfo {
      if (!isOperator(p.user)) throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');
      const call = live.get(callId);
      try {
        router.answer(p.user.id, callId);
      } catch (e) {
        fromRouter(e);
      }
      if (!call) throw fail(409, 'NOT_RINGING', 'This call is no longer waiting.');
      call.operatorSocketId = p.socketId;
      const wasCallback = call.record.status === 'callback_requested';
      update(call, call.record.status, { operatorId: p.user.id });
      if (wasCallback) {
        ringTerminal(call);
        return info(call.record);
      }
      return connect(call);
    },

    declineRing(p: StaffParty, callId: number) {
      try {
        router.decline(p.user.id, callId);
      } catch (e) {
        fromRouter(e);
      }
      return { callId };
    },

    /** Staff call a resident back: from a waiting callback request, or about an order. */
    callBack(p: StaffParty, body: { householdId: number; callbackOf?: number; orderId?: number }): CallInfo {
      if (!isOperator(p.user)) throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners can call residents.');
      const shopId = p.user.shopId!;
      if (body.callbackOf !== undefined) {
        const call = live.get(body.callbackOf);
        if (
          !call ||
          call.record.shopId !== shopId ||
          call.record.householdId !== body.householdId ||
          call.record.status !== 'callback_requested'
        ) {
          throw notFound('callback request');
        }
        try {
          router.take(p.user.id, body.callbackOf);
        } catch (e) {
          fromRouter(e);
        }
        call.operatorSocketId = p.socketId;
        update(call, call.record.status, { operatorId: p.user.id });
        ringTerminal(call);
        return info(call.record);
      }
      if (body.orderId === undefined)
        throw badRequest(
          'VALIDATION_FAILED',
          'Give the callback request (callbackOf) or the order (orderId) this call is about.',
        );
      const order = deps.orderLookup?.(body.orderId);
      if (!order || order.shopId !== shopId || order.householdId !== body.householdId) throw notFound('order');
      const terminalId = activeTerminal(body.householdId);
      if (terminalId === null) throw fail(409, 'NO_TERMINAL', 'This household has no terminal.');
      for (const c of live.values()) {
        if (c.record.terminalId === terminalId && c.record.status !== 'callback_requested')
          throw fail(409, 'ALREADY_IN_CALL', 'The resident is on another call. Try again later.');
      }
      const now = clock.now();
      const id = store.create({
        shopId,
        householdId: body.householdId,
        terminalId,
        direction: 'outbound',
        status: 'ringing_terminal',
        operatorId: p.user.id,
        callbackOf: null,
        now,
      });
      try {
        router.startOutbound(p.user.id, id, shopId);
      } catch (e) {
        store.setStatus(id, 'ended', { endedAt: now, endReason: 'cancelled' });
        fromRouter(e);
      }
      const call: LiveCall = {
        record: store.get(id)!,
        operatorSocketId: p.socketId,
        terminalRing: null,
        terminalGrace: null,
        operatorGrace: null,
      };
      live.set(id, call);
      ringTerminal(call);
      return info(call.record);
    },

    /** Relays a WebRTC signal to the other party of the call, and to nobody else. */
    relaySignal(p: TerminalParty | StaffParty, msg: CallSignal) {
      const call = p.kind === 'terminal' ? terminalCall(p, msg.callId) : staffCall(p, msg.callId);
      if (call.record.status !== 'connected') throw fail(409, 'CALL_NOT_CONNECTED', 'This call is not connected.');
      if (p.kind === 'terminal') {
        const target = call.operatorSocketId
          ? sockets.staff.to(call.operatorSocketId)
          : sockets.staff.to(rooms.user(call.record.operatorId!));
        target.emit('call:signal', msg);
      } else {
        call.operatorSocketId = p.socketId;
        sockets.terminals.to(rooms.terminal(call.record.terminalId!)).emit('call:signal', msg);
      }
      return { delivered: true as const };
    },

    iceServers(actor: string): IceServersResponse {
      const servers: IceServersResponse['iceServers'] = ctx.config.iceServers.map((s) => ({ ...s }));
      const turn = ctx.config.turn;
      if (!turn) return { iceServers: servers, ttlSeconds: null };
      // coturn `use-auth-secret`: username "expiry:id", password base64(HMAC-SHA1(secret, username)).
      const username = `${Math.floor(clock.now() / 1000) + turn.ttlSeconds}:${actor}`;
      const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
      servers.push({ urls: turn.urls, username, credential });
      return { iceServers: servers, ttlSeconds: turn.ttlSeconds };
    },

    setAvailability(user: User, availability: 'available' | 'away'): OperatorState {
      if (!isOperator(user)) throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');
      try {
        router.setAvailability(user.id, availability);
      } catch (e) {
        fromRouter(e);
      }
      return operatorState(user.id);
    },

    endAfterCallWork(user: User): OperatorState {
      if (!isOperator(user)) throw fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');
      try {
        router.endAfterCallWork(user.id);
      } catch (e) {
        fromRouter(e);
      }
      return operatorState(user.id);
    },

    // ---- presence ------------------------------------------------------------------------

    terminalConnected(p: TerminalParty, emit: TerminalEmit) {
      terminalSockets.set(p.terminalId, (terminalSockets.get(p.terminalId) ?? 0) + 1);
      const endedCall = endedAtStart.terminals.get(p.terminalId);
      if (endedCall !== undefined) {
        endedAtStart.terminals.delete(p.terminalId);
        emit('call:ended', { callId: endedCall, reason: 'connection_lost' });
      }
      for (const c of live.values()) {
        if (c.record.terminalId !== p.terminalId) continue;
        c.terminalGrace?.cancel();
        c.terminalGrace = null;
        // Tell a reconnecting terminal where it was: waiting, being rung, or in a call.
        if (c.record.status === 'waiting' || c.record.status === 'callback_requested') {
          // The table says a position, never null (a call no longer queued has none to report).
          const pos = queuePosition(c.record.id);
          if (pos) emit('call:queueUpdated', pos);
        } else if (c.record.status === 'ringing_terminal') emit('call:incoming', info(c.record));
        else if (c.record.status === 'connected') emit('call:connected', info(c.record));
      }
    },

    terminalDisconnected(p: TerminalParty) {
      const n = (terminalSockets.get(p.terminalId) ?? 1) - 1;
      if (n > 0) {
        terminalSockets.set(p.terminalId, n);
        return;
      }
      terminalSockets.delete(p.terminalId);
      for (const c of [...live.values()]) {
        if (c.record.terminalId !== p.terminalId) continue;
        if (c.record.status === 'waiting') {
          // A caller who goes away leaves the queue at once; a callback request stays.
          router.leave(c.record.id);
          live.delete(c.record.id);
          update(c, 'abandoned', { endedAt: clock.now(), endReason: 'connection_lost' });
        } else if (c.record.status === 'connected' || c.record.status === 'ringing_terminal') {
          c.terminalGrace?.cancel();
          c.terminalGrace = clock.setTimeout(() => {
            if (live.get(c.record.id) === c) finish(c, 'ended', 'connection_lost');
          }, RECONNECT_GRACE_MS);
        }
      }
    },

    staffConnected(user: User, socketId: string) {
      if (!isOperator(user)) return;
      const endedCall = endedAtStart.operators.get(user.id);
      if (endedCall !== undefined) {
        endedAtStart.operators.delete(user.id);
        sockets.staff.to(socketId).emit('call:ended', { callId: endedCall, reason: 'connection_lost' });
      }
      const set = staffSockets.get(user.id) ?? new Set<string>();
      staffSockets.set(user.id, set);
      set.add(socketId);
      for (const c of live.values()) {
        if (c.record.operatorId === user.id) {
          c.operatorGrace?.cancel();
          c.operatorGrace = null;
        }
      }
      router.operatorOnline(user.id, user.shopId!);
    },

    staffDisconnected(user: User, socketId: string) {
      const set = staffSockets.get(user.id);
      if (!set) return;
      set.delete(socketId);
      if (set.size > 0) return;
      staffSockets.delete(user.id);
      router.operatorOffline(user.id);
      for (const c of [...live.values()]) {
        if (
          c.record.operatorId !== user.id ||
          (c.record.status !== 'connected' && c.record.status !== 'ringing_terminal')
        )
          continue;
        c.operatorGrace?.cancel();
        c.operatorGrace = clock.setTimeout(() => {
          if (live.get(c.record.id) === c) finish(c, 'ended', 'connection_lost');
        }, RECONNECT_GRACE_MS);
      }
    },

    /** Stops every timer (the hub is closing). */
    dispose() {
      for (const c of live.values()) for (const t of [c.terminalRing, c.terminalGrace, c.operatorGrace]) t?.cancel();
      live.clear();
      router.dispose();
    },

    history(filter: { shopId?: number; householdId?: number; limit: number }) {
      return store.list(filter);
    },
  };
}
