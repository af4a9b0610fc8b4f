/** REST: a person's notification settings and devices, and acknowledging an alert through a link. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { forbidden } from '../../lib/errors';
import { actorName, type Principal } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import type { WatchService } from '../watch';
import type { NotificationsService } from './service';

/** People who hear of watch alerts: watchers, and city hall (its disaster support team). */
const alertedStaff = { roles: ['cityhall', 'watcher'] as const };
const tags = ['notifications'];

/** Settings and links belong to a person: an API key has neither. */
function person(p: Principal | null) {
  if (p?.kind !== 'user') throw forbidden('Notification settings belong to a person: sign in.');
  return p.user;
}

export function notificationsRoutes(ctx: HubContext, deps: { service: NotificationsService; watch: WatchService }) {
  const { service, watch } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    add('GET /api/notifications/settings', { access: alertedStaff }, async (request) =>
      service.settings(person(request.principal)),
    );

    add('PUT /api/notifications/settings', { access: alertedStaff }, async (request) => {
      const user = person(request.principal);
      const saved = await service.saveSettings(user, request.body);
      await audited(ctx.audit, request, 'notifications.settings_saved', `user:${user.id}`, {
        mail: saved.mail,
        push: saved.push,
        disasterSupport: saved.disasterSupport,
      });
      return saved;
    });

    add('POST /api/notifications/devices', { access: alertedStaff }, async (request, reply) => {
      const user = person(request.principal);
      const device = await service.addDevice(user, request.body);
      await audited(ctx.audit, request, 'notifications.device_added', `push_device:${device.id}`, {
        label: device.label,
      });
      return reply.status(201).send(device);
    });

    add('DELETE /api/notifications/devices/:id', { access: alertedStaff }, async (request) => {
      const user = person(request.principal);
      const settings = await service.removeDevice(user, request.params.id);
      await audited(ctx.audit, request, 'notifications.device_removed', `push_device:${request.params.id}`);
      return settings;
    });

    add('POST /api/notifications/acknowledge', { access: alertedStaff }, async (request) => {
      const user = person(request.principal);
      const actor = actorName(request.principal);
      const result = await service.acknowledgeByLink(user, request.body.token, async (alertId) =>
        watch.toDto(await watch.acknowledge(alertId, actor)),
      );
      if (result.acknowledged)
        await audited(ctx.audit, request, 'watch.alert_acknowledged', `alert:${result.alertId}`, {
          via: 'link',
          channel: result.channel,
        });
      return { alert: (await watch.alert(result.alertId))!, acknowledged: result.acknowledged };
    });
  };
}
