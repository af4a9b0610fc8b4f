/** Registers the calls capability: queues and routing, signalling, call history. */
import type { HubCore } from '../../core';
import { createCallsDirectory } from './directory';
import { callsRoutes } from './routes';
import { type CallsService, createCallsService } from './service';
import { registerCallSockets } from './socket';
import { createCallsStore } from './store';

export async function registerCalls(hub: HubCore): Promise<CallsService> {
  const calls = await createCallsService(hub.ctx, {
    store: createCallsStore(hub.ctx.sql),
    shops: hub.stores.shops.directory,
    directory: await createCallsDirectory(hub.ctx, hub.stores.households, hub.stores.accounts),
  });
  registerCallSockets(hub.ctx, calls);
  hub.app.addHook('preClose', async () => calls.dispose());
  await hub.app.register(callsRoutes(hub.ctx, calls, hub.stores.shops));
  return calls;
}
