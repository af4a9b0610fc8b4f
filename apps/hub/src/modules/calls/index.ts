/** Registers the calls capability: queues and routing, signalling, call history. */
import type { HubCore } from '../../core';
import { createCallsCluster } from './cluster';
import { createCallsDirectory } from './directory';
import { iceServers } from './in-call';
import type { CallsServiceDeps } from './live-model';
import { registerCallMetrics } from './metrics';
import { callsRoutes } from './routes';
import { type Calls, createCallsService } from './service';
import { registerCallSockets } from './socket';
import { createCallsStore } from './store';

export async function registerCalls(hub: HubCore): Promise<Calls> {
  const { ctx } = hub;
  const deps: CallsServiceDeps = {
    store: createCallsStore(ctx.sql),
    shops: hub.stores.shops.directory,
    directory: await createCallsDirectory(ctx, hub.stores.households, hub.stores.accounts),
  };
  let calls: Calls;
  if (ctx.cluster && ctx.config.database.engine === 'postgres') {
    // Several hubs on one database: one of them runs the router, the others forward to it.
    const cluster = createCallsCluster(ctx, deps, {
      redis: ctx.cluster.redis,
      create: (takeover) => createCallsService(ctx, { ...deps, takeover }),
      iceServers: (actor) => iceServers(ctx, actor),
    });
    registerCallMetrics(ctx.metrics.registry, (shopId) => cluster.engine()?.figures(shopId) ?? null, deps.shops);
    calls = cluster;
  } else {
    const service = await createCallsService(ctx, deps);
    registerCallMetrics(ctx.metrics.registry, (shopId) => service.figures(shopId), deps.shops);
    calls = service;
  }
  registerCallSockets(ctx, calls);
  hub.app.addHook('preClose', async () => calls.dispose());
  await hub.app.register(callsRoutes(ctx, calls, hub.stores.shops));
  return calls;
}
