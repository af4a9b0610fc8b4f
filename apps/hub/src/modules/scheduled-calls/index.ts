/** Planned outgoing listening calls (issue 16): weekly plans, offered to the line's listeners when due. */
import type { HubCore } from '../../core';
import { actorName } from '../../lib/principal';
import type { Calls } from '../calls/service';
import { createPlans, type Plans } from './plans';
import { scheduledCallsRoutes } from './routes';
import { type CallScheduler, createCallScheduler } from './scheduler';
import { createScheduledCallsStore } from './store';

export type ScheduledCallsService = Plans & Pick<CallScheduler, 'tick' | 'ring'>;

export async function registerScheduledCalls(hub: HubCore, needs: { calls: Calls }): Promise<ScheduledCallsService> {
  const { ctx } = hub;
  const store = createScheduledCallsStore(ctx.sql);
  // A plan written, changed or removed: the timer is set again for its next call.
  let scheduler: CallScheduler | null = null;
  const plans = createPlans(ctx, {
    store,
    households: hub.stores.households,
    shops: hub.stores.shops,
    changed: () => void scheduler?.tick(),
  });
  const jobs = createCallScheduler(ctx, {
    store,
    unitOfWork: (work) => ctx.sql.transaction((tx) => work(createScheduledCallsStore(tx))),
    plans,
    calls: needs.calls,
  });
  await hub.app.register(scheduledCallsRoutes(ctx, plans));
  ctx.sockets.onStaffConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'user') return;
    const party = { kind: 'user' as const, user: principal.user, socketId: socket.id };
    on('call:ringScheduled', { access: { roles: ['listener'] } }, async (p) => {
      const call = await jobs.ring(party, p.scheduledCallId);
      // Calling a resident is reaching into their home: recorded like every privileged action.
      await ctx.audit.record({
        actor: actorName(principal),
        action: 'call.scheduled_rang',
        target: `household:${call.householdId}`,
        detail: { callId: call.callId, scheduledCallId: p.scheduledCallId },
        ip: socket.data.address,
      });
      return call;
    });
  });
  hub.app.addHook('preClose', () => jobs.close());
  // One runner among the hubs (plugins/jobs.ts); a tick run twice changes nothing (one row per due time).
  ctx.jobs.add('scheduled-calls', {
    start() {
      scheduler = jobs;
      jobs.start();
    },
    stop() {
      scheduler = null;
      return jobs.stop();
    },
  });
  return { ...plans, tick: jobs.tick, ring: jobs.ring };
}
