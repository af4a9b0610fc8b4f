/** What people do with watch alerts: acknowledge (the ladder stops) and resolve with an outcome. */
import type { AlertOutcome, WatcherOutcome } from '@tsunagu/protocol';
import { AppError, notFound } from '../../lib/errors';
import type { Notifier } from './notify';
import type { WatchContext, WatchDeps } from './parts';
import type { AlertRecord } from './store';

export interface AlertActions {
  acknowledge(alertId: number, actor: string): Promise<AlertRecord>;
  resolve(alertId: number, actor: string, outcome: WatcherOutcome, note: string): Promise<AlertRecord>;
}

export function createAlertActions(ctx: WatchContext, deps: WatchDeps & { notify: Notifier }): AlertActions {
  const { alerts, notify } = deps;
  const notOpen = () => new AppError(409, 'ALERT_NOT_OPEN', 'This alert has already been acknowledged or resolved.');
  const resolved = () => new AppError(409, 'ALERT_RESOLVED', 'This alert has already been resolved.');

  return {
    async acknowledge(alertId, actor) {
      const a = await alerts.get(alertId);
      if (!a) throw notFound('alert');
      if (a.state !== 'open') throw notOpen();
      const now = ctx.clock.now();
      await notify.inTransaction(async (outbox) => {
        if (!(await outbox.alerts.acknowledge(alertId, now, actor))) throw notOpen();
        await outbox.alerts.addEvent(alertId, { at: now, type: 'acknowledged', actor, level: a.level });
        notify.updated(outbox, alertId);
        notify.settled(outbox, alertId, 'acknowledged', actor);
      });
      return (await alerts.get(alertId))!;
    },

    async resolve(alertId, actor, outcome, note) {
      const a = await alerts.get(alertId);
      if (!a) throw notFound('alert');
      if (a.state === 'resolved') throw resolved();
      const now = ctx.clock.now();
      await notify.inTransaction(async (outbox) => {
        const tx = outbox.alerts;
        // Resolving implies having seen it: record the acknowledgement too when it was skipped.
        if (a.state === 'open' && (await tx.acknowledge(alertId, now, actor))) {
          await tx.addEvent(alertId, { at: now, type: 'acknowledged', actor, level: a.level });
        }
        if (!(await tx.resolve(alertId, now, actor, outcome satisfies AlertOutcome, note))) throw resolved();
        await tx.addEvent(alertId, { at: now, type: 'resolved', actor, level: a.level, detail: { outcome, note } });
        notify.updated(outbox, alertId);
        notify.settled(outbox, alertId, 'resolved', actor);
        if (a.householdId !== null) notify.board(outbox, a.householdId);
      });
      return (await alerts.get(alertId))!;
    },
  };
}
