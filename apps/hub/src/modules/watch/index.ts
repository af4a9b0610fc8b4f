/** The check-ins and watch capability (issue 5): check-in plans, signs of life, escalation, terminal health. */
import type { HubCore } from '../../core';
import { createSqliteCheckinsStore } from '../checkins/store';
import { watchRoutes } from './routes';
import { createWatchService, type WatchService } from './service';
import { registerWatchSockets } from './socket';
import { createSqliteWatchStore } from './store';

export type { WatchService } from './service';

export async function registerWatch(hub: HubCore): Promise<WatchService> {
  const checkins = createSqliteCheckinsStore(hub.ctx.db);
  const alerts = createSqliteWatchStore(hub.ctx.db);
  const households = hub.stores.households;
  const service = createWatchService(hub.ctx, {
    checkins,
    alerts,
    households,
    connectedCount: (id) => hub.services.terminals.connectedCount(id),
  });
  registerWatchSockets(hub.ctx, { service, alerts, households });
  await hub.app.register(watchRoutes(hub.ctx, { service, alerts, households }));
  // Check-ins queued for the group commit are written before the database closes.
  hub.app.addHook('preClose', async () => service.stop());
  // Not in short-lived processes on the same database (admin CLI): one scheduler only.
  if (hub.ctx.backgroundJobs) service.tick();
  return service;
}
