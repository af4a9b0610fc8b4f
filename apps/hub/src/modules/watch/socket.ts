/** Socket commands: the terminal's check-in and help request, and watchers acknowledging and resolving alerts live. */

import type { HubContext } from '../../context';
import { notFound } from '../../lib/errors';
import { actorName } from '../../lib/principal';
import type { HouseholdsStore } from '../households/store';
import { canSeeAlert } from './access';
import type { WatchService } from './service';
import type { WatchStore } from './store';

const cityhallOrWatcher = { roles: ['cityhall', 'watcher'] as const };

export function registerWatchSockets(
  ctx: HubContext,
  deps: { service: WatchService; alerts: WatchStore; households: HouseholdsStore },
): void {
  const { service, alerts, households } = deps;

  ctx.sockets.onTerminalConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'terminal') return;
    // Whatever the terminal missed while away: today's status (it resets its button from this).
    socket.emit('checkin:statusChanged', service.status(principal.householdId));
    // …and a help request still open (the resident sees who has seen it).
    const help = service.helpStatus(principal.householdId);
    if (help) socket.emit('help:statusChanged', help);
    on('checkin:submit', { access: 'terminal' }, (payload) =>
      service.submitCheckin(principal.householdId, principal.terminalId, payload),
    );
    on('checkin:status', { access: 'terminal' }, () => service.status(principal.householdId));
    on('help:request', { access: 'terminal' }, async () => {
      const status = service.requestHelp(principal.householdId);
      await ctx.audit.record({
        actor: `terminal:${principal.terminalId}`,
        action: 'watch.help_requested',
        target: `alert:${status.alertId}`,
      });
      return status;
    });
  });

  ctx.sockets.onStaffConnection(({ principal, on }) => {
    if (principal.kind !== 'user') return;
    const visible = (alertId: number) => {
      const a = alerts.get(alertId);
      if (!a || !canSeeAlert(principal, a, households)) throw notFound('alert');
    };
    on('watch:acknowledge', { access: cityhallOrWatcher }, async ({ alertId }) => {
      visible(alertId);
      const actor = actorName(principal);
      const a = service.acknowledge(alertId, actor);
      await ctx.audit.record({ actor, action: 'watch.alert_acknowledged', target: `alert:${alertId}` });
      return service.toDto(a);
    });
    on('watch:resolve', { access: cityhallOrWatcher }, async ({ alertId, outcome, note }) => {
      visible(alertId);
      const actor = actorName(principal);
      const a = service.resolve(alertId, actor, outcome, note ?? '');
      await ctx.audit.record({
        actor,
        action: 'watch.alert_resolved',
        target: `alert:${alertId}`,
        detail: { outcome },
      });
      return service.toDto(a);
    });
  });
}
