/**
 * City hall's view of the hub's own health: the same checks as /readyz at GET /api/system/status
 * (the console's system status page) and `system:statusChanged` pushed to city hall when a check
 * changes (the console's "cannot store" banner).
 */
import { SystemStatus } from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../app';
import { rooms } from '../../plugins/socket';

const cityhall = { roles: ['cityhall'] as const };

export async function registerSystem(hub: Hub): Promise<void> {
  const { ctx } = hub;
  ctx.health.onChange((status) => ctx.sockets.staff.to(rooms.role('cityhall')).emit('system:statusChanged', status));
  await hub.app.register(async (app: FastifyInstance) => {
    app.get(
      '/api/system/status',
      {
        config: { access: cityhall },
        schema: {
          tags: ['system'],
          description: 'The readiness checks (database, migrations, disk, and those modules register), as /readyz.',
          response: { 200: SystemStatus },
        },
      },
      async () => ctx.health.evaluate(),
    );
  });
}
