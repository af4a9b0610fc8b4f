/**
 * The calls service: drives the router from terminal and staff commands, keeps the calls table
 * up to date, relays WebRTC signals between the two parties of a call only, and tells terminals
 * their place in the queue. One interface over its parts:
 *
 * - live.ts: the router, live calls and the steps every command shares; views.ts: what they look like;
 * - terminal-commands.ts, staff-commands.ts, in-call.ts: what each party does;
 * - presence.ts: (re)connects and disconnects; metrics.ts: the queues' figures for /metrics.
 */
import type { CallInfo } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { createInCall, type InCall } from './in-call';
import { createLiveCalls } from './live';
import type { CallsServiceDeps } from './live-model';
import { type CallPresence, createCallPresence } from './presence';
import type { Figures } from './router-model';
import { createStaffCommands, type StaffCommands } from './staff-commands';
import type { CallRecord } from './store';
import { type CallSync, createCallSync } from './sync';
import { createTerminalCommands, type TerminalCommands } from './terminal-commands';
import type { CallViews } from './views';

export { RECONNECT_GRACE_MS } from './live-model';

export interface CallsService
  extends TerminalCommands,
    StaffCommands,
    InCall,
    CallPresence,
    CallSync,
    Pick<CallViews, 'queueView' | 'operatorState'> {
  /** A call as the console shows it, live or from the calls table. */
  callInfo(callId: number): Promise<CallInfo | null>;
  /** A call as stored (live or ended); undefined when there is none. */
  record(callId: number): Promise<CallRecord | undefined>;
  /** Set by the orders module: which shop and household an order belongs to (for call-backs about orders). */
  setOrderLookup(fn: CallsServiceDeps['orderLookup']): void;
  history(filter: { shopId?: number; householdId?: number; limit: number }): Promise<CallRecord[]>;
  /**
   * Settles once every call change made so far is on disk (changes are committed together once per
   * turn of the event loop): commands acknowledge after it, never for a change not yet stored.
   */
  committed(): Promise<void>;
  /** The queue's figures (for /metrics). */
  figures(shopId: number): Figures;
  /** Stops every timer and stores what is pending (the hub is closing). */
  dispose(): Promise<void>;
}

/**
 * The calls service as the sockets and other modules use it. On a hub that does not run the router
 * (several hubs, calls/cluster.ts) each command is forwarded to the one that does, and answers later.
 */
export type Calls = {
  [K in Exclude<keyof CallsService, 'figures'>]: CallsService[K] extends (...args: infer A) => infer R
    ? (...args: A) => R | Promise<Awaited<R>>
    : CallsService[K];
};

export async function createCallsService(ctx: HubContext, deps: CallsServiceDeps): Promise<CallsService> {
  const calls = await createLiveCalls(ctx, deps);
  return {
    ...createTerminalCommands(calls),
    ...createStaffCommands(calls),
    ...createInCall(calls),
    ...createCallPresence(calls),
    ...createCallSync(calls),
    queueView: calls.views.queueView,
    operatorState: calls.views.operatorState,
    async callInfo(callId) {
      const c = calls.live.get(callId)?.record ?? (await deps.store.get(callId));
      return c ? calls.views.info(c) : null;
    },
    record: async (callId) => calls.live.get(callId)?.record ?? deps.store.get(callId),
    setOrderLookup(fn) {
      deps.orderLookup = fn;
    },
    history: (filter) => deps.store.list(filter),
    committed: () => deps.store.committed(),
    figures: (shopId) => calls.router.figures(shopId),
    dispose() {
      for (const c of calls.live.values())
        for (const t of [c.terminalRing, c.terminalGrace, c.operatorGrace]) t?.cancel();
      calls.live.clear();
      calls.router.dispose();
      return calls.close();
    },
  };
}
