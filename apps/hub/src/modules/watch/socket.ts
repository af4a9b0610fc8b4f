/** Socket commands: the terminal's check-in and help request, and watchers acknowledging and resolving alerts live. */

import type { HubContext } from '../../context';
import { notFound } from '../../lib/errors';
import { actorName, cityhallOrWatcher, terminalOf } from '../../lib/principal';
import type { HouseholdsStore } from '../households/store';
import { canSeeAlert } from './access';
import type { WatchService } from './service';
import type { WatchStore } from './store';

export function registerWatchSockets(
  ctx: HubContext,
  deps: { service: WatchService; alerts: WatchStore; households: HouseholdsStore },
): void {
  const { service, alerts, households } = deps;

  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    // Whatever the terminal missed while away: today's status (it resets its button from this).
    // …and a help request still open (the resident sees who has seen it).
    void (async () => {
      socket.emit('checkin:statusChanged', await service.status(principal.householdId));
      const help = await service.helpStatus(principal.householdId);
      if (help) socket.emit('help:statusChanged', help);
    })().catch((err: unknown) => ctx.log.error({ err }, 'watch: the status on connect failed'));
  });
  ctx.sockets.terminalCommand('checkin:submit', { access: 'terminal' }, (payload, { principal, socket }) => {
    const t = terminalOf(principal);
    return service.submitCheckin(t.householdId, t.terminalId, payload, socket.id);
  });
  ctx.sockets.terminalCommand('checkin:status', { access: 'terminal' }, (_payload, { principal }) =>
    service.status(terminalOf(principal).householdId),
  );
  ctx.sockets.terminalCommand('help:request', { access: 'terminal' }, async (_payload, { principal, socket }) => {
    const t = terminalOf(principal);
    const status = await service.requestHelp(t.householdId);
    await ctx.audit.record({
      actor: `terminal:${t.terminalId}`,
      action: 'watch.help_requested',
      target: `alert:${status.alertId}`,
      ip: socket.data.address,
    });
    return status;
  });

  ctx.sockets.onStaffConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'user') return;
    const visible = async (alertId: number) => {
      const a = await alerts.get(alertId);
      if (!a || !(await canSeeAlert(principal, a, households))) throw notFound('alert');
    };
    on('watch:acknowledge', { access: cityhallOrWatcher }, async ({ alertId }) => {
      await visible(alertId);
      const actor = actorName(principal);
      const a = await service.acknowledge(alertId, actor);
      await ctx.audit.record({
        actor,
        action: 'watch.alert_acknowledged',
        target: `alert:${alertId}`,
        ip: socket.data.address,
      });
      return service.toDto(a);
    });
    on('watch:resolve', { access: cityhallOrWatcher }, async ({ alertId, outcome, note }) => {
      await visible(alertId);
      const actor = actorName(principal);
      const a = await service.resolve(alertId, actor, outcome, note ?? '');
      await ctx.audit.record({
        actor,
        action: 'watch.alert_resolved',
        target: `alert:${alertId}`,
        detail: { outcome },
        ip: socket.data.address,
      });
      return service.toDto(a);
    });
  });
}
