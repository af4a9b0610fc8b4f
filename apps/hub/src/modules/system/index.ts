/**
 * City hall's view of the hub's own health: the same checks as /readyz at GET /api/system/status
 * (the console's system status page) and `system:statusChanged` pushed to city hall when a check
 * changes (the console's "cannot store" banner).
 */
import type { FastifyInstance } from 'fastify';
import type { HubCore } from '../../core';
import { cityhall } from '../../lib/principal';
import { route } from '../../lib/route';
import { rooms } from '../../plugins/socket';

export async function registerSystem(hub: HubCore): Promise<void> {
  const { ctx } = hub;
  ctx.health.onChange((status) => ctx.sockets.staff.to(rooms.role('cityhall')).emit('system:statusChanged', status));
  await hub.app.register(async (app: FastifyInstance) => {
    route(app, 'GET /api/system/status', { config: { access: cityhall }, tags: ['system'] }, async () =>
      ctx.health.evaluate(),
    );
  });
}
