/**
 * Calls in progress: the router, the live calls with their timers, and the steps every command
 * shares (connect, finish, ring the terminal), each stored first and then told to both parties.
 * Also what the previous run left open, settled at start.
 */
import type { CallEnded, CallEndReason, CallInfo, ResidentState, User } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import { rooms } from '../../plugins/socket';
import type { AccountsStore } from '../accounts/store';
import type { HouseholdsStore } from '../households/store';
import type { ShopsStore } from '../shops/store';
import { CallRouter } from './router';
import { type RouterConfig, type RouterEffect, RouterError } from './router-model';
import type { CallRecord, CallsStore } from './store';
import { staffView } from './sync';
import { type CallViews, createCallViews } from './views';

/** How long a terminal rings when staff call back before the call is given up. */
export const TERMINAL_RING_MS = 60_000;
/** How long a party may be disconnected during a call before it is ended. */
export const RECONNECT_GRACE_MS = 30_000;

export type TerminalParty = { kind: 'terminal'; terminalId: number; householdId: number };
export type StaffParty = { kind: 'user'; user: User; socketId: string };

export interface LiveCall {
  record: CallRecord;
  /** The console tab that holds the call (its camera and peer); another of the operator's tabs shows it only. */
  operatorSocketId: string | null;
  /** The generation of the operator's peer: raised whenever a new peer must replace the old one. */
  generation: number;
  /** The terminal's peer exists and listens (the console waits for it before it offers). */
  terminalReady: boolean;
  /** An emergency holds the call on the terminal. */
  residentHeld: boolean;
  /** The place last told to the waiting terminal: it is told again only when it changes. */
  lastPlace?: string;
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

export const isOperator = (u: User) => (u.role === 'operator' || u.role === 'listener') && u.shopId !== null;
export const fail = (status: number, code: string, message: string) => new AppError(status, code, message);
export const notAnOperator = () => fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');

/** A router refusal as the error a caller sees. */
export function fromRouter(err: unknown): never {
  if (err instanceof RouterError) {
    const status = err.code === 'UNKNOWN_OPERATOR' ? 403 : err.code === 'NOT_IN_QUEUE' ? 404 : 409;
    throw fail(status, err.code, err.message);
  }
  throw err;
}

/** Runs a router command; its refusal becomes the error a caller sees. */
export function routed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return fromRouter(err);
  }
}

export interface LiveCalls {
  readonly ctx: HubContext;
  readonly deps: CallsServiceDeps;
  readonly router: CallRouter;
  readonly views: CallViews;
  readonly live: Map<number, LiveCall>;
  /** Connected sockets: per terminal how many, per operator which (console tabs). */
  readonly presence: { terminals: Map<number, number>; staff: Map<number, Set<string>> };
  /**
   * Calls that ended while a party was away (also those the previous run left open): told when it
   * is back (`call:sync`), so its screen never goes on showing a call the hub ended.
   */
  readonly owed: { terminals: Map<number, CallEnded>; operators: Map<number, CallEnded> };
  add(record: CallRecord, operatorSocketId?: string | null): LiveCall;
  update(call: LiveCall, status: CallRecord['status'], patch?: Parameters<CallsStore['setStatus']>[2]): void;
  /** `patch`: written with the new state in one statement (e.g. who answered). */
  connect(call: LiveCall, patch?: Parameters<CallsStore['setStatus']>[2]): CallInfo;
  finish(
    call: LiveCall,
    status: 'ended' | 'abandoned' | 'declined',
    reason: CallEndReason,
    lost?: CallEnded['lost'],
  ): void;
  ringTerminal(call: LiveCall, patch?: Parameters<CallsStore['setStatus']>[2]): void;
  activeTerminal(householdId: number): number | null;
  /** The live call this terminal (or staff member) is a party to; refused otherwise. */
  terminalCall(p: TerminalParty, callId: number): LiveCall;
  staffCall(p: { user: User }, callId: number): LiveCall;
  /** Queue positions and the queue view go out once per burst of changes. */
  queueChanged(shopId: number): void;
  /** Tells each of the operator's console tabs how its calls now look (`call:stateChanged`). */
  pushStaff(operatorId: number | null): void;
  residentState(call: LiveCall): ResidentState;
}

export function createLiveCalls(ctx: HubContext, deps: CallsServiceDeps): LiveCalls {
  const { store } = deps;
  const { clock, sockets } = ctx;
  const live = new Map<number, LiveCall>();
  const router = new CallRouter(clock, (e) => onEffect(e), deps.routerConfig);
  router.loadHistory(store.history(clock.now() - router.config.statsWindowMs));
  const views = createCallViews({ clock, timeZone: ctx.config.timeZone, router, ...deps });

  // Many router effects come in one burst: terminals and consoles are told once per burst (a
  // microtask), each waiting terminal only if its place changed, each queue's view and each
  // changed operator once.
  const dirtyQueues = new Set<number>();
  const dirtyOperators = new Set<number>();
  let flushScheduled = false;
  function schedule() {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(flush);
  }
  function queueChanged(shopId: number) {
    dirtyQueues.add(shopId);
    schedule();
  }
  function flush() {
    flushScheduled = false;
    const operators = [...dirtyOperators];
    dirtyOperators.clear();
    for (const id of operators) {
      const op = router.operator(id);
      if (!op) continue;
      sockets.staff
        .to([rooms.shop(op.queueId), rooms.role('cityhall')])
        .emit('call:operatorChanged', views.operatorState(id));
      dirtyQueues.add(op.queueId);
    }
    const queues = [...dirtyQueues];
    dirtyQueues.clear();
    for (const q of queues) {
      for (const pos of views.queuePositions(q)) {
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

  function onEffect(e: RouterEffect) {
    switch (e.type) {
      case 'ring': {
        const call = live.get(e.callId);
        if (call)
          sockets.staff
            .to(rooms.user(e.operatorId))
            .emit('call:ringing', { ...views.info(call.record), ringTimeoutSeconds: Math.round(e.timeoutMs / 1000) });
        break;
      }
      case 'ringCancelled':
        sockets.staff.to(rooms.user(e.operatorId)).emit('call:ringCancelled', { callId: e.callId, reason: e.reason });
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
    views.rememberHousehold(record.householdId);
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
  const activeTerminal = (householdId: number) => deps.households.get(householdId)?.terminal?.id ?? null;

  function pushStaff(operatorId: number | null) {
    if (operatorId === null) return;
    for (const socketId of presence.staff.get(operatorId) ?? [])
      sockets.staff.to(socketId).emit('call:stateChanged', staffView(api, operatorId, socketId));
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
      sockets.terminals.to(rooms.terminal(terminalId)).emit('call:ended', payload);
    }
    if (operatorId) {
      if (!presence.staff.get(operatorId)?.size) owed.operators.set(operatorId, payload);
      sockets.staff.to(rooms.user(operatorId)).emit('call:ended', payload);
    }
    router.endCall(call.record.id);
    pushStaff(operatorId);
    const r = call.record;
    ctx.events.emit('call.ended', {
      callId: r.id,
      householdId: r.householdId,
      shopId: r.shopId,
      operatorId: r.operatorId,
      answered: r.answeredAt !== null,
      reason,
      at: r.endedAt ?? clock.now(),
    });
  }

  // Calls the previous run left open: waiting callers are gone (their terminals will call again),
  // callback requests are put back in their place, connected calls are over — and both parties are
  // told so when they reconnect (their screens would otherwise go on showing a call the hub ended).
  for (const c of store.open()) {
    if (c.status === 'callback_requested') {
      add(c);
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
      const ended: CallEnded = { callId: c.id, reason: 'connection_lost' };
      if (c.terminalId) owed.terminals.set(c.terminalId, ended);
      if (c.operatorId) owed.operators.set(c.operatorId, ended);
    }
  }

  const api: LiveCalls = {
    ctx,
    deps,
    router,
    views,
    live,
    presence,
    owed,
    add,
    update,
    finish,
    activeTerminal,
    queueChanged,
    pushStaff,

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
      if (terminalId) sockets.terminals.to(rooms.terminal(terminalId)).emit('call:connected', i);
      if (operatorId) sockets.staff.to(rooms.user(operatorId)).emit('call:connected', i);
      pushStaff(operatorId);
      ctx.events.emit('household.activity', { householdId: call.record.householdId, kind: 'call', at: now });
      return i;
    },

    ringTerminal(call, patch = {}) {
      // The household's terminal may have been replaced since the resident asked for a callback.
      const terminalId = activeTerminal(call.record.householdId);
      update(call, 'ringing_terminal', terminalId !== null ? { ...patch, terminalId } : patch);
      if (call.record.terminalId)
        sockets.terminals.to(rooms.terminal(call.record.terminalId)).emit('call:incoming', views.info(call.record));
      pushStaff(call.record.operatorId);
      call.terminalRing = clock.setTimeout(() => {
        if (live.get(call.record.id)?.record.status === 'ringing_terminal') finish(call, 'ended', 'no_answer');
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
  return api;
}
