/** Planned outgoing listening calls (issue 16): weekly plans, offered to the line's listeners when due. */
import type { HubCore } from '../../core';
import { actorName } from '../../lib/principal';
import type { CallsService } from '../calls/service';
import { createPlans, type Plans } from './plans';
import { scheduledCallsRoutes } from './routes';
import { type CallScheduler, createCallScheduler } from './scheduler';
import { createSqliteScheduledCallsStore } from './store';

export type ScheduledCallsService = Plans & Pick<CallScheduler, 'tick' | 'settled' | 'ring'>;

export async function registerScheduledCalls(
  hub: HubCore,
  needs: { calls: CallsService },
): Promise<ScheduledCallsService> {
  const { ctx } = hub;
  const store = createSqliteScheduledCallsStore(ctx.db);
  // A plan written, changed or removed: the timer is set again for its next call.
  let scheduler: CallScheduler | null = null;
  const plans = createPlans(ctx, {
    store,
    households: hub.stores.households,
    shops: hub.stores.shops,
    changed: () => scheduler?.tick(),
  });
  const jobs = createCallScheduler(ctx, { store, plans, calls: needs.calls });
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
      });
      return call;
    });
  });
  hub.app.addHook('preClose', async () => jobs.stop());
  // Not in short-lived processes on the same database (admin CLI): one scheduler only.
  if (ctx.backgroundJobs) {
    scheduler = jobs;
    jobs.tick();
  }
  return { ...plans, tick: jobs.tick, settled: jobs.settled, ring: jobs.ring };
}
